// Mapping tables: our codes -> a provider's codes, versioned by the time a change takes effect,
// so what was sent last month can be explained with last month's mappings. Real SQLite file.
import { describe, expect, it } from 'vitest';
import { servicesForTest } from '../testing/fixtures.ts';
import type { ProviderDefinition } from './model.ts';
import { loadProviders, PROVIDER_FILES } from './registry.ts';

const HOUR = 3_600_000;

/** The shipped definitions, with the webhook's EventName group made one-to-one. */
function oneToOneProviders(): Map<string, ProviderDefinition> {
  const base = PROVIDER_FILES['webhook.outbound.json'] as ProviderDefinition;
  return loadProviders({
    ...PROVIDER_FILES,
    'webhook.outbound.json': {
      ...base,
      mappingGroups: [
        {
          key: 'EventName',
          name: 'Event names the receiver expects',
          cardinality: 'one_to_one',
          internalCodes: 'domain_events',
        },
      ],
    },
  });
}

async function setup(o: { providers?: Map<string, ProviderDefinition> } = {}) {
  const providers = o.providers ?? loadProviders();
  const s = await servicesForTest({ providers });
  const i = s.integrations;
  const quickbooks = providers.get('accounting.quickbooks');
  const webhook = providers.get('webhook.outbound');
  if (!quickbooks || !webhook) throw new Error('the shipped providers are missing');
  const qb = i.connections.create('owner', { provider: 'accounting.quickbooks' }).id;
  const hook = i.connections.create('owner', { provider: 'webhook.outbound' }).id;
  /** Maps a QuickBooks tender at the clock's current time. */
  const setTender = (internalCode: string, externalCode: string | null, actor = 'owner') =>
    i.mappings.set(
      actor,
      {
        connectionId: qb,
        provider: quickbooks,
        group: 'PaymentMethod',
        internalCode,
        externalCode,
      },
      s.clock.now(),
    );
  /** Maps a webhook event name at the clock's current time. */
  const setEvent = (internalCode: string, externalCode: string | null) =>
    i.mappings.set(
      'owner',
      { connectionId: hook, provider: webhook, group: 'EventName', internalCode, externalCode },
      s.clock.now(),
    );
  return { s, i, qb, hook, quickbooks, webhook, setTender, setEvent, t0: s.clock.now() };
}

const externalOf = (ms: { internalCode: string; externalCode: string }[]) =>
  Object.fromEntries(ms.map((m) => [m.internalCode, m.externalCode]));

describe('mappings', () => {
  it('records a change as a new row, so the mapping in force earlier is still the old one', async () => {
    const { s, i, qb, setTender, t0 } = await setup();
    setTender('cash', 'Cash');
    setTender('card', 'Credit card');
    s.clock.advance(HOUR);
    const after = setTender('cash', 'Cash on hand', 'manager');
    expect(externalOf(after)).toEqual({ card: 'Credit card', cash: 'Cash on hand' });
    expect(externalOf(i.mappings.current(qb, 'PaymentMethod', t0))).toEqual({
      card: 'Credit card',
      cash: 'Cash',
    });
    expect(i.mappings.current(qb, 'PaymentMethod', t0 + HOUR)).toEqual([
      {
        internalCode: 'card',
        externalCode: 'Credit card',
        effectiveAt: t0,
        changedBy: 'owner',
        source: 'local',
      },
      {
        internalCode: 'cash',
        externalCode: 'Cash on hand',
        effectiveAt: t0 + HOUR,
        changedBy: 'manager',
        source: 'local',
      },
    ]);
    expect(i.mappings.current(qb, 'PaymentMethod', t0 - 1)).toEqual([]);
    expect(
      s.store.db
        .prepare("SELECT count(*) FROM mappings WHERE internal_code = 'cash'")
        .pluck()
        .get(),
    ).toBe(2);
  });

  it('removes a mapping with a null external code from then on, keeping it in force before', async () => {
    const { s, i, qb, setTender, t0 } = await setup();
    setTender('check', 'Check');
    s.clock.advance(HOUR);
    expect(setTender('check', null)).toEqual([]);
    expect(i.mappings.current(qb, 'PaymentMethod', t0 + HOUR)).toEqual([]);
    expect(externalOf(i.mappings.current(qb, 'PaymentMethod', t0 + HOUR - 1))).toEqual({
      check: 'Check',
    });
    s.clock.advance(HOUR);
    setTender('check', 'Cheque');
    expect(externalOf(i.mappings.current(qb, 'PaymentMethod', t0 + 2 * HOUR))).toEqual({
      check: 'Cheque',
    });
  });

  it('lists every change of a group newest first, removals included', async () => {
    const { s, i, qb, setTender, t0 } = await setup();
    setTender('cash', 'Cash');
    s.clock.advance(HOUR);
    setTender('card', 'Visa/MC', 'manager');
    s.clock.advance(HOUR);
    setTender('cash', null);
    s.clock.advance(HOUR);
    setTender('card', 'Card');
    // Two changes in the same millisecond: the later one is newer.
    setTender('card', 'Card (all networks)');
    expect(
      i.mappings.history(qb, 'PaymentMethod').map((m) => ({
        internalCode: m.internalCode,
        externalCode: m.externalCode,
        effectiveAt: m.effectiveAt,
        changedBy: m.changedBy,
      })),
    ).toEqual([
      {
        internalCode: 'card',
        externalCode: 'Card (all networks)',
        effectiveAt: t0 + 3 * HOUR,
        changedBy: 'owner',
      },
      {
        internalCode: 'card',
        externalCode: 'Card',
        effectiveAt: t0 + 3 * HOUR,
        changedBy: 'owner',
      },
      { internalCode: 'cash', externalCode: null, effectiveAt: t0 + 2 * HOUR, changedBy: 'owner' },
      {
        internalCode: 'card',
        externalCode: 'Visa/MC',
        effectiveAt: t0 + HOUR,
        changedBy: 'manager',
      },
      { internalCode: 'cash', externalCode: 'Cash', effectiveAt: t0, changedBy: 'owner' },
    ]);
    expect(externalOf(i.mappings.current(qb, 'PaymentMethod', t0 + 3 * HOUR))).toEqual({
      card: 'Card (all networks)',
    });
    expect(i.mappings.history(qb, 'TaxCategory')).toEqual([]);
  });

  it('puts every change on the audit log, with who made it', async () => {
    const { s, qb, setTender } = await setup();
    setTender('cash', 'Cash', 'manager');
    setTender('cash', null, 'owner');
    const entries = s.audit.query({ action: 'integration.mapping' }).entries;
    expect(entries).toHaveLength(2);
    expect(entries.map((e) => ({ actor: e.actor, entityId: e.entityId }))).toEqual(
      expect.arrayContaining([
        { actor: 'manager', entityId: String(qb) },
        { actor: 'owner', entityId: String(qb) },
      ]),
    );
  });

  it('refuses, in a one-to-one group, an external code another internal code already uses', async () => {
    const { i, hook, setEvent } = await setup({ providers: oneToOneProviders() });
    setEvent('sale.completed', 'order.paid');
    const e = (() => {
      try {
        setEvent('sale.voided', 'order.paid');
      } catch (error) {
        return error;
      }
      return null;
    })();
    expect(e).toMatchObject({
      kind: 'conflict',
      reason: 'external_code_taken',
      message:
        'order.paid is already mapped from sale.completed; in Event names the receiver expects each code is used once.',
    });
    expect(i.mappings.hasHistory(hook, 'EventName', 'sale.voided')).toBe(false);
    // Mapping the same internal code to its own code again is no conflict.
    expect(externalOf(setEvent('sale.completed', 'order.paid'))).toEqual({
      'sale.completed': 'order.paid',
    });
  });

  it('frees an external code in a one-to-one group once its internal code maps elsewhere or is removed', async () => {
    const { s, setEvent } = await setup({ providers: oneToOneProviders() });
    setEvent('sale.completed', 'order.paid');
    setEvent('rx.ready', 'rx.ready_for_pickup');
    s.clock.advance(1_000);
    setEvent('sale.completed', 'order.closed');
    expect(externalOf(setEvent('sale.voided', 'order.paid'))).toEqual({
      'rx.ready': 'rx.ready_for_pickup',
      'sale.completed': 'order.closed',
      'sale.voided': 'order.paid',
    });
    expect(() => setEvent('rx.picked_up', 'rx.ready_for_pickup')).toThrow(
      expect.objectContaining({ reason: 'external_code_taken' }),
    );
    setEvent('rx.ready', null);
    expect(externalOf(setEvent('rx.picked_up', 'rx.ready_for_pickup'))).toMatchObject({
      'rx.picked_up': 'rx.ready_for_pickup',
    });
  });

  it('lets several internal codes share an external code in a many-to-one group', async () => {
    const { setTender, setEvent } = await setup();
    setTender('cash', 'Cash');
    expect(externalOf(setTender('check', 'Cash'))).toEqual({ cash: 'Cash', check: 'Cash' });
    setEvent('sale.completed', 'sale');
    expect(externalOf(setEvent('sale.voided', 'sale'))).toEqual({
      'sale.completed': 'sale',
      'sale.voided': 'sale',
    });
  });

  it('refuses an internal code the group does not map, and a group the provider does not have', async () => {
    const { i, qb, quickbooks, setTender, setEvent } = await setup();
    expect(() => setTender('bitcoin', 'Crypto')).toThrow(
      expect.objectContaining({
        kind: 'invalid',
        reason: 'unknown_internal_code',
        message: '"bitcoin" is not one of the codes Tenders to QuickBooks payment methods maps.',
      }),
    );
    // EventName maps the store's domain events, and nothing else.
    expect(() => setEvent('sale.refunded', 'refund')).toThrow(
      expect.objectContaining({ reason: 'unknown_internal_code' }),
    );
    expect(() =>
      i.mappings.set(
        'owner',
        {
          connectionId: qb,
          provider: quickbooks,
          group: 'GlAccount',
          internalCode: 'cash',
          externalCode: '1000',
        },
        0,
      ),
    ).toThrow(expect.objectContaining({ kind: 'not_found', reason: 'map_group_not_found' }));
    expect(i.mappings.history(qb, 'PaymentMethod')).toEqual([]);
  });

  it('trims the external code and refuses a blank one (removal is null)', async () => {
    const { i, qb, setTender } = await setup();
    expect(externalOf(setTender('cash', '  Cash  '))).toEqual({ cash: 'Cash' });
    expect(() => setTender('card', '   ')).toThrow(
      expect.objectContaining({ reason: 'external_code_required' }),
    );
    expect(i.mappings.hasHistory(qb, 'PaymentMethod', 'card')).toBe(false);
  });

  it('refuses UPDATE and DELETE on the mappings table: history is never rewritten', async () => {
    const { s, i, qb, setTender } = await setup();
    setTender('cash', 'Cash');
    const db = s.store.db;
    expect(() => db.prepare("UPDATE mappings SET external_code = 'Petty cash'").run()).toThrow(
      /mappings are versioned/,
    );
    expect(() => db.prepare('DELETE FROM mappings').run()).toThrow(/mappings are versioned/);
    expect(i.mappings.history(qb, 'PaymentMethod')).toMatchObject([
      { internalCode: 'cash', externalCode: 'Cash' },
    ]);
  });

  it('answers lookups from a cache that every change clears', async () => {
    const { s, i, qb, setTender } = await setup();
    const lookup = (code: string) => i.mappings.lookup(qb, 'PaymentMethod', code, s.clock.now());
    expect(lookup('cash')).toBeNull(); // caches "nothing mapped"
    setTender('cash', 'Cash');
    expect(lookup('cash')).toBe('Cash');
    s.clock.advance(1_000);
    setTender('cash', 'Cash on hand');
    expect(lookup('cash')).toBe('Cash on hand');
    setTender('cash', null);
    expect(lookup('cash')).toBeNull();
    expect(i.mappings.lookup(qb, 'TaxCategory', 'cash', s.clock.now())).toBeNull();
  });

  it('keeps reference data per connection and kind, with the time it was refreshed', async () => {
    const { s, i, qb, hook, t0 } = await setup();
    expect(i.mappings.reference(qb, 'payment_methods')).toBeNull();
    i.mappings.putReference(
      qb,
      'payment_methods',
      [
        { code: '1', name: 'Cash' },
        { code: '2', name: 'Check' },
      ],
      t0,
    );
    expect(i.mappings.reference(qb, 'payment_methods')).toEqual({
      items: [
        { code: '1', name: 'Cash' },
        { code: '2', name: 'Check' },
      ],
      refreshedAt: t0,
    });
    s.clock.advance(HOUR);
    i.mappings.putReference(qb, 'payment_methods', [{ code: '3', name: 'Visa' }], t0 + HOUR);
    expect(i.mappings.reference(qb, 'payment_methods')).toEqual({
      items: [{ code: '3', name: 'Visa' }],
      refreshedAt: t0 + HOUR,
    });
    expect(i.mappings.reference(qb, 'tax_codes')).toBeNull();
    expect(i.mappings.reference(hook, 'payment_methods')).toBeNull();
    // The mapping screen shows each group with the reference data that offers its codes.
    const view = i.mappingView(qb);
    expect(view.find((g) => g.group.key === 'PaymentMethod')?.reference).toEqual({
      items: [{ code: '3', name: 'Visa' }],
      refreshedAt: t0 + HOUR,
    });
    expect(view.find((g) => g.group.key === 'TaxCategory')?.reference).toBeNull();
  });
});
