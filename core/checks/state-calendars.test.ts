// NICS business days are the days state offices are open in the state of the transfer:
// 28 CFR 25.2 "Business day means a 24-hour day (beginning at 12:01 a.m.) during which state
// offices are open in the state in which the proposed firearm transaction is to take place."
// A delayed transfer may proceed by default only after 3 such days (18 U.S.C. 922(t)(1)(B)(ii)).
// A state-office holiday missing from the data would make the wait SHORTER than the law
// allows, so these tests pin the days that differ from the federal list, state by state.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeEach, describe, expect, it } from 'vitest';
import { US_STATES, type UsState } from '../integrations/model.ts';
import { addDays, dateOf, nthWeekdayOf, weekday, type IsoDate } from './calendar.ts';
import { policyOn, type Check, type NicsPolicy } from './model.ts';
import { federalCalendar, nicsPolicies } from './policy.ts';
import { defaultProceedOn } from './rules.ts';
import {
  nicsCalendarFor,
  nicsCalendarOf,
  resetCalendarCaches,
  StateCalendarMissing,
  stateHolidayFiles,
  stateHolidaysFileSchema,
  stateOfficeHolidays,
  stateOfficeHolidaysOf,
  type NicsCalendar,
  type StateHolidaysFile,
} from './state-calendars.ts';

const DIR = fileURLToPath(new URL('../../resources/firearms/state-holidays/', import.meta.url));
const YEARS = [2024, 2025, 2026, 2027, 2028];

// Whether a state allows a default proceed at all is another rule (the state policy); these
// tests isolate the calendar, so every state allows one here. The wait length is the data's.
const policy: NicsPolicy = { ...policyOn(nicsPolicies, '2026-04-17'), noDefaultProceedStates: [] };

const delayedIn = (state: UsState, contactDate: IsoDate): Check => ({
  buyer: 'buyer-1',
  items: ['item-1'],
  status: 'delayed',
  state,
  route: 'federal_nics',
  buyerUnder21: false,
  contactDate,
  delayedOn: contactDate,
  furtherInvestigation: false,
  lastEventOn: contactDate,
  deniedOn: null,
  overturned: null,
});

const proceedOn = (
  state: UsState,
  contact: IsoDate,
  calendar: NicsCalendar = nicsCalendarFor(state),
) => defaultProceedOn(delayedIn(state, contact), policy, calendar);

beforeEach(() => {
  resetCalendarCaches();
});

describe('a delayed check waits in the calendar of the store’s state (28 CFR 25.2)', () => {
  it('Massachusetts: delayed on the Friday before Patriots’ Day proceeds one business day later than with the federal list', () => {
    // Friday 2026-04-17; Patriots' Day is Monday 2026-04-20 (third Monday of April).
    expect(proceedOn('MA', '2026-04-17', federalCalendar)).toBe('2026-04-23');
    expect(proceedOn('MA', '2026-04-17')).toBe('2026-04-24');
  });

  it('Maine closes for Patriots’ Day too', () => {
    expect(proceedOn('ME', '2026-04-17')).toBe('2026-04-24');
  });

  it('Texas: the same Friday gives the federal answer (San Jacinto Day, April 21, is a skeleton-crew day: offices open)', () => {
    expect(proceedOn('TX', '2026-04-17')).toBe(proceedOn('TX', '2026-04-17', federalCalendar));
    expect(proceedOn('TX', '2026-04-17')).toBe('2026-04-23');
  });

  it('California: Cesar Chavez Day (Tuesday 2026-03-31) adds a day; Texas (an optional holiday there) does not', () => {
    // Delayed Friday 2026-03-27: federal Mon 30, Tue 31, Wed 1 → proceed Thursday April 2.
    expect(proceedOn('CA', '2026-03-27', federalCalendar)).toBe('2026-04-02');
    expect(proceedOn('CA', '2026-03-27')).toBe('2026-04-03');
    expect(proceedOn('TX', '2026-03-27')).toBe('2026-04-02');
  });

  it('the day after Thanksgiving (2026-11-27) adds a day where state offices close (CA, TX), not in Massachusetts', () => {
    // Delayed Wednesday 2026-11-25: federal Fri 27, Mon 30, Tue 1 → proceed Wednesday Dec 2.
    expect(proceedOn('TX', '2026-11-25', federalCalendar)).toBe('2026-12-02');
    expect(proceedOn('CA', '2026-11-25')).toBe('2026-12-03');
    expect(proceedOn('TX', '2026-11-25')).toBe('2026-12-03');
    expect(proceedOn('MA', '2026-11-25')).toBe('2026-12-02');
  });

  it('Columbus Day is a business day where state offices stay open (Texas), not where they close (Massachusetts)', () => {
    // Delayed Friday 2026-10-09; Columbus Day Monday 2026-10-12.
    expect(proceedOn('TX', '2026-10-09')).toBe('2026-10-15');
    expect(proceedOn('MA', '2026-10-09')).toBe('2026-10-16');
    expect(proceedOn('TX', '2026-10-09', federalCalendar)).toBe('2026-10-16');
  });

  it('the under-21 wait of 10 business days counts the same state-office days', () => {
    const check = {
      ...delayedIn('MA', '2026-04-10'),
      buyerUnder21: true,
      furtherInvestigation: true,
    };
    // 10 business days after Friday April 10, skipping Patriots' Day (April 20): April 24.
    expect(defaultProceedOn(check, policy, nicsCalendarFor('MA'))).toBe(
      addDays(
        nicsCalendarFor('MA').nthBusinessDayAfter('2026-04-10', policy.under21WaitBusinessDays),
        1,
      ),
    );
    expect(nicsCalendarFor('MA').nthBusinessDayAfter('2026-04-10', 10)).toBe('2026-04-27');
    expect(federalCalendar.nthBusinessDayAfter('2026-04-10', 10)).toBe('2026-04-24');
  });

  it('counts the business days of a wait in the state’s calendar, the last day included', () => {
    // Friday 2026-04-17 through Friday 2026-04-24: Patriots' Day (Monday the 20th) is closed in MA.
    expect(nicsCalendarFor('MA').businessDaysBetween('2026-04-17', '2026-04-24')).toBe(4);
    expect(federalCalendar.businessDaysBetween('2026-04-17', '2026-04-24')).toBe(5);
    expect(nicsCalendarFor('MA').businessDaysBetween('2026-04-17', '2026-04-20')).toBe(0);
    expect(nicsCalendarFor('MA').businessDaysBetween('2026-04-17', '2026-04-21')).toBe(1);
  });
});

describe('a year without a shipped calendar is refused, never guessed shorter', () => {
  it('throws StateCalendarMissing naming the state and the year (2031)', () => {
    const cal = nicsCalendarFor('TX');
    expect(() => cal.isBusinessDay('2031-03-04')).toThrow(StateCalendarMissing);
    expect(() => cal.isBusinessDay('2031-03-04')).toThrow(/TX in 2031/);
    expect(() => proceedOn('TX', '2031-03-04')).toThrow(StateCalendarMissing);
    try {
      proceedOn('MA', '2031-03-04');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(StateCalendarMissing);
      expect((error as StateCalendarMissing).state).toBe('MA');
      expect((error as StateCalendarMissing).year).toBe(2031);
      expect((error as Error).message).toMatch(/confirm the date .* by hand/);
      expect((error as Error).name).toBe('StateCalendarMissing');
    }
  });

  it('refuses a wait that runs past the last shipped year, and a weekend day of a missing year', () => {
    const cal = nicsCalendarFor('CA');
    expect(() => cal.nthBusinessDayAfter('2028-12-28', 3)).toThrow(/CA in 2029/);
    expect(() => cal.businessDaysBetween('2028-12-28', '2029-01-03')).toThrow(StateCalendarMissing);
    expect(() => cal.isBusinessDay('2029-01-06')).toThrow(StateCalendarMissing); // a Saturday
    expect(() => cal.isBusinessDay('2023-12-29')).toThrow(/CA in 2023/);
    expect(() => stateOfficeHolidaysOf('CA', 2029)).toThrow(StateCalendarMissing);
    expect(() => stateOfficeHolidaysOf('CA', 2023)).toThrow(/CA in 2023/);
  });
});

describe('the shipped state-office calendars', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.json'));

  it('has one file per state and DC (51), each parsing, each loaded', () => {
    expect(files.toSorted()).toEqual(US_STATES.map((s) => `${s}.json`).toSorted());
    for (const f of files) {
      const parsed = stateHolidaysFileSchema.parse(JSON.parse(readFileSync(DIR + f, 'utf8')));
      expect(parsed.state).toBe(f.slice(0, 2));
      // What the app loaded is what the file says (no file left out of the loader).
      expect(stateHolidayFiles[parsed.state]).toEqual(parsed);
    }
  });

  it.each(US_STATES)(
    '%s covers 2024–2028 and names a source and the day it was checked',
    (state) => {
      const file = stateHolidayFiles[state];
      expect(file.years.from).toBeLessThanOrEqual(2024);
      expect(file.years.to).toBeGreaterThanOrEqual(2028);
      expect(file.sources.length).toBeGreaterThan(0);
      for (const s of file.sources) expect(s.url).toMatch(/^https?:\/\//);
      expect(file.checked).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(file.notes.length).toBeGreaterThan(20);
      for (const y of YEARS) expect(() => stateOfficeHolidaysOf(state, y)).not.toThrow();
    },
  );

  it.each(US_STATES)(
    '%s closes on New Year’s Day, Independence Day, Thanksgiving and Christmas in 2024–2028',
    (state) => {
      const cal = nicsCalendarFor(state);
      for (const y of YEARS) {
        expect(cal.isBusinessDay(nthWeekdayOf(y, 11, 4, 4)), `Thanksgiving ${y}`).toBe(false);
        for (const [m, d] of [
          [1, 1],
          [7, 4],
          [12, 25],
        ] as const) {
          const date = dateOf(y, m, d);
          // On a weekend the state's weekend rule decides where (or whether) it is observed:
          // Texas, Wisconsin and California (Saturday) observe it on no other day.
          if (weekday(date) !== 0 && weekday(date) !== 6)
            expect(cal.isBusinessDay(date), `${state} ${date}`).toBe(false);
        }
      }
    },
  );
});

describe('weekend observance follows each state’s rule', () => {
  it('July 4, 2026 is a Saturday: Friday July 3 closes in Massachusetts, not in California, Texas or Wisconsin', () => {
    expect(nicsCalendarFor('MA').isBusinessDay('2026-07-03')).toBe(false);
    expect(nicsCalendarFor('CA').isBusinessDay('2026-07-03')).toBe(true); // holiday credit instead
    expect(nicsCalendarFor('TX').isBusinessDay('2026-07-03')).toBe(true);
    expect(nicsCalendarFor('WI').isBusinessDay('2026-07-03')).toBe(true);
  });

  it('July 4, 2027 is a Sunday: Monday July 5 closes in California and Wisconsin, not in Texas', () => {
    expect(nicsCalendarFor('CA').isBusinessDay('2027-07-05')).toBe(false);
    expect(nicsCalendarFor('WI').isBusinessDay('2027-07-05')).toBe(false);
    expect(nicsCalendarFor('TX').isBusinessDay('2027-07-05')).toBe(true);
  });

  it('California observes a Saturday Veterans Day on the Friday before (2028-11-10)', () => {
    expect(nicsCalendarFor('CA').isBusinessDay('2028-11-10')).toBe(false);
  });

  it('South Carolina: December 26, 2026 (a Saturday) closes Monday December 28', () => {
    expect(nicsCalendarFor('SC').isBusinessDay('2026-12-28')).toBe(false);
    expect(nicsCalendarFor('SC').isBusinessDay('2026-12-24')).toBe(false);
  });

  it('a holiday moved onto another holiday moves on: Arkansas 2027, Christmas on Saturday → Christmas Eve on Thursday', () => {
    expect(nicsCalendarFor('AR').isBusinessDay('2027-12-24')).toBe(false);
    expect(nicsCalendarFor('AR').isBusinessDay('2027-12-23')).toBe(false);
  });

  it('a New Year’s Day on a Saturday closes December 31 of the year before (Arkansas, 2027-12-31)', () => {
    expect(nicsCalendarFor('AR').isBusinessDay('2027-12-31')).toBe(false);
  });
});

describe('state-specific days', () => {
  it.each([
    ['CA', '2026-03-31', 'Cesar Chavez Day'],
    ['MA', '2026-04-20', "Patriots' Day"],
    ['ME', '2026-04-20', "Patriots' Day"],
    ['CT', '2026-04-03', 'Good Friday (Easter − 2)'],
    ['CT', '2026-02-12', "Lincoln's Birthday"],
    ['IL', '2026-11-03', 'general election day (even years)'],
    ['IN', '2027-11-02', 'general election day (every year)'],
    ['IN', '2026-05-05', 'primary election day (May)'],
    ['VA', '2027-11-02', 'Election Day (every year)'],
    ['AL', '2026-04-27', 'Confederate Memorial Day (4th Monday of April)'],
    ['MS', '2026-04-27', 'Confederate Memorial Day (last Monday of April)'],
    ['SC', '2026-05-11', 'Confederate Memorial Day (May 10, a Sunday → Monday)'],
    ['LA', '2026-02-17', 'Mardi Gras (Easter − 47)'],
    ['HI', '2026-08-21', 'Statehood Day (3rd Friday of August)'],
    ['NV', '2026-10-30', 'Nevada Day (last Friday of October)'],
    ['UT', '2026-07-24', 'Pioneer Day'],
    ['VT', '2026-03-03', 'Town Meeting Day'],
    ['AK', '2026-03-30', "Seward's Day"],
    ['WI', '2026-12-31', "New Year's Eve"],
    ['TX', '2026-12-24', 'December 24'],
    ['GA', '2025-12-26', "Washington's Birthday as designated for 2025"],
    ['DC', '2026-04-16', 'D.C. Emancipation Day'],
    // From the statutes and HR pages named in each file (28 CFR 25.2: days state offices are open).
    ['RI', '2026-07-06', 'July 4 on a Saturday → the Monday after (R.I.G.L. 25-1-1)'],
    ['RI', '2027-12-27', 'Christmas on a Saturday → the Monday after (R.I.G.L. 25-1-1)'],
    ['RI', '2026-08-10', 'Victory Day (2nd Monday of August)'],
    ['ND', '2026-12-24', 'Christmas Eve, offices closed from noon (NDCC 1-03-01.1)'],
    ['DE', '2026-11-03', 'general election day (1 Del. C. 501)'],
    ['DE', '2026-11-27', 'the Friday after Thanksgiving (1 Del. C. 501)'],
    ['AK', '2026-10-19', 'Alaska Day on a Sunday → Monday (AS 44.12.020)'],
    ['AK', '2026-06-19', 'Juneteenth (AS 44.12.010 as amended, from 2025)'],
    ['VT', '2026-08-17', 'Bennington Battle Day on a Sunday → Monday (1 V.S.A. 371(b))'],
    ['SD', '2026-10-12', "Native Americans' Day (SDCL 1-5-1)"],
    ['WV', '2026-11-27', "Lincoln's Day (W. Va. Code 2-2-1)"],
    ['WV', '2026-05-12', 'statewide primary election day (W. Va. Code 2-2-1)'],
    ['MD', '2026-11-27', 'American Indian Heritage Day'],
    ['HI', '2026-06-11', 'King Kamehameha I Day (HRS 8-1)'],
    ['ME', '2026-11-27', 'Thanksgiving Friday (state HR policy)'],
    ['KY', '2024-11-05', 'presidential election day (KRS 18A.190)'],
    ['KY', '2028-11-07', 'presidential election day (KRS 18A.190)'],
  ] as const)('%s closes on %s: %s', (state: UsState, date: IsoDate, _why: string) => {
    expect(nicsCalendarFor(state).isBusinessDay(date)).toBe(false);
  });

  it('marks the days a file closes without a source as assumed, and only those (Kentucky 2026)', () => {
    const ky = stateOfficeHolidaysOf('KY', 2026);
    // Christmas Day is in KRS 18A.190; Christmas Eve is an extra day the governor designates.
    expect(ky.find((h) => h.date === '2026-12-25')?.assumed).toBe(false);
    expect(ky.find((h) => h.date === '2026-12-24')?.assumed).toBe(true);
  });

  it.each([
    ['TX', '2027-01-19', 'Confederate Heroes Day (skeleton crew)'],
    ['TX', '2026-03-02', 'Texas Independence Day (skeleton crew)'],
    ['TX', '2026-04-21', 'San Jacinto Day (skeleton crew)'],
    ['TX', '2026-06-19', 'Emancipation Day (skeleton crew)'],
    ['TX', '2026-08-27', 'LBJ Day (skeleton crew)'],
    ['TX', '2026-04-03', 'Good Friday (optional holiday)'],
    ['MA', '2026-03-17', 'Evacuation Day (Suffolk County; state offices stay open)'],
    ['MA', '2026-06-17', 'Bunker Hill Day (state offices stay open)'],
    ['MA', '2026-11-27', 'the day after Thanksgiving'],
    ['CA', '2026-10-12', 'Columbus Day'],
    ['FL', '2026-02-16', "Presidents' Day"],
    ['WI', '2026-11-11', 'Veterans Day'],
    ['IN', '2026-02-16', "Presidents' Day (observed in Christmas week instead)"],
    ['MA', '2026-11-03', 'election day'],
    ['RI', '2026-07-03', 'the Friday before a Saturday July 4 (R.I.G.L. 25-1-1: the Monday after)'],
    ['ND', '2026-10-12', 'Columbus Day (not in NDCC 1-03-01)'],
    ['ND', '2026-06-19', 'Juneteenth (not in NDCC 1-03-01)'],
    ['ND', '2027-12-23', 'the Thursday before a Christmas observed on Friday December 24'],
    ['AK', '2026-10-12', 'Columbus / Indigenous Peoples’ Day (not in AS 44.12.010)'],
    ['VT', '2026-11-27', 'the day after Thanksgiving'],
    ['WY', '2026-10-12', 'Columbus Day (not in W.S. 8-4-101)'],
    ['WY', '2026-06-19', 'Juneteenth (W.S. 8-4-107: offices do not close)'],
    ['DE', '2026-02-16', "Presidents' Day (not in 1 Del. C. 501)"],
    ['DE', '2026-10-12', 'Columbus Day (not in 1 Del. C. 501)'],
    ['HI', '2026-10-12', "Discoverers' Day (a day of observance)"],
    ['KY', '2026-11-03', 'a midterm election day (KRS 18A.190 names the presidential one only)'],
  ] as const)('%s is open on %s: %s', (state: UsState, date: IsoDate, _why: string) => {
    expect(nicsCalendarFor(state).isBusinessDay(date)).toBe(true);
  });
});

describe('the rules of a state-holidays file', () => {
  const raw = (holidays: unknown[], extra: Record<string, unknown> = {}) => ({
    state: 'MA',
    name: 'Test',
    years: { from: 2026, to: 2027 },
    sources: [{ name: 'test', url: 'https://example.org/' }],
    checked: '2026-12-01',
    verified: 'knowledge',
    weekend: { saturday: 'friday', sunday: 'monday' },
    notes: 'A file made for a test.',
    holidays,
    ...extra,
  });
  const base = (holidays: unknown[], extra: Record<string, unknown> = {}): StateHolidaysFile =>
    stateHolidaysFileSchema.parse(raw(holidays, extra));
  const issuesOf = (holidays: unknown[], extra: Record<string, unknown> = {}) =>
    stateHolidaysFileSchema.safeParse(raw(holidays, extra)).error?.issues ?? [];
  const datesOf = (file: StateHolidaysFile, year: number) =>
    stateOfficeHolidays(file, year).map((h) => h.date);
  const fixed = (name: string, month: number, day: number) => ({
    kind: 'fixed',
    name,
    month,
    day,
    from: '1900-01-01',
  });

  it('applies a holiday from its exact effective date, through its last one (inclusive)', () => {
    const on = (from: string, until?: string) =>
      nicsCalendarOf(
        base([{ kind: 'fixed', name: 'X', month: 6, day: 10, from, ...(until ? { until } : {}) }]),
      ).isBusinessDay('2026-06-10');
    expect(on('2026-06-10')).toBe(false);
    expect(on('2026-06-11')).toBe(true);
    expect(on('2020-01-01', '2026-06-10')).toBe(false);
    expect(on('2020-01-01', '2026-06-09')).toBe(true);
  });

  it('computes offsets, Easter-relative days, election days and explicit dates', () => {
    const file = base([
      {
        kind: 'nth_weekday',
        id: 'tg',
        name: 'Thanksgiving',
        month: 11,
        weekday: 4,
        nth: 4,
        from: '1942-01-01',
      },
      { kind: 'offset', name: 'Day after', of: 'tg', days: 1, from: '1900-01-01' },
      { kind: 'easter', name: 'Good Friday', days: -2, from: '1900-01-01' },
      { kind: 'election_day', name: 'Election', years: 'even', from: '1900-01-01' },
      { kind: 'dates', name: 'Proclaimed', dates: ['2026-12-24'], from: '2026-01-01' },
    ]);
    expect(stateOfficeHolidays(file, 2026).map((h) => h.date)).toEqual([
      '2026-04-03',
      '2026-11-03',
      '2026-11-26',
      '2026-11-27',
      '2026-12-24',
    ]);
    // 2027 is odd: no election day.
    expect(stateOfficeHolidays(file, 2027).map((h) => h.date)).toEqual([
      '2027-03-26',
      '2027-11-25',
      '2027-11-26',
    ]);
  });

  it('moves weekend holidays by the file’s rule, or a holiday’s own', () => {
    const july4 = (weekend: object, own?: object) =>
      stateOfficeHolidays(
        base(
          [
            {
              kind: 'fixed',
              name: 'July 4',
              month: 7,
              day: 4,
              from: '1900-01-01',
              ...(own ? { weekend: own } : {}),
            },
          ],
          { weekend },
        ),
        2026,
      ).map((h) => h.date);
    expect(july4({ saturday: 'friday', sunday: 'monday' })).toEqual(['2026-07-03']);
    expect(july4({ saturday: 'monday', sunday: 'monday' })).toEqual(['2026-07-06']);
    expect(july4({ saturday: 'none', sunday: 'monday' })).toEqual([]);
    expect(
      july4({ saturday: 'none', sunday: 'none' }, { saturday: 'friday', sunday: 'monday' }),
    ).toEqual(['2026-07-03']);
  });

  it('refuses a broken file: a missing offset base, a date outside its years, until before from', () => {
    expect(() =>
      base([{ kind: 'offset', name: 'X', of: 'nope', days: 1, from: '1900-01-01' }]),
    ).toThrow();
    expect(() =>
      base([{ kind: 'dates', name: 'X', dates: ['2031-12-24'], from: '2024-01-01' }]),
    ).toThrow();
    expect(() =>
      base([
        { kind: 'fixed', name: 'X', month: 1, day: 1, from: '2026-01-01', until: '2025-01-01' },
      ]),
    ).toThrow();
    expect(() => base([{ kind: 'lunar', name: 'X', from: '2026-01-01' }])).toThrow();
    expect(() =>
      base([{ kind: 'fixed', name: 'X', month: 2, day: 30, from: '2026-02-30' }]),
    ).toThrow();
    expect(() => base([], {})).toThrow(); // no holidays at all
  });

  it('says what is wrong with a broken file, and where', () => {
    expect(
      issuesOf([{ kind: 'offset', name: 'X', of: 'nope', days: 1, from: '1900-01-01' }]),
    ).toMatchObject([
      {
        code: 'custom',
        path: ['holidays', 0, 'of'],
        message: 'No nth_weekday holiday with id "nope" in this file.',
      },
    ]);
    expect(
      issuesOf([
        { kind: 'fixed', name: 'X', month: 1, day: 1, from: '2026-01-01', until: '2025-01-01' },
      ]),
    ).toMatchObject([
      { code: 'custom', path: ['holidays', 0, 'until'], message: 'until comes before from.' },
    ]);
    // The file covers 2026–2027: a proclaimed date after or before them is refused.
    expect(
      issuesOf([
        { kind: 'dates', name: 'X', dates: ['2026-12-24', '2031-12-24'], from: '2024-01-01' },
      ]),
    ).toMatchObject([
      {
        code: 'custom',
        path: ['holidays', 0, 'dates', 1],
        message: '2031-12-24 is outside the years this file covers.',
      },
    ]);
    expect(
      issuesOf([{ kind: 'dates', name: 'X', dates: ['2025-12-24'], from: '2024-01-01' }]),
    ).toMatchObject([{ path: ['holidays', 0, 'dates', 0] }]);
    expect(issuesOf([fixed('X', 1, 1)], { years: { from: 2027, to: 2026 } })).toMatchObject([
      { path: ['years'], message: 'years.from comes before years.to.' },
    ]);
    expect(
      issuesOf([
        { kind: 'nth_weekday', name: 'X', month: 11, weekday: 4, nth: 0, from: '1942-01-01' },
      ]),
    ).toMatchObject([
      { path: ['holidays', 0, 'nth'], message: 'nth counts from 1; -1 is the last.' },
    ]);
  });

  it('accepts the edges: a file for one year, a holiday in force for one day, a Sunday moved to Friday', () => {
    expect(issuesOf([fixed('X', 1, 1)], { years: { from: 2026, to: 2026 } })).toEqual([]);
    expect(
      issuesOf([
        { kind: 'fixed', name: 'X', month: 6, day: 10, from: '2026-06-10', until: '2026-06-10' },
      ]),
    ).toEqual([]);
    expect(
      issuesOf([fixed('X', 1, 1)], { weekend: { saturday: 'friday', sunday: 'friday' } }),
    ).toEqual([]);
  });

  it('marks a holiday assumed only when the file says so', () => {
    const file = base([
      fixed('Christmas Day', 12, 25),
      { ...fixed('Christmas Eve', 12, 24), assumed: true },
    ]);
    expect(stateOfficeHolidays(file, 2026)).toEqual([
      { date: '2026-12-24', name: 'Christmas Eve', assumed: true },
      { date: '2026-12-25', name: 'Christmas Day', assumed: false },
    ]);
  });

  it('counts an offset from the holiday it names, not from another nth weekday', () => {
    const file = base([
      {
        kind: 'nth_weekday',
        id: 'mlk',
        name: 'MLK Day',
        month: 1,
        weekday: 1,
        nth: 3,
        from: '1986-01-01',
      },
      {
        kind: 'nth_weekday',
        id: 'tg',
        name: 'Thanksgiving',
        month: 11,
        weekday: 4,
        nth: 4,
        from: '1942-01-01',
      },
      { kind: 'offset', name: 'Day after Thanksgiving', of: 'tg', days: 1, from: '1900-01-01' },
    ]);
    expect(datesOf(file, 2026)).toEqual(['2026-01-19', '2026-11-26', '2026-11-27']);
  });

  it('refuses to compute an offset whose holiday is not in the file (a file that skipped the schema)', () => {
    const unchecked: StateHolidaysFile = {
      ...base([fixed('X', 1, 1)]),
      holidays: [
        { kind: 'offset', name: 'X', of: 'nope', days: 1, from: '1900-01-01', assumed: false },
      ],
    };
    expect(() => stateOfficeHolidays(unchecked, 2026)).toThrow(/No holiday "nope"/);
  });

  it('moves a proclaimed date on a Saturday once, to the Friday before', () => {
    const file = base([
      { kind: 'dates', name: 'Proclaimed', dates: ['2026-07-04'], from: '2026-01-01' },
    ]);
    expect(datesOf(file, 2026)).toEqual(['2026-07-03']);
  });

  it('moves a Sunday holiday to the Friday before where the rule says so (July 4, 2027 → July 2)', () => {
    const file = base([fixed('July 4', 7, 4)], {
      weekend: { saturday: 'friday', sunday: 'friday' },
    });
    expect(datesOf(file, 2027)).toEqual(['2027-07-02']);
  });

  it('moves a holiday on past a holiday in its way, Mondays included (Christmas Eve 2028, a Sunday → Tuesday the 26th)', () => {
    const file = base([fixed('Christmas Eve', 12, 24), fixed('Christmas Day', 12, 25)]);
    expect(datesOf(file, 2028)).toEqual(['2028-12-25', '2028-12-26']);
  });

  it('closes a day of this year for a holiday of the year before (New Year’s Eve 2028, a Sunday → Tuesday 2029-01-02)', () => {
    const file = base([fixed("New Year's Day", 1, 1), fixed("New Year's Eve", 12, 31)]);
    expect(datesOf(file, 2029)).toEqual(['2029-01-01', '2029-01-02', '2029-12-31']);
  });

  it('moves weekend holidays in date order: Christmas Eve 2022 (Saturday) takes the Monday, Christmas (Sunday) the Tuesday', () => {
    const file = base([fixed('Christmas Day', 12, 25), fixed('Christmas Eve', 12, 24)], {
      weekend: { saturday: 'monday', sunday: 'monday' },
    });
    expect(stateOfficeHolidays(file, 2022)).toEqual([
      { date: '2022-12-26', name: 'Christmas Eve', assumed: false },
      { date: '2022-12-27', name: 'Christmas Day', assumed: false },
    ]);
  });

  it('lists a day two holidays fall on once, under the first in the file', () => {
    const file = base([
      fixed('Christmas Day', 12, 25),
      { kind: 'dates', name: 'Proclaimed', dates: ['2026-12-25'], from: '2026-01-01' },
    ]);
    expect(stateOfficeHolidays(file, 2026)).toEqual([
      { date: '2026-12-25', name: 'Christmas Day', assumed: false },
    ]);
  });

  it('resets the federal calendar’s years too', () => {
    const first = federalCalendar.holidays(2026);
    expect(federalCalendar.holidays(2026)).toBe(first);
    resetCalendarCaches();
    expect(federalCalendar.holidays(2026)).not.toBe(first);
  });

  it('keeps a test file’s answers apart from the shipped state’s, and forgets them on reset', () => {
    const mine = nicsCalendarOf(
      base([{ kind: 'fixed', name: 'X', month: 6, day: 10, from: '1900-01-01' }]),
    );
    expect(mine.isBusinessDay('2026-04-20')).toBe(true); // not Patriots' Day in this file
    expect(nicsCalendarFor('MA').isBusinessDay('2026-04-20')).toBe(false);
    resetCalendarCaches();
    expect(nicsCalendarFor('MA').isBusinessDay('2026-04-20')).toBe(false);
  });
});
