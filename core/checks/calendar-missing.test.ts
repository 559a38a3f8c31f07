// Where the state's NICS calendar (the days its offices are open, 28 CFR 25.2) is not shipped
// for a year the wait runs into, the desk never guesses a shorter wait: no may-proceed date,
// the reason shown instead, and the gate refuses until the date is confirmed by hand.
import Database from 'better-sqlite3-multiple-ciphers';
import { beforeEach, describe, expect, it } from 'vitest';
import { AuditLog } from '../audit/repo.ts';
import { ManualClock } from '../clock.ts';
import { migrate } from '../db/migrate.ts';
import { migrations } from '../db/migrations/index.ts';
import { addDays } from './calendar.ts';
import { federalCalendar } from './policy.ts';
import { CheckDesk } from './service.ts';
import { resetCalendarCaches, StateCalendarMissing, type NicsCalendar } from './state-calendars.ts';

/** Texas's NICS days shipped through 2026 only. */
const through2026: NicsCalendar = {
  isBusinessDay: (d) => {
    if (d >= '2027-01-01') throw new StateCalendarMissing('TX', Number(d.slice(0, 4)));
    return federalCalendar.isBusinessDay(d);
  },
  nthBusinessDayAfter(d, n) {
    let date = d;
    for (let counted = 0; counted < n;) {
      date = addDays(date, 1);
      if (this.isBusinessDay(date)) counted++;
    }
    return date;
  },
  businessDaysBetween(from, to) {
    let n = 0;
    for (let d = addDays(from, 1); d <= to; d = addDays(d, 1)) if (this.isBusinessDay(d)) n++;
    return n;
  },
};

// The federal calendar below caches its years: start each test from nothing.
beforeEach(() => {
  resetCalendarCaches();
});

function desk(now: string) {
  const db = new Database(':memory:');
  migrate(db, migrations, () => now);
  const clock = new ManualClock(Date.parse(now));
  const checks = new CheckDesk({
    db,
    audit: new AuditLog(db, clock),
    clock,
    timeZone: () => 'America/Chicago',
    nicsCalendar: () => through2026,
  });
  const delayed = (form4473: string, on: string) => {
    const c = checks.start('carlos', {
      form4473,
      buyerKey: `buyer-${form4473}`,
      itemIds: [1],
      itemTypes: ['rifle'],
      state: 'TX',
      buyerUnder21: false,
    });
    checks.record('carlos', c.id, { kind: 'submit', on });
    return checks.record('carlos', c.id, { kind: 'delayed', on });
  };
  return { checks, delayed, db };
}

describe('a delayed check whose wait runs past the state calendar shipped', () => {
  it('shows no may-proceed date but the missing calendar, and the gate refuses with calendar_missing', () => {
    const { checks, delayed, db } = desk('2026-12-30T18:00:00Z');
    const c = delayed('T-1', '2026-12-30');
    expect(c).toMatchObject({
      status: 'delayed',
      mayProceedOn: null,
      calendarMissing: { state: 'TX', year: 2027 },
      lastValidDay: '2027-01-29',
    });
    expect(c.calendarMissing?.message).toMatch(/confirm the date the transfer may proceed by hand/);
    expect(checks.list({ limit: 10, openOnly: true })).toHaveLength(1);
    expect(checks.businessDaysToProceed(c)).toBe(0);
    expect(checks.handOverDecision(c)).toMatchObject({
      allowed: false,
      reason: 'calendar_missing',
      params: { state: 'TX', year: 2027 },
    });
    db.close();
  });

  it('counts as usual where the calendar covers the wait', () => {
    const { checks, delayed, db } = desk('2026-10-01T18:00:00Z');
    const c = delayed('T-2', '2026-10-01');
    expect(c).toMatchObject({ mayProceedOn: '2026-10-07', calendarMissing: null });
    expect(checks.businessDaysToProceed(c)).toBe(4);
    db.close();
  });
});
