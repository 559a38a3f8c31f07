// The multiple-sale rule read from the book: which hand-overs make a report (ATF Form 3310.4
// for two or more pistols or revolvers, 27 CFR 478.126a; Form 3310.12 for two or more
// semi-automatic rifles over .22 caliber that take a detachable magazine, sold by a dealer in
// AZ, CA, NM or TX), to the same unlicensed person within 5 consecutive business days of the
// dealer; then each report as it stands: due by close of business on the day the multiple sale
// occurred, filed with whom, or kept on file when a sale of it was voided.
//
// The book is a database at the current schema; each hand-over is written as the ledger writes
// it (FirearmsLedger.commitDisposition: the pending disposition committed, flagged with what
// multipleSaleOf finds), voids and corrections as new rows that reference it (ATF Ruling 2016-1).
import Database from 'better-sqlite3-multiple-ciphers';
import { describe, expect, it } from 'vitest';
import { migrate } from '../db/migrate.ts';
import { migrations } from '../db/migrations/index.ts';
import type { UsState } from '../integrations/model.ts';
import {
  multipleSaleOf,
  multipleSaleReports,
  shippedPolicy,
  type MultipleSaleReport,
  type ReportQuery,
} from './multiple-sale.ts';
import { StoreHours } from './reconcile.ts';

/** Monday to Saturday until 18:00 in Chicago, closed on Sundays and federal holidays. */
const hours = new StoreHours({
  timeZone: 'America/Chicago',
  closes: {
    sun: null,
    mon: '18:00',
    tue: '18:00',
    wed: '18:00',
    thu: '18:00',
    fri: '18:00',
    sat: '18:00',
  },
  holidays: 'federal',
});
/** Close of business (18:00 in Chicago, UTC-6 in winter) on a day. */
const closeOf = (day: string) => Date.parse(`${day}T18:00:00-06:00`);
/** Noon in Chicago on a day. */
const noonOn = (day: string) => Date.parse(`${day}T12:00:00-06:00`);

interface Firearm {
  type: string;
  caliber: string;
  semiAutoDetachable?: boolean;
}
const pistol: Firearm = { type: 'pistol', caliber: '9mm' };
const revolver: Firearm = { type: 'revolver', caliber: '.357 Magnum' };
const shotgun: Firearm = { type: 'shotgun', caliber: '12 ga', semiAutoDetachable: true };
/** A semi-automatic rifle that takes a detachable magazine, in the caliber given. */
const semiAuto = (caliber: string): Firearm => ({
  type: 'rifle',
  caliber,
  semiAutoDetachable: true,
});
const ar15 = semiAuto('.223 Remington');

// One database at the current schema; each test works on its own copy.
const schema = (() => {
  const db = new Database(':memory:');
  migrate(db, migrations, () => '2026-01-02T12:00:00.000Z');
  return db.serialize();
})();

interface SaleOptions {
  /** The unlicensed buyer's record key (default "buyer-7"). */
  buyerKey?: string | null;
  kind?: 'non_licensee' | 'licensee';
  /** Left pending (not handed over), or committed with no date (a row stored before dates were required). */
  state?: 'pending' | 'undated';
}

/** A store's book in a state (3310.12 applies in AZ, CA, NM and TX). */
function book(state: UsState | null = 'TX') {
  const db = new Database(schema);
  let n = 0;

  const acquire = (f: Firearm) => {
    n += 1;
    const item = db
      .prepare(
        `INSERT INTO firearm_items (manufacturer, model, serial, type, caliber, manufacturer_key, serial_key, status, semi_auto_detachable, created_at)
         VALUES ('Acme', ?, ?, ?, ?, 'ACME', ?, 'in_stock', ?, 1)`,
      )
      .run(`Model ${n}`, `SN-${n}`, f.type, f.caliber, `SN-${n}`, f.semiAutoDetachable ? 1 : 0);
    const entry = db
      .prepare(
        `INSERT INTO ledger_acquisitions (item_id, received_on, source_name, source_ffl, manufacturer, model, serial, type, caliber, recorded_at, recorded_by)
         VALUES (?, '2026-01-02', 'Lipsey''s', '9-86-123-01-7K-12345', 'Acme', ?, ?, ?, ?, 1, 'carlos')`,
      )
      .run(item.lastInsertRowid, `Model ${n}`, `SN-${n}`, f.type, f.caliber);
    return { itemId: Number(item.lastInsertRowid), entryNo: Number(entry.lastInsertRowid) };
  };

  /** A firearm handed over on `on`, committed and flagged as the ledger does it. */
  const sell = (f: Firearm, on: string, o: SaleOptions = {}) => {
    const { itemId, entryNo } = acquire(f);
    const buyerKey = o.buyerKey === undefined ? 'buyer-7' : o.buyerKey;
    const kind = o.kind ?? 'non_licensee';
    const id = Number(
      db
        .prepare(
          `INSERT INTO ledger_dispositions (item_id, acquisition_entry, kind, transferee_name, transferee_address, transferee_ffl, form_4473, buyer_key, state, created_at, created_by)
           VALUES (?, ?, ?, 'Pat Buyer', '1 Main St, Austin TX', ?, ?, ?, 'pending', 1, 'carlos')`,
        )
        .run(
          itemId,
          entryNo,
          kind,
          kind === 'licensee' ? '9-86-123-01-7K-54321' : null,
          `T-${n}`,
          buyerKey,
        ).lastInsertRowid,
    );
    if (o.state === 'pending') return { id, itemId, flag: null };
    const flag =
      kind === 'non_licensee'
        ? multipleSaleOf(db, {
            dispositionId: id,
            buyerKey,
            on,
            firearm: {
              type: f.type,
              caliber: f.caliber,
              semiAutoDetachable: f.semiAutoDetachable ?? false,
            },
            policy: shippedPolicy(on),
            state,
            calendar: hours,
          })
        : null;
    db.prepare(
      `UPDATE ledger_dispositions SET state = 'committed', disposed_on = ?, committed_at = 1, committed_by = 'carlos', multiple_sale = ?
       WHERE id = ?`,
    ).run(o.state === 'undated' ? null : on, flag?.form === '3310.4' ? 1 : 0, id);
    db.prepare("UPDATE firearm_items SET status = 'disposed' WHERE id = ?").run(itemId);
    if (flag)
      db.prepare(
        'INSERT INTO multiple_sale_flags (disposition_id, form, buyer_key, flagged_on, related) VALUES (?, ?, ?, ?, ?)',
      ).run(id, flag.form, buyerKey, on, JSON.stringify(flag.related));
    return { id, itemId, flag };
  };

  /** A correction of disposition `id`: voiding it, or restating the day it left the store. */
  const correct = (id: number, c: { void: true } | { on: string }) =>
    db
      .prepare(
        `INSERT INTO ledger_dispositions (item_id, acquisition_entry, kind, disposed_on, transferee_name, transferee_address, form_4473, buyer_key, state, voided, corrects, correction_reason, created_at, created_by, committed_at, committed_by)
         SELECT item_id, acquisition_entry, kind, ?, transferee_name, transferee_address, form_4473, buyer_key, 'committed', ?, id, ?, 2, 'maria', 2, 'maria'
         FROM ledger_dispositions WHERE id = ?`,
      )
      .run(
        'on' in c ? c.on : null,
        'on' in c ? 0 : 1,
        'on' in c ? 'Handed over on another day' : 'Entered in error',
        id,
      );

  /** The firearm's description corrected (the ledger corrects firearm_items in place). */
  const correctFirearm = (
    itemId: number,
    f: { caliber?: string; semiAutoDetachable?: boolean },
  ) => {
    if (f.caliber !== undefined)
      db.prepare('UPDATE firearm_items SET caliber = ? WHERE id = ?').run(f.caliber, itemId);
    if (f.semiAutoDetachable !== undefined)
      db.prepare('UPDATE firearm_items SET semi_auto_detachable = ? WHERE id = ?').run(
        f.semiAutoDetachable ? 1 : 0,
        itemId,
      );
  };

  /** A filing of disposition `id`'s report, recorded. */
  const file = (id: number, recipient: 'atf' | 'law_enforcement', filedOn: string, note?: string) =>
    db
      .prepare(
        `INSERT INTO multiple_sale_report_filings (disposition_id, recipient, agency, filed_on, note, filed_by, filed_at)
         VALUES (?, ?, ?, ?, ?, 'maria', ?)`,
      )
      .run(
        id,
        recipient,
        recipient === 'atf' ? 'ATF' : 'Austin Police Department',
        filedOn,
        note ?? null,
        closeOf(filedOn) - 3_600_000,
      );

  const reports = (now: number, q: Partial<ReportQuery> = {}) =>
    multipleSaleReports(db, { now, storeHours: hours, ...q });
  /** Disposition id and status of each report, in the order listed. */
  const listed = (now: number, q: Partial<ReportQuery> = {}) =>
    reports(now, q).map((r) => [r.dispositionId, r.status]);

  return { db, sell, correct, correctFirearm, file, reports, listed };
}

describe('Form 3310.12: semi-automatic rifles over .22 caliber with a detachable magazine', () => {
  // ATF: "semiautomatic rifles capable of accepting a detachable magazine and with a caliber
  // greater than .22 (including .223/5.56 caliber)"; .17 and .20 calibers are not greater.
  it.each([
    ['.17 HMR', false],
    ['17 HMR', false],
    ['.204 Ruger', false],
    ['.22 LR', false],
    ['.223 Remington', true],
    ['5.56 NATO', true],
    ['5.56x45mm', true],
    ['7.62x39', true],
    ['6.5 Creedmoor', true],
  ])(
    'two %s rifles to the same buyer in Texas within the window: reported %s',
    (caliber, reported) => {
      const b = book('TX');
      const first = b.sell(semiAuto(caliber), '2026-01-05');
      const second = b.sell(semiAuto(caliber), '2026-01-07');
      expect(first.flag).toBeNull();
      expect(second.flag).toEqual(reported ? { form: '3310.12', related: [first.id] } : null);
    },
  );

  it('is reported by dealers in Arizona, California, New Mexico and Texas only', () => {
    for (const state of ['AZ', 'CA', 'NM', 'TX'] as const) {
      const b = book(state);
      const first = b.sell(ar15, '2026-01-05');
      expect(b.sell(ar15, '2026-01-06').flag, state).toEqual({
        form: '3310.12',
        related: [first.id],
      });
    }
    for (const state of ['OH', null] as const) {
      const b = book(state);
      b.sell(ar15, '2026-01-05');
      expect(b.sell(ar15, '2026-01-06').flag, String(state)).toBeNull();
    }
  });

  it('needs two rifles that count: a .17 HMR, a bolt-action .223 or a shotgun beside a reportable rifle make none', () => {
    for (const other of [
      semiAuto('.17 HMR'),
      { ...ar15, semiAutoDetachable: false },
      shotgun,
      { type: 'receiver', caliber: '5.56 NATO', semiAutoDetachable: true },
    ]) {
      const b = book('TX');
      b.sell(other, '2026-01-05');
      expect(b.sell(ar15, '2026-01-06').flag, other.caliber).toBeNull();
    }
    // The other way round: the second rifle is the one that does not count.
    const b = book('TX');
    b.sell(ar15, '2026-01-05');
    expect(b.sell({ ...ar15, semiAutoDetachable: false }, '2026-01-06').flag).toBeNull();
  });

  it('counts a rifle as the book describes it now, corrected', () => {
    const b = book('TX');
    const first = b.sell({ ...ar15, semiAutoDetachable: false }, '2026-01-05');
    b.correctFirearm(first.itemId, { semiAutoDetachable: true });
    expect(b.sell(ar15, '2026-01-06').flag).toEqual({ form: '3310.12', related: [first.id] });
  });
});

describe('Form 3310.4: two or more pistols or revolvers', () => {
  it('is any combination of pistols and revolvers, each earlier sale of the window related, in book order', () => {
    const b = book('OH');
    const first = b.sell(pistol, '2026-01-05');
    const second = b.sell(revolver, '2026-01-06');
    const third = b.sell(pistol, '2026-01-07');
    expect(first.flag).toBeNull();
    expect(second.flag).toEqual({ form: '3310.4', related: [first.id] });
    expect(third.flag).toEqual({ form: '3310.4', related: [first.id, second.id] });
  });

  it('does not mix forms: a pistol and a reportable rifle make no report', () => {
    const b = book('TX');
    b.sell(ar15, '2026-01-05');
    expect(b.sell(pistol, '2026-01-06').flag).toBeNull();
    expect(b.sell(semiAuto('7.62x39'), '2026-01-07').flag).toMatchObject({ form: '3310.12' });
  });

  it('is never made of firearms no form counts (two shotguns)', () => {
    const b = book('TX');
    b.sell(shotgun, '2026-01-05');
    expect(b.sell(shotgun, '2026-01-06').flag).toBeNull();
  });
});

describe('the sales that count with a hand-over', () => {
  it('are the same buyer’s, handed over and standing: not another buyer’s, a pending one, a licensee’s, a voided one or one with no date', () => {
    const b = book('OH');
    b.sell(pistol, '2026-01-05', { buyerKey: 'buyer-8' });
    b.sell(pistol, '2026-01-05', { state: 'pending' });
    b.sell(pistol, '2026-01-05', { kind: 'licensee' });
    const voided = b.sell(pistol, '2026-01-05');
    b.correct(voided.id, { void: true });
    b.sell(pistol, '2026-01-05', { state: 'undated' });
    expect(b.sell(pistol, '2026-01-06').flag).toBeNull();
  });

  it('are never matched for a sale with no buyer record, or an empty buyer key', () => {
    for (const buyerKey of [null, '']) {
      const b = book('OH');
      b.sell(pistol, '2026-01-05', { buyerKey });
      expect(b.sell(pistol, '2026-01-06', { buyerKey }).flag).toBeNull();
    }
  });

  // ATF's example: open Monday to Saturday, Monday and the same week's Friday is a multiple
  // sale; Monday and the next Saturday is not.
  it('fall within 5 consecutive business days of the dealer, before or after the hand-over', () => {
    const friday = book('OH');
    const monday = friday.sell(pistol, '2026-01-05');
    expect(friday.sell(pistol, '2026-01-09').flag).toEqual({
      form: '3310.4',
      related: [monday.id],
    });

    const saturday = book('OH');
    saturday.sell(pistol, '2026-01-05');
    expect(saturday.sell(pistol, '2026-01-10').flag).toBeNull();

    // A hand-over entered late: Monday's sale committed after Friday's.
    const late = book('OH');
    const fri = late.sell(pistol, '2026-01-09');
    expect(late.sell(pistol, '2026-01-05').flag).toEqual({ form: '3310.4', related: [fri.id] });
  });

  it('count the dealer’s business days: a federal holiday the store keeps closed is not one', () => {
    // Wednesday 14 January to Tuesday 20 January 2026: Thursday, Friday, Saturday and Tuesday;
    // Sunday and Martin Luther King Jr. Day (Monday 19) the store is closed.
    const b = book('OH');
    const wednesday = b.sell(pistol, '2026-01-14');
    const tuesday = b.sell(pistol, '2026-01-20');
    expect(tuesday.flag).toEqual({ form: '3310.4', related: [wednesday.id] });
    // Thursday the 22nd is the sixth business day after the Wednesday: only Tuesday's counts.
    expect(b.sell(pistol, '2026-01-22').flag).toEqual({ form: '3310.4', related: [tuesday.id] });
  });

  it('are dated by the day each left the store as last corrected', () => {
    const b = book('OH');
    const first = b.sell(pistol, '2026-01-05');
    // Entered as Monday the 5th; it left the store on Monday the 12th.
    b.correct(first.id, { on: '2026-01-12' });
    expect(b.sell(pistol, '2026-01-14').flag).toEqual({ form: '3310.4', related: [first.id] });
  });
});

describe('a multiple-sale report as it stands', () => {
  it('names the firearm and its 4473, the related sale, the day it occurred and its deadline, and whom it goes to', () => {
    const b = book('TX');
    const first = b.sell(pistol, '2026-01-05');
    const second = b.sell(revolver, '2026-01-06');
    const report: MultipleSaleReport = {
      dispositionId: second.id,
      form: '3310.4',
      occurredOn: '2026-01-06',
      flaggedOn: '2026-01-06',
      itemId: second.itemId,
      serial: 'SN-2',
      manufacturer: 'Acme',
      model: 'Model 2',
      type: 'revolver',
      caliber: '.357 Magnum',
      form4473: 'T-2',
      related: [first.id],
      dueOn: '2026-01-06',
      dueAt: closeOf('2026-01-06'),
      recipients: ['atf', 'law_enforcement'],
      filings: [],
      filedOn: null,
      filedBy: null,
      voided: false,
      stillMultiple: true,
      status: 'to_file',
    };
    expect(b.reports(noonOn('2026-01-06'))).toEqual([report]);
    expect(b.reports(noonOn('2026-01-06'), { includeSettled: true })).toEqual([report]);
  });

  // 27 CFR 478.126a: "not later than the close of business on the day that the multiple sale
  // or other disposition took place".
  it('is to be filed until close of business on the day, and overdue after it', () => {
    const b = book('TX');
    b.sell(pistol, '2026-01-05');
    const second = b.sell(pistol, '2026-01-06');
    expect(b.listed(closeOf('2026-01-06'))).toEqual([[second.id, 'to_file']]);
    expect(b.listed(closeOf('2026-01-06') + 1)).toEqual([[second.id, 'overdue']]);
  });

  it('occurred on the day of the latest sale of it, a sale entered late included', () => {
    const b = book('TX');
    const thursday = b.sell(pistol, '2026-01-08');
    // Monday's hand-over committed after Thursday's: the multiple sale occurred on Thursday.
    const monday = b.sell(pistol, '2026-01-05');
    expect(b.reports(noonOn('2026-01-08'))).toMatchObject([
      {
        dispositionId: monday.id,
        related: [thursday.id],
        flaggedOn: '2026-01-05',
        occurredOn: '2026-01-08',
        dueOn: '2026-01-08',
        dueAt: closeOf('2026-01-08'),
        status: 'to_file',
      },
    ]);
  });

  it('follows a corrected hand-over day, of this sale or of a related one', () => {
    const b = book('TX');
    const first = b.sell(pistol, '2026-01-05');
    const second = b.sell(pistol, '2026-01-06');
    // The second firearm left the store on Wednesday, not Tuesday.
    b.correct(second.id, { on: '2026-01-07' });
    expect(b.reports(noonOn('2026-01-07'))).toMatchObject([
      { dispositionId: second.id, occurredOn: '2026-01-07', dueAt: closeOf('2026-01-07') },
    ]);
    // And the first one on Thursday: the multiple sale occurred then.
    b.correct(first.id, { on: '2026-01-08' });
    expect(b.reports(noonOn('2026-01-08'))).toMatchObject([
      { dispositionId: second.id, occurredOn: '2026-01-08', status: 'to_file' },
    ]);
  });

  it('goes to ATF and to law enforcement for 3310.4: filed with ATF alone it is still to be filed', () => {
    const b = book('TX');
    b.sell(pistol, '2026-01-05');
    const second = b.sell(pistol, '2026-01-06');
    b.file(second.id, 'atf', '2026-01-06', 'Faxed');
    expect(b.reports(noonOn('2026-01-07'))).toMatchObject([
      {
        dispositionId: second.id,
        filedOn: '2026-01-06',
        filedBy: 'maria',
        filings: [
          {
            recipient: 'atf',
            agency: 'ATF',
            filedOn: '2026-01-06',
            filedBy: 'maria',
            filedAt: closeOf('2026-01-06') - 3_600_000,
            note: 'Faxed',
          },
        ],
        status: 'overdue',
      },
    ]);
    b.file(second.id, 'law_enforcement', '2026-01-07');
    expect(b.reports(noonOn('2026-01-07'))).toEqual([]);
    expect(b.reports(noonOn('2026-01-07'), { includeSettled: true })).toMatchObject([
      {
        dispositionId: second.id,
        status: 'filed',
        filedOn: '2026-01-06',
        filings: [{ recipient: 'atf' }, { recipient: 'law_enforcement', note: null }],
      },
    ]);
  });

  it('is not filed with ATF while only law enforcement has it', () => {
    const b = book('TX');
    b.sell(pistol, '2026-01-05');
    const second = b.sell(pistol, '2026-01-06');
    b.file(second.id, 'law_enforcement', '2026-01-06');
    expect(b.reports(noonOn('2026-01-06'))).toMatchObject([
      { dispositionId: second.id, filedOn: null, filedBy: null, status: 'to_file' },
    ]);
  });

  it('goes to ATF alone for 3310.12: filed once ATF has it', () => {
    const b = book('TX');
    b.sell(ar15, '2026-01-05');
    const second = b.sell(ar15, '2026-01-06');
    expect(b.reports(noonOn('2026-01-06'))).toMatchObject([
      { dispositionId: second.id, form: '3310.12', recipients: ['atf'], status: 'to_file' },
    ]);
    b.file(second.id, 'atf', '2026-01-06');
    expect(b.reports(noonOn('2026-01-06'))).toEqual([]);
    expect(b.listed(noonOn('2026-01-06'), { includeSettled: true })).toEqual([
      [second.id, 'filed'],
    ]);
  });

  it('is kept on file, not to be filed, when this sale was voided before filing', () => {
    const b = book('TX');
    b.sell(pistol, '2026-01-05');
    const second = b.sell(pistol, '2026-01-06');
    b.correct(second.id, { void: true });
    expect(b.reports(noonOn('2026-01-07'))).toEqual([]);
    expect(b.reports(noonOn('2026-01-07'), { includeSettled: true })).toMatchObject([
      { dispositionId: second.id, voided: true, stillMultiple: false, status: 'keep_on_file' },
    ]);
  });

  it('is kept on file when the related sale was voided, and stays filed when voided after filing', () => {
    const b = book('TX');
    const first = b.sell(pistol, '2026-01-05');
    const second = b.sell(pistol, '2026-01-06');
    b.correct(first.id, { void: true });
    expect(b.reports(noonOn('2026-01-07'), { includeSettled: true })).toMatchObject([
      { dispositionId: second.id, voided: false, stillMultiple: false, status: 'keep_on_file' },
    ]);

    // With two related sales, one voided: the other still makes it a multiple sale.
    const three = book('TX');
    const one = three.sell(pistol, '2026-01-05');
    three.sell(pistol, '2026-01-06');
    const last = three.sell(pistol, '2026-01-07');
    three.correct(one.id, { void: true });
    expect(three.reports(noonOn('2026-01-07'))).toMatchObject([
      { dispositionId: last.id, stillMultiple: true, status: 'to_file' },
    ]);

    const filed = book('TX');
    filed.sell(pistol, '2026-01-05');
    const sold = filed.sell(pistol, '2026-01-06');
    filed.file(sold.id, 'atf', '2026-01-06');
    filed.file(sold.id, 'law_enforcement', '2026-01-06');
    filed.correct(sold.id, { void: true });
    expect(filed.reports(noonOn('2026-01-07'), { includeSettled: true })).toMatchObject([
      { dispositionId: sold.id, voided: true, stillMultiple: false, status: 'filed' },
    ]);
  });

  it('is kept on file when a rifle of a 3310.12 is corrected out of it: not semi-automatic, or a .17', () => {
    for (const fix of [{ semiAutoDetachable: false }, { caliber: '.17 HMR' }]) {
      const b = book('TX');
      const first = b.sell(ar15, '2026-01-05');
      const second = b.sell(ar15, '2026-01-06');
      b.correctFirearm(first.itemId, fix);
      expect(b.listed(noonOn('2026-01-06'), { includeSettled: true })).toEqual([
        [second.id, 'keep_on_file'],
      ]);
      // Corrected back: a multiple sale again.
      b.correctFirearm(first.itemId, { semiAutoDetachable: true, caliber: '.223 Remington' });
      expect(b.listed(noonOn('2026-01-06'))).toEqual([[second.id, 'to_file']]);
      // The flagged rifle itself corrected out of it.
      b.correctFirearm(second.itemId, fix);
      expect(b.listed(noonOn('2026-01-06'), { includeSettled: true })).toEqual([
        [second.id, 'keep_on_file'],
      ]);
    }
  });

  it('counts handguns by the policy in force on the day it occurred', () => {
    const b = book('TX');
    b.sell(pistol, '2026-01-05');
    const second = b.sell(revolver, '2026-01-06');
    const shipped = shippedPolicy('2026-01-06');
    const pistolsOnly = () => ({
      ...shipped,
      multipleSale: { ...shipped.multipleSale, types: ['pistol'] },
    });
    expect(b.listed(noonOn('2026-01-06'), { includeSettled: true })).toEqual([
      [second.id, 'to_file'],
    ]);
    expect(b.listed(noonOn('2026-01-06'), { includeSettled: true, policy: pistolsOnly })).toEqual([
      [second.id, 'keep_on_file'],
    ]);
  });

  it('is dated by its flag when its sales have no date; left out when that date cannot be counted with', () => {
    // Flags stored before dates were required or checked: sales with no date, and a flag
    // dated on a day that does not exist.
    const b = book('TX');
    const first = b.sell(pistol, '2026-01-05', { state: 'undated' });
    const second = b.sell(pistol, '2026-01-06', { state: 'undated' });
    const third = b.sell(pistol, '2026-01-07', { state: 'undated' });
    const flag = b.db.prepare(
      "INSERT INTO multiple_sale_flags (disposition_id, form, buyer_key, flagged_on, related) VALUES (?, '3310.4', 'buyer-7', ?, ?)",
    );
    flag.run(second.id, '2026-01-06', JSON.stringify([first.id]));
    flag.run(third.id, '2026-02-30', JSON.stringify([first.id]));
    expect(b.reports(noonOn('2026-01-06'), { includeSettled: true })).toMatchObject([
      {
        dispositionId: second.id,
        occurredOn: '2026-01-06',
        flaggedOn: '2026-01-06',
        dueAt: closeOf('2026-01-06'),
        status: 'to_file',
      },
    ]);
  });

  it('lists the actionable first, the earliest deadline first (then in book order), then the settled, newest first', () => {
    const b = book('TX');
    b.sell(pistol, '2026-01-05'); // 1
    const p2 = b.sell(pistol, '2026-01-06'); // related [1]
    b.sell(ar15, '2026-01-05'); // 3
    const r4 = b.sell(ar15, '2026-01-06'); // related [3]: due the same day as p2
    const p5 = b.sell(pistol, '2026-01-07'); // related [1, 2]
    const r6 = b.sell(ar15, '2026-01-08'); // related [3, 4]
    b.file(r6.id, 'atf', '2026-01-08');
    const p7 = b.sell(pistol, '2026-01-08'); // related [1, 2, 5]
    b.correct(p7.id, { void: true });
    expect([p2, r4, p5, r6, p7].map((s) => s.flag?.form)).toEqual([
      '3310.4',
      '3310.12',
      '3310.4',
      '3310.12',
      '3310.4',
    ]);
    const now = noonOn('2026-01-08');
    expect(b.listed(now)).toEqual([
      [p2.id, 'overdue'],
      [r4.id, 'overdue'],
      [p5.id, 'overdue'],
    ]);
    expect(b.listed(now, { includeSettled: true })).toEqual([
      [p2.id, 'overdue'],
      [r4.id, 'overdue'],
      [p5.id, 'overdue'],
      [p7.id, 'keep_on_file'],
      [r6.id, 'filed'],
    ]);
    expect(b.listed(now, { includeSettled: true, dispositionId: p5.id })).toEqual([
      [p5.id, 'overdue'],
    ]);
    expect(b.listed(now, { dispositionId: r6.id })).toEqual([]);
  });

  it('is none on a book with no multiple sale', () => {
    const b = book('TX');
    b.sell(pistol, '2026-01-05');
    expect(b.reports(noonOn('2026-01-05'), { includeSettled: true })).toEqual([]);
  });
});
