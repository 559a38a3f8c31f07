// The pharmacy.rx30 connector as the integration platform sees it: "Test connection" reaches
// the Rx30 server (a HEARTBEAT answered over the connection's framing) or the drop folder;
// the relay itself runs apart (core/pharmacy/control.ts) because Rx30 is one long-lived link,
// not jobs. Both read the settings with rx30SettingsOf, so the test tries what the relay runs.
import fs from 'node:fs';
import type { ProviderAdapter } from '../../core/integrations/adapter.ts';
import { rx30FileNameProblem, rx30SettingsOf } from '../../core/pharmacy/control.ts';
import { framers } from './framing.ts';
import { createSocketLink, Rx30Refused } from './socket.ts';

export function createRx30Adapter(): ProviderAdapter {
  return {
    async test(ctx) {
      const s = rx30SettingsOf(ctx.settings);
      if (s.mode === 'file') {
        const folder = s.folder ?? '';
        if (!folder) return { ok: false, message: 'Enter the folder Rx30 writes its file into.' };
        const badFileName = rx30FileNameProblem(s.fileName);
        if (badFileName) return { ok: false, message: badFileName };
        // The drop file itself may not be there yet: Rx30 writes it when a prescription is ready.
        const isDir = fs.statSync(folder, { throwIfNoEntry: false })?.isDirectory() ?? false;
        return isDir
          ? { ok: true }
          : {
              ok: false,
              message: `${folder} is not a folder this PC can read: check the path and the share.`,
            };
      }
      const host = s.host ?? '';
      const port = s.port ?? 0;
      if (!host || !port)
        return { ok: false, message: 'Enter the Rx30 server’s address and port.' };
      const link = createSocketLink({
        host,
        port,
        framer: framers[s.framing],
        ackTimeoutMs: 3_000,
        heartbeatMs: 60_000,
      });
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
      } catch (error) {
        await link.stop();
        return { ok: false, message: error instanceof Error ? error.message : String(error) };
      }
      try {
        await link.send({ type: 'HEARTBEAT', id: `T${Date.now().toString(36)}` });
        return { ok: true };
      } catch (error) {
        if (error instanceof Rx30Refused) return { ok: false, message: error.message };
        // Connected but no answer: most often the two sides frame their messages differently.
        const why = error instanceof Error ? error.message : String(error);
        return {
          ok: false,
          message: `${why} Check that Rx30 speaks the ${s.framing} framing set here.`,
        };
      } finally {
        await link.stop();
      }
    },
    async perform() {
      return {
        ok: false,
        errorClass: 'validation',
        // Never called: the provider is deliveredBy "relay", so the workers leave its jobs to
        // the relay's link (core/pharmacy/outbox.ts). Said plainly should that ever change.
        message: 'The Rx30 relay sends this connection’s pickup reports itself, over its own link.',
      };
    },
  };
}
