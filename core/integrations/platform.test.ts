// Acceptance tests of the integration platform against a real webhook sink on 127.0.0.1:
// fault injection, dead letters and replay, disable/enable watermarks, state approval,
// signatures. The clock is a manual one, so backoff is checked exactly.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { SinkFault } from '../../simulators/webhook-sink/sink.ts';
import { SECRET, webhookSetup } from './testing/webhook.ts';

interface JobRow {
  id: number;
  state: string;
  attempts: number;
  next_run_at: number;
  updated_at: number;
  error_class: string | null;
  error_message: string | null;
}

/** A fault mix decided by the key, so every event eventually gets through (≤ 3 failures). */
function faultFor(key: string, attempt: number): SinkFault {
  const h = createHash('sha256').update(key).digest();
  const roll = (h[0] ?? 0) % 25;
  const failures = roll < 13 ? 0 : roll < 19 ? 1 : roll < 23 ? 2 : 3; // failed tries before it is accepted
  if (attempt > failures) return { kind: 'none' };
  const pick = ((h[1] ?? 0) + attempt) % 40;
  if (pick < 16) return { kind: 'status', status: 503 };
  if (pick < 28) return { kind: 'status', status: 429, retryAfterSeconds: 120 };
  if (pick < 37) return { kind: 'reset' };
  if (pick < 39) return { kind: 'slow', ms: 400 }; // accepted, but after our 0.25 s timeout
  return { kind: 'hang' };
}

/** README, Integrations: network, timeout and 429 retry after 1, 5, 15, 30, 60 minutes ±20 %. */
const MINUTE = 60_000;
const RETRY_SCHEDULE_MS = [1 * MINUTE, 5 * MINUTE, 15 * MINUTE, 30 * MINUTE, 60 * MINUTE];
const JITTER = 0.2;

describe('the integration platform, against a real webhook sink', () => {
  it('delivers 1,000 events exactly once through 503s, 429s, timeouts and resets, pausing after three failures in a row', async () => {
    const { s, sink, connectionId, publish } = await webhookSetup({ concurrency: 16 });
    const i = s.integrations;
    sink.setFault(({ key, attempt }) => faultFor(key, attempt));
    const uids = publish(1_000);
    let pauses = 0;
    // Jobs brought forward by a resume wait 0 ms on purpose, until their next try.
    const broughtForward = new Map<number, number>();
    for (let round = 0; round < 400; round++) {
      await i.runner.runUntilIdle();
      // Backoff follows the policy: each waiting job's delay is its attempt's base ± 20 %,
      // or the receiver's Retry-After (120 s) where that is longer.
      const waiting = s.store.db
        .prepare("SELECT * FROM jobs WHERE state = 'failed'")
        .all() as JobRow[];
      for (const j of waiting) {
        if (broughtForward.get(j.id) === j.attempts) continue;
        const base = RETRY_SCHEDULE_MS[j.attempts - 1] ?? 0;
        const delay = j.next_run_at - j.updated_at;
        const jittered = delay >= base * (1 - JITTER) - 1 && delay <= base * (1 + JITTER) + 1;
        const retryAfter =
          j.error_class === 'rate_limit' && delay === 120_000 && base * (1 + JITTER) < 120_000;
        expect(jittered || retryAfter, `job ${j.id} attempt ${j.attempts} waits ${delay} ms`).toBe(
          true,
        );
      }
      const c = i.connections.get(connectionId);
      if (c.state === 'paused') {
        pauses++;
        expect(c.consecutiveFailures).toBeGreaterThanOrEqual(3);
        expect(i.detail(connectionId).health.level).toBe('red');
        for (const j of waiting) broughtForward.set(j.id, j.attempts);
        i.connections.resume('owner', connectionId); // resuming drains the queue
        continue;
      }
      const next = s.store.db
        .prepare("SELECT min(next_run_at) FROM jobs WHERE state IN ('queued', 'failed')")
        .pluck()
        .get() as number | null;
      if (next === null) break;
      s.clock.set(Math.max(next, s.clock.now()));
    }
    const stats = sink.stats();
    expect(stats.eventsAcceptedTwice).toEqual([]);
    expect(stats.accepted).toBe(1_000);
    expect(new Set(sink.accepted().map((a) => a.eventId))).toEqual(new Set(uids));
    expect(stats.failedOnPurpose).toBeGreaterThan(200);
    expect(stats.duplicates).toBeGreaterThan(0); // slow answers were retried and de-duplicated
    expect(pauses).toBeGreaterThan(0);
    const alerts = s.store.db
      .prepare("SELECT count(*) FROM audit_log WHERE action = 'integration.alert'")
      .pluck()
      .get();
    expect(alerts).toBe(pauses);
    expect(
      s.store.db.prepare("SELECT count(*) FROM jobs WHERE state != 'succeeded'").pluck().get(),
    ).toBe(0);
    expect(i.detail(connectionId).health).toMatchObject({
      level: 'green',
      queueDepth: 0,
      deadLetters: 0,
    });
    // The sync log has runs, and the partial ones say which records failed.
    const runs = i.syncLog.list(connectionId, { limit: 1_000 });
    expect(runs.reduce((n, r) => n + r.pushed, 0)).toBe(1_000);
    const partial = runs.find((r) => r.status === 'partial');
    expect(partial && i.syncLog.records(partial.id).some((r) => r.outcome === 'retrying')).toBe(
      true,
    );
  }, 120_000);

  it('sends a 400 to the dead letters at once with the receiver’s message; replay after the fix delivers it once', async () => {
    const { s, sink, connectionId, publish } = await webhookSetup();
    const i = s.integrations;
    sink.setFault({ kind: 'status', status: 400, message: 'total must be a string' });
    const [uid] = publish(1);
    await i.runner.runUntilIdle();
    const dead = i.jobs.deadLetters(connectionId);
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({
      attempts: 1,
      errorClass: 'validation',
      errorMessage: 'The receiver answered 400 Bad Request: total must be a string',
    });
    expect(i.detail(connectionId).health.level).toBe('red');
    sink.setFault({ kind: 'none' });
    expect(i.replay('owner', connectionId, [dead[0]?.id ?? 0])).toBe(1);
    await i.runner.runUntilIdle();
    expect(sink.accepted().map((a) => a.eventId)).toEqual([uid]);
    expect(i.replay('owner', connectionId, 'all')).toBe(0);
    await i.runner.runUntilIdle();
    expect(sink.stats().accepted).toBe(1);
    expect(i.detail(connectionId).health.level).toBe('green');
    expect(s.audit.query({ action: 'integration.replay' }).entries).toHaveLength(2);
  });

  it('catches up from the watermark after a pause when the feature says catch_up', async () => {
    const { s, sink, connectionId, publish } = await webhookSetup();
    const i = s.integrations;
    publish(3);
    await i.runner.runUntilIdle();
    i.connections.pause('owner', connectionId);
    const meanwhile = publish(5);
    await i.runner.runUntilIdle();
    expect(sink.stats().accepted).toBe(3);
    i.connections.resume('owner', connectionId);
    await i.runner.runUntilIdle();
    expect(sink.stats().accepted).toBe(8);
    expect(
      sink
        .accepted()
        .slice(3)
        .map((a) => a.eventId),
    ).toEqual(meanwhile);
  });

  it('starts from now after a pause when the feature says skip, and logs what it skipped', async () => {
    const base = (await import('./registry.ts')).PROVIDER_FILES['webhook.outbound.json'] as {
      features: Record<string, unknown>[];
    };
    const { s, sink, connectionId, publish } = await webhookSetup({
      webhook: { features: base.features.map((f) => ({ ...f, onResume: 'skip' })) as never },
    });
    const i = s.integrations;
    i.connections.pause('owner', connectionId);
    publish(4);
    i.connections.resume('owner', connectionId);
    const after = publish(2);
    await i.runner.runUntilIdle();
    expect(sink.accepted().map((a) => a.eventId)).toEqual(after);
    expect(i.syncLog.list(connectionId, { limit: 10 }).at(-1)?.message).toMatch(/Skipped 4 event/);
  });

  it('switching a feature off and on follows the same rule, and only chosen events are sent', async () => {
    const { s, sink, connectionId, publish } = await webhookSetup();
    const i = s.integrations;
    i.updateFeature('owner', connectionId, 'domain_events', { events: ['backup.completed'] });
    publish(2, 'sale.completed');
    const backups = publish(1, 'backup.completed');
    await i.runner.runUntilIdle();
    expect(sink.accepted().map((a) => a.eventId)).toEqual(backups);
    i.updateFeature('owner', connectionId, 'domain_events', { enabled: false });
    const off = publish(2, 'backup.completed');
    await i.runner.runUntilIdle();
    expect(sink.stats().accepted).toBe(1);
    i.updateFeature('owner', connectionId, 'domain_events', { enabled: true });
    await i.runner.runUntilIdle();
    expect(
      sink
        .accepted()
        .slice(1)
        .map((a) => a.eventId),
    ).toEqual(off);
  });

  it('a first enable starts from now: history before the connection is not sent', async () => {
    const { s, sink, connectionId, publish } = await webhookSetup({ enable: false });
    publish(3);
    await s.integrations.enable('owner', connectionId);
    const fresh = publish(1);
    await s.integrations.runner.runUntilIdle();
    expect(sink.accepted().map((a) => a.eventId)).toEqual(fresh);
    expect(sink.stats().pings).toBe(1); // the connection test
  });

  it('refuses to enable a provider not approved for the store’s state, with the reason', async () => {
    const { s, connectionId } = await webhookSetup({
      enable: false,
      state: 'CA',
      webhook: { approvedStates: ['TX', 'OK'] },
    });
    await expect(s.integrations.enable('owner', connectionId)).rejects.toMatchObject({
      reason: 'not_approved',
      message: 'Signed webhooks is not approved for stores in CA. It is approved in TX, OK.',
    });
    expect(
      s.integrations.catalog('CA').find((e) => e.provider.code === 'webhook.outbound'),
    ).toMatchObject({
      approved: false,
      reason: 'Signed webhooks is not approved for stores in CA. It is approved in TX, OK.',
    });
  });

  it('a receiver refusing the signature pauses the connection and asks to reconnect', async () => {
    const { s, sink, connectionId, publish } = await webhookSetup();
    const i = s.integrations;
    await i.connections.configure('owner', connectionId, { url: sink.url, secret: 'x'.repeat(40) });
    publish(1);
    await i.runner.runUntilIdle();
    expect(sink.stats()).toMatchObject({ accepted: 0, rejected: 1 });
    expect(i.connections.get(connectionId)).toMatchObject({
      state: 'paused',
      attention: 'The provider refused our sign-in. Reconnect the account to resume.',
    });
    await i.connections.configure('owner', connectionId, { secret: SECRET });
    i.retryAll('owner', connectionId);
    await i.runner.runUntilIdle();
    expect(sink.stats().accepted).toBe(1);
  });

  it('honours per-connection limits: jobs at once and jobs per second', async () => {
    const { s, sink, connectionId, publish } = await webhookSetup();
    const i = s.integrations;
    i.connections.setLimits('owner', connectionId, { maxConcurrency: 2, maxPerSecond: 5 });
    sink.setFault({ kind: 'slow', ms: 50 });
    publish(12);
    await i.runner.runUntilIdle();
    expect(sink.stats().accepted).toBe(5); // one second's worth at the manual clock's time
    s.clock.advance(1_000);
    await i.runner.runUntilIdle();
    expect(sink.stats().accepted).toBe(10);
    s.clock.advance(1_000);
    await i.runner.runUntilIdle();
    expect(sink.stats().accepted).toBe(12);
    expect(sink.stats().maxInFlight).toBeLessThanOrEqual(2);
  });

  it('keeps secrets in the keychain: the row has a reference, the audit log no values', async () => {
    const { s, connectionId } = await webhookSetup({ enable: false });
    const row = s.store.db
      .prepare('SELECT config, credential_ref FROM connections WHERE id = ?')
      .get(connectionId) as {
      config: string;
      credential_ref: string;
    };
    expect(row.config).not.toContain(SECRET);
    expect(await s.secrets.get(row.credential_ref)).toContain(SECRET);
    const settings = await s.integrations.connections.settings(connectionId);
    expect(settings.secretsSet).toEqual(['secret']);
    expect(JSON.stringify(settings)).not.toContain(SECRET);
    await expect(
      s.integrations.connections.configure('owner', connectionId, {
        url: 'http://example.com/x',
        secret: 'short',
      }),
    ).rejects.toMatchObject({
      reason: 'invalid_settings',
      fields: [{ path: 'url' }, { path: 'secret' }],
    });
  });
});

describe('scheduled and manual triggers', () => {
  it('a feature moved to a schedule sends nothing live, then everything pending when its schedule fires', async () => {
    const { s, sink, connectionId, publish } = await webhookSetup();
    const i = s.integrations;
    i.updateFeature('owner', connectionId, 'domain_events', {
      trigger: { kind: 'on_schedule', cron: '0 6 * * *' },
    });
    i.dispatcher.startSchedules();
    const pending = publish(4);
    await i.runner.runUntilIdle();
    expect(sink.stats().accepted).toBe(0);
    const [schedule] = i.dispatcher.schedules();
    expect(schedule).toMatchObject({ connectionId, feature: 'domain_events' });
    expect(schedule?.nextRun?.getHours()).toBe(6);
    expect(i.dispatcher.runScheduled(connectionId, 'domain_events')).toBe(4);
    await i.runner.runUntilIdle();
    expect(sink.accepted().map((a) => a.eventId)).toEqual(pending);
    expect(i.syncLog.list(connectionId, { limit: 1 })[0]?.trigger).toBe('on_schedule');
    i.connections.pause('owner', connectionId);
    i.dispatcher.fanOut();
    expect(i.dispatcher.schedules()).toEqual([]); // a paused connection has no timer
    i.dispatcher.stop();
  });

  it('“Sync now” on a manual feature sends what is pending; a test event needs a feature that sends it', async () => {
    const { s, sink, connectionId, publish } = await webhookSetup();
    const i = s.integrations;
    i.updateFeature('owner', connectionId, 'domain_events', { trigger: { kind: 'on_manual' } });
    publish(2);
    await i.runner.runUntilIdle();
    expect(sink.stats().accepted).toBe(0);
    expect(i.runNow('owner', connectionId, 'domain_events')).toEqual({ queued: 2 });
    await i.runner.runUntilIdle();
    expect(sink.stats().accepted).toBe(2);
    expect(i.syncLog.list(connectionId, { limit: 1 })[0]?.trigger).toBe('on_manual');
    i.updateFeature('owner', connectionId, 'domain_events', {
      trigger: null,
      events: ['sale.completed'],
    });
    expect(() => i.sendTestEvent('owner', connectionId)).toThrow(/integration\.test/);
  });
});
