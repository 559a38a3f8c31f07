// What the launchers hand the store server for Rx30: the relay's socket link and file import.
import type { Rx30Drivers } from '../../core/pharmacy/control.ts';
import { createFileModeImport } from './file-mode.ts';
import { framers } from './framing.ts';
import { createSocketLink } from './socket.ts';

export { createRx30Adapter } from './adapter.ts';

export const rx30Drivers: Rx30Drivers = {
  socketLink: ({ host, port, framing }) =>
    createSocketLink({ host, port, framer: framers[framing] }),
  fileImport: ({ folder, fileName, sink }) => createFileModeImport({ folder, fileName, sink }),
};
