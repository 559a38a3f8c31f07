// The date helpers every NICS and book deadline is computed with. A wrong date here moves a
// waiting period (18 U.S.C. 922(t)(1)(B)(ii); 28 CFR 25.2 "business day"), so each helper is
// checked against dates known from the calendar, not against what the code returns.
import { describe, expect, it } from 'vitest';
import {
  addDays,
  BusinessCalendar,
  dateOf,
  daysBetween,
  easterSunday,
  electionDayOf,
  isoDateSchema,
  nthWeekdayOf,
  weekday,
  type HolidayRule,
} from './calendar.ts';

describe('isoDateSchema', () => {
  it.each(['2026-02-30', '2026-13-01', '2026-00-10', '2026-04-31', '2026-02-29', '2100-02-29'])(
    'refuses %s, a day that does not exist',
    (d) => {
      expect(isoDateSchema.safeParse(d).success).toBe(false);
    },
  );

  it.each(['x2026-01-01', '2026-01-01x', ' 2026-01-01', '2026-01-01\n', '2026-1-01', '26-01-01'])(
    'refuses %j: the whole string must be the date (anchored pattern)',
    (d) => {
      expect(isoDateSchema.safeParse(d).success).toBe(false);
    },
  );

  it.each(['2024-02-29', '2000-02-29', '2026-12-31', '2026-01-01'])('accepts %s', (d) => {
    expect(isoDateSchema.parse(d)).toBe(d);
  });
});

describe('date arithmetic', () => {
  it('adds days across months, years and leap days', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(daysBetween('2026-01-01', '2027-01-01')).toBe(365);
    expect(daysBetween('2024-01-01', '2025-01-01')).toBe(366);
  });

  it('names weekdays from Sunday = 0', () => {
    expect(weekday('2026-04-17')).toBe(5); // a Friday
    expect(weekday('2026-04-19')).toBe(0);
    expect(weekday('2026-04-18')).toBe(6);
  });

  it('refuses a date that does not exist', () => {
    expect(() => dateOf(2026, 2, 30)).toThrow(RangeError);
    expect(() => addDays('2026-02-30', 1)).toThrow(RangeError);
  });

  it('finds the nth and the last weekday of a month', () => {
    expect(nthWeekdayOf(2026, 11, 4, 4)).toBe('2026-11-26'); // Thanksgiving
    expect(nthWeekdayOf(2026, 4, 1, 3)).toBe('2026-04-20'); // Patriots' Day
    expect(nthWeekdayOf(2026, 5, 1, -1)).toBe('2026-05-25'); // Memorial Day
    expect(nthWeekdayOf(2026, 10, 5, -1)).toBe('2026-10-30'); // Nevada Day
    expect(nthWeekdayOf(2026, 12, 4, -1)).toBe('2026-12-31');
    expect(() => nthWeekdayOf(2026, 2, 1, 5)).toThrow(RangeError); // no 5th Monday
  });

  it('computes Easter Sunday (Good Friday = Easter - 2)', () => {
    const known: Record<number, string> = {
      1818: '1818-03-22', // the earliest possible date
      2000: '2000-04-23',
      2024: '2024-03-31',
      2025: '2025-04-20',
      2026: '2026-04-05',
      2027: '2027-03-28',
      2028: '2028-04-16',
      2038: '2038-04-25', // the latest possible date
    };
    for (const [y, d] of Object.entries(known)) expect(easterSunday(Number(y))).toBe(d);
    expect(addDays(easterSunday(2026), -2)).toBe('2026-04-03');
  });

  it('puts election day on the Tuesday after the first Monday of November', () => {
    expect(electionDayOf(2024)).toBe('2024-11-05');
    expect(electionDayOf(2026)).toBe('2026-11-03');
    expect(electionDayOf(2028)).toBe('2028-11-07');
    // November 1 a Tuesday: not election day, the next Tuesday is.
    expect(electionDayOf(2022)).toBe('2022-11-08');
    // November 1 a Monday: the 2nd.
    expect(electionDayOf(2027)).toBe('2027-11-02');
    // Indiana's May primary uses the same rule.
    expect(electionDayOf(2026, 5)).toBe('2026-05-05');
  });
});

describe('the federal business-day calendar (BusinessCalendar)', () => {
  const rule = (from: string): HolidayRule => ({ name: 'Test Day', month: 6, day: 10, from });

  it('applies a holiday on its exact effective date (>=, not >)', () => {
    // 2026-06-10 is a Wednesday.
    expect(new BusinessCalendar([rule('2026-06-10')]).isBusinessDay('2026-06-10')).toBe(false);
    expect(new BusinessCalendar([rule('2026-06-11')]).isBusinessDay('2026-06-10')).toBe(true);
  });

  it('moves a Saturday holiday to Friday and a Sunday one to Monday (5 U.S.C. 6103(b))', () => {
    const july4 = new BusinessCalendar([{ name: 'July 4', month: 7, day: 4, from: '1900-01-01' }]);
    expect(july4.isBusinessDay('2026-07-03')).toBe(false); // the 4th is a Saturday
    expect(july4.isBusinessDay('2027-07-05')).toBe(false); // the 4th is a Sunday
    expect(july4.isBusinessDay('2027-07-02')).toBe(true);
  });

  it('counts business days exactly: the first day never, the last day always', () => {
    const none = new BusinessCalendar([]);
    expect(none.businessDaysBetween('2026-04-17', '2026-04-17')).toBe(0);
    expect(none.businessDaysBetween('2026-04-17', '2026-04-20')).toBe(1); // Fri → Mon
    expect(none.businessDaysBetween('2026-04-17', '2026-04-24')).toBe(5);
    expect(none.businessDaysBetween('2026-04-20', '2026-04-17')).toBe(0);
    expect(none.nthBusinessDayAfter('2026-04-17', 3)).toBe('2026-04-22');
    const withHoliday = new BusinessCalendar([
      { name: 'Patriots', month: 4, weekday: 1, nth: 3, from: '1969-01-01' },
    ]);
    expect(withHoliday.businessDaysBetween('2026-04-17', '2026-04-24')).toBe(4);
    expect(withHoliday.nthBusinessDayAfter('2026-04-17', 3)).toBe('2026-04-23');
  });
});
