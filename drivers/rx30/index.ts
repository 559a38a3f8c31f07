// What the launchers hand the store server for Rx30: the relay's socket link and file import.
import type { Rx30Drivers } from '../../core/pharmacy/control.ts';
import { createFileModeImport } from './file-mode.ts';
import { createSocketLink } from './socket.ts';

export { createRx30Adapter } from './adapter.ts';

export const rx30Drivers: Rx30Drivers = {
  socketLink: ({ host, port }) => createSocketLink({ host, port }),
  fileImport: ({ folder, sink }) => createFileModeImport({ folder, fileName: 'rx30.txt', sink }),
};
