// The bound book against a real encrypted SQLite file: append-only entries, corrections that
// keep the original, serial uniqueness, and the background-check gate on dispositions.
import { describe, expect, it } from 'vitest';
import { GLOCK, LIPSEYS, RUGER, SIG } from '../testing/firearms.ts';
import { servicesForTest } from '../testing/fixtures.ts';
import type { AcquisitionInput, FirearmInput } from './model.ts';
import { abbreviatedFfl, fflNumberSchema } from './model.ts';

const DAY = 86_400_000;
const DISTRIBUTOR = LIPSEYS;

async function ledger() {
  // ManualClock starts Monday 2026-01-05.
  const s = await servicesForTest();
  const acquire = (firearms: FirearmInput[], receivedOn = '2026-01-05') =>
    s.firearms.acquire('carlos', {
      receivedOn,
      source: DISTRIBUTOR,
      firearms,
    } satisfies AcquisitionInput);
  return { s, acquire, f: s.firearms };
}

describe('the bound book', () => {
  it('enters a distributor invoice of several firearms at once, in entry order', async () => {
    const { acquire } = await ledger();
    const entries = await acquire([GLOCK, SIG, RUGER]);
    expect(entries.map((e) => e.serial)).toEqual(['ABC123', '66A-0042', '0001-2345']);
    expect(entries.map((e) => e.entryNo)).toEqual([1, 2, 3]);
    expect(entries[0]).toMatchObject({
      sourceName: 'Lipsey’s LLC',
      sourceFfl: '9-86-123-01-7K-12345',
      recordedBy: 'carlos',
    });
  });

  it('refuses a second open firearm with the same manufacturer, serial and type, showing the clash — and enters none of the batch', async () => {
    const { s, acquire } = await ledger();
    acquire([GLOCK]);
    expect(() => acquire([SIG, { ...GLOCK, manufacturer: 'GLOCK ', serial: 'abc123' }])).toThrow(
      'Serial abc123 (GLOCK pistol) is already in stock: acquired 2026-01-05, entry 1.',
    );
    expect(s.store.db.prepare('SELECT count(*) FROM ledger_acquisitions').pluck().get()).toBe(1);
    // Same serial, another type or maker, is another firearm.
    expect(() =>
      acquire([
        { ...GLOCK, type: 'frame' },
        { ...GLOCK, manufacturer: 'Kimber' },
      ]),
    ).not.toThrow();
  });

  it('never lets a raw UPDATE or DELETE touch a committed entry', async () => {
    const { s, acquire, f } = await ledger();
    const [entry] = acquire([RUGER]);
    const db = s.store.db;
    expect(() =>
      db
        .prepare("UPDATE ledger_acquisitions SET serial = 'X' WHERE entry_no = ?")
        .run(entry?.entryNo),
    ).toThrow(/never changed/);
    expect(() => db.prepare('DELETE FROM ledger_acquisitions').run()).toThrow(/never removed/);
    const d = f.startDisposition('carlos', entry?.itemId ?? 0, {
      kind: 'licensee',
      transfereeName: 'Gun Shop B',
      transfereeFfl: '5-74-015-07-8C-04321',
    });
    f.commitDisposition('carlos', d.id);
    expect(() =>
      db.prepare("UPDATE ledger_dispositions SET transferee_name = 'Y' WHERE id = ?").run(d.id),
    ).toThrow(/never changed/);
    expect(() =>
      db.prepare("UPDATE ledger_dispositions SET state = 'pending' WHERE id = ?").run(d.id),
    ).toThrow(/never changed/);
    expect(() => db.prepare('DELETE FROM ledger_dispositions').run()).toThrow(/never removed/);
  });

  it('keeps the original visible when an entry is corrected, with who, when and why', async () => {
    const { acquire, f } = await ledger();
    const [entry] = acquire([{ ...SIG, model: 'P356' }]);
    const fixed = f.correctAcquisition('maria', entry?.entryNo ?? 0, {
      firearm: SIG,
      receivedOn: '2026-01-05',
      source: DISTRIBUTOR,
      reason: 'Model typed wrong; the slide reads P365.',
    });
    expect(fixed).toMatchObject({
      corrects: entry?.entryNo,
      recordedBy: 'maria',
      model: 'P365',
      correctionReason: 'Model typed wrong; the slide reads P365.',
    });
    expect(f.acquisitions('original').map((e) => e.model)).toEqual(['P356']);
    expect(f.acquisitions('corrected').map((e) => e.model)).toEqual(['P365']);
    expect(f.acquisitions('both').map((e) => [e.model, e.corrects])).toEqual([
      ['P356', null],
      ['P365', entry?.entryNo],
    ]);
  });

  it('checks FFL numbers and derives the abbreviated one for privately made firearms', () => {
    expect(fflNumberSchema.parse('98612301 7k 12345'.replace(/ /g, ''))).toBe(
      '9-86-123-01-7K-12345',
    );
    expect(fflNumberSchema.safeParse('12-345').success).toBe(false);
    expect(abbreviatedFfl('9-86-123-01-7K-12345')).toBe('98612345');
  });
});

describe('a disposition to a non-licensee', () => {
  async function sale() {
    const l = await ledger();
    const [glock, sig] = l.acquire([GLOCK, SIG]);
    const items = [glock?.itemId ?? 0, sig?.itemId ?? 0];
    const check = l.s.checks.start('carlos', {
      form4473: 'T-1001',
      buyerKey: 'buyer-7',
      itemIds: items,
      itemTypes: ['pistol'],
      state: 'TX',
      buyerUnder21: false,
    });
    const dispose = (itemId: number, checkId = check.id) =>
      l.f.startDisposition('carlos', itemId, {
        kind: 'non_licensee',
        form4473: 'T-1001',
        transfereeName: 'Pat Buyer',
        transfereeAddress: '1 Main St, Austin TX',
        buyerKey: 'buyer-7',
        checkId,
      });
    return { ...l, items, check, dispose };
  }

  it('waits for a delayed check, refusing with the date, then commits once the wait is over', async () => {
    const { s, f, check, items, dispose } = await sale();
    s.checks.record('carlos', check.id, { kind: 'submit', on: '2026-01-08' }); // Thursday
    s.clock.set(Date.UTC(2026, 0, 8, 15));
    s.checks.record('carlos', check.id, { kind: 'delayed', on: '2026-01-08', ntn: '100ABC' });
    const [a, b] = items.map((i) => dispose(i));
    expect(() => f.commitDisposition('carlos', a?.id ?? 0)).toThrow(
      'The check is delayed: the transfer may proceed on 2026-01-14 if no denial arrives first.',
    );
    expect(s.audit.query({ action: 'firearm.dispose' }).entries[0]).toMatchObject({
      outcome: 'denied',
    });
    s.clock.set(Date.UTC(2026, 0, 14, 15)); // Wednesday
    expect(f.commitDisposition('carlos', a?.id ?? 0)).toMatchObject({
      state: 'committed',
      disposed_on: '2026-01-14',
      multiple_sale: 0,
    });
    // The second pistol to the same buyer within 5 business days: the 3310.4 flag.
    expect(f.commitDisposition('carlos', b?.id ?? 0)).toMatchObject({
      state: 'committed',
      multiple_sale: 1,
    });
  });

  it('refuses a denied check, no check, or a 4473 whose items changed since the check', async () => {
    const { s, f, check, items, acquire, dispose } = await sale();
    const noCheck = f.startDisposition('carlos', items[0] ?? 0, {
      kind: 'non_licensee',
      form4473: 'T-2002',
      transfereeName: 'Pat Buyer',
      transfereeAddress: '1 Main St',
      buyerKey: 'buyer-7',
    });
    expect(() => f.commitDisposition('carlos', noCheck.id)).toThrow(/Run a background check/);
    f.cancelDisposition('carlos', noCheck.id);
    s.checks.record('carlos', check.id, { kind: 'submit', on: '2026-01-05' });
    s.checks.record('carlos', check.id, { kind: 'proceed', on: '2026-01-05', ntn: '100XYZ' });
    const [extra] = acquire([RUGER]);
    const d = [...items, extra?.itemId ?? 0].map((i) => dispose(i));
    expect(() => f.commitDisposition('carlos', d[0]?.id ?? 0)).toThrow(/changed since the check/);
    f.cancelDisposition('carlos', d[2]?.id ?? 0);
    expect(f.commitDisposition('carlos', d[0]?.id ?? 0).state).toBe('committed');

    const l2 = await sale();
    l2.s.checks.record('carlos', l2.check.id, { kind: 'submit', on: '2026-01-05' });
    l2.s.checks.record('carlos', l2.check.id, { kind: 'denied', on: '2026-01-05' });
    const denied = l2.dispose(l2.items[0] ?? 0);
    expect(() => l2.f.commitDisposition('carlos', denied.id)).toThrow(
      'The check was denied: do not transfer.',
    );
    // Denied checks stay on file.
    expect(() => l2.s.store.db.prepare('DELETE FROM background_checks').run()).toThrow(
      /stay on file/,
    );
  });

  it('undisposes by a correction: the committed entry stays, the firearm is back in stock', async () => {
    const { s, f, check, items, dispose } = await sale();
    s.checks.record('carlos', check.id, { kind: 'submit', on: '2026-01-05' });
    s.checks.record('carlos', check.id, { kind: 'proceed', on: '2026-01-05' });
    const [a] = items.map((i) => dispose(i));
    f.commitDisposition('carlos', a?.id ?? 0);
    const voiding = f.undispose('maria', a?.id ?? 0, 'Entered against the wrong serial.');
    expect(voiding).toMatchObject({ corrects: a?.id, voided: 1 });
    expect(f.disposition(a?.id ?? 0)).toMatchObject({ state: 'committed', voided: 0 });
    expect(
      s.store.db.prepare('SELECT status FROM firearm_items WHERE id = ?').pluck().get(items[0]),
    ).toBe('in_stock');
    expect(() => f.undispose('maria', a?.id ?? 0, 'again')).toThrow(/already corrected/);
    s.clock.advance(DAY);
  });
});

describe('a suspect serial', () => {
  it('is held (no reservation, no disposition) until released with a reason; escalating keeps it held', async () => {
    const { s, acquire, f } = await ledger();
    const [entry] = acquire([GLOCK]);
    const itemId = entry?.itemId ?? 0;
    const toShop = {
      kind: 'licensee' as const,
      transfereeName: 'Gun Shop B',
      transfereeFfl: '5-74-015-07-8C-04321',
    };
    f.flagSuspect('carlos', itemId, 'Serial looks re-stamped');
    expect(() => f.startDisposition('carlos', itemId, toShop)).toThrow(/on hold for review/);
    f.reviewHold('maria', itemId, { decision: 'escalate', reason: 'Sent photos to ATF' });
    expect(f.holds()).toEqual([
      {
        itemId,
        serial: 'ABC123',
        manufacturer: 'Glock',
        model: '19',
        hold: 'escalated',
        reason: 'Sent photos to ATF',
      },
    ]);
    expect(() => f.startDisposition('carlos', itemId, toShop)).toThrow(/on hold/);
    f.reviewHold('maria', itemId, { decision: 'release', reason: 'ATF confirmed the serial' });
    expect(f.holds()).toEqual([]);
    expect(f.startDisposition('carlos', itemId, toShop).state).toBe('pending');
    expect(
      s.audit.query({ entity: 'firearm', entityId: String(itemId) }).entries.map((e) => e.action),
    ).toEqual([
      'firearm.reserve',
      'firearm.release',
      'firearm.escalate',
      'firearm.hold',
      'firearm.acquire',
    ]);
  });
});

describe('searching the book', () => {
  it('finds by serial, name, date, type, model, maker and caliber, sorted by entry, date or name', async () => {
    const { acquire, f } = await ledger();
    acquire([GLOCK, SIG], '2026-01-02');
    const [ruger] = acquire([RUGER], '2026-01-05');
    f.correctAcquisition('maria', ruger?.entryNo ?? 0, {
      firearm: { ...RUGER, model: '10/22 Carbine' },
      receivedOn: '2026-01-05',
      source: DISTRIBUTOR,
      reason: 'Model as engraved',
    });
    const d = f.startDisposition('carlos', ruger?.itemId ?? 0, {
      kind: 'licensee',
      transfereeName: 'Zed Arms',
      transfereeFfl: '5-74-015-07-8C-04321',
    });
    f.commitDisposition('carlos', d.id);
    const serials = (q: Parameters<typeof f.search>[0]) => f.search(q).map((r) => r.serial);
    expect(serials({ serial: 'abc 1' })).toEqual(['ABC123']);
    expect(serials({ serial: '66a-' })).toEqual(['66A-0042']);
    expect(serials({ serial: '%' })).toEqual([]); // wildcards are literal
    expect(serials({ name: 'zed' })).toEqual(['0001-2345']);
    expect(serials({ type: 'pistol' })).toEqual(['ABC123', '66A-0042']);
    expect(serials({ model: 'carbine' })).toEqual(['0001-2345']); // as corrected
    expect(serials({ manufacturer: 'sig', caliber: '9mm' })).toEqual(['66A-0042']);
    expect(serials({ from: '2026-01-04' })).toEqual(['0001-2345']);
    expect(serials({ to: '2026-01-03' })).toEqual(['ABC123', '66A-0042']);
    expect(serials({ sort: 'date' })[0]).toBe('0001-2345');
    expect(serials({ sort: 'name' })).toEqual(['ABC123', '66A-0042', '0001-2345']);
    expect(f.search({ serial: '0001' })[0]).toMatchObject({
      entry: 3,
      status: 'disposed',
      transfereeName: 'Zed Arms',
      disposedOn: '2026-01-05',
    });
    expect(serials({ limit: 1, offset: 1 })).toEqual(['66A-0042']);
  });
});
