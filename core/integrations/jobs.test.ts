import { describe, expect, it } from 'vitest';
import { servicesForTest } from '../testing/fixtures.ts';
import { JobQueue } from './jobs.ts';

/** README, Integrations: network, timeout and 429 retry after 1, 5, 15, 30, 60 minutes ±20 %. */
const MINUTE = 60_000;
const README_RETRY_DELAYS_MS = [1 * MINUTE, 5 * MINUTE, 15 * MINUTE, 30 * MINUTE, 60 * MINUTE];

async function queueWithConnection() {
  const s = await servicesForTest();
  const connectionId = Number(
    s.store.db
      .prepare(
        "INSERT INTO connections (provider, state, created_at, updated_at) VALUES ('webhook.outbound', 'active', 't', 't')",
      )
      .run().lastInsertRowid,
  );
  return { s, q: new JobQueue(s.store.db, s.audit), connectionId, t0: s.clock.now() };
}

describe('the durable job queue', () => {
  it('queues an event once per idempotency key', async () => {
    const { q, connectionId, t0 } = await queueWithConnection();
    const a = q.enqueue(
      {
        connectionId,
        kind: 'webhook.deliver',
        idempotencyKey: 'sale.completed:41',
        payload: { sale: 41 },
      },
      t0,
    );
    const b = q.enqueue(
      {
        connectionId,
        kind: 'webhook.deliver',
        idempotencyKey: 'sale.completed:41',
        payload: { sale: 41 },
      },
      t0,
    );
    expect(a.created).toBe(true);
    expect(b).toEqual({ id: a.id, created: false });
    expect(q.depth(connectionId)).toBe(1);
  });

  it('hands out due jobs oldest first, once each', async () => {
    const { q, connectionId, t0 } = await queueWithConnection();
    for (let i = 0; i < 5; i++)
      q.enqueue({ connectionId, kind: 'k', idempotencyKey: `k${i}`, payload: i }, t0 + i);
    expect(q.claimDueFor(connectionId, t0 + 2, 10).map((j) => j.payload)).toEqual([0, 1, 2]);
    expect(q.claimDueFor(connectionId, t0 + 2, 10)).toEqual([]);
    const later = q.claimDueFor(connectionId, t0 + 10, 1);
    expect(later).toMatchObject([{ payload: 3, state: 'running', attempts: 1 }]);
  });

  it('retries network failures on the backoff schedule, then gives up into the dead letters', async () => {
    const { q, connectionId, t0 } = await queueWithConnection();
    const { id } = q.enqueue({ connectionId, kind: 'k', idempotencyKey: 'x', payload: null }, t0);
    let now = t0;
    for (const base of README_RETRY_DELAYS_MS) {
      expect(q.claimDueFor(connectionId, now, 1)).toHaveLength(1);
      const d = q.fail(id, { errorClass: 'network', message: '503 Service Unavailable' }, now, 0.5);
      expect(d).toEqual({ action: 'retry', delayMs: base });
      expect(q.claimDueFor(connectionId, now + base - 1, 1)).toEqual([]); // not before its time
      now += base;
    }
    q.claimDueFor(connectionId, now, 1);
    expect(
      q.fail(id, { errorClass: 'network', message: '503 Service Unavailable' }, now, 0.5).action,
    ).toBe('dead_letter');
    expect(q.deadLetters(connectionId)).toMatchObject([
      { id, attempts: 6, errorMessage: 'Gave up after 5 retries: 503 Service Unavailable.' },
    ]);
  });

  it('spreads each retry by at most 20 % either side of the schedule (the jitter)', async () => {
    const { q, connectionId, t0 } = await queueWithConnection();
    const { id } = q.enqueue({ connectionId, kind: 'k', idempotencyKey: 'j', payload: null }, t0);
    const failAt = (now: number, random: number) => {
      q.claimDueFor(connectionId, now, 1);
      return q.fail(id, { errorClass: 'timeout', message: 'timed out' }, now, random);
    };
    // 1 minute − 20 % = 48 s; 5 minutes + 20 % = 6 minutes (random just under 1).
    expect(failAt(t0, 0)).toEqual({ action: 'retry', delayMs: 48_000 });
    expect(failAt(t0 + 48_000, 0.999_999)).toEqual({ action: 'retry', delayMs: 360_000 });
  });

  it('sends refused data straight to the dead letters with the provider’s message, and replays it once', async () => {
    const { s, q, connectionId, t0 } = await queueWithConnection();
    const { id } = q.enqueue({ connectionId, kind: 'k', idempotencyKey: 'bad', payload: null }, t0);
    q.claimDueFor(connectionId, t0, 1);
    expect(
      q.fail(id, { errorClass: 'validation', message: 'amount must be positive' }, t0, 0),
    ).toEqual({ action: 'dead_letter', reason: 'amount must be positive' });
    expect(q.depth(connectionId)).toBe(0);
    expect(q.replay(connectionId, 'all', 'owner', t0 + 1)).toBe(1);
    expect(q.replay(connectionId, 'all', 'owner', t0 + 1)).toBe(0);
    expect(q.claimDueFor(connectionId, t0 + 1, 5)).toMatchObject([{ id, attempts: 1 }]);
    expect(s.audit.query({ action: 'integration.replay' }).entries).toHaveLength(2);
  });

  it('dismisses a dead letter with a reason, on record', async () => {
    const { s, q, connectionId, t0 } = await queueWithConnection();
    const { id } = q.enqueue({ connectionId, kind: 'k', idempotencyKey: 'd', payload: null }, t0);
    q.claimDueFor(connectionId, t0, 1);
    q.fail(id, { errorClass: 'business', message: 'duplicate invoice' }, t0, 0);
    q.dismiss(id, 'entered by hand in QuickBooks', 'owner', t0 + 5);
    expect(q.deadLetters(connectionId)).toEqual([]);
    expect(() => q.dismiss(id, 'again', 'owner', t0 + 6)).toThrow(/not in the dead-letter queue/);
    expect(s.audit.query({ action: 'integration.dismiss' }).entries[0]).toMatchObject({
      actor: 'owner',
      entityId: String(id),
    });
  });

  it('keeps a job waiting, not lost, when the provider refuses our sign-in', async () => {
    const { q, connectionId, t0 } = await queueWithConnection();
    const { id } = q.enqueue(
      { connectionId, kind: 'k', idempotencyKey: 'auth', payload: null },
      t0,
    );
    q.claimDueFor(connectionId, t0, 1);
    expect(q.fail(id, { errorClass: 'auth', message: '401' }, t0, 0).action).toBe(
      'pause_connection',
    );
    expect(q.depth(connectionId)).toBe(1);
  });

  it('runs again, with the same key, the jobs that were running when the process stopped', async () => {
    const { q, connectionId, t0 } = await queueWithConnection();
    q.enqueue({ connectionId, kind: 'k', idempotencyKey: 'crash', payload: null }, t0);
    expect(q.claimDueFor(connectionId, t0, 1)).toHaveLength(1);
    expect(q.requeueInterrupted(t0 + 100)).toBe(1);
    expect(q.claimDueFor(connectionId, t0 + 100, 1)).toMatchObject([
      { idempotencyKey: 'crash', attempts: 2 },
    ]);
  });
});
