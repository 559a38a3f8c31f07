// The only door between the window and the app: one function to send an API request, one to
// listen for streamed responses (live updates), one to cancel a stream. ipcRenderer itself,
// the IPC event objects and Node are never exposed. The main process validates every message
// and its sender frame (core/api/ipc-bridge.ts), so nothing here is trusted.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC_CANCEL_CHANNEL, IPC_CHANNEL, IPC_STREAM_CHANNEL } from './channels.ts';

/** A serialized fetch request for the store API (core/api/ipc-bridge.ts `IpcRequest`). */
export interface IpcRequestMessage {
  id: string;
  path: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body: string | null;
}

/** core/api/ipc-bridge.ts `IpcResponse`: body is null when it streams on onStream. */
export interface IpcResponseMessage {
  status: number;
  headers: Record<string, string>;
  body: string | null;
}

/** core/api/ipc-bridge.ts `IpcStreamMessage`. */
export type IpcStreamMessage =
  { id: string; chunk: string } | { id: string; end: true } | { id: string; error: string };

/** What the renderer finds at `window.backroomIpc`. */
export interface BackroomIpc {
  request(message: IpcRequestMessage): Promise<IpcResponseMessage>;
  /** Calls `listener` with every stream message; returns the function that stops it. */
  onStream(listener: (message: IpcStreamMessage) => void): () => void;
  cancel(id: string): void;
}

const backroomIpc: BackroomIpc = {
  request: (message) => ipcRenderer.invoke(IPC_CHANNEL, message),
  onStream: (listener) => {
    // The event object is dropped: it would hand the page a reference to ipcRenderer.
    const forward = (_event: IpcRendererEvent, message: IpcStreamMessage) => listener(message);
    ipcRenderer.on(IPC_STREAM_CHANNEL, forward);
    return () => {
      ipcRenderer.removeListener(IPC_STREAM_CHANNEL, forward);
    };
  },
  cancel: (id) => {
    ipcRenderer.send(IPC_CANCEL_CHANNEL, String(id));
  },
};

contextBridge.exposeInMainWorld('backroomIpc', backroomIpc);
