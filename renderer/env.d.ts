/// <reference types="vite/client" />
import type { BackroomIpc } from './api/ipc-fetch.ts';

declare global {
  interface Window {
    /** Exposed by preload/ in the desktop window; absent in a plain browser. */
    backroomIpc?: BackroomIpc;
  }
}
