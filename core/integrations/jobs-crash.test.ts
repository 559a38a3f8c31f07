// A crash between a delivery and its record leaves the job "running". The next start re-queues
// it and sends it again under the same idempotency key, so the receiver applies it once. The
// crash is a real one as far as the data is concerned: the services close with the job
// claimed, and new services open the same encrypted file with the same keychain.
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { startWebhookSink, type WebhookSink } from '../../simulators/webhook-sink/sink.ts';
import { ManualClock } from '../clock.ts';
import type { Db } from '../db/open.ts';
import type { SecretStore } from '../secrets/port.ts';
import { makeServices, tempDir, testKeychain } from '../testing/fixtures.ts';
import { eventJobKey } from './dispatcher.ts';
import type { Job } from './jobs.ts';
import { signDelivery } from './webhook/signature.ts';
import { providersWith, SECRET } from './testing/webhook.ts';

interface JobRow {
  id: number;
  state: string;
  attempts: number;
  idempotency_key: string;
}

/** Opens store services on a data folder; closed when the test finishes (closing twice is harmless). */
async function open(o: { dataDir: string; secrets: SecretStore; clock: ManualClock }) {
  const s = await makeServices({
    ...o,
    providers: providersWith({ delivery: { concurrency: 4, perSecond: 50, timeoutSeconds: 2 } }),
  });
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    s.close();
  };
  onTestFinished(close);
  return Object.assign(s, { close });
}

/**
 * A store with an active webhook connection to a real sink, two events fanned out as jobs,
 * and both jobs claimed by a worker (state "running") when the process stops.
 */
async function crashWithJobsRunning() {
  const dataDir = tempDir();
  const secrets = testKeychain();
  const clock = new ManualClock();
  const sink = await startWebhookSink({ secret: SECRET, now: () => clock.now() });
  onTestFinished(() => sink.close());
  const before = await open({ dataDir, secrets, clock });
  before.store.db.prepare("INSERT INTO settings (key, value) VALUES ('store.state', 'TX')").run();
  const i = before.integrations;
  const c = i.create('owner', { provider: 'webhook.outbound' });
  await i.connections.configure('owner', c.id, { url: sink.url, secret: SECRET });
  i.connections.setLimits('owner', c.id, { maxConcurrency: 8, maxPerSecond: 10_000 });
  await i.enable('owner', c.id);
  const uids = [1, 2].map((k) =>
    before.store.db.transaction(
      () =>
        i.outbox.publish({ type: 'sale.completed', entity: 'sale', entityId: k, data: { k } }).uid,
    )(),
  );
  expect(i.dispatcher.fanOut()).toBe(2);
  const claimed = i.jobs.claimDueFor(c.id, clock.now(), 10);
  expect(claimed.map((j) => j.state)).toEqual(['running', 'running']);
  before.close();
  clock.advance(30_000);
  const after = await open({ dataDir, secrets, clock });
  return { dataDir, clock, sink, after, connectionId: c.id, uids, claimed };
}

const jobRows = (s: { store: { db: Db } }) =>
  s.store.db
    .prepare('SELECT id, state, attempts, idempotency_key FROM jobs ORDER BY id')
    .all() as JobRow[];

/** What the first process had already sent for a job before it stopped (same key, same body). */
async function deliveredBeforeTheCrash(sink: WebhookSink, job: Job, nowMs: number) {
  const { event } = job.payload as {
    event: { uid: string; type: string; occurredAt: number; data: unknown };
  };
  const raw = JSON.stringify({
    id: event.uid,
    type: event.type,
    backroomType: event.type,
    occurredAt: new Date(event.occurredAt).toISOString(),
    entity: { kind: 'sale', id: null },
    data: event.data,
  });
  const t = Math.floor(nowMs / 1000);
  const res = await fetch(sink.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'idempotency-key': job.idempotencyKey,
      'backroom-timestamp': String(t),
      'backroom-signature': signDelivery(SECRET, t, raw),
    },
    body: raw,
  });
  expect(await res.json()).toEqual({ status: 'accepted' });
}

describe('jobs interrupted by a crash', () => {
  it('are still "running" in the file after the restart, under their idempotency keys', async () => {
    const { after, connectionId, uids, claimed } = await crashWithJobsRunning();
    expect(jobRows(after)).toEqual(
      claimed.map((j, k) => ({
        id: j.id,
        state: 'running',
        attempts: 1,
        idempotency_key: eventJobKey(uids[k] ?? '', connectionId, 'domain_events'),
      })),
    );
  });

  it('are re-queued at start and delivered once each, with the same idempotency key', async () => {
    const { after, sink, clock, connectionId, uids } = await crashWithJobsRunning();
    const i = after.integrations;
    expect(i.jobs.requeueInterrupted(clock.now())).toBe(2);
    expect(jobRows(after).map((j) => j.state)).toEqual(['queued', 'queued']);
    expect(i.jobs.nextDueAt(connectionId)).toBe(clock.now());
    expect(i.jobs.requeueInterrupted(clock.now())).toBe(0);
    await i.runner.runUntilIdle();
    expect(sink.accepted().map((a) => ({ key: a.key, eventId: a.eventId }))).toEqual(
      uids.map((uid) => ({
        key: eventJobKey(uid, connectionId, 'domain_events'),
        eventId: uid,
      })),
    );
    expect(jobRows(after).map((j) => [j.state, j.attempts])).toEqual([
      ['succeeded', 2],
      ['succeeded', 2],
    ]);
    expect(sink.stats().eventsAcceptedTwice).toEqual([]);
  });

  it('are re-queued by the runner’s start, and a delivery the receiver already had counts once', async () => {
    const { after, sink, clock, connectionId, uids, claimed } = await crashWithJobsRunning();
    const [sent] = claimed;
    if (!sent) throw new Error('no job was claimed');
    // The first process got this one through before it stopped, but never recorded it.
    await deliveredBeforeTheCrash(sink, sent, clock.now());
    const i = after.integrations;
    i.runner.start();
    await vi.waitFor(
      () => expect(jobRows(after).map((j) => j.state)).toEqual(['succeeded', 'succeeded']),
      { timeout: 10_000, interval: 20 },
    );
    await after.drain();
    expect(sink.stats()).toMatchObject({ accepted: 2, duplicates: 1, eventsAcceptedTwice: [] });
    expect(new Set(sink.accepted().map((a) => a.key))).toEqual(
      new Set(uids.map((uid) => eventJobKey(uid, connectionId, 'domain_events'))),
    );
    expect(i.connections.get(connectionId)).toMatchObject({
      state: 'active',
      consecutiveFailures: 0,
    });
  });
});
