// The NICS business-day calendar of each state: weekdays on which the state's offices are
// open (28 CFR 25.2: "a 24-hour day (beginning at 12:01 a.m.) during which state offices are
// open in the state in which the proposed firearm transaction is to take place"). The
// holidays are data, one file per state (resources/firearms/state-holidays/XX.json), each
// with its sources, the date it was checked and the years it covers. Kept apart from the
// store's own calendar (StoreHours in core/firearms/reconcile.ts), which the acquisition
// deadline and the 3310.4 window count in. Rules: docs/rules/nics-business-days.md.
import { z } from 'zod';
import { US_STATES, type UsState } from '../integrations/model.ts';
import {
  addDays,
  dateOf,
  easterSunday,
  electionDayOf,
  isoDateSchema,
  nthWeekdayOf,
  resetBusinessCalendarCaches,
  weekday,
  type IsoDate,
} from './calendar.ts';
import AL from '../../resources/firearms/state-holidays/AL.json' with { type: 'json' };
import AK from '../../resources/firearms/state-holidays/AK.json' with { type: 'json' };
import AZ from '../../resources/firearms/state-holidays/AZ.json' with { type: 'json' };
import AR from '../../resources/firearms/state-holidays/AR.json' with { type: 'json' };
import CA from '../../resources/firearms/state-holidays/CA.json' with { type: 'json' };
import CO from '../../resources/firearms/state-holidays/CO.json' with { type: 'json' };
import CT from '../../resources/firearms/state-holidays/CT.json' with { type: 'json' };
import DE from '../../resources/firearms/state-holidays/DE.json' with { type: 'json' };
import DC from '../../resources/firearms/state-holidays/DC.json' with { type: 'json' };
import FL from '../../resources/firearms/state-holidays/FL.json' with { type: 'json' };
import GA from '../../resources/firearms/state-holidays/GA.json' with { type: 'json' };
import HI from '../../resources/firearms/state-holidays/HI.json' with { type: 'json' };
import ID from '../../resources/firearms/state-holidays/ID.json' with { type: 'json' };
import IL from '../../resources/firearms/state-holidays/IL.json' with { type: 'json' };
import IN from '../../resources/firearms/state-holidays/IN.json' with { type: 'json' };
import IA from '../../resources/firearms/state-holidays/IA.json' with { type: 'json' };
import KS from '../../resources/firearms/state-holidays/KS.json' with { type: 'json' };
import KY from '../../resources/firearms/state-holidays/KY.json' with { type: 'json' };
import LA from '../../resources/firearms/state-holidays/LA.json' with { type: 'json' };
import ME from '../../resources/firearms/state-holidays/ME.json' with { type: 'json' };
import MD from '../../resources/firearms/state-holidays/MD.json' with { type: 'json' };
import MA from '../../resources/firearms/state-holidays/MA.json' with { type: 'json' };
import MI from '../../resources/firearms/state-holidays/MI.json' with { type: 'json' };
import MN from '../../resources/firearms/state-holidays/MN.json' with { type: 'json' };
import MS from '../../resources/firearms/state-holidays/MS.json' with { type: 'json' };
import MO from '../../resources/firearms/state-holidays/MO.json' with { type: 'json' };
import MT from '../../resources/firearms/state-holidays/MT.json' with { type: 'json' };
import NE from '../../resources/firearms/state-holidays/NE.json' with { type: 'json' };
import NV from '../../resources/firearms/state-holidays/NV.json' with { type: 'json' };
import NH from '../../resources/firearms/state-holidays/NH.json' with { type: 'json' };
import NJ from '../../resources/firearms/state-holidays/NJ.json' with { type: 'json' };
import NM from '../../resources/firearms/state-holidays/NM.json' with { type: 'json' };
import NY from '../../resources/firearms/state-holidays/NY.json' with { type: 'json' };
import NC from '../../resources/firearms/state-holidays/NC.json' with { type: 'json' };
import ND from '../../resources/firearms/state-holidays/ND.json' with { type: 'json' };
import OH from '../../resources/firearms/state-holidays/OH.json' with { type: 'json' };
import OK from '../../resources/firearms/state-holidays/OK.json' with { type: 'json' };
import OR from '../../resources/firearms/state-holidays/OR.json' with { type: 'json' };
import PA from '../../resources/firearms/state-holidays/PA.json' with { type: 'json' };
import RI from '../../resources/firearms/state-holidays/RI.json' with { type: 'json' };
import SC from '../../resources/firearms/state-holidays/SC.json' with { type: 'json' };
import SD from '../../resources/firearms/state-holidays/SD.json' with { type: 'json' };
import TN from '../../resources/firearms/state-holidays/TN.json' with { type: 'json' };
import TX from '../../resources/firearms/state-holidays/TX.json' with { type: 'json' };
import UT from '../../resources/firearms/state-holidays/UT.json' with { type: 'json' };
import VT from '../../resources/firearms/state-holidays/VT.json' with { type: 'json' };
import VA from '../../resources/firearms/state-holidays/VA.json' with { type: 'json' };
import WA from '../../resources/firearms/state-holidays/WA.json' with { type: 'json' };
import WV from '../../resources/firearms/state-holidays/WV.json' with { type: 'json' };
import WI from '../../resources/firearms/state-holidays/WI.json' with { type: 'json' };
import WY from '../../resources/firearms/state-holidays/WY.json' with { type: 'json' };

/** Business days for the NICS waits in one state. */
export interface NicsCalendar {
  isBusinessDay(d: IsoDate): boolean;
  /** The nth business day after `d` (`d` never counts). Throws StateCalendarMissing past the shipped years. */
  nthBusinessDayAfter(d: IsoDate, n: number): IsoDate;
  /** Business days from `from` (not counted) through `to` (counted). */
  businessDaysBetween(from: IsoDate, to: IsoDate): number;
}

/** No state-office calendar is shipped for this state and year: never guess a shorter wait. */
export class StateCalendarMissing extends Error {
  readonly state: UsState;
  readonly year: number;
  constructor(state: UsState, year: number) {
    super(
      `No state-office holiday calendar for ${state} in ${year} is installed: confirm the date the transfer may proceed by hand with NICS or the state, and update Backroom.`,
    );
    this.name = 'StateCalendarMissing';
    this.state = state;
    this.year = year;
  }
}

// ---------------------------------------------------------------------------------------
// The data: what a state-holidays file holds.

/**
 * Where a holiday on a weekend is observed: Saturday → the Friday before, the Monday after,
 * or not at all; Sunday likewise. When the day it moves to is already a holiday, it moves on
 * in the same direction to the next weekday that is not (Christmas on a Saturday with
 * Christmas Eve a holiday too: Christmas Eve moves to Thursday).
 */
export const weekendRuleSchema = z
  .object({
    saturday: z.enum(['friday', 'monday', 'none']),
    sunday: z.enum(['friday', 'monday', 'none']),
  })
  .strict();
export type WeekendRule = z.infer<typeof weekendRuleSchema>;

const nthSchema = z
  .number()
  .int()
  .min(-1)
  .max(5)
  .refine((n) => n !== 0, 'nth counts from 1; -1 is the last.');

const ruleBase = {
  name: z.string().min(1),
  /** The first date the holiday applies (compared with the holiday's own date, inclusive). */
  from: isoDateSchema,
  /** The last date it applies (inclusive), when a law ended or replaced it. */
  until: isoDateSchema.optional(),
  /** This holiday's own weekend rule, when it differs from the state's. */
  weekend: weekendRuleSchema.optional(),
  /**
   * Included on the safe side without a source confirming that state offices close (a
   * missing closed day would make a NICS wait shorter than the law allows).
   */
  assumed: z.boolean().default(false),
  note: z.string().min(1).optional(),
};

export const stateHolidayRuleSchema = z.discriminatedUnion('kind', [
  /** The same day every year (July 4). */
  z
    .object({
      kind: z.literal('fixed'),
      ...ruleBase,
      month: z.number().int().min(1).max(12),
      day: z.number().int().min(1).max(31),
    })
    .strict(),
  /** The nth weekday of a month (Thanksgiving: 4th Thursday of November; nth -1 = last). */
  z
    .object({
      kind: z.literal('nth_weekday'),
      ...ruleBase,
      id: z.string().min(1).optional(),
      month: z.number().int().min(1).max(12),
      weekday: z.number().int().min(0).max(6),
      nth: nthSchema,
    })
    .strict(),
  /** Days after (or before) another rule's own date (the day after Thanksgiving: +1). */
  z
    .object({
      kind: z.literal('offset'),
      ...ruleBase,
      of: z.string().min(1),
      days: z.number().int().min(-31).max(31),
    })
    .strict(),
  /** Days from Easter Sunday (Good Friday: -2; Mardi Gras: -47). */
  z
    .object({ kind: z.literal('easter'), ...ruleBase, days: z.number().int().min(-63).max(63) })
    .strict(),
  /** The Tuesday after the first Monday of the month (November: general elections). */
  z
    .object({
      kind: z.literal('election_day'),
      ...ruleBase,
      month: z.number().int().min(1).max(12).default(11),
      years: z.enum(['every', 'even', 'presidential']),
    })
    .strict(),
  /** Dates set each year (a governor's proclamation, a personnel office's schedule). */
  z
    .object({ kind: z.literal('dates'), ...ruleBase, dates: z.array(isoDateSchema).min(1) })
    .strict(),
]);
export type StateHolidayRule = z.infer<typeof stateHolidayRuleSchema>;
type NthWeekdayRule = Extract<StateHolidayRule, { kind: 'nth_weekday' }>;

/** The nth_weekday holiday an offset holiday counts from (the day after Thanksgiving: Thanksgiving). */
const offsetBase = (all: readonly StateHolidayRule[], id: string): NthWeekdayRule | undefined =>
  all.find((b): b is NthWeekdayRule => b.kind === 'nth_weekday' && b.id === id);

export const stateHolidaysFileSchema = z
  .object({
    state: z.enum(US_STATES),
    name: z.string().min(1),
    /** The calendar years this file was checked for; any other year is refused. */
    years: z
      .object({ from: z.number().int().min(1900), to: z.number().int().max(2200) })
      .strict()
      .refine((y) => y.from <= y.to, 'years.from comes before years.to.'),
    /** The statute or the state's personnel page that lists the state-employee holidays. */
    sources: z.array(z.object({ name: z.string().min(1), url: z.url() }).strict()).min(1),
    /** The day the sources were last compared with this file. */
    checked: isoDateSchema,
    /**
     * `source`: the list was compared with the statute or the state's own page;
     * `secondary`: with a secondary source only; `knowledge`: not compared with a source.
     */
    verified: z.enum(['source', 'secondary', 'knowledge']),
    weekend: weekendRuleSchema,
    /** Why the list is what it is: days left out because offices stay open, assumptions. */
    notes: z.string().min(1),
    holidays: z.array(stateHolidayRuleSchema).min(1),
  })
  .strict()
  .superRefine((f, ctx) => {
    f.holidays.forEach((h, i) => {
      if (h.kind === 'offset' && !offsetBase(f.holidays, h.of))
        ctx.addIssue({
          code: 'custom',
          path: ['holidays', i, 'of'],
          message: `No nth_weekday holiday with id "${h.of}" in this file.`,
        });
      if ((h.until ?? h.from) < h.from)
        ctx.addIssue({
          code: 'custom',
          path: ['holidays', i, 'until'],
          message: 'until comes before from.',
        });
      if (h.kind === 'dates')
        h.dates.forEach((d, j) => {
          const y = Number(d.slice(0, 4));
          if (y < f.years.from || y > f.years.to)
            ctx.addIssue({
              code: 'custom',
              path: ['holidays', i, 'dates', j],
              message: `${d} is outside the years this file covers.`,
            });
        });
    });
  });
export type StateHolidaysFile = z.infer<typeof stateHolidaysFileSchema>;

// ---------------------------------------------------------------------------------------
// The holidays of a year.

/** A day state offices are closed. */
export interface StateOfficeHoliday {
  date: IsoDate;
  name: string;
  assumed: boolean;
}

/** "2026-": how the dates of a year begin. */
const yearPrefix = (year: number) => `${String(year).padStart(4, '0')}-`;

const inForce = (r: StateHolidayRule, date: IsoDate) =>
  date >= r.from && (r.until === undefined || date <= r.until);

/** The holiday's own dates in a year (before any weekend move). */
function ownDates(r: StateHolidayRule, year: number, all: readonly StateHolidayRule[]): IsoDate[] {
  switch (r.kind) {
    case 'fixed':
      return [dateOf(year, r.month, r.day)];
    case 'nth_weekday':
      return [nthWeekdayOf(year, r.month, r.weekday, r.nth)];
    case 'offset': {
      const base = offsetBase(all, r.of);
      if (!base) throw new RangeError(`No holiday "${r.of}".`);
      return [addDays(nthWeekdayOf(year, base.month, base.weekday, base.nth), r.days)];
    }
    case 'easter':
      return [addDays(easterSunday(year), r.days)];
    case 'election_day': {
      const held = r.years === 'every' || (r.years === 'even' ? year % 2 === 0 : year % 4 === 0);
      return held ? [electionDayOf(year, r.month)] : [];
    }
    case 'dates':
      return r.dates.filter((d) => d.startsWith(yearPrefix(year)));
  }
}

/**
 * The days state offices are closed in `year` under a file's rules: each holiday on its own
 * date when that is a weekday, else where the weekend rule moves it (a January 1 on a
 * Saturday can close December 31 of the year before, so the next year is looked at too).
 * Does not check the file's covered years: `holidaysOf` does.
 */
export function stateOfficeHolidays(file: StateHolidaysFile, year: number): StateOfficeHoliday[] {
  const own: { date: IsoDate; rule: StateHolidayRule }[] = [];
  for (const y of [year - 1, year, year + 1])
    for (const rule of file.holidays)
      for (const date of ownDates(rule, y, file.holidays))
        if (inForce(rule, date)) own.push({ date, rule });
  // A day two holidays fall on is listed once, under the first of them in the file.
  const taken = new Map<IsoDate, StateOfficeHoliday>();
  const add = (date: IsoDate, rule: StateHolidayRule) => {
    if (!taken.has(date)) taken.set(date, { date, name: rule.name, assumed: rule.assumed });
  };
  // Weekday holidays first, so that a weekend one moving onto a weekday holiday moves on; then
  // the weekend ones in date order (the earlier one takes the nearer free day).
  for (const h of own) if (weekday(h.date) !== 0 && weekday(h.date) !== 6) add(h.date, h.rule);
  for (const h of own
    .filter((x) => weekday(x.date) === 0 || weekday(x.date) === 6)
    .sort((a, b) => a.date.localeCompare(b.date))) {
    const rule = h.rule.weekend ?? file.weekend;
    const to = weekday(h.date) === 6 ? rule.saturday : rule.sunday;
    if (to === 'none') continue;
    // To the first weekday in that direction that is not a holiday already.
    const step = to === 'friday' ? -1 : 1;
    let d = addDays(h.date, step);
    while (taken.has(d) || weekday(d) === 0 || weekday(d) === 6) d = addDays(d, step);
    add(d, h.rule);
  }
  return [...taken.values()]
    .filter((h) => h.date.startsWith(yearPrefix(year)))
    .sort((a, b) => a.date.localeCompare(b.date));
}

// ---------------------------------------------------------------------------------------
// The shipped files, validated at load.

const shipped: Record<UsState, unknown> = {
  AL,
  AK,
  AZ,
  AR,
  CA,
  CO,
  CT,
  DE,
  DC,
  FL,
  GA,
  HI,
  ID,
  IL,
  IN,
  IA,
  KS,
  KY,
  LA,
  ME,
  MD,
  MA,
  MI,
  MN,
  MS,
  MO,
  MT,
  NE,
  NV,
  NH,
  NJ,
  NM,
  NY,
  NC,
  ND,
  OH,
  OK,
  OR,
  PA,
  RI,
  SC,
  SD,
  TN,
  TX,
  UT,
  VT,
  VA,
  WA,
  WV,
  WI,
  WY,
};

/** Every state's file, parsed; a file that does not parse, or names another state, stops the load. */
export const stateHolidayFiles: Readonly<Record<UsState, StateHolidaysFile>> = Object.fromEntries(
  US_STATES.map((state) => {
    const file = stateHolidaysFileSchema.parse(shipped[state]);
    if (file.state !== state)
      throw new Error(`state-holidays/${state}.json describes ${file.state}.`);
    return [state, file];
  }),
) as Record<UsState, StateHolidaysFile>;

// Holidays per file and year, computed once. Keyed by the parsed file itself, so a test's own
// file for a state never shares answers with the shipped one; tests reset it
// (resetCalendarCaches) so that a cached year never hides a change to the rules under test.
let holidayCache = new WeakMap<StateHolidaysFile, Map<number, ReadonlySet<IsoDate>>>();

/**
 * Forget every computed holiday set, the states' and the federal calendar's (for tests that
 * change or re-read the rules).
 */
export function resetCalendarCaches(): void {
  holidayCache = new WeakMap();
  resetBusinessCalendarCaches();
}

/** The closed dates of a state in a year, or StateCalendarMissing outside the shipped years. */
function closedDates(file: StateHolidaysFile, year: number): ReadonlySet<IsoDate> {
  if (year < file.years.from || year > file.years.to)
    throw new StateCalendarMissing(file.state, year);
  let byYear = holidayCache.get(file);
  if (!byYear) {
    byYear = new Map();
    holidayCache.set(file, byYear);
  }
  let set = byYear.get(year);
  if (!set) {
    set = new Set(stateOfficeHolidays(file, year).map((h) => h.date));
    byYear.set(year, set);
  }
  return set;
}

/** The state-office calendar of one file: weekends and the file's holidays are not business days. */
export function nicsCalendarOf(file: StateHolidaysFile): NicsCalendar {
  const isBusinessDay = (d: IsoDate): boolean => {
    const wd = weekday(d);
    // The year is checked first, weekends included: a date past the shipped years is refused.
    const closed = closedDates(file, Number(d.slice(0, 4)));
    return wd !== 0 && wd !== 6 && !closed.has(d);
  };
  return {
    isBusinessDay,
    nthBusinessDayAfter(d, n) {
      let date = d;
      for (let counted = 0; counted < n;) {
        date = addDays(date, 1);
        if (isBusinessDay(date)) counted++;
      }
      return date;
    },
    businessDaysBetween(from, to) {
      let n = 0;
      for (let d = addDays(from, 1); d <= to; d = addDays(d, 1)) if (isBusinessDay(d)) n++;
      return n;
    },
  };
}

/** The calendar NICS waits count in for a transfer in `state` (28 CFR 25.2). */
export function nicsCalendarFor(state: UsState): NicsCalendar {
  // Cheap to build: the holidays themselves are cached per file and year (closedDates).
  return nicsCalendarOf(stateHolidayFiles[state]);
}

/** The days state offices are closed in `state` in `year` (for screens and reports). */
export function stateOfficeHolidaysOf(state: UsState, year: number): StateOfficeHoliday[] {
  const file = stateHolidayFiles[state];
  if (year < file.years.from || year > file.years.to) throw new StateCalendarMissing(state, year);
  return stateOfficeHolidays(file, year);
}
