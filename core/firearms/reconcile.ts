// Reconciling the bound book: deadlines missed (late entries, dispositions left pending or
// entered late, privately made firearms left unmarked, multiple-sale reports not filed), the
// barcode inventory audit against what the book says is in stock, and the consistency checks
// between the book and the firearms' status.
// Nothing here writes; nothing here reads the clock: the caller passes `now`.
//
// The book can hold a million entries: each check is a few queries that scan a table once,
// probing the item indexes per row (never a query per row from JavaScript), with the sets
// every row needs (voided dispositions, deadlines by date) computed once per query.
// JavaScript only sees the rows that have something to report. Each function reads in one
// transaction, so its answer is one snapshot of the book.
import { z } from 'zod';
import holidaysData from '../../resources/firearms/federal-holidays.json' with { type: 'json' };
import deadlinesData from '../../resources/firearms/book-deadlines.json' with { type: 'json' };
import storeHoursData from '../../resources/firearms/store-hours.json' with { type: 'json' };
import {
  addDays,
  BusinessCalendar,
  daysBetween,
  holidayRuleSchema,
  isoDateSchema,
  weekday,
  type HolidayRule,
  type IsoDate,
} from '../checks/calendar.ts';
import { holidaysFileSchema, type NicsPolicy } from '../checks/model.ts';
import { usableStoredDate } from '../dates.ts';
import type { Db } from '../db/open.ts';
import { HANDED_OVER_ON } from './book-sql.ts';
import { serialKey, type DispositionKind } from './model.ts';
import { multipleSaleReports, type MultipleSaleForm } from './multiple-sale.ts';

const DAY_MS = 86_400_000;

// ---------------------------------------------------------------------------------------
// Store hours: the store's own business days (BusinessCalendar only knows Monday–Friday).

const weekdayNames = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

const closingTimeSchema = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'A closing time looks like 18:00.');

const timeZoneSchema = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'That is not a time zone (for example America/Chicago).');

/** When the store is open: `resources/firearms/store-hours.json`, or the store's settings. */
export const storeHoursSchema = z
  .object({
    source: z.string().optional(),
    /** IANA time zone; absent means this PC's time zone (as `localDate` does). */
    timeZone: timeZoneSchema.optional(),
    /** Closing time per weekday, or null when the store is closed that day. */
    closes: z
      .object({
        sun: closingTimeSchema.nullable(),
        mon: closingTimeSchema.nullable(),
        tue: closingTimeSchema.nullable(),
        wed: closingTimeSchema.nullable(),
        thu: closingTimeSchema.nullable(),
        fri: closingTimeSchema.nullable(),
        sat: closingTimeSchema.nullable(),
      })
      .strict()
      .refine(
        (c) => Object.values(c).some((t) => t !== null),
        'The store opens at least one day a week.',
      ),
    /** Holidays the store closes: the federal list, or its own rules. */
    holidays: z.union([z.literal('federal'), z.array(holidayRuleSchema)]),
    /**
     * `actual`: closed on the holiday's own date (July 4 on a Saturday closes Saturday).
     * `observed`: on the date federal offices observe it (that Saturday → Friday July 3).
     */
    holidayDates: z.enum(['actual', 'observed']).default('actual'),
    /** One-off closures (inventory day, weather). */
    closedDates: z.array(isoDateSchema).default([]),
  })
  .strict();
export type StoreHoursConfig = z.input<typeof storeHoursSchema>;

/** The federal holiday rules (`resources/firearms/federal-holidays.json`). */
export const federalHolidayRules: readonly HolidayRule[] =
  holidaysFileSchema.parse(holidaysData).holidays;

// Building an Intl.DateTimeFormat costs far more than using one: one per zone, kept.
const wallClocks = new Map<string, Intl.DateTimeFormat>();
function wallClock(timeZone: string | undefined): Intl.DateTimeFormat {
  let f = wallClocks.get(timeZone ?? '');
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    wallClocks.set(timeZone ?? '', f);
  }
  return f;
}

/** What the store's clocks show at an instant (undefined zone: this PC's), as UTC fields. */
function wallTime(ms: number, timeZone: string | undefined): number {
  const parts = wallClock(timeZone).formatToParts(new Date(ms));
  const n = (type: Intl.DateTimeFormatPartTypes) =>
    Number(parts.find((p) => p.type === type)?.value);
  return Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'));
}

/** The offset of a time zone from UTC at an instant, in ms. */
const zoneOffset = (ms: number, timeZone: string | undefined) =>
  wallTime(ms, timeZone) - Math.floor(ms / 1000) * 1000;

/** The store's calendar date at an instant (as clock.ts's localDate, with a kept formatter). */
export const storeDate = (ms: number, timeZone: string | undefined): IsoDate =>
  new Date(wallTime(ms, timeZone)).toISOString().slice(0, 10);

/** The instant the store's clocks show `hhmm` on `date` (twice round for DST changes). */
export function storeTimeToMs(date: IsoDate, hhmm: string, timeZone: string | undefined): number {
  const [y, mo, d] = date.split('-').map(Number);
  const [h, mi] = hhmm.split(':').map(Number);
  const wall = Date.UTC(y ?? 0, (mo ?? 1) - 1, d ?? 1, h ?? 0, mi ?? 0);
  const first = wall - zoneOffset(wall, timeZone);
  return wall - zoneOffset(first, timeZone);
}

/**
 * The store's business days and closing times. Pure: the same config gives the same answers
 * on any machine (given the time zone), with no clock.
 */
export class StoreHours {
  readonly timeZone: string | undefined;
  private readonly closes: readonly (string | null)[];
  private readonly closedDates: ReadonlySet<IsoDate>;
  private readonly holidayDates: 'actual' | 'observed';
  private readonly fixedRules: readonly HolidayRule[];
  /** Rules by weekday ("4th Thursday") are never moved, so BusinessCalendar computes them. */
  private readonly movable: BusinessCalendar;
  private readonly byYear = new Map<number, Set<IsoDate>>();

  constructor(raw: StoreHoursConfig, federal: readonly HolidayRule[] = federalHolidayRules) {
    const c = storeHoursSchema.parse(raw);
    const rules = c.holidays === 'federal' ? federal : c.holidays;
    this.timeZone = c.timeZone;
    this.closes = weekdayNames.map((d) => c.closes[d]);
    this.closedDates = new Set(c.closedDates);
    this.holidayDates = c.holidayDates;
    this.fixedRules = rules.filter((r) => r.day !== undefined);
    this.movable = new BusinessCalendar(
      c.holidayDates === 'observed' ? rules : rules.filter((r) => r.day === undefined),
    );
  }

  /** The holidays the store closes for in a year. */
  holidays(year: number): ReadonlySet<IsoDate> {
    let set = this.byYear.get(year);
    if (!set) {
      set = new Set(this.movable.holidays(year));
      if (this.holidayDates === 'actual')
        for (const r of this.fixedRules) {
          const date = `${year}-${String(r.month).padStart(2, '0')}-${String(r.day).padStart(2, '0')}`;
          if (date >= r.from && isoDateSchema.safeParse(date).success) set.add(date);
        }
      this.byYear.set(year, set);
    }
    return set;
  }

  /** The store's calendar date at an instant. */
  dateOf(ms: number): IsoDate {
    return storeDate(ms, this.timeZone);
  }

  isOpen(date: IsoDate): boolean {
    return (
      this.closes[weekday(date)] !== null &&
      !this.closedDates.has(date) &&
      !this.holidays(Number(date.slice(0, 4))).has(date)
    );
  }

  /** Open days after `from` (not counted) through `to` (counted): the dealer's business days. */
  businessDaysBetween(from: IsoDate, to: IsoDate): number {
    let n = 0;
    for (let d = addDays(from, 1); d <= to; d = addDays(d, 1)) if (this.isOpen(d)) n++;
    return n;
  }

  /** The end of a day on the store's clocks (midnight starting the next). */
  endOf(date: IsoDate): number {
    return storeTimeToMs(addDays(date, 1), '00:00', this.timeZone);
  }

  /** The instant the store closes on a day it is open. */
  closeOf(date: IsoDate): number {
    const time = this.isOpen(date) ? this.closes[weekday(date)] : null;
    if (!time) throw new RangeError(`The store is closed on ${date}.`);
    return storeTimeToMs(date, time, this.timeZone);
  }

  /**
   * Close of the store's next business day after `date` (`date` itself never counts): the
   * deadline for entering an acquisition received that day (27 CFR 478.125(e)).
   */
  nextBusinessDayClose(date: IsoDate): { date: IsoDate; closesAt: number } {
    let d = date;
    // A store open one day a week still opens within 8 days, holidays aside; a year is plenty.
    for (let i = 0; i < 366; i++) {
      d = addDays(d, 1);
      if (this.isOpen(d)) return { date: d, closesAt: this.closeOf(d) };
    }
    throw new RangeError(`The store hours have no open day in the year after ${date}.`);
  }
}

/** Mon–Sat to 18:00, closed on federal holidays, this PC's time zone (store-hours.json). */
export const defaultStoreHours = new StoreHours(storeHoursSchema.parse(storeHoursData));

// ---------------------------------------------------------------------------------------
// Shared SQL

// A firearm's standing disposition: its newest committed disposition that is not a
// correction and that no correction voided (the rule of book-sql.ts). Read from the ledger
// itself, not from any table derived from it, so the reconciliation checks the ledger rather
// than trusting a copy; the voided set is computed once per query, not looked up per row.
const VOIDED_CTE = /* sql */ `
  voided(id) AS (SELECT corrects FROM ledger_dispositions WHERE voided = 1 AND corrects IS NOT NULL)`;
/** The id of a firearm's standing disposition, or NULL (the query declares VOIDED_CTE). */
const standingOf = (itemId: string) => /* sql */ `(
  SELECT max(x.id) FROM ledger_dispositions x
  WHERE x.item_id = ${itemId} AND x.state = 'committed' AND x.voided = 0 AND x.corrects IS NULL
    AND x.id NOT IN (SELECT id FROM voided))`;
/** A firearm's acquisition entry number (its newest entry as first made). */
const entryOf = (itemId: string) => /* sql */ `(
  SELECT max(a.entry_no) FROM ledger_acquisitions a WHERE a.item_id = ${itemId} AND a.corrects IS NULL)`;

/** A firearm as the book describes it now (firearm_items holds the corrected description). */
interface FirearmRef {
  itemId: number;
  manufacturer: string;
  model: string;
  serial: string;
  /** The acquisition entry number (the entry as first made; corrections keep its number). */
  entry: number | null;
}

const described = (f: Pick<FirearmRef, 'manufacturer' | 'model' | 'serial'>) =>
  `${f.manufacturer} ${f.model}, serial ${f.serial}`;

// ---------------------------------------------------------------------------------------
// 1. Deadlines

export type OverdueKind =
  | 'late_entry'
  | 'pending_disposition'
  | 'unmarked_pmf'
  | 'late_disposition'
  | 'multiple_sale_overdue';

export interface OverdueAlert extends FirearmRef {
  kind: OverdueKind;
  entry: number;
  /**
   * For `pending_disposition`: the disposition waiting to be committed or cancelled; for
   * `late_disposition`, the one entered late; for `multiple_sale_overdue`, the flagged sale.
   */
  dispositionId: number | null;
  /** For `multiple_sale_overdue`: the report's form. */
  form?: MultipleSaleForm;
  /** The store's date the deadline fell on, and the instant it passed. */
  dueOn: IsoDate;
  dueAt: number;
  /** Days started past the deadline (1 for anything up to 24 hours late). */
  daysOverdue: number;
  message: string;
}

export interface OverdueOptions {
  /** The moment of the report (the caller's clock). */
  now: number;
  /** The store's business days, closing times and time zone. */
  storeHours: StoreHours;
  /** Late entries: acquisitions received in this range (default: the whole book). */
  received?: { from?: IsoDate; to?: IsoDate };
  /**
   * Whether a privately made firearm carries the store's mark yet. Left out, no PMF counts as
   * marked: every one past its deadline is reported. It is called only for PMFs still in the
   * store and past the deadline (a handful), so one indexed lookup per call is fine, e.g. with
   * a markings table keyed by item: `(id) => markedStmt.get(id) !== undefined`.
   */
  isMarked?: (itemId: number) => boolean;
  /** The check policy in force on a date (which types a 3310.4 counts); the shipped one if left out. */
  policy?: (date: IsoDate) => NicsPolicy;
}

/** The book's deadlines in day counts (resources/firearms/book-deadlines.json). */
export const bookDeadlinesSchema = z
  .object({
    source: z.string(),
    versions: z
      .array(
        z
          .object({
            effective: isoDateSchema,
            /** 27 CFR 478.125(e): a disposition is entered within this many days. */
            dispositionDays: z.number().int().min(1),
            /** 27 CFR 478.92: a privately made firearm is marked by this day after receipt. */
            pmfMarkDays: z.number().int().min(1),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();
export type BookDeadlines = z.infer<typeof bookDeadlinesSchema>['versions'][number];

const deadlineVersions = bookDeadlinesSchema
  .parse(deadlinesData)
  .versions.toSorted((a, b) => b.effective.localeCompare(a.effective));

/** The deadlines in force on a date (the oldest version before the first took effect). */
export function deadlinesOn(date: IsoDate): BookDeadlines {
  const v = deadlineVersions.find((x) => x.effective <= date) ?? deadlineVersions.at(-1);
  if (!v) throw new RangeError('No book deadlines are configured.');
  return v;
}

const daysLate = (ms: number) => Math.max(1, Math.ceil(ms / DAY_MS));

/**
 * A deadline for each date the book holds, counted once per date (a few thousand dates, however
 * long the book); `json` is `{date: instant it passed}` for a query to join on with json_each.
 */
function deadlinesFor<T>(
  dates: unknown[],
  deadlineOf: (date: IsoDate) => T,
  passesAt: (deadline: T) => number,
): { count: number; json: string; on: (date: IsoDate) => T } {
  // A date that cannot be counted with has no deadline (the consistency check names it).
  const byDate = new Map(dates.filter(usableStoredDate).map((d) => [d, deadlineOf(d)] as const));
  return {
    count: byDate.size,
    json: JSON.stringify(Object.fromEntries([...byDate].map(([d, x]) => [d, passesAt(x)]))),
    on: (date) => byDate.get(date) ?? deadlineOf(date),
  };
}

/** The firearm an alert names (a row's other columns left out). */
const alertFirearm = (r: Omit<FirearmRef, 'entry'>) => ({
  itemId: r.itemId,
  manufacturer: r.manufacturer,
  model: r.model,
  serial: r.serial,
});

interface LateRow {
  entry: number;
  itemId: number;
  receivedOn: string;
  recordedAt: number;
  manufacturer: string;
  model: string;
  serial: string;
}

/**
 * Acquisitions entered after the close of the store's next business day after receipt
 * (27 CFR 478.125(e)). The receipt date is the entry as last corrected (a correction may fix
 * it); when it was entered is when the entry was first made.
 */
function lateEntries(db: Db, o: OverdueOptions): OverdueAlert[] {
  const from = o.received?.from ?? '0000-01-01';
  const to = o.received?.to ?? '9999-12-31';
  const deadlines = deadlinesFor(
    db
      .prepare(
        'SELECT DISTINCT received_on FROM ledger_acquisitions WHERE received_on BETWEEN ? AND ?',
      )
      .pluck()
      .all(from, to),
    (d) => o.storeHours.nextBusinessDayClose(d),
    (c) => c.closesAt,
  );
  if (deadlines.count === 0) return [];
  const rows = db
    .prepare(
      // Each entry as first made (when it was entered) with its receipt date as last
      // corrected (corrections are rare: the partial index on `corrects` answers at once).
      // Only the dates in range have a deadline, so the join is the range filter too.
      `WITH deadline(received_on, closes_at) AS MATERIALIZED (SELECT key, value FROM json_each(?)),
       entries AS (
         SELECT r.entry_no, r.item_id, r.recorded_at,
                coalesce((SELECT y.received_on FROM ledger_acquisitions y WHERE y.corrects = r.entry_no
                          ORDER BY y.entry_no DESC LIMIT 1), r.received_on) AS received_on
         FROM ledger_acquisitions r WHERE r.corrects IS NULL)
       SELECT e.entry_no AS entry, e.item_id AS itemId, e.received_on AS receivedOn, e.recorded_at AS recordedAt,
              i.manufacturer, i.model, i.serial
       FROM entries e
       JOIN deadline dl ON dl.received_on = e.received_on
       JOIN firearm_items i ON i.id = e.item_id
       WHERE e.recorded_at > dl.closes_at
       ORDER BY e.entry_no`,
    )
    .all(deadlines.json) as LateRow[];
  return rows.map((r) => {
    const due = deadlines.on(r.receivedOn);
    return {
      kind: 'late_entry',
      ...alertFirearm(r),
      entry: r.entry,
      dispositionId: null,
      dueOn: due.date,
      dueAt: due.closesAt,
      daysOverdue: daysLate(r.recordedAt - due.closesAt),
      message: `Entry ${r.entry} (${r.manufacturer} ${r.model}, serial ${r.serial}) was received ${r.receivedOn} and entered ${o.storeHours.dateOf(r.recordedAt)}: due by close of ${due.date}.`,
    } satisfies OverdueAlert;
  });
}

interface PendingRow {
  dispositionId: number;
  itemId: number;
  entry: number;
  createdAt: number;
  manufacturer: string;
  model: string;
  serial: string;
}

/**
 * Dispositions pending for more than 7 days: a firearm that left without its disposition
 * committed (it is then overdue for the book), or a reservation gone stale.
 */
function stalePending(db: Db, o: OverdueOptions, days: number): OverdueAlert[] {
  const limit = days * DAY_MS;
  const rows = db
    .prepare(
      `SELECT d.id AS dispositionId, d.item_id AS itemId, d.acquisition_entry AS entry, d.created_at AS createdAt,
              i.manufacturer, i.model, i.serial
       FROM ledger_dispositions d JOIN firearm_items i ON i.id = d.item_id
       WHERE d.state = 'pending' AND d.created_at < ?
       ORDER BY d.created_at, d.id`,
    )
    .all(o.now - limit) as PendingRow[];
  return rows.map((r) => {
    const dueAt = r.createdAt + limit;
    const dueOn = o.storeHours.dateOf(dueAt);
    return {
      kind: 'pending_disposition',
      ...alertFirearm(r),
      entry: r.entry,
      dispositionId: r.dispositionId,
      dueOn,
      dueAt,
      daysOverdue: daysLate(o.now - dueAt),
      message: `Entry ${r.entry} (${r.manufacturer} ${r.model}, serial ${r.serial}) has had disposition ${r.dispositionId} pending since ${o.storeHours.dateOf(r.createdAt)}, more than ${days} days (due ${dueOn}): if the firearm has left the store, commit the disposition now; if not, cancel it.`,
    } satisfies OverdueAlert;
  });
}

interface PmfRow {
  itemId: number;
  entry: number;
  receivedOn: string;
  manufacturer: string;
  model: string;
  serial: string;
}

/** Privately made firearms still in the store, unmarked after the seventh day from receipt. */
function unmarkedPmfs(db: Db, o: OverdueOptions, days: number): OverdueAlert[] {
  const today = o.storeHours.dateOf(o.now);
  const isMarked = o.isMarked ?? (() => false);
  const rows = db
    .prepare(
      `SELECT i.id AS itemId, r.entry_no AS entry, i.manufacturer, i.model, i.serial,
              (SELECT a.received_on FROM ledger_acquisitions a
               WHERE a.entry_no = coalesce((SELECT max(y.entry_no) FROM ledger_acquisitions y WHERE y.corrects = r.entry_no), r.entry_no)) AS receivedOn
       FROM firearm_items i
       JOIN ledger_acquisitions r ON r.entry_no = (
         SELECT max(x.entry_no) FROM ledger_acquisitions x WHERE x.item_id = i.id AND x.corrects IS NULL)
       WHERE i.privately_made = 1 AND i.status != 'disposed' AND receivedOn < ?
       ORDER BY receivedOn, r.entry_no`,
    )
    .all(addDays(today, -days)) as PmfRow[];
  return rows
    .filter((r) => usableStoredDate(r.receivedOn) && !isMarked(r.itemId))
    .map((r) => {
      const dueOn = addDays(r.receivedOn, days);
      return {
        kind: 'unmarked_pmf',
        ...alertFirearm(r),
        entry: r.entry,
        dispositionId: null,
        dueOn,
        // The end of the last day: midnight starting the next.
        dueAt: storeTimeToMs(addDays(dueOn, 1), '00:00', o.storeHours.timeZone),
        daysOverdue: daysBetween(dueOn, today),
        message: `Entry ${r.entry} (${r.manufacturer} ${r.model}, serial ${r.serial}) is a privately made firearm received ${r.receivedOn} and not marked yet: it had to carry the store's mark by ${dueOn}, and it cannot be disposed of until it does.`,
      } satisfies OverdueAlert;
    });
}

interface LateDispositionRow {
  dispositionId: number;
  itemId: number;
  entry: number;
  disposedOn: string;
  committedAt: number;
  manufacturer: string;
  model: string;
  serial: string;
}

/**
 * Dispositions entered in the book after their deadline (27 CFR 478.125(e): within 7 days of
 * the transaction): the hand-over date is the true one, the commit came later. Voided ones
 * were entered in error and are not counted.
 */
function lateDispositions(db: Db, o: OverdueOptions, days: number): OverdueAlert[] {
  const due = deadlinesFor(
    db
      .prepare(
        "SELECT DISTINCT disposed_on FROM ledger_dispositions WHERE state = 'committed' AND disposed_on IS NOT NULL",
      )
      .pluck()
      .all(),
    (d) => {
      const dueOn = addDays(d, days);
      return { dueOn, dueAt: o.storeHours.endOf(dueOn) };
    },
    (x) => x.dueAt,
  );
  if (due.count === 0) return [];
  const rows = db
    .prepare(
      `WITH ${VOIDED_CTE},
       deadline(disposed_on, due_at) AS MATERIALIZED (SELECT key, value FROM json_each(?)),
       standing(id, item_id, acquisition_entry, disposed_on, committed_at) AS (
         -- The hand-over date as last corrected: a correction may give the true, earlier day.
         SELECT d.id, d.item_id, d.acquisition_entry, ${HANDED_OVER_ON}, d.committed_at
         FROM ledger_dispositions d
         WHERE d.state = 'committed' AND d.corrects IS NULL AND d.voided = 0
           AND d.id NOT IN (SELECT id FROM voided))
       SELECT d.id AS dispositionId, d.item_id AS itemId, d.acquisition_entry AS entry,
              d.disposed_on AS disposedOn, d.committed_at AS committedAt,
              i.manufacturer, i.model, i.serial
       FROM standing d
       JOIN deadline dl ON dl.disposed_on = d.disposed_on
       JOIN firearm_items i ON i.id = d.item_id
       WHERE d.committed_at > dl.due_at
       ORDER BY d.id`,
    )
    .all(due.json) as LateDispositionRow[];
  return rows.map((r) => {
    const d = due.on(r.disposedOn);
    return {
      kind: 'late_disposition',
      ...alertFirearm(r),
      entry: r.entry,
      dispositionId: r.dispositionId,
      dueOn: d.dueOn,
      dueAt: d.dueAt,
      daysOverdue: daysLate(r.committedAt - d.dueAt),
      message: `Disposition ${r.dispositionId} (${r.manufacturer} ${r.model}, serial ${r.serial}, entry ${r.entry}) left the store ${r.disposedOn} and was entered in the book ${o.storeHours.dateOf(r.committedAt)}: due within ${days} days, by ${d.dueOn}.`,
    } satisfies OverdueAlert;
  });
}

/**
 * Multiple-sale reports (3310.4, 3310.12) still to file after close of business on the day
 * the multiple sale occurred (27 CFR 478.126a). Reports no longer a multiple sale are not.
 */
function overdueReports(db: Db, o: OverdueOptions): OverdueAlert[] {
  return multipleSaleReports(db, {
    now: o.now,
    storeHours: o.storeHours,
    ...(o.policy ? { policy: o.policy } : {}),
  })
    .filter((r) => r.status === 'overdue')
    .map((r) => {
      const missing = r.recipients.filter((x) => !r.filings.some((f) => f.recipient === x));
      const to = missing
        .map((x) => (x === 'atf' ? 'ATF' : 'the state police or local law enforcement'))
        .join(' and ');
      const entry = db
        .prepare(
          'SELECT max(entry_no) FROM ledger_acquisitions WHERE item_id = ? AND corrects IS NULL',
        )
        .pluck()
        .get(r.itemId) as number;
      return {
        kind: 'multiple_sale_overdue',
        form: r.form,
        ...alertFirearm(r),
        entry,
        dispositionId: r.dispositionId,
        dueOn: r.dueOn,
        dueAt: r.dueAt,
        daysOverdue: daysLate(o.now - r.dueAt),
        message: `Form ${r.form} for the multiple sale of ${r.occurredOn} (disposition ${r.dispositionId}, ${r.manufacturer} ${r.model}, serial ${r.serial}) was due by close of business that day and is not filed with ${to}: file it now and record the filing.`,
      } satisfies OverdueAlert;
    });
}

/**
 * Deadline alerts, oldest deadline first: acquisitions entered late, dispositions pending
 * for more than 7 days or entered after their 7 days, privately made firearms unmarked past
 * their 7 days, and multiple-sale reports not filed by close of business.
 */
export function overdue(db: Db, o: OverdueOptions): OverdueAlert[] {
  const alerts = db
    .transaction(() => {
      const rules = deadlinesOn(o.storeHours.dateOf(o.now));
      return [
        ...lateEntries(db, o),
        ...stalePending(db, o, rules.dispositionDays),
        ...lateDispositions(db, o, rules.dispositionDays),
        ...unmarkedPmfs(db, o, rules.pmfMarkDays),
        ...overdueReports(db, o),
      ];
    })
    .deferred();
  return alerts.sort((a, b) => a.dueAt - b.dueAt || a.entry - b.entry);
}

// ---------------------------------------------------------------------------------------
// 2. Barcode inventory audit

export interface StockItem extends FirearmRef {
  type: string;
  status: 'in_stock' | 'reserved';
}

export interface DisposedMatch extends FirearmRef {
  /** The standing disposition's date and kind; null when none is on the book. */
  disposedOn: string | null;
  kind: DispositionKind | null;
}

export interface InventoryAudit {
  /** In stock (or reserved) by the book, not scanned. */
  missing: (StockItem & { message: string })[];
  /** Scanned, not in stock; with the disposed firearms that carry the serial, if any. */
  unexpected: { serial: string; scans: number; disposed: DisposedMatch[]; message: string }[];
  /** Scanned more times than there are firearms in stock with that serial. */
  duplicates: { serial: string; scans: number; inStock: number; message: string }[];
  /**
   * A serial on several firearms in stock (two makers). A scan names no maker, so when it was
   * scanned fewer times than firearms carry it, which one is missing needs a look.
   */
  shared: {
    serial: string;
    scans: number;
    items: StockItem[];
    unresolved: number;
    message: string;
  }[];
  counts: {
    inStock: number;
    scans: number;
    distinctSerials: number;
    found: number;
    missing: number;
    unresolved: number;
    unexpected: number;
    duplicates: number;
  };
}

const dispositionWords: Record<DispositionKind, string> = {
  non_licensee: 'transfer to a non-licensee',
  licensee: 'transfer to a licensee',
  theft_loss: 'theft or loss',
  destroyed: 'destroyed',
  returned_to_source: 'returned to the source',
  law_enforcement: 'to law enforcement',
  loan_out: 'loan out',
  exempt: 'exempt transfer',
};

const times = (n: number) => (n === 1 ? 'once' : `${n} times`);

/**
 * Compares a barcode scan of the store's firearms with what the book says is in stock
 * (in stock or reserved). Serials match ignoring case and spaces (`serialKey`).
 */
export function inventoryAudit(db: Db, scannedSerials: readonly string[]): InventoryAudit {
  return db.transaction(() => auditStock(db, scannedSerials)).deferred();
}

function auditStock(db: Db, scannedSerials: readonly string[]): InventoryAudit {
  // Each scanned serial: how it was first scanned, and how often.
  const scans = new Map<string, { serial: string; scans: number }>();
  let scanCount = 0;
  for (const raw of scannedSerials) {
    const serial = raw.trim();
    const key = serialKey(serial);
    if (!key) continue; // a scanner's empty read
    scanCount++;
    const seen = scans.get(key);
    if (seen) seen.scans++;
    else scans.set(key, { serial, scans: 1 });
  }

  const stock = db
    .prepare(
      `SELECT i.id AS itemId, i.manufacturer, i.model, i.serial, i.serial_key AS serialKey, i.type, i.status,
              ${entryOf('i.id')} AS entry
       FROM firearm_items i WHERE i.status != 'disposed' ORDER BY i.id`,
    )
    .all() as (StockItem & { serialKey: string })[];
  const stockByKey = new Map<string, StockItem[]>();
  for (const { serialKey: key, ...item } of stock) {
    const list = stockByKey.get(key);
    if (list) list.push(item);
    else stockByKey.set(key, [item]);
  }

  const audit: InventoryAudit = {
    missing: [],
    unexpected: [],
    duplicates: [],
    shared: [],
    counts: {
      inStock: stock.length,
      scans: scanCount,
      distinctSerials: scans.size,
      found: 0,
      missing: 0,
      unresolved: 0,
      unexpected: 0,
      duplicates: 0,
    },
  };

  for (const [key, items] of stockByKey) {
    const n = scans.get(key)?.scans ?? 0;
    if (items.length === 1 || n === 0) {
      if (n > 0) audit.counts.found++;
      else
        for (const item of items)
          audit.missing.push({
            ...item,
            message:
              item.status === 'reserved'
                ? `${described(item)} (entry ${item.entry}) is reserved for a pending disposition but was not scanned: check whether it has left the store.`
                : `${described(item)} (entry ${item.entry}) is in stock by the book but was not scanned.`,
          });
      continue;
    }
    const unresolved = Math.max(0, items.length - n);
    audit.counts.found += items.length - unresolved;
    audit.counts.unresolved += unresolved;
    const serial = scans.get(key)?.serial ?? key;
    audit.shared.push({
      serial,
      scans: n,
      items,
      unresolved,
      message:
        unresolved > 0
          ? `Serial ${serial} is on ${items.length} firearms in stock (${items.map((i) => `${i.manufacturer} ${i.model}`).join(', ')}) but was scanned ${times(n)}: look at each to find which is missing.`
          : `Serial ${serial} is on ${items.length} firearms in stock (${items.map((i) => `${i.manufacturer} ${i.model}`).join(', ')}), scanned ${times(n)}: both counted.`,
    });
  }
  audit.counts.missing = audit.missing.length;

  // Scanned serials not in stock: were they disposed of? One query for all of them.
  const strangers = [...scans.keys()].filter((k) => !stockByKey.has(k));
  const disposedByKey = new Map<string, DisposedMatch[]>();
  if (strangers.length > 0) {
    const rows = db
      .prepare(
        `WITH ${VOIDED_CTE}
         SELECT i.id AS itemId, i.serial_key AS serialKey, i.manufacturer, i.model, i.serial,
                ${entryOf('i.id')} AS entry, d.disposed_on AS disposedOn, d.kind
         FROM firearm_items i
         LEFT JOIN ledger_dispositions d ON d.id = ${standingOf('i.id')}
         WHERE i.serial_key IN (SELECT value FROM json_each(?)) AND i.status = 'disposed'
         ORDER BY i.id`,
      )
      .all(JSON.stringify(strangers)) as (DisposedMatch & { serialKey: string })[];
    for (const { serialKey: key, ...match } of rows) {
      const list = disposedByKey.get(key);
      if (list) list.push(match);
      else disposedByKey.set(key, [match]);
    }
  }
  for (const key of strangers) {
    const scan = scans.get(key);
    if (!scan) continue;
    const disposed = disposedByKey.get(key) ?? [];
    const fates = disposed.map((d) =>
      d.disposedOn && d.kind
        ? `${d.manufacturer} ${d.model} disposed of on ${d.disposedOn} (${dispositionWords[d.kind]})`
        : `${d.manufacturer} ${d.model} marked disposed of, with no disposition on the book`,
    );
    audit.unexpected.push({
      serial: scan.serial,
      scans: scan.scans,
      disposed,
      message:
        fates.length > 0
          ? `Serial ${scan.serial} was scanned but is not in stock: ${fates.join('; ')}.`
          : `Serial ${scan.serial} was scanned but is not in the book: check the firearm's markings, and enter it if it was received.`,
    });
  }
  audit.counts.unexpected = audit.unexpected.length;

  for (const [key, scan] of scans) {
    const inStock = stockByKey.get(key)?.length ?? 0;
    if (scan.scans <= Math.max(1, inStock)) continue;
    audit.duplicates.push({
      serial: scan.serial,
      scans: scan.scans,
      inStock,
      message:
        inStock > 1
          ? `Serial ${scan.serial} was scanned ${times(scan.scans)}, and ${inStock} firearms in stock carry it.`
          : `Serial ${scan.serial} was scanned ${times(scan.scans)}.`,
    });
  }
  audit.counts.duplicates = audit.duplicates.length;
  return audit;
}

// ---------------------------------------------------------------------------------------
// 3. Consistency between the book and the firearms' status

export type ProblemCode =
  | 'open_entries_mismatch'
  | 'item_without_acquisition'
  | 'several_open_entries'
  | 'open_but_disposed_in_book'
  | 'disposed_without_disposition'
  | 'disposition_without_acquisition'
  | 'disposition_of_other_firearm'
  | 'transfer_without_check'
  | 'reserved_without_pending'
  | 'reserved_with_several_pending'
  | 'pending_but_not_reserved'
  | 'unusable_date';

export interface Problem {
  code: ProblemCode;
  message: string;
  itemId?: number;
  entry?: number;
  dispositionId?: number;
}

export interface Consistency {
  ok: boolean;
  problems: Problem[];
  counts: {
    /** Acquisition entries (as last corrected) whose firearm has no standing disposition. */
    openEntries: number;
    /** Firearms whose status is not disposed (in stock or reserved). */
    openItems: number;
    inStock: number;
    reserved: number;
    disposed: number;
    pendingDispositions: number;
    /** Firearms with a standing committed disposition. */
    disposedInBook: number;
  };
}

export interface ConsistencyOptions {
  /**
   * Whether a committed transfer to a non-licensee without a check was exempt by a state
   * permit (27 CFR 478.102(d)). Nothing records permits yet: until something does, every
   * such transfer is reported. Called only for those transfers.
   */
  isPermitExempt?: (dispositionId: number) => boolean;
}

/** A firearm whose status, entries or standing disposition need a look. */
interface ItemStateRow {
  itemId: number;
  manufacturer: string;
  model: string;
  serial: string;
  status: 'in_stock' | 'reserved' | 'disposed';
  /** Acquisition entries as first made (0: none). */
  roots: number;
  entries: string | null;
  entry: number | null;
  standing: number | null;
  disposedOn: string | null;
  pending: number;
  pendingIds: string | null;
}

const statusWords = (s: ItemStateRow['status']) => s.replace('_', ' ');

/** What is wrong with one firearm the item queries returned. */
function itemProblems(r: ItemStateRow): Problem[] {
  const it = described(r);
  const at = { itemId: r.itemId, ...(r.entry !== null ? { entry: r.entry } : {}) };
  const out: Problem[] = [];
  if (r.roots === 0)
    out.push({
      code: 'item_without_acquisition',
      message: `${it} (firearm ${r.itemId}) is ${statusWords(r.status)}, but the book has no acquisition entry for it.`,
      ...at,
    });
  if (r.status !== 'disposed' && r.standing !== null)
    out.push({
      code: 'open_but_disposed_in_book',
      message: `${it} (entry ${r.entry}) is ${statusWords(r.status)}, but the book records its disposition on ${r.disposedOn} (disposition ${r.standing}).`,
      ...at,
      dispositionId: r.standing,
    });
  if (r.status === 'disposed' && r.standing === null)
    out.push({
      code: 'disposed_without_disposition',
      message: `${it} (${r.entry !== null ? `entry ${r.entry}` : `firearm ${r.itemId}`}) is marked disposed of, but the book has no committed disposition for it: enter the disposition, or put the firearm back in stock.`,
      ...at,
    });
  if (r.standing === null && r.roots > 1)
    out.push({
      code: 'several_open_entries',
      message: `${it} has ${r.roots} open acquisition entries (${r.entries?.replace(/,/g, ', ')}) and no disposition: one firearm is in stock once.`,
      ...at,
    });
  if (r.status === 'reserved' && r.pending === 0)
    out.push({
      code: 'reserved_without_pending',
      message: `${it} (entry ${r.entry}) is reserved, but no disposition is pending for it: start the disposition or put it back in stock.`,
      ...at,
    });
  if (r.status === 'reserved' && r.pending > 1)
    out.push({
      code: 'reserved_with_several_pending',
      message: `${it} (entry ${r.entry}) is reserved with ${r.pending} pending dispositions (${r.pendingIds?.replace(/,/g, ', ')}): cancel all but one.`,
      ...at,
    });
  return out;
}

/** How many acquisition entries (as first made) a firearm has. */
const rootsOf = (itemId: string) => /* sql */ `(
  SELECT count(*) FROM ledger_acquisitions a WHERE a.item_id = ${itemId} AND a.corrects IS NULL)`;
/** Details read only for the firearms that have a problem. */
const ITEM_DETAILS = /* sql */ `
  (SELECT group_concat(a.entry_no) FROM ledger_acquisitions a WHERE a.item_id = q.itemId AND a.corrects IS NULL) AS entries,
  ${entryOf('q.itemId')} AS entry,
  (SELECT d.disposed_on FROM ledger_dispositions d WHERE d.id = q.standing) AS disposedOn,
  (SELECT group_concat(p.id) FROM ledger_dispositions p WHERE p.item_id = q.itemId AND p.state = 'pending') AS pendingIds`;

/**
 * Checks the book against itself and against the firearms' status: open entries equal
 * firearms not disposed of; every disposition has its firearm's acquisition; every firearm
 * marked disposed of has a standing disposition; every transfer to a non-licensee has a
 * background check (or, later, a permit); every reserved firearm has exactly one pending
 * disposition (and no other firearm has one). One read transaction: one snapshot.
 */
/** Permit exemptions as the book records them: a permit on the disposition's 4473 and buyer. */
export function permitExemptions(db: Db): ConsistencyOptions {
  const permit = db.prepare(
    `SELECT 1 FROM ledger_dispositions d JOIN transfer_permits p ON p.form_4473 = d.form_4473 AND p.buyer_key = d.buyer_key
     WHERE d.id = ?`,
  );
  return { isPermitExempt: (dispositionId) => permit.get(dispositionId) !== undefined };
}

export function consistencyCheck(db: Db, o: ConsistencyOptions = {}): Consistency {
  return db.transaction(() => checkBook(db, o)).deferred();
}

function checkBook(db: Db, o: ConsistencyOptions): Consistency {
  const items = db
    .prepare(
      `SELECT coalesce(sum(status = 'in_stock'), 0) AS inStock,
              coalesce(sum(status = 'reserved'), 0) AS reserved,
              coalesce(sum(status = 'disposed'), 0) AS disposed,
              (SELECT count(*) FROM ledger_dispositions WHERE state = 'pending') AS pendingDispositions
       FROM firearm_items`,
    )
    .get() as { inStock: number; reserved: number; disposed: number; pendingDispositions: number };

  // Firearms in stock or reserved (the partial index holds just these) that the book shows
  // disposed of, with no entry or several, or reserved without exactly one pending
  // disposition. Probes by item; details only for the rows returned.
  const open = db
    .prepare(
      `WITH ${VOIDED_CTE}
       SELECT q.*, ${ITEM_DETAILS} FROM (
         SELECT i.id AS itemId, i.manufacturer, i.model, i.serial, i.status,
                ${rootsOf('i.id')} AS roots, ${standingOf('i.id')} AS standing,
                (SELECT count(*) FROM ledger_dispositions p WHERE p.item_id = i.id AND p.state = 'pending') AS pending
         FROM firearm_items i WHERE i.status != 'disposed') q
       WHERE q.roots != 1 OR q.standing IS NOT NULL OR (q.status = 'reserved' AND q.pending != 1)
       ORDER BY q.itemId`,
    )
    .all() as ItemStateRow[];
  // Firearms marked disposed of with no standing disposition, or with no entry at all.
  const disposed = db
    .prepare(
      `WITH ${VOIDED_CTE}
       SELECT q.*, ${rootsOf('q.itemId')} AS roots, 0 AS pending, ${ITEM_DETAILS} FROM (
         SELECT i.id AS itemId, i.manufacturer, i.model, i.serial, i.status, ${standingOf('i.id')} AS standing
         FROM firearm_items i
         WHERE i.status = 'disposed'
           AND (${standingOf('i.id')} IS NULL
                OR NOT EXISTS (SELECT 1 FROM ledger_acquisitions a WHERE a.item_id = i.id))) q
       ORDER BY q.itemId`,
    )
    .all() as ItemStateRow[];

  // The counts follow from the rows above: a firearm not returned by them is either open
  // with exactly one open entry, or disposed of in the book and in its status.
  const openWithoutProblem = items.inStock + items.reserved - open.length;
  const entriesOf = (r: ItemStateRow) => (r.standing === null ? r.roots : 0);
  const counts: Consistency['counts'] = {
    openEntries:
      openWithoutProblem +
      open.reduce((n, r) => n + entriesOf(r), 0) +
      disposed.reduce((n, r) => n + entriesOf(r), 0),
    openItems: items.inStock + items.reserved,
    inStock: items.inStock,
    reserved: items.reserved,
    disposed: items.disposed,
    pendingDispositions: items.pendingDispositions,
    disposedInBook:
      items.disposed -
      disposed.filter((r) => r.standing === null).length +
      open.filter((r) => r.standing !== null).length,
  };

  const problems: Problem[] = [];
  if (counts.openEntries !== counts.openItems)
    problems.push({
      code: 'open_entries_mismatch',
      message: `The book has ${counts.openEntries} open acquisition entries, but ${counts.openItems} firearms are in stock or reserved.`,
    });
  for (const r of [...open, ...disposed].sort((a, b) => a.itemId - b.itemId))
    problems.push(...itemProblems(r));

  // Pending dispositions of firearms that are not reserved.
  const strayPending = db
    .prepare(
      `SELECT i.id AS itemId, i.manufacturer, i.model, i.serial, i.status,
              group_concat(d.id) AS ids, min(d.acquisition_entry) AS entry
       FROM ledger_dispositions d JOIN firearm_items i ON i.id = d.item_id
       WHERE d.state = 'pending' AND i.status != 'reserved'
       GROUP BY i.id ORDER BY i.id`,
    )
    .all() as {
    itemId: number;
    manufacturer: string;
    model: string;
    serial: string;
    status: ItemStateRow['status'];
    ids: string;
    entry: number;
  }[];
  for (const r of strayPending)
    problems.push({
      code: 'pending_but_not_reserved',
      message: r.ids.includes(',')
        ? `${described(r)} (entry ${r.entry}) is ${statusWords(r.status)}, yet dispositions ${r.ids.replace(/,/g, ', ')} are pending for it: cancel them, or reserve the firearm for one.`
        : `${described(r)} (entry ${r.entry}) is ${statusWords(r.status)}, yet disposition ${r.ids} is pending for it: cancel it, or reserve the firearm.`,
      itemId: r.itemId,
      entry: r.entry,
    });

  // Dispositions whose acquisition entry is missing or is another firearm's.
  const orphans = db
    .prepare(
      `SELECT d.id, d.item_id AS itemId, d.acquisition_entry AS entry, a.entry_no AS found,
              i.manufacturer, i.model, i.serial,
              o.manufacturer AS otherManufacturer, o.model AS otherModel, o.serial AS otherSerial
       FROM ledger_dispositions d
       JOIN firearm_items i ON i.id = d.item_id
       LEFT JOIN ledger_acquisitions a ON a.entry_no = d.acquisition_entry
       LEFT JOIN firearm_items o ON o.id = a.item_id
       WHERE a.entry_no IS NULL OR a.item_id != d.item_id
       ORDER BY d.id`,
    )
    .all() as {
    id: number;
    itemId: number;
    entry: number;
    found: number | null;
    manufacturer: string;
    model: string;
    serial: string;
    otherManufacturer: string | null;
    otherModel: string | null;
    otherSerial: string | null;
  }[];
  for (const d of orphans)
    problems.push({
      ...(d.found === null
        ? {
            code: 'disposition_without_acquisition',
            message: `Disposition ${d.id} (${described(d)}) refers to acquisition entry ${d.entry}, which is not in the book.`,
          }
        : {
            code: 'disposition_of_other_firearm',
            message: `Disposition ${d.id} (${described(d)}) refers to acquisition entry ${d.entry}, which is another firearm (${d.otherManufacturer} ${d.otherModel}, serial ${d.otherSerial}).`,
          }),
      itemId: d.itemId,
      entry: d.entry,
      dispositionId: d.id,
    });

  // Transfers to non-licensees that stand without a background check (18 U.S.C. 922(t)).
  const unchecked = db
    .prepare(
      `WITH ${VOIDED_CTE}
       SELECT d.id, d.item_id AS itemId, d.acquisition_entry AS entry, d.disposed_on AS disposedOn,
              d.form_4473 AS form4473, i.manufacturer, i.model, i.serial
       FROM ledger_dispositions d JOIN firearm_items i ON i.id = d.item_id
       WHERE d.kind = 'non_licensee' AND d.state = 'committed' AND d.voided = 0 AND d.corrects IS NULL
         AND d.check_id IS NULL AND d.id NOT IN (SELECT id FROM voided)
       ORDER BY d.id`,
    )
    .all() as {
    id: number;
    itemId: number;
    entry: number;
    disposedOn: string | null;
    form4473: string | null;
    manufacturer: string;
    model: string;
    serial: string;
  }[];
  for (const d of unchecked) {
    if (o.isPermitExempt?.(d.id)) continue;
    problems.push({
      code: 'transfer_without_check',
      message: `Disposition ${d.id} (${described(d)}, entry ${d.entry}) transferred the firearm to a non-licensee on ${d.disposedOn} (Form 4473 ${d.form4473 ?? 'not recorded'}) with no background check or permit on record.`,
      itemId: d.itemId,
      entry: d.entry,
      dispositionId: d.id,
    });
  }

  problems.push(...unusableDates(db));
  return { ok: problems.length === 0, problems, counts };
}

/**
 * Dates on the book and the checks that cannot be counted with (not a day that exists, or
 * outside 1900–2999): stored before dates were checked, or written around the checks. The
 * deadline lists and the check desk leave them out, so they are named here.
 */
function unusableDates(db: Db): Problem[] {
  // Not of the form YYYY-MM-DD in 1900–2999, or a day past the 28th (which may not exist).
  const mayBeUnusable = (column: string) =>
    /* sql */ `(NOT (${column} GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]' AND ${column} BETWEEN '1900-01-01' AND '2999-12-31') OR substr(${column}, 9) > '28')`;
  // A quick first pass in SQL (the shape and the range); the calendar check in code.
  // Only what still stands: a corrected entry's newest version, and checks something pending
  // rests on (a check nothing rests on is only history; the desk leaves it out).
  const rows = db
    .prepare(
      `SELECT 'acquisition' AS what, a.entry_no AS id, a.received_on AS date FROM ledger_acquisitions a
         WHERE ${mayBeUnusable('a.received_on')}
           AND NOT EXISTS (SELECT 1 FROM ledger_acquisitions y
                           WHERE y.corrects = coalesce(a.corrects, a.entry_no) AND y.entry_no > a.entry_no)
       UNION ALL
       SELECT 'disposition', d.id, d.disposed_on FROM ledger_dispositions d
         WHERE d.disposed_on IS NOT NULL AND ${mayBeUnusable('d.disposed_on')}
           AND NOT EXISTS (SELECT 1 FROM ledger_dispositions y
                           WHERE y.corrects = coalesce(d.corrects, d.id) AND y.id > d.id)
       UNION ALL
       SELECT 'check', b.id, coalesce(e.on_date, b.form_4473_started_on) FROM background_checks b
         LEFT JOIN check_events e ON e.check_id = b.id AND e.on_date IS NOT NULL AND ${mayBeUnusable('e.on_date')}
         WHERE (e.id IS NOT NULL OR (b.form_4473_started_on IS NOT NULL AND ${mayBeUnusable('b.form_4473_started_on')}))
           AND EXISTS (SELECT 1 FROM ledger_dispositions p WHERE p.form_4473 = b.form_4473 AND p.state = 'pending')`,
    )
    .all() as { what: 'acquisition' | 'disposition' | 'check'; id: number; date: unknown }[];
  return rows
    .filter((r) => !usableStoredDate(r.date))
    .map((r) => ({
      code: 'unusable_date' as const,
      message:
        r.what === 'acquisition'
          ? `Entry ${r.id} is dated ${String(r.date)}, which is not a date that can be used: record a correction with the true date of receipt.`
          : r.what === 'disposition'
            ? `Disposition ${r.id} is dated ${String(r.date)}, which is not a date that can be used: record a correction with the true hand-over date.`
            : `Check ${r.id} holds the date ${String(r.date)}, which is not a date that can be used: no transfer can rest on it; run a new check on its 4473.`,
      ...(r.what === 'acquisition'
        ? { entry: r.id }
        : r.what === 'disposition'
          ? { dispositionId: r.id }
          : {}),
    }));
}
