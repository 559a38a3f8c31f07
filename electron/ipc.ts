// The desktop transport of the store API: ipcMain carries the window's requests to the same
// handler the HTTP server uses (core/api/ipc-bridge.ts). Every message's sender frame is
// checked there; refusals are logged and written to the audit log.
import { ipcMain, type IpcMainEvent, type IpcMainInvokeEvent, type WebContents } from 'electron';
import type { StoreServices } from '../core/app/services.ts';
import { createApiHandler } from '../core/api/handler.ts';
import {
  IPC_CANCEL_CHANNEL,
  IPC_CHANNEL,
  IPC_STREAM_CHANNEL,
  createIpcBridge,
  type IpcStreamMessage,
  type SenderFrame,
} from '../core/api/ipc-bridge.ts';
import { APP_ORIGIN } from './security.ts';

/** What Electron knows about the frame that sent a message, in the bridge's terms. */
function senderFrameOf(
  event: IpcMainEvent | IpcMainInvokeEvent,
  isOurWindow: (contents: WebContents) => boolean,
): SenderFrame {
  const frame = event.senderFrame;
  const main = event.sender.mainFrame;
  return {
    url: frame?.url ?? null,
    // Compared by frame id: two WebFrameMain wrappers of one frame need not be the same object.
    isMainFrame:
      frame !== null && frame.parent === null && frame.frameTreeNodeId === main.frameTreeNodeId,
    fromOurWindow: isOurWindow(event.sender),
  };
}

export interface IpcTransport {
  /** Ends every open stream (the page reloaded or the window closed). */
  closeStreams(): void;
  /** Stops answering IPC (quitting). */
  close(): void;
}

export function serveApiOverIpc(o: {
  services: StoreServices;
  isOurWindow: (contents: WebContents) => boolean;
}): IpcTransport {
  const { services } = o;
  const bridge = createIpcBridge({
    handle: createApiHandler(services),
    appOrigin: APP_ORIGIN,
    onRefused: (frame, why) => {
      services.log.warn(`Refused an IPC message: ${why}`, {
        url: frame.url,
        mainFrame: frame.isMainFrame,
        ourWindow: frame.fromOurWindow,
      });
      try {
        services.audit.record({
          actor: 'system',
          action: 'ipc.refused',
          entity: 'ipc',
          outcome: 'denied',
          payload: { url: frame.url, why },
        });
      } catch (error) {
        services.log.error('Could not audit a refused IPC message', { error: String(error) });
      }
    },
  });

  ipcMain.handle(IPC_CHANNEL, (event, message: unknown) => {
    const sender = event.sender;
    const send = (m: IpcStreamMessage) => {
      if (!sender.isDestroyed()) sender.send(IPC_STREAM_CHANNEL, m);
    };
    return bridge.call(senderFrameOf(event, o.isOurWindow), message, send);
  });
  ipcMain.on(IPC_CANCEL_CHANNEL, (event, id: unknown) => {
    bridge.cancel(senderFrameOf(event, o.isOurWindow), id);
  });

  return {
    closeStreams: () => bridge.closeAll(),
    close: () => {
      ipcMain.removeHandler(IPC_CHANNEL);
      ipcMain.removeAllListeners(IPC_CANCEL_CHANNEL);
      bridge.closeAll();
    },
  };
}
