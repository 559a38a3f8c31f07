// Completing a pickup with every rule checked on the server, recorded append-only with its
// signature, the Rx sold and the SOLD queued for Rx30 once; voids and returns reversed and
// told to Rx30; a card refused while the store is offline, cash taken.
import { describe, expect, it } from 'vitest';
import { createRx30Adapter, rx30Drivers } from '../../drivers/rx30/index.ts';
import { penStroke, SAMPLE_PNG, scribble } from '../signatures/testing.ts';
import { servicesForTest } from '../testing/fixtures.ts';
import type { ReadyMessage } from './messages.ts';
import { readyMessage } from './testing.ts';
import { Rx30Outbox } from './outbox.ts';
import { PickupDesk } from './pickups.ts';
import type { Bag, Checkout } from './rules.ts';

const signature = { png: SAMPLE_PNG, strokes: [penStroke(scribble(40))], width: 600, height: 160 };
const ready = (o: Partial<ReadyMessage>): ReadyMessage =>
  readyMessage({
    fsaHsaEligible: 1000,
    hipaaNoticeRequired: false,
    drug: undefined,
    fillDate: '2026-11-19',
    ...o,
  });

async function pharmacy(o: { fileMode?: boolean } = {}) {
  // The Rx30 connector is there (the pickups' reports are its jobs); nothing runs.
  const s = await servicesForTest({ rx30: { adapter: createRx30Adapter(), drivers: rx30Drivers } });
  s.clock.set(Date.parse('2026-11-21T15:00:00Z'));
  const inbox = s.pharmacy.inbox;
  inbox.apply(ready({ rxNumber: '600123' }));
  inbox.apply(
    ready({ rxNumber: '600124', hipaaNoticeRequired: true, amountDue: 500, fsaHsaEligible: 0 }),
  );
  inbox.apply(
    ready({ rxNumber: '600125', controlledSchedule: 'II', amountDue: 0, fsaHsaEligible: 0 }),
  );
  inbox.apply(
    ready({ rxNumber: '600126', counselingRequired: true, amountDue: 300, fsaHsaEligible: 0 }),
  );
  inbox.apply(ready({ rxNumber: '600127', fillDate: '2026-11-01' }));
  inbox.apply(
    ready({ rxNumber: '700001', patientId: 'P-78', lastName: 'Garner', firstName: 'Andy' }),
  );
  s.profile.update('owner', { name: 'Main Street Pharmacy', state: 'TX' });
  const rx30 = s.integrations.create('owner', { provider: 'pharmacy.rx30', location: 'main' });
  const outbox = new Rx30Outbox({
    jobs: s.integrations.jobs,
    connectionId: () => rx30.id,
    clock: s.clock,
    log: s.log,
  });
  let online = false;
  const desk = new PickupDesk({
    db: s.store.db,
    audit: s.audit,
    clock: s.clock,
    signatures: s.signatures,
    outbox: () => (o.fileMode ? null : outbox),
    online: () => online,
  });
  // What the pickups queued for Rx30: jobs of the pharmacy.rx30 connection, in order.
  const queued = () =>
    (
      s.store.db
        .prepare("SELECT payload FROM jobs WHERE kind LIKE 'rx30.%' ORDER BY id")
        .pluck()
        .all() as string[]
    ).map((m) => JSON.parse(m) as { type: string; id: string; [k: string]: unknown });
  const status = (rx: string) =>
    s.store.db.prepare('SELECT status FROM prescriptions WHERE rx_number = ?').pluck().get(rx);
  return { s, desk, queued, status, goOnline: () => (online = true) };
}

const bagOf = (o: Partial<Bag> = {}): Bag => ({
  patientId: 'P-77',
  dateOfBirth: '1961-04-02',
  rx: [{ rxNumber: '600123', fillNumber: 0 }],
  counseling: 'declined',
  hipaaAcknowledged: false,
  ...o,
});
/** One patient's sale: the bag's fields and the sale's (key, signature, tenders). */
const checkout = (
  o: Partial<Bag> & Partial<Pick<Checkout, 'saleKey' | 'signature' | 'tenders'>> = {},
): Checkout => {
  const { saleKey, tenders, signature: signed, ...bag } = o;
  return {
    saleKey: saleKey ?? 'sale-0001-abcdef',
    bags: [bagOf(bag)],
    // Left out: signed; given as undefined: not signed.
    ...('signature' in o ? (signed ? { signature: signed } : {}) : { signature }),
    tenders: tenders ?? [{ type: 'cash', amount: 1250 }],
  };
};

const invoiceOf = (sale: { pickups: { invoice: string }[] }) => sale.pickups[0]?.invoice ?? '';

const reasonOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as { reason?: string }).reason ?? String(e);
  }
  return 'completed';
};

describe('completing a pickup', () => {
  it('records it with its signature, marks the Rx sold and queues one SOLD, however often submitted', async () => {
    const { s, desk, queued, status } = await pharmacy();
    const sale = desk.complete('lena', checkout());
    expect(sale).toMatchObject({ total: 1250, fsaHsaTotal: 1000, toldRx30: true });
    expect(desk.complete('lena', checkout())).toEqual(sale);
    const [done] = sale.pickups;
    if (!done) throw new Error('no pickup');
    expect(status('600123')).toBe('sold');
    expect(queued()).toEqual([
      expect.objectContaining({
        type: 'SOLD',
        id: `SOLD-${done.invoice}`,
        invoice: done.invoice,
        lines: [{ rxNumber: '600123', fillNumber: 0, amount: 1250 }],
        payments: [{ type: 'cash', amount: 1250 }],
        counseling: 'declined',
        idCaptured: false,
      }),
    ]);
    expect(s.signatures.forRecord({ type: 'rx_pickup', id: done.invoice })).toHaveLength(1);
    expect(() => s.store.db.prepare('DELETE FROM pickups').run()).toThrow(/never removed/);
  });

  it('refuses what the rules do not allow, each with its reason', async () => {
    const { desk } = await pharmacy();
    const rx = (n: string) => [{ rxNumber: n, fillNumber: 0 }];
    expect(reasonOf(() => desk.complete('lena', checkout({ dateOfBirth: '1961-04-03' })))).toBe(
      'dob_mismatch',
    );
    expect(reasonOf(() => desk.complete('lena', checkout({ rx: rx('700001') })))).toBe(
      'other_patient',
    );
    expect(
      reasonOf(() =>
        desk.complete(
          'lena',
          checkout({
            rx: [...rx('600123'), ...rx('600123')],
            tenders: [{ type: 'cash', amount: 2500 }],
          }),
        ),
      ),
    ).toBe('rx_twice');
    expect(reasonOf(() => desk.complete('lena', checkout({ rx: rx('600127') })))).toBe(
      'past_window',
    );
    expect(reasonOf(() => desk.complete('lena', checkout({ signature: undefined })))).toBe(
      'signature_required',
    );
    expect(
      reasonOf(() =>
        desk.complete(
          'lena',
          checkout({ rx: rx('600124'), tenders: [{ type: 'cash', amount: 500 }] }),
        ),
      ),
    ).toBe('hipaa_ack_required');
    expect(reasonOf(() => desk.complete('lena', checkout({ rx: rx('600125'), tenders: [] })))).toBe(
      'id_required',
    );
    expect(
      reasonOf(() =>
        desk.complete('lena', checkout({ tenders: [{ type: 'cash', amount: 1000 }] })),
      ),
    ).toBe('tenders_total');
    expect(desk.pastWindow().map((r) => r.rxNumber)).toEqual(['600127']);
  });

  it('holds a pickup needing a pharmacist consult until a pharmacist signs it off', async () => {
    const { desk } = await pharmacy();
    const c = checkout({
      rx: [{ rxNumber: '600126', fillNumber: 0 }],
      counseling: 'pharmacist',
      tenders: [{ type: 'cash', amount: 300 }],
    });
    expect(reasonOf(() => desk.complete('lena', c))).toBe('consult_required');
    desk.signOffConsult('dr.kim', { saleKey: c.saleKey, patientId: 'P-77' });
    expect(desk.complete('lena', c).total).toBe(300);
  });

  it('takes the ID for a controlled substance and tells Rx30 only that it was seen', async () => {
    const { desk, queued } = await pharmacy();
    const id = {
      type: 'drivers_license',
      number: 'TX1234567',
      jurisdiction: 'tx',
      relation: 'self',
    };
    const done = desk.complete(
      'lena',
      checkout({ rx: [{ rxNumber: '600125', fillNumber: 0 }], tenders: [], idCapture: id }),
    );
    const sold = queued().at(-1);
    expect(sold).toMatchObject({ idCaptured: true, invoice: done.pickups[0]?.invoice });
    expect(JSON.stringify(sold)).not.toContain('TX1234567');
  });

  it('refuses a card while the store is offline, takes cash, and keeps only the card reference once online', async () => {
    const { desk, queued, goOnline } = await pharmacy();
    const card = {
      type: 'card' as const,
      amount: 1250,
      reference: 'T-889',
      authCode: 'A1B2',
      last4: '4242',
      brand: 'Visa',
      entry: 'tap' as const,
    };
    expect(reasonOf(() => desk.complete('lena', checkout({ tenders: [card] })))).toBe(
      'offline_card',
    );
    goOnline();
    desk.complete('lena', checkout({ tenders: [card] }));
    expect(queued().at(-1)?.payments).toEqual([{ type: 'card', amount: 1250, reference: 'T-889' }]);
  });

  it('voids a pickup (the Rx ready again) and returns an Rx (to stock), telling Rx30 each once', async () => {
    const { desk, queued, status } = await pharmacy();
    const first = invoiceOf(desk.complete('lena', checkout()));
    desk.voidPickup('lena', first, 'Rang up the wrong patient');
    expect(status('600123')).toBe('ready');
    expect(reasonOf(() => desk.voidPickup('lena', first, 'again'))).toBe('already_voided');
    const second = invoiceOf(desk.complete('lena', checkout({ saleKey: 'sale-0002-abcdef' })));
    desk.returnRx(
      'lena',
      second,
      { rxNumber: '600123', fillNumber: 0 },
      'Wrong strength dispensed',
    );
    expect(status('600123')).toBe('returned_to_stock');
    expect(
      reasonOf(() => desk.returnRx('lena', second, { rxNumber: '600123', fillNumber: 0 }, 'again')),
    ).toBe('already_returned');
    expect(queued().map((m) => m.type)).toEqual(['SOLD', 'VOID', 'SOLD', 'RETURN']);
  });

  it('keeps several patients in one sale apart: a record, invoice and SOLD each, paid together', async () => {
    const { s, desk, queued, status, goOnline } = await pharmacy();
    goOnline();
    const sale: Checkout = {
      saleKey: 'sale-0003-family',
      bags: [
        bagOf({
          rx: [
            { rxNumber: '600123', fillNumber: 0 },
            { rxNumber: '600126', fillNumber: 0 },
          ],
          counseling: 'pharmacist',
        }),
        bagOf({
          patientId: 'P-78',
          dateOfBirth: '1961-04-02',
          rx: [{ rxNumber: '700001', fillNumber: 0 }],
          counseling: 'accepted',
        }),
      ],
      signature,
      // 12.50 + 3.00 for Mills, 12.50 for Garner: 20.00 cash, the rest on a card.
      tenders: [
        { type: 'cash', amount: 2000 },
        {
          type: 'card',
          amount: 800,
          reference: 'T-9',
          authCode: 'OK1',
          last4: '4242',
          brand: 'Visa',
          entry: 'chip',
        },
      ],
    };
    // The consult is signed off for Mills only: Garner's bag does not need one.
    expect(reasonOf(() => desk.complete('lena', sale))).toBe('consult_required');
    desk.signOffConsult('dr.kim', { saleKey: sale.saleKey, patientId: 'P-77' });
    const done = desk.complete('lena', sale);
    expect(done.total).toBe(2800);
    expect(done.tenders).toEqual([
      { type: 'cash', amount: 2000 },
      { type: 'card', amount: 800 },
    ]);
    expect(done.pickups.map((p) => [p.total, p.tenders])).toEqual([
      [1550, [{ type: 'cash', amount: 1550 }]],
      [
        1250,
        [
          { type: 'cash', amount: 450 },
          { type: 'card', amount: 800 },
        ],
      ],
    ]);
    const rows = s.store.db
      .prepare('SELECT patient_id, sale, pharmacist, counseling FROM pickups ORDER BY rowid')
      .all();
    expect(rows).toEqual([
      { patient_id: 'P-77', sale: sale.saleKey, pharmacist: 'dr.kim', counseling: 'pharmacist' },
      { patient_id: 'P-78', sale: sale.saleKey, pharmacist: null, counseling: 'accepted' },
    ]);
    const sold = queued();
    expect(sold.map((m) => [m.invoice, m.lines])).toEqual([
      [
        done.pickups[0]?.invoice,
        [
          { rxNumber: '600123', fillNumber: 0, amount: 1250 },
          { rxNumber: '600126', fillNumber: 0, amount: 300 },
        ],
      ],
      [done.pickups[1]?.invoice, [{ rxNumber: '700001', fillNumber: 0, amount: 1250 }]],
    ]);
    expect(sold[1]?.payments).toEqual([
      { type: 'cash', amount: 450 },
      { type: 'card', amount: 800, reference: 'T-9' },
    ]);
    for (const p of done.pickups)
      expect(s.signatures.forRecord({ type: 'rx_pickup', id: p.invoice })).toHaveLength(1);
    expect(['600123', '600126', '700001'].map(status)).toEqual(['sold', 'sold', 'sold']);
    // The same sale again is the same sale, nothing more.
    expect(desk.complete('lena', sale)).toEqual(done);
    expect(queued()).toHaveLength(2);
  });

  it('refuses a patient twice in one sale and one Rx in two bags', async () => {
    const { desk } = await pharmacy();
    const two = (a: Bag, b: Bag, amount: number): Checkout => ({
      saleKey: 'sale-0004-abcdef',
      bags: [a, b],
      signature,
      tenders: [{ type: 'cash', amount }],
    });
    expect(
      reasonOf(() =>
        desk.complete(
          'lena',
          two(bagOf(), bagOf({ rx: [{ rxNumber: '600124', fillNumber: 0 }] }), 1750),
        ),
      ),
    ).toBe('patient_twice');
    expect(
      reasonOf(() =>
        desk.complete(
          'lena',
          two(
            bagOf(),
            bagOf({ patientId: 'P-78', rx: [{ rxNumber: '600123', fillNumber: 0 }] }),
            2500,
          ),
        ),
      ),
    ).toBe('rx_twice');
  });

  it('does not void a pickup one of whose Rx was returned (it would come back ready)', async () => {
    const { desk, status } = await pharmacy();
    const invoice = invoiceOf(desk.complete('lena', checkout()));
    desk.returnRx('lena', invoice, { rxNumber: '600123', fillNumber: 0 }, 'Wrong strength');
    expect(reasonOf(() => desk.voidPickup('lena', invoice, 'Rang up wrong'))).toBe('has_returns');
    expect(status('600123')).toBe('returned_to_stock');
  });

  it('lists the day without patient data, finds a sale by any invoice (audited), voids only that day', async () => {
    const { s, desk } = await pharmacy();
    const first = invoiceOf(desk.complete('lena', checkout()));
    desk.returnRx('lena', first, { rxNumber: '600123', fillNumber: 0 }, 'Wrong strength');
    const second = invoiceOf(
      desk.complete(
        'lena',
        checkout({
          saleKey: 'sale-0005-abcdef',
          rx: [{ rxNumber: '600124', fillNumber: 0 }],
          hipaaAcknowledged: true,
          tenders: [{ type: 'cash', amount: 500 }],
        }),
      ),
    );
    expect(desk.day('2026-11-21')).toEqual([
      expect.objectContaining({ invoice: second, rxCount: 1, returned: 0, voided: false }),
      expect.objectContaining({ invoice: first, rxCount: 1, returned: 1, voided: false }),
    ]);
    expect(JSON.stringify(desk.day('2026-11-21'))).not.toMatch(/600123|P-77/);
    expect(desk.day('2026-11-20')).toEqual([]);
    const [found] = desk.find('lena', first);
    expect(found).toMatchObject({
      invoice: first,
      lines: [{ rxNumber: '600123', fillNumber: 0, amount: 1250, returned: true }],
      canVoid: false,
    });
    const views = s.audit.query({ action: 'patient.view' }).entries;
    expect(views.map((e) => [e.actor, e.entityId])).toEqual([['lena', 'P-77']]);
    expect(reasonOf(() => desk.find('lena', 'P20261121-9999-nope'))).toBe('pickup_not_found');
    expect(desk.find('lena', second)[0]?.canVoid).toBe(true);
    s.clock.set(Date.parse('2026-11-22T15:00:00Z'));
    expect(desk.find('lena', second)[0]?.canVoid).toBe(false);
    expect(reasonOf(() => desk.voidPickup('lena', second, 'Too late'))).toBe('void_same_day');
    desk.returnRx('lena', second, { rxNumber: '600124', fillNumber: 0 }, 'Patient changed mind');
  });

  it('in file mode records the pickup locally and says Rx30 is not told', async () => {
    const { desk, queued } = await pharmacy({ fileMode: true });
    expect(desk.complete('lena', checkout()).toldRx30).toBe(false);
    expect(queued()).toEqual([]);
  });
});
