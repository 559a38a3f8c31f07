// The pharmacy.rx30 connector as the integration platform sees it: "Test connection" reaches
// the Rx30 server (a HEARTBEAT answered) or the drop folder; the relay itself runs apart
// (core/pharmacy/control.ts) because Rx30 is one long-lived link, not jobs.
import fs from 'node:fs';
import type { ProviderAdapter } from '../../core/integrations/adapter.ts';
import { createSocketLink } from './socket.ts';

export function createRx30Adapter(): ProviderAdapter {
  return {
    async test(ctx) {
      const s = ctx.settings;
      if (s['mode'] === 'file') {
        const folder = typeof s['folder'] === 'string' ? s['folder'] : '';
        if (!folder) return { ok: false, message: 'Enter the folder Rx30 writes its file into.' };
        const isDir = fs.statSync(folder, { throwIfNoEntry: false })?.isDirectory() ?? false;
        return isDir
          ? { ok: true }
          : {
              ok: false,
              message: `${folder} is not a folder this PC can read: check the path and the share.`,
            };
      }
      const host = typeof s['host'] === 'string' ? s['host'] : '';
      const port = typeof s['port'] === 'number' ? s['port'] : 0;
      if (!host || !port)
        return { ok: false, message: 'Enter the Rx30 server’s address and port.' };
      const link = createSocketLink({ host, port, ackTimeoutMs: 3_000, heartbeatMs: 60_000 });
      try {
        const connected = new Promise<void>((resolve, reject) => {
          const timer = setTimeout(
            () => reject(new Error(`Rx30 at ${host}:${port} did not answer.`)),
            5_000,
          );
          link.start({
            onMessage: () => ({ ack: false, reason: 'Testing the connection only.' }),
            onBadInput: () => undefined,
            onState: (state) => {
              if (state === 'connected') {
                clearTimeout(timer);
                resolve();
              }
            },
          });
        });
        await connected;
        await link.send({ type: 'HEARTBEAT', id: `T${Date.now().toString(36)}` });
        return { ok: true };
      } catch (error) {
        return { ok: false, message: error instanceof Error ? error.message : String(error) };
      } finally {
        await link.stop();
      }
    },
    async perform() {
      return {
        ok: false,
        errorClass: 'validation',
        message: 'Pickups go to Rx30 through the relay’s own outbox, not as integration jobs.',
      };
    },
  };
}
