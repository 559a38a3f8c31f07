// Multiple-sale reports: which sales make one (ATF Form 3310.4 for handguns, 27 CFR
// 478.126a; Form 3310.12 for certain rifles in AZ, CA, NM and TX, ATF's demand letter), when
// each is due (close of business on the day the multiple sale occurs), to whom (3310.4: ATF and
// the state police or local law enforcement; 3310.12: ATF), and what a report is now after
// sales were voided or firearms corrected. Nothing here writes or reads the clock.
import type { IsoDate } from '../checks/calendar.ts';
import { policyOn, type NicsPolicy } from '../checks/model.ts';
import { nicsPolicies } from '../checks/policy.ts';
import { usableStoredDate } from '../dates.ts';
import type { Db } from '../db/open.ts';
import { DISPOSITION_NOT_VOIDED, HANDED_OVER_ON } from './book-sql.ts';
import type { UsState } from '../integrations/model.ts';
import type { StoreHours } from './reconcile.ts';
import { reportableRifle } from './rules.ts';

export type MultipleSaleForm = '3310.4' | '3310.12';

/** Who a report goes to: ATF, and the state police or the local law enforcement agency. */
export const filingRecipients = ['atf', 'law_enforcement'] as const;
export type FilingRecipient = (typeof filingRecipients)[number];

/**
 * 27 CFR 478.126a: a 3310.4 goes to ATF and to the State police or the local law enforcement
 * agency where the sale took place. A 3310.12 goes to ATF (the form's instructions: the
 * National Tracing Center).
 */
export const recipientsOf = (form: MultipleSaleForm): readonly FilingRecipient[] =>
  form === '3310.4' ? ['atf', 'law_enforcement'] : ['atf'];

/** What a multiple-sale count needs to know of a firearm (its description as corrected). */
export interface CountedFirearm {
  type: string;
  caliber: string;
  semiAutoDetachable: boolean;
}

/** The shipped check policy (the multiple-sale window and types, the 3310.12 states). */
export const shippedPolicy = (date: IsoDate): NicsPolicy => policyOn(nicsPolicies, date);

/**
 * The report a firearm sold to an unlicensed person counts toward, or null: pistols and
 * revolvers for 3310.4; in a 3310.12 state, semi-automatic rifles over .22 caliber that take a
 * detachable magazine (rules.ts `reportableRifle`).
 */
export function formOf(
  f: CountedFirearm,
  policy: NicsPolicy,
  state: UsState | null,
): MultipleSaleForm | null {
  if (policy.multipleSale.types.includes(f.type)) return '3310.4';
  if (
    state &&
    policy.form3310_12States.includes(state) &&
    reportableRifle(f.type, f.caliber, f.semiAutoDetachable)
  )
    return '3310.12';
  return null;
}

/** Whether two sale dates fall within the window: fewer than N of the store's business days apart. */
export function inWindow(a: IsoDate, b: IsoDate, calendar: StoreHours, businessDays: number) {
  const [from, to] = a <= b ? [a, b] : [b, a];
  return calendar.businessDaysBetween(from, to) < businessDays;
}

/**
 * A standing sale: a committed disposition to a non-licensee, as first entered, that no
 * correction voided; its date is its latest restating correction's, if any.
 */
const STANDING_SALES = /* sql */ `
  SELECT d.id, i.type, i.caliber, i.semi_auto_detachable, ${HANDED_OVER_ON} AS disposed_on
  FROM ledger_dispositions d JOIN firearm_items i ON i.id = d.item_id
  WHERE d.kind = 'non_licensee' AND d.state = 'committed' AND ${DISPOSITION_NOT_VOIDED}`;

export interface MultipleSaleQuestion {
  /** The sale being committed or re-read (left out of the others). */
  dispositionId: number;
  /** The unlicensed buyer's record key; none (a licensee, a theft) is never a multiple sale. */
  buyerKey: string | null;
  /** The day the firearm was handed over. */
  on: IsoDate;
  /** The firearm as the book describes it now. */
  firearm: CountedFirearm;
  /** The check policy in force on `on`. */
  policy: NicsPolicy;
  /** The store's state (3310.12 applies in some). */
  state: UsState | null;
  /** The dealer's business days (store hours), not the NICS calendar. */
  calendar: StoreHours;
}

/**
 * The multiple-sale report this sale is part of: its form and the other standing sales to the
 * same unlicensed person that count for the same form within any 5 consecutive business days
 * of the dealer (27 CFR 478.126a; the window and types are the policy's data). Sales on either
 * side of `on` count: a disposition committed late, or a correction, can make a report with a
 * later sale. Null when it makes none.
 *
 * FirearmsLedger.commitDisposition calls this for a sale to a non-licensee (the flag goes on
 * that disposition, `related` in multiple_sale_flags); FlagCorrections calls it when a
 * correction makes a sold firearm count.
 */
export function multipleSaleOf(
  db: Db,
  q: MultipleSaleQuestion,
): { form: MultipleSaleForm; related: number[] } | null {
  if (!q.buyerKey) return null;
  const form = formOf(q.firearm, q.policy, q.state);
  if (!form) return null;
  const others = db
    .prepare(`SELECT * FROM (${STANDING_SALES} AND d.buyer_key = ? AND d.id != ?) ORDER BY id`)
    .all(q.buyerKey, q.dispositionId) as {
    id: number;
    type: string;
    caliber: string;
    semi_auto_detachable: 0 | 1;
    disposed_on: string | null;
  }[];
  const related = others
    .filter(
      (o) =>
        o.disposed_on !== null &&
        formOf(
          { type: o.type, caliber: o.caliber, semiAutoDetachable: o.semi_auto_detachable === 1 },
          q.policy,
          q.state,
        ) === form &&
        inWindow(o.disposed_on, q.on, q.calendar, q.policy.multipleSale.businessDays),
    )
    .map((o) => o.id);
  return related.length > 0 ? { form, related } : null;
}

// ---------------------------------------------------------------------------------------
// Reports as they stand

export interface MultipleSaleFiling {
  recipient: FilingRecipient;
  /** Who received it ("ATF", "Texas DPS", "Austin Police Department"). */
  agency: string;
  filedOn: IsoDate;
  filedBy: string;
  filedAt: number;
  note: string | null;
}

/**
 * - `to_file`: still a multiple sale, a filing missing, before close of business on its day.
 * - `overdue`: the same after close of business on the day the multiple sale occurred.
 * - `filed`: every filing the form needs is recorded (it stays on record whatever happens).
 * - `keep_on_file`: no longer a multiple sale (a sale of it was voided, or a firearm corrected
 *   out of it) before it was filed: nothing to file; the flag is kept on file.
 */
export type ReportStatus = 'to_file' | 'overdue' | 'filed' | 'keep_on_file';

/** The firearm a report names and the 4473 it left on, as the book has them. */
export interface ReportedFirearm {
  itemId: number;
  serial: string;
  manufacturer: string;
  model: string;
  type: string;
  caliber: string;
  form4473: string | null;
}

/** A report's firearm alone, from a row holding more. */
const reportedFirearm = (r: ReportedFirearm): ReportedFirearm => ({
  itemId: r.itemId,
  serial: r.serial,
  manufacturer: r.manufacturer,
  model: r.model,
  type: r.type,
  caliber: r.caliber,
  form4473: r.form4473,
});

export interface MultipleSaleReport extends ReportedFirearm {
  dispositionId: number;
  form: MultipleSaleForm;
  /** The day the multiple sale occurred: the latest sale of it (its deadline's day). */
  occurredOn: IsoDate;
  /** The day the book found it (the hand-over's commit, or a correction later). */
  flaggedOn: IsoDate;
  /** The other dispositions in the window that made it a multiple sale. */
  related: number[];
  /** Close of business on `occurredOn` (end of that day if the store was closed). */
  dueOn: IsoDate;
  dueAt: number;
  /** Who it must go to, and each filing recorded. */
  recipients: readonly FilingRecipient[];
  filings: MultipleSaleFiling[];
  /** The ATF filing's date and who recorded it (null until filed with ATF). */
  filedOn: IsoDate | null;
  filedBy: string | null;
  /** This sale was voided after the report was flagged. */
  voided: boolean;
  /** This sale and at least one related one still stand and still count for the form. */
  stillMultiple: boolean;
  status: ReportStatus;
}

export interface ReportQuery {
  now: number;
  storeHours: StoreHours;
  /** Every report (filed and kept on file too), or only those still to file. */
  includeSettled?: boolean;
  dispositionId?: number;
  /** The check policy in force on a date (which types count for 3310.4). */
  policy?: (date: IsoDate) => NicsPolicy;
}

interface ReportRow extends ReportedFirearm {
  dispositionId: number;
  form: MultipleSaleForm;
  flaggedOn: string | null;
  related: string;
}

interface SaleState {
  id: number;
  disposed_on: string | null;
  voided: 0 | 1;
  type: string;
  caliber: string;
  semi_auto_detachable: 0 | 1;
}

/** The deadline of a report whose multiple sale occurred on `day`: close of business. */
export function reportDeadline(day: IsoDate, storeHours: StoreHours) {
  return storeHours.isOpen(day)
    ? storeHours.closeOf(day)
    : // A sale on a day the store keeps closed: by the end of that day.
      storeHours.endOf(day);
}

/**
 * The multiple-sale reports on the book with their filings and where each stands, read in
 * one transaction: the actionable first (oldest deadline first), then the settled.
 */
export function multipleSaleReports(db: Db, q: ReportQuery): MultipleSaleReport[] {
  return db.transaction(() => readReports(db, q)).deferred();
}

function readReports(db: Db, q: ReportQuery): MultipleSaleReport[] {
  const policy = q.policy ?? shippedPolicy;
  const rows = db
    .prepare(
      `SELECT d.id AS dispositionId, coalesce(f.form, '3310.4') AS form,
              coalesce(f.flagged_on, d.disposed_on) AS flaggedOn, i.id AS itemId, i.serial,
              i.manufacturer, i.model, i.type, i.caliber, d.form_4473 AS form4473,
              coalesce(f.related, '[]') AS related
       FROM ledger_dispositions d
       JOIN firearm_items i ON i.id = d.item_id
       LEFT JOIN multiple_sale_flags f ON f.disposition_id = d.id
       WHERE (d.multiple_sale = 1 OR f.disposition_id IS NOT NULL) AND d.corrects IS NULL
         AND (? IS NULL OR d.id = ?)
         -- Still to file: fewer filings than the form needs (every one, however old).
         AND (? OR (SELECT count(*) FROM multiple_sale_report_filings x WHERE x.disposition_id = d.id)
                   < CASE coalesce(f.form, '3310.4') WHEN '3310.4' THEN 2 ELSE 1 END)
       ORDER BY d.id DESC LIMIT ?`,
    )
    .all(
      q.dispositionId ?? null,
      q.dispositionId ?? null,
      q.includeSettled ? 1 : 0,
      // Every report still to file; the settled ones, the most recent 2,000.
      q.includeSettled ? 2000 : -1,
    ) as ReportRow[];
  if (rows.length === 0) return [];
  const flagged = rows.map((r) => ({ ...r, rel: JSON.parse(r.related) as number[] }));
  const ids = [...new Set(flagged.flatMap((r) => [r.dispositionId, ...r.rel]))];
  // Each sale involved: voided or not, its date and its firearm as corrected.
  const sales = new Map(
    (
      db
        .prepare(
          `SELECT d.id, coalesce((SELECT c.disposed_on FROM ledger_dispositions c
                   WHERE c.corrects = d.id AND c.voided = 0 AND c.disposed_on IS NOT NULL
                   ORDER BY c.id DESC LIMIT 1), d.disposed_on) AS disposed_on,
                  EXISTS (SELECT 1 FROM ledger_dispositions v WHERE v.corrects = d.id AND v.voided = 1) AS voided,
                  i.type, i.caliber, i.semi_auto_detachable
           FROM ledger_dispositions d JOIN firearm_items i ON i.id = d.item_id
           WHERE d.id IN (SELECT value FROM json_each(?))`,
        )
        .all(JSON.stringify(ids)) as SaleState[]
    ).map((s) => [s.id, s]),
  );
  const filings = new Map<number, MultipleSaleFiling[]>();
  for (const f of db
    .prepare(
      `SELECT disposition_id AS dispositionId, recipient, agency, filed_on AS filedOn, filed_by AS filedBy,
              filed_at AS filedAt, note
       FROM multiple_sale_report_filings WHERE disposition_id IN (SELECT value FROM json_each(?))
       ORDER BY id`,
    )
    .all(JSON.stringify(rows.map((r) => r.dispositionId))) as (MultipleSaleFiling & {
    dispositionId: number;
  })[]) {
    const { dispositionId, ...filing } = f;
    filings.set(dispositionId, [...(filings.get(dispositionId) ?? []), filing]);
  }

  const reports = flagged.flatMap((r): MultipleSaleReport[] => {
    const { rel } = r;
    const own = sales.get(r.dispositionId);
    // Each sale's day as last corrected (a correction may give the true day it left the store),
    // this one's too; a sale with no date at all (stored before dates were required) is dated
    // by its flag.
    const days = [r.dispositionId, ...rel]
      .map((id) => sales.get(id)?.disposed_on)
      .filter((d): d is string => typeof d === 'string');
    const occurredOn = days.length > 0 ? days.reduce((a, b) => (b > a ? b : a)) : r.flaggedOn;
    // A sale date that cannot be counted with (stored before dates were checked) has no
    // deadline: the report is left out here and the consistency check names the date.
    if (!usableStoredDate(occurredOn)) return [];
    const p = policy(occurredOn);
    const counts = (s: SaleState | undefined) =>
      s !== undefined &&
      !s.voided &&
      (r.form === '3310.4'
        ? p.multipleSale.types.includes(s.type)
        : reportableRifle(s.type, s.caliber, s.semi_auto_detachable === 1));
    const stillMultiple = counts(own) && rel.some((id) => counts(sales.get(id)));
    const recipients = recipientsOf(r.form);
    const filed = filings.get(r.dispositionId) ?? [];
    const dueAt = reportDeadline(occurredOn, q.storeHours);
    const atf = filed.find((f) => f.recipient === 'atf') ?? null;
    const status: ReportStatus = recipients.every((x) => filed.some((f) => f.recipient === x))
      ? 'filed'
      : !stillMultiple
        ? 'keep_on_file'
        : q.now > dueAt
          ? 'overdue'
          : 'to_file';
    const report: MultipleSaleReport = {
      dispositionId: r.dispositionId,
      form: r.form,
      occurredOn,
      flaggedOn: r.flaggedOn ?? occurredOn,
      ...reportedFirearm(r),
      related: rel,
      dueOn: occurredOn,
      dueAt,
      recipients,
      filings: filed,
      filedOn: atf?.filedOn ?? null,
      filedBy: atf?.filedBy ?? null,
      voided: own?.voided === 1,
      stillMultiple,
      status,
    };
    return [report];
  });
  const actionable = (s: ReportStatus) => s === 'to_file' || s === 'overdue';
  return reports
    .filter((r) => q.includeSettled || actionable(r.status))
    .sort(
      (a, b) =>
        Number(actionable(b.status)) - Number(actionable(a.status)) ||
        (actionable(a.status) ? a.dueAt - b.dueAt : b.dispositionId - a.dispositionId) ||
        a.dispositionId - b.dispositionId,
    );
}
