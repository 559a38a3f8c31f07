// SIGKILL the real store server while it delivers webhooks, many times. Every event the API
// acknowledged must reach the sink, and the sink must never accept an event twice: a job cut
// off mid-delivery is re-queued at start and re-sent under the same idempotency key.
import { describe, expect, it } from 'vitest';
import { startWebhookSink } from '../../simulators/webhook-sink/sink.ts';
import { OWNER, tempDir } from '../testing/fixtures.ts';
import {
  call,
  killServer,
  killServersAfterAll,
  startServerProcess,
} from '../testing/server-process.ts';
import { SECRET } from './testing/webhook.ts';

killServersAfterAll();

const KEYRING = 'backroom-delivery-crash-test';

describe('a store server killed mid-delivery', () => {
  it('loses no acknowledged event and never delivers one twice, across many SIGKILLs', async () => {
    const dataDir = tempDir();
    const sink = await startWebhookSink({ secret: SECRET });
    // Answers take 0–20 ms, so kills land between "accepted" and "recorded" too.
    sink.setFault(({ requestNumber }) => ({ kind: 'slow', ms: requestNumber % 21 }));
    const acked: string[] = [];
    let connectionId = 0;
    try {
      for (let round = 0; round < 7; round++) {
        const { child, url } = await startServerProcess(dataDir, KEYRING);
        if (round === 0) await call(url, 'setup.createOwner', OWNER);
        const { token } = await call<{ token: string }>(url, 'auth.login', {
          username: OWNER.username,
          password: OWNER.password,
        });
        if (round === 0) {
          await call(
            url,
            'store.updateProfile',
            { name: 'Main Street Outfitters', state: 'TX' },
            token,
          );
          connectionId = (
            await call<{ id: number }>(
              url,
              'integrations.create',
              { provider: 'webhook.outbound' },
              token,
            )
          ).id;
          await call(
            url,
            'integrations.configure',
            { id: connectionId, values: { url: sink.url, secret: SECRET } },
            token,
          );
          await call(
            url,
            'integrations.setLimits',
            { id: connectionId, maxConcurrency: 4, maxPerSecond: 1000 },
            token,
          );
          await call(url, 'integrations.enable', { id: connectionId }, token);
        }
        // Two writers publish events until the kill lands at a random moment.
        let killed = false;
        const kill = new Promise<void>((resolve) =>
          setTimeout(
            () => {
              killed = true;
              void killServer(child).then(resolve);
            },
            150 + Math.random() * 350,
          ),
        );
        await Promise.all(
          [0, 1].map(async () => {
            while (!killed) {
              try {
                const { eventId } = await call<{ eventId: string }>(
                  url,
                  'integrations.sendTestEvent',
                  { id: connectionId },
                  token,
                );
                acked.push(eventId);
              } catch {
                // Cut off by the kill: not acknowledged, so not counted.
              }
            }
          }),
        );
        await kill;
      }
      expect(acked.length).toBeGreaterThan(50);
      // One last start delivers whatever was left.
      const { child } = await startServerProcess(dataDir, KEYRING);
      await expect
        .poll(() => acked.every((id) => sink.accepted().some((a) => a.eventId === id)), {
          timeout: 30_000,
          interval: 200,
        })
        .toBe(true);
      await killServer(child);
      const stats = sink.stats();
      expect(stats.eventsAcceptedTwice).toEqual([]);
      // Everything it accepted was acknowledged, or committed just before a kill cut the answer.
      expect(stats.accepted).toBeGreaterThanOrEqual(acked.length);
      expect(stats.accepted - acked.length).toBeLessThanOrEqual(2 * 7);
    } finally {
      await sink.close();
    }
  }, 120_000);
});
