// The transactional outbox and the dispatcher's fan-out: an event exists if and only if its
// change committed, and becomes one job per subscribed active connection and feature, however
// often the fan-out runs. Real SQLite file; the workers are not running, so queued jobs stay.
import { describe, expect, it } from 'vitest';
import { servicesForTest } from '../testing/fixtures.ts';
import { eventJobKey } from './dispatcher.ts';
import { loadProviders } from './registry.ts';
import type { DomainEventType } from './model.ts';

const passing = async () => ({ ok: true as const });

/**
 * A store in TX with three active connections: signed webhooks (every store event) and the
 * pharmacy system at two locations (pickups, voids and returns only). The shipped Rx30
 * connector sends through its own relay ("deliveredBy": "relay", not fanned out); here it is
 * the workers' kind, the shape these fan-out rules are about.
 */
async function setup() {
  const providers = loadProviders();
  const rx30 = providers.get('pharmacy.rx30');
  if (rx30) providers.set('pharmacy.rx30', { ...rx30, deliveredBy: 'workers' });
  const s = await servicesForTest({ providers });
  s.store.db.prepare("INSERT INTO settings (key, value) VALUES ('store.state', 'TX')").run();
  const i = s.integrations;
  const connect = async (provider: string, location?: string) => {
    const c = i.connections.create('owner', { provider, ...(location ? { location } : {}) });
    await i.connections.enable('owner', c.id, passing);
    return c.id;
  };
  const webhook = await connect('webhook.outbound');
  const north = await connect('pharmacy.rx30', 'north');
  const south = await connect('pharmacy.rx30', 'south');
  /** Publishes one event in its own transaction, as a domain change would. */
  const publish = (type: DomainEventType, entityId: number | string = 1) =>
    s.store.db.transaction(() => i.outbox.publish({ type, entity: 'x', entityId, data: {} }))();
  const keysOf = (connectionId: number): string[] =>
    s.store.db
      .prepare('SELECT idempotency_key FROM jobs WHERE connection_id = ? ORDER BY id')
      .pluck()
      .all(connectionId) as string[];
  const jobCount = () => s.store.db.prepare('SELECT count(*) FROM jobs').pluck().get() as number;
  const feature = (connectionId: number, key: string) =>
    i.features.get(
      connectionId,
      i.connections.provider(i.connections.get(connectionId).provider),
      key,
    );
  return { s, i, webhook, north, south, publish, keysOf, jobCount, feature };
}

const caught = async (f: () => unknown): Promise<unknown> => {
  try {
    await f();
  } catch (error) {
    return error;
  }
  return null;
};

describe('the transactional outbox', () => {
  it('keeps no event of a change that rolled back', async () => {
    const { s, i, webhook, publish, keysOf } = await setup();
    const head = i.outbox.head();
    let rolledBack = '';
    expect(() =>
      s.store.db.transaction(() => {
        s.store.db
          .prepare("INSERT INTO settings (key, value) VALUES ('store.name', 'Main St')")
          .run();
        rolledBack = i.outbox.publish({ type: 'sale.completed', data: { total: 1200 } }).uid;
        throw new Error('the card was declined');
      })(),
    ).toThrow('the card was declined');
    expect(rolledBack).not.toBe('');
    expect(i.outbox.head()).toBe(head);
    expect(i.outbox.after(0, 100).map((e) => e.uid)).not.toContain(rolledBack);
    expect(
      s.store.db.prepare("SELECT count(*) FROM settings WHERE key = 'store.name'").pluck().get(),
    ).toBe(0);
    expect(i.dispatcher.fanOut()).toBe(0);
    // The next committed event is sent, and only it.
    const { uid } = publish('sale.completed');
    expect(i.dispatcher.fanOut()).toBe(1);
    expect(keysOf(webhook)).toEqual([eventJobKey(uid, webhook, 'domain_events')]);
  });

  it('keeps an event that committed, with what it describes, oldest first', async () => {
    const { s, i, publish } = await setup();
    const a = publish('sale.completed', 41);
    s.clock.advance(5_000);
    const b = publish('backup.completed', 'nightly');
    expect(i.outbox.after(0, 10)).toEqual([
      {
        id: a.id,
        uid: a.uid,
        type: 'sale.completed',
        entity: 'x',
        entityId: '41',
        data: {},
        occurredAt: s.clock.now() - 5_000,
      },
      {
        id: b.id,
        uid: b.uid,
        type: 'backup.completed',
        entity: 'x',
        entityId: 'nightly',
        data: {},
        occurredAt: s.clock.now(),
      },
    ]);
    expect(i.outbox.after(a.id, 10).map((e) => e.uid)).toEqual([b.uid]);
    expect(i.outbox.head()).toBe(b.id);
    expect(i.outbox.get(a.id)?.uid).toBe(a.uid);
  });

  it('refuses to change or remove an event: the outbox is append-only', async () => {
    const { s, i, publish } = await setup();
    const { id } = publish('sale.completed');
    const db = s.store.db;
    expect(() =>
      db.prepare("UPDATE domain_events SET type = 'sale.voided' WHERE id = ?").run(id),
    ).toThrow(/domain events are append-only/);
    expect(() => db.prepare('DELETE FROM domain_events WHERE id = ?').run(id)).toThrow(
      /domain events are append-only/,
    );
    expect(i.outbox.get(id)?.type).toBe('sale.completed');
  });
});

describe('the dispatcher’s fan-out', () => {
  it('leaves a connector that sends through its own relay alone (the shipped Rx30)', async () => {
    const s = await servicesForTest();
    s.store.db.prepare("INSERT INTO settings (key, value) VALUES ('store.state', 'TX')").run();
    const c = s.integrations.connections.create('owner', {
      provider: 'pharmacy.rx30',
      location: 'main',
    });
    await s.integrations.connections.enable('owner', c.id, passing);
    s.store.db.transaction(() =>
      s.integrations.outbox.publish({ type: 'rx.picked_up', entity: 'x', entityId: 1, data: {} }),
    )();
    expect(s.integrations.dispatcher.fanOut()).toBe(0);
    expect(s.store.db.prepare('SELECT count(*) FROM jobs').pluck().get()).toBe(0);
  });

  it('queues one job per event for each active connection that subscribes to it', async () => {
    const { i, webhook, north, south, publish, keysOf } = await setup();
    const picked = [publish('rx.picked_up', 1), publish('rx.picked_up', 2)];
    const sale = publish('sale.completed', 3);
    expect(i.dispatcher.fanOut()).toBe(7);
    expect(keysOf(webhook)).toEqual(
      [...picked, sale].map((e) => eventJobKey(e.uid, webhook, 'domain_events')),
    );
    for (const c of [north, south])
      expect(keysOf(c)).toEqual(picked.map((e) => eventJobKey(e.uid, c, 'pickups')));
    const [first] = i.jobs.claimDueFor(north, Number.MAX_SAFE_INTEGER, 1);
    expect(first).toMatchObject({
      kind: 'deliver_event',
      feature: 'pickups',
      idempotencyKey: eventJobKey(picked[0]?.uid ?? '', north, 'pickups'),
      payload: { event: { uid: picked[0]?.uid, type: 'rx.picked_up', entityId: '1' } },
    });
  });

  it('queues nothing new when it runs again, and moves each feature’s watermark to the last event', async () => {
    const { i, webhook, north, publish, jobCount, feature } = await setup();
    publish('rx.picked_up');
    publish('rx.returned');
    const last = publish('sale.completed');
    // rx.picked_up: all three; rx.returned: the pharmacy system only; sale.completed: the webhook.
    expect(i.dispatcher.fanOut()).toBe(6);
    expect(feature(webhook, 'domain_events').watermark).toBe(last.id);
    expect(feature(north, 'pickups').watermark).toBe(last.id);
    expect(i.dispatcher.fanOut()).toBe(0);
    expect(jobCount()).toBe(6);
  });

  it('never queues an event twice for a feature, even when its watermark is set back', async () => {
    const { s, i, publish, jobCount } = await setup();
    publish('rx.picked_up');
    publish('sale.completed');
    expect(i.dispatcher.fanOut()).toBe(4);
    s.store.db.prepare('UPDATE connection_features SET watermark = 0').run();
    expect(i.dispatcher.fanOut()).toBe(0);
    expect(jobCount()).toBe(4);
  });

  it('skips events of types a feature does not send, and still moves its watermark past them', async () => {
    const { i, webhook, north, south, publish, keysOf, feature } = await setup();
    i.updateFeature('owner', webhook, 'domain_events', { events: ['backup.failed'] });
    publish('sale.completed');
    const last = publish('backup.completed');
    expect(i.dispatcher.fanOut()).toBe(0);
    for (const c of [webhook, north, south]) expect(keysOf(c)).toEqual([]);
    expect(feature(webhook, 'domain_events').watermark).toBe(last.id);
    expect(feature(north, 'pickups').watermark).toBe(last.id);
    expect(feature(south, 'pickups').watermark).toBe(last.id);
    // A later event of a chosen type is sent: the skipped ones are not waiting in front of it.
    const failed = publish('backup.failed');
    expect(i.dispatcher.fanOut()).toBe(1);
    expect(keysOf(webhook)).toEqual([eventJobKey(failed.uid, webhook, 'domain_events')]);
  });

  it('queues nothing for a paused connection, and catches it up when it resumes', async () => {
    const { i, north, south, publish, keysOf, feature } = await setup();
    const before = feature(north, 'pickups').watermark;
    i.connections.pause('owner', north);
    const e = publish('rx.picked_up');
    expect(i.dispatcher.fanOut()).toBe(2); // the webhook and the south location
    expect(keysOf(north)).toEqual([]);
    expect(keysOf(south)).toEqual([eventJobKey(e.uid, south, 'pickups')]);
    expect(feature(north, 'pickups').watermark).toBe(before);
    i.connections.resume('owner', north);
    expect(i.dispatcher.fanOut()).toBe(1);
    expect(keysOf(north)).toEqual([eventJobKey(e.uid, north, 'pickups')]);
  });

  it('queues nothing for a feature switched off', async () => {
    const { i, north, publish, keysOf } = await setup();
    i.updateFeature('owner', north, 'pickups', { enabled: false });
    publish('rx.picked_up');
    expect(i.dispatcher.fanOut()).toBe(2);
    expect(keysOf(north)).toEqual([]);
  });

  it('fans out more events than one batch holds, each once', async () => {
    const { s, i, north, south, keysOf, feature } = await setup();
    i.connections.pause('owner', south); // two connections subscribe: the webhook and north
    const published = s.store.db.transaction(() =>
      Array.from({ length: 2_345 }, (_, k) =>
        i.outbox.publish({ type: 'rx.picked_up', entityId: k, data: {} }),
      ),
    )();
    expect(i.dispatcher.fanOut()).toBe(2 * 2_345);
    expect(keysOf(north)).toEqual(published.map((e) => eventJobKey(e.uid, north, 'pickups')));
    // The watermark stands on the last of the 2,345 events, not short of it after a batch.
    expect(feature(north, 'pickups').watermark).toBe(published.at(-1)?.id);
  });
});

describe('“Sync now” on an event feature', () => {
  it('queues that connection’s pending events at once, and records who asked', async () => {
    const { s, i, north, south, publish, keysOf } = await setup();
    const e = publish('rx.returned');
    expect(i.runNow('manager', north, 'pickups')).toEqual({ queued: 1 });
    expect(keysOf(north)).toEqual([eventJobKey(e.uid, north, 'pickups')]);
    expect(keysOf(south)).toEqual([]); // other connections wait for the dispatcher
    expect(i.runNow('manager', north, 'pickups')).toEqual({ queued: 0 });
    expect(s.audit.query({ action: 'integration.sync_now' }).entries[0]).toMatchObject({
      actor: 'manager',
      entityId: String(north),
    });
  });

  it('is refused for a paused connection, and for a feature switched off', async () => {
    const { i, north, south, publish, keysOf } = await setup();
    publish('rx.picked_up');
    i.connections.pause('owner', north);
    expect(await caught(() => i.dispatcher.runNow(north, 'pickups'))).toMatchObject({
      kind: 'conflict',
      reason: 'not_active',
    });
    expect(keysOf(north)).toEqual([]);
    i.updateFeature('owner', south, 'pickups', { enabled: false });
    expect(await caught(() => i.dispatcher.runNow(south, 'pickups'))).toMatchObject({
      reason: 'feature_off',
    });
    expect(keysOf(south)).toEqual([]);
  });
});
