// Reconciling the bound book against a real encrypted SQLite file, with the book written by
// the real FirearmsLedger. Where a test needs a book the ledger would never write (a firearm
// marked disposed of with no disposition, say), it crafts it with the raw INSERTs and status
// UPDATEs the triggers still allow, as a damaged or hand-edited file would have them.
import { describe, expect, it } from 'vitest';
import { GLOCK, LIPSEYS, PMF, RUGER, SIG, TO_SHOP } from '../testing/firearms.ts';
import { servicesForTest } from '../testing/fixtures.ts';
import { runWorker, workerScript } from '../workers.ts';
import type { AcquisitionInput, FirearmInput } from './model.ts';
import {
  consistencyCheck,
  deadlinesOn,
  defaultStoreHours,
  inventoryAudit,
  overdue,
  StoreHours,
  storeHoursSchema,
  storeTimeToMs,
  type StoreHoursConfig,
} from './reconcile.ts';

const DAY = 86_400_000;
const HOUR = 3_600_000;
/** Another maker's pistol with the Glock's serial: a different firearm. */
const KIMBER: FirearmInput = { ...GLOCK, manufacturer: 'Kimber', model: 'Micro 9' };
const DISTRIBUTOR = LIPSEYS;

const weekdays = { mon: '18:00', tue: '18:00', wed: '18:00', thu: '18:00', fri: '18:00' };
/** A store open Monday to Friday until 18:00 in Chicago, closed on federal holidays. */
const MON_FRI: StoreHoursConfig = {
  timeZone: 'America/Chicago',
  closes: { sun: null, sat: null, ...weekdays },
  holidays: 'federal',
};
/** The same, open Saturdays too (the shipped default's days). */
const MON_SAT: StoreHoursConfig = {
  ...MON_FRI,
  closes: { sun: null, sat: '18:00', ...weekdays },
};
const monFri = new StoreHours(MON_FRI);
const monSat = new StoreHours(MON_SAT);

/** 18:00 in Chicago in January (CST, UTC−6) is midnight UTC of the next day. */
const chicagoClose = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d + 1, 0, 0);

async function book() {
  // ManualClock starts Monday 2026-01-05 09:00 UTC.
  const s = await servicesForTest();
  const db = s.store.db;
  const f = s.firearms;
  /** Enters firearms received on a date, at the clock's time (or at `at`). */
  const acquire = (firearms: FirearmInput[], receivedOn = '2026-01-05', at?: number) => {
    if (at !== undefined) s.clock.set(at);
    return f.acquire('carlos', {
      receivedOn,
      source: DISTRIBUTOR,
      firearms,
    } satisfies AcquisitionInput);
  };
  const one = (firearm: FirearmInput, receivedOn?: string, at?: number) => {
    const [entry] = acquire([firearm], receivedOn, at);
    if (!entry) throw new Error('no entry');
    return entry;
  };
  /** Transfers to a licensee at once. */
  const transfer = (itemId: number) =>
    f.commitDisposition('carlos', f.startDisposition('carlos', itemId, TO_SHOP).id);
  const status = (itemId: number, to: string) =>
    db.prepare('UPDATE firearm_items SET status = ? WHERE id = ?').run(to, itemId);
  return { s, db, f, acquire, one, transfer, status };
}

describe('store hours', () => {
  it('puts a Friday receipt due by close of Monday when the store is closed on weekends', () => {
    expect(monFri.nextBusinessDayClose('2026-01-09')).toEqual({
      date: '2026-01-12',
      closesAt: chicagoClose(2026, 1, 12),
    });
    // Open Saturdays: due Saturday; a Saturday receipt skips the closed Sunday.
    expect(monSat.nextBusinessDayClose('2026-01-09').date).toBe('2026-01-10');
    expect(monSat.nextBusinessDayClose('2026-01-10').date).toBe('2026-01-12');
    // The receipt day itself never counts, even on a day the store is open.
    expect(monFri.nextBusinessDayClose('2026-01-05').date).toBe('2026-01-06');
  });

  it('skips the holidays the store closes for', () => {
    // Thanksgiving (Thursday 2026-11-26).
    expect(monFri.nextBusinessDayClose('2026-11-25').date).toBe('2026-11-27');
    // Christmas on a Friday: open Saturday, so due Saturday.
    expect(monSat.nextBusinessDayClose('2026-12-24').date).toBe('2026-12-26');
    // New Year's Day (Friday 2027-01-01) after a weekend-closed store's Thursday.
    expect(monFri.nextBusinessDayClose('2026-12-31').date).toBe('2027-01-04');
  });

  it('closes on a holiday’s own date, or on the federal observed date when told so', () => {
    // July 4, 2026 is a Saturday; federal offices observe it on Friday July 3.
    expect(monSat.isOpen('2026-07-04')).toBe(false);
    expect(monSat.isOpen('2026-07-03')).toBe(true);
    expect(monSat.nextBusinessDayClose('2026-07-03').date).toBe('2026-07-06');
    const observed = new StoreHours({ ...MON_SAT, holidayDates: 'observed' });
    expect(observed.isOpen('2026-07-03')).toBe(false);
    expect(observed.isOpen('2026-07-04')).toBe(true);
    expect(observed.nextBusinessDayClose('2026-07-02').date).toBe('2026-07-04');
  });

  it('skips one-off closures and uses each day’s own closing time', () => {
    const inventoryDay = new StoreHours({
      ...MON_SAT,
      closes: { ...MON_SAT.closes, sat: '15:30' },
      closedDates: ['2026-01-06'],
    });
    expect(inventoryDay.nextBusinessDayClose('2026-01-05').date).toBe('2026-01-07');
    expect(inventoryDay.nextBusinessDayClose('2026-01-09')).toEqual({
      date: '2026-01-10',
      closesAt: Date.UTC(2026, 0, 10, 21, 30),
    });
  });

  it('finds the closing instant in the store’s time zone across a daylight-saving change', () => {
    const ny = new StoreHours({ ...MON_SAT, timeZone: 'America/New_York' });
    // Clocks go forward on Sunday 2026-03-08: Saturday closes 18:00 EST, Monday 18:00 EDT.
    expect(ny.nextBusinessDayClose('2026-03-06').closesAt).toBe(Date.UTC(2026, 2, 7, 23, 0));
    expect(ny.nextBusinessDayClose('2026-03-07').closesAt).toBe(Date.UTC(2026, 2, 9, 22, 0));
    // 05:00 that Sunday is after the 02:00 change, though 05:00 UTC is before it.
    expect(storeTimeToMs('2026-03-08', '05:00', 'America/New_York')).toBe(
      Date.UTC(2026, 2, 8, 9, 0),
    );
    expect(storeTimeToMs('2026-11-01', '05:00', 'America/New_York')).toBe(
      Date.UTC(2026, 10, 1, 10, 0),
    );
    expect(ny.dateOf(Date.UTC(2026, 2, 10, 3, 59))).toBe('2026-03-09');
    expect(ny.dateOf(Date.UTC(2026, 2, 10, 4, 0))).toBe('2026-03-10');
  });

  it('ships default hours: Monday to Saturday, closed Sundays and federal holidays', () => {
    expect(
      ['2026-01-10', '2026-01-11', '2026-01-12'].map((d) => defaultStoreHours.isOpen(d)),
    ).toEqual([true, false, true]);
    expect(defaultStoreHours.isOpen('2026-11-26')).toBe(false);
  });

  it('takes the disposition and marking limits from the rule data in force', () => {
    expect(deadlinesOn('2026-01-05')).toMatchObject({ dispositionDays: 7, pmfMarkDays: 7 });
    // Before the first version took effect, the oldest applies.
    expect(deadlinesOn('2001-01-01')).toEqual(deadlinesOn('2022-08-24'));
  });

  it('refuses hours that make no sense', () => {
    const closed = { sun: null, mon: null, tue: null, wed: null, thu: null, fri: null, sat: null };
    expect(storeHoursSchema.safeParse({ ...MON_FRI, closes: closed }).success).toBe(false);
    expect(storeHoursSchema.safeParse({ ...MON_FRI, timeZone: 'Mars/Olympus' }).success).toBe(
      false,
    );
    expect(
      storeHoursSchema.safeParse({ ...MON_FRI, closes: { ...MON_FRI.closes, mon: '6pm' } }).success,
    ).toBe(false);
  });
});

describe('overdue entries', () => {
  it('reports nothing for an empty book', async () => {
    const { db } = await book();
    expect(overdue(db, { now: Date.UTC(2026, 5, 1), storeHours: monFri })).toEqual([]);
  });

  it('reports an acquisition entered after close of the store’s next business day, in words a clerk follows', async () => {
    const { db, one } = await book();
    // Received Friday, entered Tuesday 10:00 in Chicago: due by close of Monday.
    one(GLOCK, '2026-01-09', Date.UTC(2026, 0, 13, 16));
    const alerts = overdue(db, { now: Date.UTC(2026, 0, 20), storeHours: monFri });
    expect(alerts).toEqual([
      {
        kind: 'late_entry',
        itemId: 1,
        entry: 1,
        manufacturer: 'Glock',
        model: '19',
        serial: 'ABC123',
        dispositionId: null,
        dueOn: '2026-01-12',
        dueAt: chicagoClose(2026, 1, 12),
        daysOverdue: 1,
        message:
          'Entry 1 (Glock 19, serial ABC123) was received 2026-01-09 and entered 2026-01-13: due by close of 2026-01-12.',
      },
    ]);
    // A store open Saturdays had it due Saturday: three days late.
    expect(overdue(db, { now: Date.UTC(2026, 0, 20), storeHours: monSat })[0]).toMatchObject({
      dueOn: '2026-01-10',
      daysOverdue: 3,
    });
  });

  it('counts an entry made at the very moment the store closes as on time, and one millisecond later as late', async () => {
    const { db, one } = await book();
    const close = chicagoClose(2026, 1, 12); // Monday 18:00 in Chicago
    one(GLOCK, '2026-01-09', close);
    one(SIG, '2026-01-09', close + 1);
    const alerts = overdue(db, { now: close + DAY, storeHours: monFri });
    expect(alerts.map((a) => [a.kind, a.serial, a.daysOverdue])).toEqual([
      ['late_entry', '66A-0042', 1],
    ]);
  });

  it('judges a corrected entry by its corrected date of receipt and the time it was first entered', async () => {
    const { db, f, one, s } = await book();
    // Entered Tuesday for a Monday receipt: on time as first written.
    const entry = one(RUGER, '2026-01-12', Date.UTC(2026, 0, 13, 16));
    expect(overdue(db, { now: Date.UTC(2026, 0, 20), storeHours: monFri })).toEqual([]);
    // The invoice shows it arrived the Thursday before: it was due Friday.
    s.clock.set(Date.UTC(2026, 0, 19, 16));
    f.correctAcquisition('maria', entry.entryNo, {
      firearm: RUGER,
      receivedOn: '2026-01-08',
      source: DISTRIBUTOR,
      reason: 'Date of receipt from the packing slip',
    });
    expect(overdue(db, { now: Date.UTC(2026, 0, 20), storeHours: monFri })).toMatchObject([
      {
        kind: 'late_entry',
        entry: entry.entryNo,
        dueOn: '2026-01-09',
        message:
          'Entry 1 (Ruger 10/22, serial 0001-2345) was received 2026-01-08 and entered 2026-01-13: due by close of 2026-01-09.',
      },
    ]);
  });

  it('reports late entries only for receipts in the period asked for', async () => {
    const { db, one } = await book();
    one(GLOCK, '2026-01-05', Date.UTC(2026, 0, 9, 16));
    one(SIG, '2026-01-12', Date.UTC(2026, 0, 16, 16));
    const late = (received: { from?: string; to?: string }) =>
      overdue(db, { now: Date.UTC(2026, 1, 1), storeHours: monFri, received }).map((a) => a.serial);
    expect(late({})).toEqual(['ABC123', '66A-0042']);
    expect(late({ from: '2026-01-06' })).toEqual(['66A-0042']);
    expect(late({ to: '2026-01-11' })).toEqual(['ABC123']);
    expect(late({ from: '2026-01-06', to: '2026-01-11' })).toEqual([]);
  });

  it('flags a disposition pending more than 7 days — not at exactly 7 days', async () => {
    const { db, f, one, s } = await book();
    const entry = one(GLOCK, '2026-01-05', Date.UTC(2026, 0, 5, 15));
    const started = Date.UTC(2026, 0, 5, 16);
    s.clock.set(started);
    const d = f.startDisposition('carlos', entry.itemId, TO_SHOP);
    const at = (now: number) => overdue(db, { now, storeHours: monFri });
    expect(at(started + 7 * DAY)).toEqual([]);
    expect(at(started + 7 * DAY + 1)).toEqual([
      {
        kind: 'pending_disposition',
        itemId: entry.itemId,
        entry: entry.entryNo,
        manufacturer: 'Glock',
        model: '19',
        serial: 'ABC123',
        dispositionId: d.id,
        dueOn: '2026-01-12',
        dueAt: started + 7 * DAY,
        daysOverdue: 1,
        message: `Entry 1 (Glock 19, serial ABC123) has had disposition ${d.id} pending since 2026-01-05, more than 7 days (due 2026-01-12): if the firearm has left the store, commit the disposition now; if not, cancel it.`,
      },
    ]);
    expect(at(started + 9 * DAY + HOUR)[0]?.daysOverdue).toBe(3);
    // Committed or cancelled, nothing is pending any more.
    f.cancelDisposition('carlos', d.id);
    expect(at(started + 30 * DAY)).toEqual([]);
    s.clock.set(started + DAY);
    f.commitDisposition('carlos', f.startDisposition('carlos', entry.itemId, TO_SHOP).id);
    expect(at(started + 30 * DAY)).toEqual([]);
  });

  it('flags a privately made firearm unmarked after its seventh day, unless marked or gone', async () => {
    const { db, one, transfer } = await book();
    const pmf = one(PMF, '2026-01-05', Date.UTC(2026, 0, 5, 16));
    one(GLOCK, '2026-01-05', Date.UTC(2026, 0, 5, 16));
    const noon = (d: number) => Date.UTC(2026, 0, d, 18);
    const at = (now: number, isMarked?: (itemId: number) => boolean) =>
      overdue(db, { now, storeHours: monFri, ...(isMarked ? { isMarked } : {}) });
    // Day 7 after receipt is the last day to mark it.
    expect(at(noon(12))).toEqual([]);
    expect(at(noon(13))).toEqual([
      {
        kind: 'unmarked_pmf',
        itemId: pmf.itemId,
        entry: pmf.entryNo,
        manufacturer: 'Privately made',
        model: 'AR-15 type',
        serial: 'NSN',
        dispositionId: null,
        dueOn: '2026-01-12',
        dueAt: Date.UTC(2026, 0, 13, 6), // midnight in Chicago
        daysOverdue: 1,
        message:
          "Entry 1 (Privately made AR-15 type, serial NSN) is a privately made firearm received 2026-01-05 and not marked yet: it had to carry the store's mark by 2026-01-12, and it cannot be disposed of until it does.",
      },
    ]);
    // Just after midnight in Chicago (06:00 UTC) it is already the 13th there.
    expect(at(Date.UTC(2026, 0, 13, 6, 1))).toHaveLength(1);
    expect(at(Date.UTC(2026, 0, 13, 5, 59))).toEqual([]);
    // The marking hook: asked about this firearm only, and a marked one is not reported.
    const asked: number[] = [];
    expect(at(noon(20), (id) => (asked.push(id), id === pmf.itemId))).toEqual([]);
    expect(asked).toEqual([pmf.itemId]);
    // Once it has left the store there is nothing to mark.
    // The ledger refuses to dispose of an unmarked PMF: it is marked first (the table the hook
    // would read; this check is not given the hook).
    db.prepare(
      "INSERT INTO pmf_markings (item_id, serial, marked_on, recorded_by, recorded_at) VALUES (?, 'TEST-1', '2026-01-06', 'carlos', 0)",
    ).run(pmf.itemId);
    transfer(pmf.itemId);
    expect(at(noon(20))).toEqual([]);
  });

  // 27 CFR 478.125(e): a disposition is entered within 7 days of the transaction. The book
  // keeps the true hand-over date; a commit after the 7th day is itself reported late.
  it('flags a disposition committed after its 7 days as late, keeping the true hand-over date — not one committed on the 7th day', async () => {
    const { db, f, one, s } = await book();
    const late = one(GLOCK, '2026-01-05', Date.UTC(2026, 0, 5, 15));
    const onTime = one(SIG, '2026-01-05', Date.UTC(2026, 0, 5, 15));
    const voided = one(RUGER, '2026-01-05', Date.UTC(2026, 0, 5, 15));
    const commitOn = (itemId: number, when: number) => {
      const d = f.startDisposition('carlos', itemId, TO_SHOP);
      s.clock.set(when);
      return f.commitDisposition('carlos', d.id, { disposedOn: '2026-01-06' });
    };
    // Handed over on the 6th: due by the end of the 13th in Chicago (06:00 UTC on the 14th).
    const onTimeD = commitOn(onTime.itemId, Date.UTC(2026, 0, 14, 5, 59));
    const lateD = commitOn(late.itemId, Date.UTC(2026, 0, 14, 6, 1));
    const voidedD = commitOn(voided.itemId, Date.UTC(2026, 0, 20));
    f.undispose('maria', voidedD.id, 'Entered in error.');
    expect(onTimeD.disposed_on).toBe('2026-01-06');
    const alerts = overdue(db, { now: Date.UTC(2026, 0, 21), storeHours: monFri }).filter(
      (a) => a.kind === 'late_disposition',
    );
    expect(alerts).toEqual([
      {
        kind: 'late_disposition',
        itemId: late.itemId,
        entry: late.entryNo,
        manufacturer: 'Glock',
        model: '19',
        serial: 'ABC123',
        dispositionId: lateD.id,
        dueOn: '2026-01-13',
        dueAt: Date.UTC(2026, 0, 14, 6),
        daysOverdue: 1,
        message: `Disposition ${lateD.id} (Glock 19, serial ABC123, entry ${late.entryNo}) left the store 2026-01-06 and was entered in the book 2026-01-14: due within 7 days, by 2026-01-13.`,
      },
    ]);
  });

  it('reads the hand-over date as last corrected: a correction to the true, earlier day makes the commit late (27 CFR 478.125(e))', async () => {
    const { db, f, one, s } = await book();
    const g = one(GLOCK, '2026-01-05', Date.UTC(2026, 0, 5, 15));
    const d = f.startDisposition('carlos', g.itemId, TO_SHOP);
    s.clock.set(Date.UTC(2026, 0, 16, 15));
    // Committed on the 16th with that day as the date: on time as entered.
    const committed = f.commitDisposition('carlos', d.id, { disposedOn: '2026-01-16' });
    const late = () =>
      overdue(db, { now: Date.UTC(2026, 0, 21), storeHours: monFri }).filter(
        (a) => a.kind === 'late_disposition',
      );
    expect(late()).toEqual([]);
    // The firearm really left on the 6th: corrected, the entry on the 16th was late.
    f.correctDisposition('maria', committed.id, {
      disposition: TO_SHOP,
      disposedOn: '2026-01-06',
      reason: 'The pistol left the store on the 6th; entered late with the wrong date.',
    });
    expect(late()).toMatchObject([{ dispositionId: committed.id, dueOn: '2026-01-13' }]);
  });

  it('lists every kind together, oldest deadline first', async () => {
    const { db, f, one, s } = await book();
    const pmf = one(PMF, '2026-01-05', Date.UTC(2026, 0, 5, 16)); // mark by 01-12
    one(GLOCK, '2026-01-02', Date.UTC(2026, 0, 6, 16)); // due 01-05 close
    s.clock.set(Date.UTC(2026, 0, 7, 16));
    // The ledger refuses to dispose of an unmarked PMF: it is marked first (the table the hook
    // would read; this check is not given the hook).
    db.prepare(
      "INSERT INTO pmf_markings (item_id, serial, marked_on, recorded_by, recorded_at) VALUES (?, 'TEST-1', '2026-01-06', 'carlos', 0)",
    ).run(pmf.itemId);
    f.startDisposition('carlos', pmf.itemId, TO_SHOP); // due 01-14 10:00
    expect(
      overdue(db, { now: Date.UTC(2026, 0, 20), storeHours: monFri }).map((a) => a.kind),
    ).toEqual(['late_entry', 'unmarked_pmf', 'pending_disposition']);
  });
});

describe('the barcode inventory audit', () => {
  it('finds nothing missing or unexpected in an empty book scanned empty', async () => {
    const { db } = await book();
    expect(inventoryAudit(db, [])).toEqual({
      missing: [],
      unexpected: [],
      duplicates: [],
      shared: [],
      counts: {
        inStock: 0,
        scans: 0,
        distinctSerials: 0,
        found: 0,
        missing: 0,
        unresolved: 0,
        unexpected: 0,
        duplicates: 0,
      },
    });
  });

  it('matches serials ignoring case and spaces (not hyphens), and lists what was not scanned', async () => {
    const { db, f, acquire } = await book();
    const [, sig, ruger] = acquire([GLOCK, SIG, RUGER]);
    f.startDisposition('carlos', ruger?.itemId ?? 0, TO_SHOP); // reserved: still in the store
    const audit = inventoryAudit(db, [' abc 123', '66a-0042 ', '', '   ']);
    expect(audit.missing).toEqual([
      {
        itemId: ruger?.itemId,
        entry: ruger?.entryNo,
        manufacturer: 'Ruger',
        model: '10/22',
        serial: '0001-2345',
        type: 'rifle',
        status: 'reserved',
        message:
          'Ruger 10/22, serial 0001-2345 (entry 3) is reserved for a pending disposition but was not scanned: check whether it has left the store.',
      },
    ]);
    expect(audit.unexpected).toEqual([]);
    expect(audit.counts).toMatchObject({ inStock: 3, scans: 2, found: 2, missing: 1 });
    // A hyphen is part of a serial: without it, it is another serial.
    const noHyphen = inventoryAudit(db, ['ABC123', '66A0042', '0001-2345']);
    expect(noHyphen.missing.map((m) => m.itemId)).toEqual([sig?.itemId]);
    expect(noHyphen.unexpected.map((u) => u.serial)).toEqual(['66A0042']);
    expect(noHyphen.missing[0]?.message).toBe(
      'Sig Sauer P365, serial 66A-0042 (entry 2) is in stock by the book but was not scanned.',
    );
  });

  it('reports a serial scanned twice once, as a duplicate, and still counts the firearm found', async () => {
    const { db, acquire } = await book();
    acquire([GLOCK, SIG]);
    const audit = inventoryAudit(db, ['ABC123', 'abc123', '66A-0042', 'ZZZ9', 'zzz9']);
    expect(audit.duplicates).toEqual([
      { serial: 'ABC123', scans: 2, inStock: 1, message: 'Serial ABC123 was scanned 2 times.' },
      { serial: 'ZZZ9', scans: 2, inStock: 0, message: 'Serial ZZZ9 was scanned 2 times.' },
    ]);
    expect(audit.missing).toEqual([]);
    expect(audit.unexpected).toEqual([
      {
        serial: 'ZZZ9',
        scans: 2,
        disposed: [],
        message:
          "Serial ZZZ9 was scanned but is not in the book: check the firearm's markings, and enter it if it was received.",
      },
    ]);
    expect(audit.counts).toMatchObject({
      inStock: 2,
      scans: 5,
      distinctSerials: 3,
      found: 2,
      duplicates: 2,
      unexpected: 1,
    });
  });

  it('says when and how a scanned firearm was disposed of, never to whom', async () => {
    const { s, db, f, acquire, transfer } = await book();
    const [glock, sig] = acquire([GLOCK, SIG]);
    const check = s.checks.start('carlos', {
      form4473: 'T-1001',
      buyerKey: 'buyer-7',
      itemIds: [glock?.itemId ?? 0],
      itemTypes: ['pistol'],
      state: 'TX',
      buyerUnder21: false,
    });
    s.checks.record('carlos', check.id, { kind: 'submit', on: '2026-01-05' });
    s.checks.record('carlos', check.id, { kind: 'proceed', on: '2026-01-05', ntn: '100XYZ' });
    const d = f.startDisposition('carlos', glock?.itemId ?? 0, {
      kind: 'non_licensee',
      form4473: 'T-1001',
      transfereeName: 'Pat Buyer',
      transfereeAddress: '1 Main St, Austin TX',
      buyerKey: 'buyer-7',
      checkId: check.id,
    });
    f.commitDisposition('carlos', d.id);
    s.clock.advance(2 * DAY);
    transfer(sig?.itemId ?? 0);
    const audit = inventoryAudit(db, ['abc123', '66A-0042']);
    expect(audit.unexpected.map((u) => u.message)).toEqual([
      'Serial abc123 was scanned but is not in stock: Glock 19 disposed of on 2026-01-05 (transfer to a non-licensee).',
      'Serial 66A-0042 was scanned but is not in stock: Sig Sauer P365 disposed of on 2026-01-07 (transfer to a licensee).',
    ]);
    expect(audit.unexpected[0]?.disposed).toEqual([
      {
        itemId: glock?.itemId,
        entry: glock?.entryNo,
        manufacturer: 'Glock',
        model: '19',
        serial: 'ABC123',
        disposedOn: '2026-01-05',
        kind: 'non_licensee',
      },
    ]);
    expect(JSON.stringify(audit)).not.toMatch(/Pat Buyer|Main St|Gun Shop B/);
    expect(audit.counts).toMatchObject({ inStock: 0, found: 0, unexpected: 2 });
  });

  it('reports both firearms when two makers share a serial', async () => {
    const { db, acquire, transfer } = await book();
    const [glock, kimber] = acquire([GLOCK, KIMBER]);
    const once = inventoryAudit(db, ['ABC123']);
    expect(once.shared).toEqual([
      {
        serial: 'ABC123',
        scans: 1,
        unresolved: 1,
        items: [
          expect.objectContaining({ itemId: glock?.itemId, manufacturer: 'Glock' }),
          expect.objectContaining({ itemId: kimber?.itemId, manufacturer: 'Kimber' }),
        ],
        message:
          'Serial ABC123 is on 2 firearms in stock (Glock 19, Kimber Micro 9) but was scanned once: look at each to find which is missing.',
      },
    ]);
    expect(once.counts).toMatchObject({ inStock: 2, found: 1, missing: 0, unresolved: 1 });
    const twice = inventoryAudit(db, ['ABC123', 'abc123']);
    expect(twice.shared[0]).toMatchObject({ scans: 2, unresolved: 0 });
    expect(twice.duplicates).toEqual([]);
    expect(twice.counts).toMatchObject({ found: 2, unresolved: 0 });
    expect(inventoryAudit(db, []).missing.map((m) => m.manufacturer)).toEqual(['Glock', 'Kimber']);
    // Both gone: a scan names both disposals.
    transfer(glock?.itemId ?? 0);
    transfer(kimber?.itemId ?? 0);
    expect(inventoryAudit(db, ['ABC123']).unexpected[0]?.message).toBe(
      'Serial ABC123 was scanned but is not in stock: Glock 19 disposed of on 2026-01-05 (transfer to a licensee); Kimber Micro 9 disposed of on 2026-01-05 (transfer to a licensee).',
    );
  });

  it('tells a firearm back in stock after an undisposal from one still gone', async () => {
    const { db, f, one, transfer, status } = await book();
    const glock = one(GLOCK);
    const d = transfer(glock.itemId);
    f.undispose('maria', d.id, 'Entered against the wrong serial.');
    expect(inventoryAudit(db, ['ABC123']).counts).toMatchObject({ found: 1, unexpected: 0 });
    // Marked disposed of by hand, with its disposition voided: no disposal to name.
    status(glock.itemId, 'disposed');
    expect(inventoryAudit(db, ['ABC123']).unexpected[0]).toMatchObject({
      disposed: [{ itemId: glock.itemId, disposedOn: null, kind: null }],
      message:
        'Serial ABC123 was scanned but is not in stock: Glock 19 marked disposed of, with no disposition on the book.',
    });
  });
});

describe('the consistency check', () => {
  it('passes an empty book', async () => {
    const { db } = await book();
    expect(consistencyCheck(db)).toEqual({
      ok: true,
      problems: [],
      counts: {
        openEntries: 0,
        openItems: 0,
        inStock: 0,
        reserved: 0,
        disposed: 0,
        pendingDispositions: 0,
        disposedInBook: 0,
      },
    });
  });

  /** A book as the ledger writes it: every kind of entry, corrections and an undisposal. */
  async function healthyBook() {
    const b = await book();
    const { s, f, acquire, transfer } = b;
    const [glock, sig, ruger, kimber] = acquire([GLOCK, SIG, RUGER, KIMBER]);
    const ids = [glock, sig, ruger, kimber].map((e) => e?.itemId ?? 0);
    f.correctAcquisition('maria', ruger?.entryNo ?? 0, {
      firearm: { ...RUGER, model: '10/22 Carbine' },
      receivedOn: '2026-01-05',
      source: DISTRIBUTOR,
      reason: 'Model as engraved',
    });
    // Sold to a licensee, undisposed (wrong serial), sold again.
    const first = transfer(ids[0] ?? 0);
    f.undispose('maria', first.id, 'Entered against the wrong serial.');
    s.clock.advance(DAY);
    transfer(ids[0] ?? 0);
    // Sold to a non-licensee with a check.
    const check = s.checks.start('carlos', {
      form4473: 'T-1001',
      buyerKey: 'buyer-7',
      itemIds: [ids[1] ?? 0],
      itemTypes: ['pistol'],
      state: 'TX',
      buyerUnder21: false,
    });
    s.checks.record('carlos', check.id, { kind: 'submit', on: '2026-01-06' });
    s.checks.record('carlos', check.id, { kind: 'proceed', on: '2026-01-06', ntn: '100XYZ' });
    const sale = f.startDisposition('carlos', ids[1] ?? 0, {
      kind: 'non_licensee',
      form4473: 'T-1001',
      transfereeName: 'Pat Buyer',
      transfereeAddress: '1 Main St, Austin TX',
      buyerKey: 'buyer-7',
      checkId: check.id,
    });
    f.commitDisposition('carlos', sale.id);
    // Reserved, with its disposition pending; a cancelled one before it.
    f.cancelDisposition('carlos', f.startDisposition('carlos', ids[2] ?? 0, TO_SHOP).id);
    const pending = f.startDisposition('carlos', ids[2] ?? 0, TO_SHOP);
    return { ...b, ids, entries: [glock, sig, ruger, kimber], pending };
  }

  it('gives the same answers on its own thread and read-only connection as on the server’s', async () => {
    const { s, f } = await healthyBook();
    const script = workerScript(import.meta.url, 'reconcile-worker');
    expect(script).not.toBeNull();
    if (!script) return;
    const onThread = (job: object) => runWorker(script, { ...job, ...s.store.keyMaterial });
    expect(await onThread({ kind: 'consistency' })).toEqual(f.consistency());
    const scans = ['abc123', 'ZZZ9'];
    expect(await onThread({ kind: 'inventory', serials: scans })).toEqual(
      f.inventoryAudit('carlos', scans),
    );
    // The service's own background calls, audited like the others.
    expect(await f.consistencyInBackground()).toEqual(f.consistency());
    await f.inventoryAuditInBackground('maria', scans);
    expect(s.audit.query({ action: 'firearm.inventory_audit' }).entries[0]).toMatchObject({
      actor: 'maria',
    });
  });

  it('passes a book the ledger wrote: open entries equal firearms in stock or reserved', async () => {
    const { db } = await healthyBook();
    expect(consistencyCheck(db)).toEqual({
      ok: true,
      problems: [],
      counts: {
        openEntries: 2,
        openItems: 2,
        inStock: 1,
        reserved: 1,
        disposed: 2,
        pendingDispositions: 1,
        disposedInBook: 2,
      },
    });
  });

  it('finds a firearm marked disposed of with no disposition, and one in stock the book disposed of', async () => {
    const { db, ids, status } = await healthyBook();
    status(ids[3] ?? 0, 'disposed'); // the Kimber, in stock
    expect(consistencyCheck(db)).toMatchObject({
      ok: false,
      problems: [
        {
          code: 'open_entries_mismatch',
          message:
            'The book has 2 open acquisition entries, but 1 firearms are in stock or reserved.',
        },
        {
          code: 'disposed_without_disposition',
          itemId: ids[3],
          entry: 4,
          message:
            'Kimber Micro 9, serial ABC123 (entry 4) is marked disposed of, but the book has no committed disposition for it: enter the disposition, or put the firearm back in stock.',
        },
      ],
      counts: { openEntries: 2, openItems: 1, disposed: 3, disposedInBook: 2 },
    });
    status(ids[3] ?? 0, 'in_stock');
    status(ids[1] ?? 0, 'in_stock'); // the Sig, sold
    const r = consistencyCheck(db);
    expect(r.problems.map((p) => p.code)).toEqual([
      'open_entries_mismatch',
      'open_but_disposed_in_book',
    ]);
    expect(r.problems[1]?.message).toMatch(
      /^Sig Sauer P365, serial 66A-0042 \(entry 2\) is in stock, but the book records its disposition on 2026-01-06 \(disposition \d+\)\.$/,
    );
    expect(r.counts).toMatchObject({ openEntries: 2, openItems: 3, disposedInBook: 2 });
  });

  it('finds a reserved firearm without exactly one pending disposition, and a pending one on a firearm not reserved', async () => {
    const { db, ids, status, pending } = await healthyBook();
    status(ids[3] ?? 0, 'reserved'); // the Kimber: nothing pending
    const second = Number(
      db
        .prepare(
          `INSERT INTO ledger_dispositions (item_id, acquisition_entry, kind, transferee_name, transferee_ffl, state, created_at, created_by)
           VALUES (?, 3, 'licensee', 'Gun Shop C', '5-74-015-07-8C-04321', 'pending', 0, 'x')`,
        )
        .run(ids[2]).lastInsertRowid,
    );
    expect(consistencyCheck(db).problems).toEqual([
      {
        code: 'reserved_with_several_pending',
        itemId: ids[2],
        entry: 3,
        message: `Ruger 10/22 Carbine, serial 0001-2345 (entry 3) is reserved with 2 pending dispositions (${pending.id}, ${second}): cancel all but one.`,
      },
      {
        code: 'reserved_without_pending',
        itemId: ids[3],
        entry: 4,
        message:
          'Kimber Micro 9, serial ABC123 (entry 4) is reserved, but no disposition is pending for it: start the disposition or put it back in stock.',
      },
    ]);
    status(ids[3] ?? 0, 'in_stock');
    status(ids[2] ?? 0, 'in_stock');
    expect(consistencyCheck(db).problems).toEqual([
      {
        code: 'pending_but_not_reserved',
        itemId: ids[2],
        entry: 3,
        message: `Ruger 10/22 Carbine, serial 0001-2345 (entry 3) is in stock, yet dispositions ${pending.id}, ${second} are pending for it: cancel them, or reserve the firearm for one.`,
      },
    ]);
  });

  it('finds a firearm with no acquisition entry, and one entered twice', async () => {
    const { db, ids } = await healthyBook();
    const stray = Number(
      db
        .prepare(
          `INSERT INTO firearm_items (manufacturer, model, serial, type, caliber, manufacturer_key, serial_key, status, created_at)
           VALUES ('Colt', 'Python', 'V12345', 'revolver', '.357', 'COLT', 'V12345', 'in_stock', 0)`,
        )
        .run().lastInsertRowid,
    );
    const r = consistencyCheck(db);
    expect(r.problems.map((p) => [p.code, p.itemId])).toEqual([
      ['open_entries_mismatch', undefined],
      ['item_without_acquisition', stray],
    ]);
    expect(r.problems[1]?.message).toBe(
      `Colt Python, serial V12345 (firearm ${stray}) is in stock, but the book has no acquisition entry for it.`,
    );
    db.prepare('UPDATE firearm_items SET status = ? WHERE id = ?').run('disposed', stray);
    // Entered a second time against the Kimber already in stock.
    db.prepare(
      `INSERT INTO ledger_acquisitions (item_id, received_on, source_name, source_ffl, manufacturer, model, serial, type, caliber, recorded_at, recorded_by)
       VALUES (?, '2026-01-05', 'Lipsey’s LLC', '9-86-123-01-7K-12345', 'Kimber', 'Micro 9', 'ABC123', 'pistol', '9mm', 0, 'x')`,
    ).run(ids[3]);
    const again = consistencyCheck(db);
    expect(again.problems.map((p) => p.code)).toEqual([
      'open_entries_mismatch',
      'several_open_entries',
      'item_without_acquisition',
      'disposed_without_disposition',
    ]);
    expect(again.problems[1]?.message).toBe(
      'Kimber Micro 9, serial ABC123 has 2 open acquisition entries (4, 6) and no disposition: one firearm is in stock once.',
    );
    expect(again.counts).toMatchObject({ openEntries: 3, openItems: 2 });
  });

  it('finds a disposition whose acquisition entry is missing or another firearm’s', async () => {
    const { db, ids } = await healthyBook();
    const insert = (itemId: number, entry: number) =>
      Number(
        db
          .prepare(
            `INSERT INTO ledger_dispositions (item_id, acquisition_entry, kind, transferee_name, transferee_ffl, state, created_at, created_by)
             VALUES (?, ?, 'licensee', 'Gun Shop C', '5-74-015-07-8C-04321', 'cancelled', 0, 'x')`,
          )
          .run(itemId, entry).lastInsertRowid,
      );
    const crossed = insert(ids[3] ?? 0, 1);
    // Only a file edited with foreign keys off can point at an entry that does not exist.
    db.pragma('foreign_keys = OFF');
    const dangling = insert(ids[3] ?? 0, 999);
    db.pragma('foreign_keys = ON');
    expect(consistencyCheck(db).problems).toEqual([
      {
        code: 'disposition_of_other_firearm',
        itemId: ids[3],
        entry: 1,
        dispositionId: crossed,
        message: `Disposition ${crossed} (Kimber Micro 9, serial ABC123) refers to acquisition entry 1, which is another firearm (Glock 19, serial ABC123).`,
      },
      {
        code: 'disposition_without_acquisition',
        itemId: ids[3],
        entry: 999,
        dispositionId: dangling,
        message: `Disposition ${dangling} (Kimber Micro 9, serial ABC123) refers to acquisition entry 999, which is not in the book.`,
      },
    ]);
  });

  it('finds a transfer to a non-licensee with no background check, unless a permit exempts it or it was voided', async () => {
    const { db, f, ids, status } = await healthyBook();
    const insert = () =>
      Number(
        db
          .prepare(
            `INSERT INTO ledger_dispositions (item_id, acquisition_entry, kind, disposed_on, transferee_name, transferee_address, form_4473, buyer_key, state, created_at, created_by, committed_at, committed_by)
             VALUES (?, 4, 'non_licensee', '2026-01-07', 'Pat Buyer', '1 Main St', 'T-2002', 'buyer-7', 'committed', 0, 'x', 0, 'x')`,
          )
          .run(ids[3]).lastInsertRowid,
      );
    const unchecked = insert();
    status(ids[3] ?? 0, 'disposed');
    const r = consistencyCheck(db);
    expect(r.problems).toEqual([
      {
        code: 'transfer_without_check',
        itemId: ids[3],
        entry: 4,
        dispositionId: unchecked,
        message: `Disposition ${unchecked} (Kimber Micro 9, serial ABC123, entry 4) transferred the firearm to a non-licensee on 2026-01-07 (Form 4473 T-2002) with no background check or permit on record.`,
      },
    ]);
    expect(r.problems[0]?.message).not.toMatch(/Pat Buyer/);
    // The permit hook: asked about that transfer only.
    const asked: number[] = [];
    expect(consistencyCheck(db, { isPermitExempt: (id) => (asked.push(id), true) }).ok).toBe(true);
    expect(asked).toEqual([unchecked]);
    // Voided by a correction, it no longer stands.
    f.undispose('maria', unchecked, 'Sale entered twice.');
    expect(consistencyCheck(db)).toMatchObject({ ok: true, counts: { openItems: 2 } });
  });
});
