// Calendar days as ISO dates ("2026-11-26") and the business-day arithmetic NICS and the
// multiple-sale rule use. Pure: no clock, no time zone (a date is the store's local date,
// decided by the caller), so the screens compute the same dates the server does.
import { z } from 'zod';

export type IsoDate = string;
export const isoDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'A date looks like 2026-11-26.')
  .refine((d) => toDays(d) !== null, 'That date does not exist.');

const DAY_MS = 86_400_000;

const fromDays = (n: number): IsoDate => new Date(n * DAY_MS).toISOString().slice(0, 10);

/** Days since 1970-01-01 for a valid ISO date, else null. */
function toDays(d: IsoDate): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(d);
  if (!m) return null;
  const n = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY_MS;
  // A day that does not exist rolls over to another date (2026-02-30 → 2026-03-02), and a year
  // before 100 reads as 19xx: either way the date written back differs.
  return fromDays(n) === d ? n : null;
}

function days(d: IsoDate): number {
  const n = toDays(d);
  if (n === null) throw new RangeError(`Not a date: ${d}`);
  return n;
}

export const addDays = (d: IsoDate, n: number): IsoDate => fromDays(days(d) + n);
export const daysBetween = (from: IsoDate, to: IsoDate): number => days(to) - days(from);
/** 0 = Sunday … 6 = Saturday. */
export const weekday = (d: IsoDate): number => new Date(days(d) * DAY_MS).getUTCDay();

const EITHER_DAY_OR_WEEKDAY =
  'A holiday has either a day of the month, or a weekday and which one.';
const NTH_FROM_ONE = 'nth counts from 1; -1 is the last.';

/** A federal holiday rule: a fixed date, or the nth weekday of a month (nth -1 = last). */
export const holidayRuleSchema = z
  .object({
    name: z.string().min(1),
    month: z.number().int().min(1).max(12),
    day: z.number().int().min(1).max(31).optional(),
    weekday: z.number().int().min(0).max(6).optional(),
    nth: z
      .number()
      .int()
      .min(-1)
      .max(5)
      .refine((n) => n !== 0, NTH_FROM_ONE)
      .optional(),
    /** The first date the holiday applies (a holiday's law has an effective date). */
    from: isoDateSchema,
  })
  .strict()
  .refine(
    (r) =>
      r.day !== undefined
        ? r.weekday === undefined && r.nth === undefined
        : r.weekday !== undefined && r.nth !== undefined,
    { message: EITHER_DAY_OR_WEEKDAY },
  );
export type HolidayRule = z.infer<typeof holidayRuleSchema>;

const pad = (n: number) => String(n).padStart(2, '0');

/** The ISO date of a year, month (1–12) and day; throws if that day does not exist. */
export function dateOf(year: number, month: number, day: number): IsoDate {
  const d = `${String(year).padStart(4, '0')}-${pad(month)}-${pad(day)}`;
  days(d);
  return d;
}

/** The nth weekday (0 = Sunday) of a month; nth -1 is the last one. */
export function nthWeekdayOf(year: number, month: number, wd: number, nth: number): IsoDate {
  if (nth === 0 || nth < -1) throw new RangeError(NTH_FROM_ONE);
  if (nth > 0) {
    const first = dateOf(year, month, 1);
    const date = addDays(first, ((wd - weekday(first) + 7) % 7) + 7 * (nth - 1));
    if (Number(date.slice(5, 7)) !== month)
      throw new RangeError(`There is no weekday ${wd} number ${nth} in ${year}-${pad(month)}.`);
    return date;
  }
  const last = addDays(month === 12 ? dateOf(year + 1, 1, 1) : dateOf(year, month + 1, 1), -1);
  return addDays(last, -((weekday(last) - wd + 7) % 7));
}

/** Easter Sunday (Gregorian calendar; the anonymous algorithm of Meeus/Jones/Butcher). */
export function easterSunday(year: number): IsoDate {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return dateOf(year, month, day);
}

/** Election day: the Tuesday after the first Monday of the month (November for a general election). */
export const electionDayOf = (year: number, month = 11): IsoDate =>
  addDays(nthWeekdayOf(year, month, 1, 1), 1);

/** The date a rule's holiday is observed in a year (weekend dates move to Friday/Monday). */
function observed(rule: HolidayRule, year: number): IsoDate | null {
  let date: IsoDate;
  if (rule.day !== undefined) {
    date = dateOf(year, rule.month, rule.day);
    const wd = weekday(date);
    if (wd === 6) date = addDays(date, -1);
    else if (wd === 0) date = addDays(date, 1);
  } else if (rule.weekday !== undefined && rule.nth !== undefined) {
    date = nthWeekdayOf(year, rule.month, rule.weekday, rule.nth);
  } else throw new RangeError(`${rule.name}: ${EITHER_DAY_OR_WEEKDAY}`);
  return date >= rule.from ? date : null;
}

// Holidays per calendar and year, computed once. Tests reset it (resetBusinessCalendarCaches;
// resetCalendarCaches in state-calendars.ts resets it too) so that a cached year never hides a
// change to the rules under test.
let holidayCache = new WeakMap<BusinessCalendar, Map<number, ReadonlySet<IsoDate>>>();

/** Forget every BusinessCalendar's computed holidays (for tests). */
export function resetBusinessCalendarCaches(): void {
  holidayCache = new WeakMap();
}

/**
 * Weekdays that are not federal holidays: the federal list (federal-holidays.json). The store's
 * own calendar (StoreHours, core/firearms/reconcile.ts) builds on it; NICS waits count in the
 * state-office calendar of the store's state instead (state-calendars.ts, 28 CFR 25.2).
 */
export class BusinessCalendar {
  private readonly rules: readonly HolidayRule[];

  constructor(rules: readonly HolidayRule[]) {
    this.rules = rules;
  }

  /** The observed holidays of a year, computed once per calendar and year (until a reset). */
  holidays(year: number): ReadonlySet<IsoDate> {
    let byYear = holidayCache.get(this);
    if (!byYear) {
      byYear = new Map();
      holidayCache.set(this, byYear);
    }
    let set = byYear.get(year);
    if (!set) {
      const dates = new Set<IsoDate>();
      // A January 1 on a Saturday is observed on December 31 of the year before.
      for (const y of [year, year + 1])
        for (const r of this.rules) {
          const d = observed(r, y);
          if (d && d.startsWith(`${year}-`)) dates.add(d);
        }
      set = dates;
      byYear.set(year, set);
    }
    return set;
  }

  isBusinessDay(d: IsoDate): boolean {
    const wd = weekday(d);
    return wd !== 0 && wd !== 6 && !this.holidays(Number(d.slice(0, 4))).has(d);
  }

  /** The nth business day after `d` (`d` itself never counts). */
  nthBusinessDayAfter(d: IsoDate, n: number): IsoDate {
    let date = d;
    let counted = 0;
    while (counted < n) {
      date = addDays(date, 1);
      if (this.isBusinessDay(date)) counted++;
    }
    return date;
  }

  /** Business days from `from` (not counted) through `to` (counted). */
  businessDaysBetween(from: IsoDate, to: IsoDate): number {
    let n = 0;
    for (let d = addDays(from, 1); d <= to; d = addDays(d, 1)) if (this.isBusinessDay(d)) n++;
    return n;
  }
}
