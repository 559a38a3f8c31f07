// The IPC channel names, copied from core/api/ipc-bridge.ts because preload/ may import only
// `electron` (it runs sandboxed, bundled on its own). electron/preload.test.ts fails if the
// two copies ever differ.
export const IPC_CHANNEL = 'backroom:api';
export const IPC_STREAM_CHANNEL = 'backroom:api-stream';
export const IPC_CANCEL_CHANNEL = 'backroom:api-cancel';
