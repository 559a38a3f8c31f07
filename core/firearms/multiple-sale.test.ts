// The multiple-sale rules as pure functions: which form a firearm counts toward, the dealer's
// 5-business-day window, who each report goes to and by when; and the filings marked before
// migration 21 carried over as the ATF filing.
import Database from 'better-sqlite3-multiple-ciphers';
import { describe, expect, it } from 'vitest';
import { migrate } from '../db/migrate.ts';
import { migrations } from '../db/migrations/index.ts';
import { formOf, inWindow, recipientsOf, reportDeadline, shippedPolicy } from './multiple-sale.ts';
import { StoreHours } from './reconcile.ts';

const policy = shippedPolicy('2026-01-05');
const pistol = { type: 'pistol', caliber: '9mm', semiAutoDetachable: false };
const revolver = { type: 'revolver', caliber: '.357 Mag', semiAutoDetachable: false };
const ar15 = { type: 'rifle', caliber: '5.56 NATO', semiAutoDetachable: true };
/** Monday to Saturday until 18:00 in Chicago, closed on federal holidays. */
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

describe('the form a firearm counts toward', () => {
  it('is 3310.4 for any pistol or revolver, in any state (27 CFR 478.126a)', () => {
    expect(formOf(pistol, policy, 'OH')).toBe('3310.4');
    expect(formOf(revolver, policy, null)).toBe('3310.4');
  });

  it('is 3310.12 for a semi-automatic rifle over .22 with a detachable magazine only in AZ, CA, NM and TX', () => {
    for (const state of ['AZ', 'CA', 'NM', 'TX'] as const)
      expect(formOf(ar15, policy, state)).toBe('3310.12');
    expect(formOf(ar15, policy, 'OH')).toBeNull();
    expect(formOf(ar15, policy, null)).toBeNull();
    expect(formOf({ ...ar15, semiAutoDetachable: false }, policy, 'TX')).toBeNull();
    expect(formOf({ ...ar15, caliber: '.22 LR' }, policy, 'TX')).toBeNull();
    expect(formOf({ ...ar15, caliber: '224 Valkyrie' }, policy, 'TX')).toBe('3310.12');
    expect(
      formOf({ type: 'shotgun', caliber: '12 ga', semiAutoDetachable: true }, policy, 'TX'),
    ).toBeNull();
  });
});

describe('the window', () => {
  // ATF's example: open Monday to Saturday, a sale Monday and another the next Saturday is
  // not a multiple sale; Monday and the same week's Friday is.
  it('is fewer than 5 of the dealer’s business days apart, whichever sale came first', () => {
    expect(inWindow('2026-01-05', '2026-01-09', hours, 5)).toBe(true);
    expect(inWindow('2026-01-09', '2026-01-05', hours, 5)).toBe(true);
    expect(inWindow('2026-01-05', '2026-01-10', hours, 5)).toBe(false);
    expect(inWindow('2026-01-10', '2026-01-05', hours, 5)).toBe(false);
    expect(inWindow('2026-01-05', '2026-01-05', hours, 5)).toBe(true);
  });
});

describe('a report', () => {
  it('goes to ATF and to the state police or local law enforcement for 3310.4; to ATF for 3310.12', () => {
    expect(recipientsOf('3310.4')).toEqual(['atf', 'law_enforcement']);
    expect(recipientsOf('3310.12')).toEqual(['atf']);
  });

  it('is due by close of business on the day, in the store’s time zone, or that day’s end when closed', () => {
    expect(reportDeadline('2026-01-05', hours)).toBe(Date.parse('2026-01-05T18:00:00-06:00'));
    expect(reportDeadline('2026-01-04', hours)).toBe(Date.parse('2026-01-05T00:00:00-06:00'));
  });
});

describe('migration 21', () => {
  it('carries each filing marked before it over as the filing with ATF', () => {
    const db = new Database(':memory:');
    const now = () => '2026-01-05T12:00:00.000Z';
    migrate(db, migrations.slice(0, 20), now);
    db.exec(`
      INSERT INTO firearm_items (id, manufacturer, model, serial, type, caliber, manufacturer_key, serial_key, status, created_at)
        VALUES (1, 'Glock', '19', 'P-2', 'pistol', '9mm', 'GLOCK', 'P-2', 'disposed', 1);
      INSERT INTO ledger_acquisitions (entry_no, item_id, received_on, source_name, source_ffl, manufacturer, model, serial, type, caliber, recorded_at, recorded_by)
        VALUES (1, 1, '2026-01-05', 'Lipsey''s', '9-86-123-01-7K-12345', 'Glock', '19', 'P-2', 'pistol', '9mm', 1, 'carlos');
      INSERT INTO ledger_dispositions (id, item_id, acquisition_entry, kind, disposed_on, buyer_key, state, multiple_sale, created_at, created_by)
        VALUES (7, 1, 1, 'non_licensee', '2026-01-05', 'buyer-7', 'committed', 1, 1, 'carlos');
      INSERT INTO multiple_sale_filings (disposition_id, filed_on, note, filed_by, filed_at)
        VALUES (7, '2026-01-05', 'Faxed', 'maria', 123);`);
    migrate(db, migrations, now);
    expect(db.prepare('SELECT * FROM multiple_sale_report_filings').all()).toEqual([
      {
        id: 1,
        disposition_id: 7,
        recipient: 'atf',
        agency: 'ATF',
        filed_on: '2026-01-05',
        note: 'Faxed',
        filed_by: 'maria',
        filed_at: 123,
      },
    ]);
  });
});
