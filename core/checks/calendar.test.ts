// The date helpers every NICS and book deadline is computed with. A wrong date here moves a
// waiting period (18 U.S.C. 922(t)(1)(B)(ii); 28 CFR 25.2 "business day"), so each helper is
// checked against dates known from the calendar, not against what the code returns.
import { beforeEach, describe, expect, it } from 'vitest';
import {
  addDays,
  BusinessCalendar,
  dateOf,
  daysBetween,
  easterSunday,
  electionDayOf,
  holidayRuleSchema,
  isoDateSchema,
  nthWeekdayOf,
  resetBusinessCalendarCaches,
  weekday,
  type HolidayRule,
} from './calendar.ts';
import { holidaysFileSchema } from './model.ts';
import { federalCalendar } from './policy.ts';

// The federal calendar is shared by every test and caches each year's holidays: start each
// test from nothing, so that no year computed by an earlier test hides a change to the rules.
beforeEach(() => {
  resetBusinessCalendarCaches();
});

/** The messages a schema gives for a value it refuses (none when it accepts it). */
const messages = (
  schema: { safeParse(v: unknown): { error?: { issues: { message: string }[] } } },
  v: unknown,
) => schema.safeParse(v).error?.issues.map((i) => i.message) ?? [];

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

  it.each(['x2026-11-26', '2026-11-26x'])(
    'says why %j is refused: it is not shaped like a date (the pattern is anchored at both ends)',
    (d) => {
      expect(messages(isoDateSchema, d)).toContain('A date looks like 2026-11-26.');
    },
  );

  it('says a well-shaped date that is not on the calendar does not exist (2026-02-30)', () => {
    expect(messages(isoDateSchema, '2026-02-30')).toEqual(['That date does not exist.']);
    expect(messages(isoDateSchema, '2026-11-26')).toEqual([]);
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

  it('refuses anything but a whole ISO date in every helper, naming it', () => {
    expect(() => addDays('2026-02-30', 1)).toThrow(/Not a date: 2026-02-30/);
    expect(() => addDays('x2026-11-26', 1)).toThrow(/Not a date: x2026-11-26/);
    expect(() => weekday('2026-11-26x')).toThrow(RangeError);
    expect(() => daysBetween('2026-11-26', '2026-11-26 ')).toThrow(RangeError);
  });

  it('never reads a year before 100 as a 20th-century year (0099-12-31 is not 1999-12-31)', () => {
    expect(() => addDays('0099-12-31', 1)).toThrow(RangeError);
    expect(isoDateSchema.safeParse('0050-06-15').success).toBe(false);
  });

  it('writes a date with a four-digit year and two-digit month and day', () => {
    expect(dateOf(2026, 7, 4)).toBe('2026-07-04');
    expect(dateOf(999, 12, 31)).toBe('0999-12-31');
  });

  it('finds the nth and the last weekday of a month', () => {
    expect(nthWeekdayOf(2026, 11, 4, 4)).toBe('2026-11-26'); // Thanksgiving
    expect(nthWeekdayOf(2026, 4, 1, 3)).toBe('2026-04-20'); // Patriots' Day
    expect(nthWeekdayOf(2026, 5, 1, -1)).toBe('2026-05-25'); // Memorial Day
    expect(nthWeekdayOf(2026, 10, 5, -1)).toBe('2026-10-30'); // Nevada Day
    expect(nthWeekdayOf(2026, 12, 4, -1)).toBe('2026-12-31');
    expect(() => nthWeekdayOf(2026, 2, 1, 5)).toThrow(RangeError); // no 5th Monday
    expect(() => nthWeekdayOf(2026, 2, 1, 5)).toThrow(/2026-02/);
  });

  it('refuses a weekday count that is neither 1–5 nor -1 (the last)', () => {
    expect(() => nthWeekdayOf(2026, 11, 4, 0)).toThrow(/nth counts from 1; -1 is the last/);
    expect(() => nthWeekdayOf(2026, 11, 4, -2)).toThrow(/nth counts from 1; -1 is the last/);
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
      // Years where the algorithm's corrections matter: a golden number of 1 (year % 19 = 0),
      // and the two exceptions of the Gregorian computus (April 19 and April 18 moved back).
      2014: '2014-04-20',
      2021: '2021-04-04',
      1981: '1981-04-19',
      2049: '2049-04-18',
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
  const dates = (cal: BusinessCalendar, year: number) => [...cal.holidays(year)].toSorted();

  it('lists the federal holidays of 2026 as OPM observes them (5 U.S.C. 6103)', () => {
    expect(dates(federalCalendar, 2026)).toEqual([
      '2026-01-01', // New Year's Day
      '2026-01-19', // Martin Luther King, Jr. (3rd Monday of January)
      '2026-02-16', // Washington's Birthday (3rd Monday of February)
      '2026-05-25', // Memorial Day (last Monday of May)
      '2026-06-19', // Juneteenth
      '2026-07-03', // Independence Day, July 4 a Saturday
      '2026-09-07', // Labor Day (1st Monday of September)
      '2026-10-12', // Columbus Day (2nd Monday of October)
      '2026-11-11', // Veterans Day
      '2026-11-26', // Thanksgiving (4th Thursday of November)
      '2026-12-25', // Christmas Day
    ]);
  });

  it('lists 2027 with its weekend moves, and New Year 2028 (a Saturday) on December 31, 2027', () => {
    expect(dates(federalCalendar, 2027)).toEqual([
      '2027-01-01',
      '2027-01-18',
      '2027-02-15',
      '2027-05-31',
      '2027-06-18', // June 19 a Saturday
      '2027-07-05', // July 4 a Sunday
      '2027-09-06',
      '2027-10-11',
      '2027-11-11',
      '2027-11-25',
      '2027-12-24', // Christmas a Saturday
      '2027-12-31', // New Year's Day 2028 a Saturday
    ]);
    expect(federalCalendar.isBusinessDay('2027-12-31')).toBe(false);
  });

  it('puts a Saturday New Year’s Day in the year before, not in its own (2022-01-01 → 2021-12-31)', () => {
    expect(federalCalendar.holidays(2021).has('2021-12-31')).toBe(true);
    expect(federalCalendar.holidays(2022).has('2021-12-31')).toBe(false);
    expect(dates(federalCalendar, 2022)[0]).toBe('2022-01-17'); // MLK Day, the first of 2022
  });

  it('applies Juneteenth from its enactment (June 17, 2021): observed Friday 2021-06-18, not in 2020', () => {
    expect(federalCalendar.isBusinessDay('2021-06-18')).toBe(false);
    expect(federalCalendar.isBusinessDay('2020-06-19')).toBe(true); // a Friday
  });

  it('refuses a rule that is neither a day of the month nor a weekday and which one', () => {
    for (const broken of [
      { name: 'Broken Day', month: 5, from: '1900-01-01' },
      { name: 'Broken Day', month: 5, weekday: 1, from: '1900-01-01' },
      { name: 'Broken Day', month: 5, nth: 1, from: '1900-01-01' },
    ])
      expect(() => new BusinessCalendar([broken]).isBusinessDay('2026-05-04')).toThrow(
        /Broken Day: A holiday has either a day of the month, or a weekday and which one/,
      );
  });

  it('computes a year once, and again after a reset', () => {
    const cal = new BusinessCalendar([{ name: 'July 4', month: 7, day: 4, from: '1900-01-01' }]);
    const first = cal.holidays(2026);
    expect(cal.holidays(2026)).toBe(first);
    resetBusinessCalendarCaches();
    const again = cal.holidays(2026);
    expect(again).not.toBe(first);
    expect([...again]).toEqual(['2026-07-03']);
  });

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

describe('a holiday rule (federal-holidays.json, store hours)', () => {
  const thanksgiving = {
    name: 'Thanksgiving Day',
    month: 11,
    weekday: 4,
    nth: 4,
    from: '1942-01-01',
  };
  const july4 = { name: 'Independence Day', month: 7, day: 4, from: '1900-01-01' };
  const memorial = { name: 'Memorial Day', month: 5, weekday: 1, nth: -1, from: '1971-01-01' };
  const EITHER = 'A holiday has either a day of the month, or a weekday and which one.';

  it('accepts a fixed day, an nth weekday and a last weekday', () => {
    expect(holidayRuleSchema.parse(thanksgiving)).toEqual(thanksgiving);
    expect(holidayRuleSchema.parse(july4)).toEqual(july4);
    expect(holidayRuleSchema.parse(memorial)).toEqual(memorial);
    expect(holidayRuleSchema.parse({ ...july4, month: 12, day: 31 }).day).toBe(31);
    expect(holidayRuleSchema.parse({ ...thanksgiving, weekday: 0, nth: 5 }).nth).toBe(5);
    expect(holidayRuleSchema.parse({ ...thanksgiving, weekday: 6, nth: 1 }).weekday).toBe(6);
    expect(holidayRuleSchema.parse({ ...july4, month: 1, day: 1 }).month).toBe(1);
  });

  it.each([
    ['a day and a weekday', { ...july4, weekday: 5, nth: 1 }],
    ['a day and a weekday without which one', { ...july4, weekday: 5 }],
    ['a day and which one without the weekday', { ...july4, nth: 1 }],
    [
      'a weekday without which one',
      { name: 'Thanksgiving', month: 11, weekday: 4, from: '1942-01-01' },
    ],
    [
      'which one without the weekday',
      { name: 'Thanksgiving', month: 11, nth: 4, from: '1942-01-01' },
    ],
    ['neither', { name: 'Thanksgiving', month: 11, from: '1942-01-01' }],
  ])('refuses %s, saying what a holiday is', (_what, rule) => {
    expect(messages(holidayRuleSchema, rule)).toEqual([EITHER]);
  });

  it('refuses a weekday count of 0, saying how they count', () => {
    expect(messages(holidayRuleSchema, { ...thanksgiving, nth: 0 })).toContain(
      'nth counts from 1; -1 is the last.',
    );
  });

  it.each([
    ['no name', { ...july4, name: '' }],
    ['month 13', { ...july4, month: 13 }],
    ['month 0', { ...july4, month: 0 }],
    ['day 32', { ...july4, day: 32 }],
    ['day 0', { ...july4, day: 0 }],
    ['weekday 7', { ...thanksgiving, weekday: 7 }],
    ['weekday -1', { ...thanksgiving, weekday: -1 }],
    ['nth 6', { ...thanksgiving, nth: 6 }],
    ['nth -2', { ...thanksgiving, nth: -2 }],
    ['a fraction of a month', { ...july4, month: 6.5 }],
    ['an effective date that does not exist', { ...july4, from: '1900-02-30' }],
    ['an unknown field', { ...july4, observed: 'monday' }],
  ])('refuses a rule with %s', (_what, rule) => {
    expect(holidayRuleSchema.safeParse(rule).success).toBe(false);
  });

  it('refuses a holiday file with a broken rule, naming the rule and what is wrong', () => {
    const result = holidaysFileSchema.safeParse({
      source: '5 U.S.C. 6103(a)',
      holidays: [july4, { name: 'Thanksgiving Day', month: 11, weekday: 4, from: '1942-01-01' }],
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues).toMatchObject([{ path: ['holidays', 1], message: EITHER }]);
  });
});
