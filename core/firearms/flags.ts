// Correcting a firearm's flags: "privately made firearm" (27 CFR 478.92: marked within 7 days
// of receipt, and not disposed of unmarked) and "semi-automatic with a detachable magazine"
// (which decides Form 3310.12). A correction never alters the original entry (ATF Ruling
// 2016-1): it is a new row that references the entry, with who, when and why; the firearm's
// current flags (firearm_items) are what every rule reads. Also the review list of firearms
// entered with no serial ("NSN") and not marked privately made.
import { z } from 'zod';
import type { AuditLog } from '../audit/repo.ts';
import type { NicsPolicy } from '../checks/model.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/open.ts';
import { DISPOSITION_NOT_VOIDED, HANDED_OVER_ON } from './book-sql.ts';
import { conflict, notFound } from '../errors.ts';
import type { UsState } from '../integrations/model.ts';
import { correctionReasonSchema, serialKey } from './model.ts';
import { multipleSaleOf, shippedPolicy, type MultipleSaleForm } from './multiple-sale.ts';
import { defaultStoreHours, type StoreHours } from './reconcile.ts';

/** The fields of a flag correction; `flagCorrectionSchema` also requires one flag. */
export const flagCorrectionFields = z
  .object({
    privatelyMade: z.boolean().optional(),
    semiAutoDetachable: z.boolean().optional(),
    reason: correctionReasonSchema,
  })
  .strict();
export const flagCorrectionSchema = flagCorrectionFields.refine(
  (c) => c.privatelyMade !== undefined || c.semiAutoDetachable !== undefined,
  {
    message:
      'Say which flag is corrected: privately made, or semi-automatic with a detachable magazine.',
  },
);
export type FlagCorrectionInput = z.input<typeof flagCorrectionSchema>;

export interface FlagCorrection {
  id: number;
  itemId: number;
  /** The acquisition entry corrected (as first made). */
  entry: number;
  privatelyMade: { was: boolean; now: boolean | null };
  semiAutoDetachable: { was: boolean; now: boolean | null };
  reason: string;
  recordedBy: string;
  recordedAt: number;
  /** The multiple-sale report (3310.12) the correction brought due, if any. */
  multipleSale: { dispositionId: number; form: MultipleSaleForm } | null;
}

interface CorrectionRow {
  id: number;
  item_id: number;
  entry_no: number;
  privately_made_was: 0 | 1;
  privately_made: 0 | 1 | null;
  semi_auto_was: 0 | 1;
  semi_auto_detachable: 0 | 1 | null;
  reason: string;
  flagged_disposition: number | null;
  form: MultipleSaleForm | null;
  recorded_by: string;
  recorded_at: number;
}

const bool = (v: 0 | 1 | null) => (v === null ? null : v === 1);
const toCorrection = (r: CorrectionRow): FlagCorrection => ({
  id: r.id,
  itemId: r.item_id,
  entry: r.entry_no,
  privatelyMade: { was: r.privately_made_was === 1, now: bool(r.privately_made) },
  semiAutoDetachable: { was: r.semi_auto_was === 1, now: bool(r.semi_auto_detachable) },
  reason: r.reason,
  recordedBy: r.recorded_by,
  recordedAt: r.recorded_at,
  multipleSale:
    r.flagged_disposition !== null && r.form
      ? { dispositionId: r.flagged_disposition, form: r.form }
      : null,
});

interface ItemFlags {
  id: number;
  serial: string;
  manufacturer: string;
  model: string;
  type: string;
  caliber: string;
  status: string;
  privately_made: 0 | 1;
  semi_auto_detachable: 0 | 1;
}

export interface ReviewItem {
  itemId: number;
  entry: number;
  serial: string;
  manufacturer: string;
  model: string;
  type: string;
  receivedOn: string;
  /** Why it is on the list (one reason so far). */
  reason: 'nsn_not_pmf';
}

const NSN = serialKey('NSN');

export class FlagCorrections {
  private readonly db: Db;
  private readonly audit: AuditLog;
  private readonly clock: Clock;
  private readonly storeState: () => UsState | null;
  private readonly storeCalendar: () => StoreHours;
  private readonly policy: (date: string) => NicsPolicy;

  constructor(o: {
    db: Db;
    audit: AuditLog;
    clock: Clock;
    /** The store's US state (3310.12 applies in AZ, CA, NM and TX). */
    storeState?: () => UsState | null;
    /** The store's hours and time zone (today's date, the multiple-sale window). */
    storeCalendar?: () => StoreHours;
    /** The check policy in force on a day (the multiple-sale window, the 3310.12 states). */
    policy?: (date: string) => NicsPolicy;
  }) {
    this.db = o.db;
    this.audit = o.audit;
    this.clock = o.clock;
    this.storeState = o.storeState ?? (() => null);
    this.storeCalendar = o.storeCalendar ?? (() => defaultStoreHours);
    this.policy = o.policy ?? shippedPolicy;
  }

  private item(itemId: number): ItemFlags {
    const row = this.db
      .prepare(
        'SELECT id, serial, manufacturer, model, type, caliber, status, privately_made, semi_auto_detachable FROM firearm_items WHERE id = ?',
      )
      .get(itemId) as ItemFlags | undefined;
    if (!row) throw notFound('firearm_not_found', `There is no firearm ${itemId} in the book.`);
    return row;
  }

  /**
   * Sets or clears a firearm's flags, with the reason: a correction row referencing its
   * acquisition entry, and the firearm's current flags changed. Every rule reads the current
   * flags: the PMF marking deadline and the refusal to dispose of an unmarked PMF (27 CFR
   * 478.92), and 3310.12. A sold rifle corrected to count for 3310.12 whose buyer got another
   * counting rifle within the window gets its report flagged (due since that sale).
   *
   * Stating "not privately made" for a firearm with no serial (NSN) is recorded even when it
   * changes nothing: that is the review that takes it off the review list.
   */
  correctFlags(actor: string, itemId: number, raw: FlagCorrectionInput): FlagCorrection {
    const input = flagCorrectionSchema.parse(raw);
    return this.db
      .transaction(() => {
        const item = this.item(itemId);
        const was = {
          privatelyMade: item.privately_made === 1,
          semiAutoDetachable: item.semi_auto_detachable === 1,
        };
        const now = {
          privatelyMade: input.privatelyMade ?? was.privatelyMade,
          semiAutoDetachable: input.semiAutoDetachable ?? was.semiAutoDetachable,
        };
        const changed =
          now.privatelyMade !== was.privatelyMade ||
          now.semiAutoDetachable !== was.semiAutoDetachable;
        const confirmsNsn =
          input.privatelyMade === false && serialKey(item.serial) === NSN && !changed;
        if (!changed && !confirmsNsn)
          throw conflict(
            'nothing_to_correct',
            `${item.manufacturer} ${item.model}, serial ${item.serial}, already reads privately made: ${was.privatelyMade ? 'yes' : 'no'}, semi-automatic with a detachable magazine: ${was.semiAutoDetachable ? 'yes' : 'no'}. Change a flag to correct it.`,
          );
        const entry = this.db
          .prepare(
            'SELECT max(entry_no) FROM ledger_acquisitions WHERE item_id = ? AND corrects IS NULL',
          )
          .pluck()
          .get(itemId) as number | null;
        if (entry === null)
          throw conflict(
            'no_acquisition',
            `Firearm ${itemId} has no acquisition entry to correct: enter its acquisition first.`,
          );
        this.db
          .prepare(
            'UPDATE firearm_items SET privately_made = ?, semi_auto_detachable = ? WHERE id = ?',
          )
          .run(now.privatelyMade ? 1 : 0, now.semiAutoDetachable ? 1 : 0, itemId);
        const flagged =
          now.semiAutoDetachable && !was.semiAutoDetachable ? this.flagSale(item) : null;
        const id = Number(
          this.db
            .prepare(
              `INSERT INTO firearm_flag_corrections (item_id, entry_no, privately_made_was, privately_made, semi_auto_was, semi_auto_detachable, reason, flagged_disposition, recorded_by, recorded_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
            )
            .run(
              itemId,
              entry,
              was.privatelyMade ? 1 : 0,
              input.privatelyMade === undefined ? null : input.privatelyMade ? 1 : 0,
              was.semiAutoDetachable ? 1 : 0,
              input.semiAutoDetachable === undefined ? null : input.semiAutoDetachable ? 1 : 0,
              input.reason,
              flagged?.dispositionId ?? null,
              actor,
              this.clock.now(),
            ).lastInsertRowid,
        );
        this.audit.record({
          actor,
          action: 'firearm.correct_flags',
          entity: 'firearm',
          entityId: itemId,
          externalRef: String(entry),
          payload: {
            correction: id,
            privatelyMade: { was: was.privatelyMade, now: now.privatelyMade },
            semiAutoDetachable: { was: was.semiAutoDetachable, now: now.semiAutoDetachable },
            reason: input.reason,
            multipleSale: flagged,
          },
        });
        return this.correction(id);
      })
      .immediate();
  }

  /**
   * The 3310.12 a sold rifle now completes, flagged on its sale (once: a sale already flagged
   * keeps its flag, and the report re-reads the corrected flags).
   */
  private flagSale(item: ItemFlags): { dispositionId: number; form: MultipleSaleForm } | null {
    const sale = this.db
      .prepare(
        `SELECT d.id, d.buyer_key, ${HANDED_OVER_ON} AS disposed_on FROM ledger_dispositions d
         WHERE d.item_id = ? AND d.kind = 'non_licensee' AND d.state = 'committed'
           AND d.disposed_on IS NOT NULL AND ${DISPOSITION_NOT_VOIDED}
           AND NOT EXISTS (SELECT 1 FROM multiple_sale_flags f WHERE f.disposition_id = d.id)
         ORDER BY d.id DESC LIMIT 1`,
      )
      .get(item.id) as { id: number; buyer_key: string | null; disposed_on: string } | undefined;
    if (!sale) return null;
    const found = multipleSaleOf(this.db, {
      dispositionId: sale.id,
      buyerKey: sale.buyer_key,
      on: sale.disposed_on,
      firearm: { type: item.type, caliber: item.caliber, semiAutoDetachable: true },
      policy: this.policy(sale.disposed_on),
      state: this.storeState(),
      calendar: this.storeCalendar(),
    });
    if (found?.form !== '3310.12') return null;
    this.db
      .prepare(
        'INSERT INTO multiple_sale_flags (disposition_id, form, buyer_key, flagged_on, related) VALUES (?, ?, ?, ?, ?)',
      )
      .run(
        sale.id,
        found.form,
        sale.buyer_key,
        this.storeCalendar().dateOf(this.clock.now()),
        JSON.stringify(found.related),
      );
    return { dispositionId: sale.id, form: found.form };
  }

  private correction(id: number): FlagCorrection {
    const row = this.db
      .prepare(
        `SELECT c.*, f.form FROM firearm_flag_corrections c
         LEFT JOIN multiple_sale_flags f ON f.disposition_id = c.flagged_disposition WHERE c.id = ?`,
      )
      .get(id) as CorrectionRow | undefined;
    if (!row) throw notFound('correction_not_found', `There is no flag correction ${id}.`);
    return toCorrection(row);
  }

  /** A firearm's flags as they stand, and every correction of them, oldest first. */
  flagsOf(itemId: number): {
    itemId: number;
    serial: string;
    type: string;
    caliber: string;
    privatelyMade: boolean;
    semiAutoDetachable: boolean;
    corrections: FlagCorrection[];
  } {
    const item = this.item(itemId);
    return {
      itemId,
      serial: item.serial,
      type: item.type,
      caliber: item.caliber,
      privatelyMade: item.privately_made === 1,
      semiAutoDetachable: item.semi_auto_detachable === 1,
      corrections: (
        this.db
          .prepare(
            `SELECT c.*, f.form FROM firearm_flag_corrections c
             LEFT JOIN multiple_sale_flags f ON f.disposition_id = c.flagged_disposition
             WHERE c.item_id = ? ORDER BY c.id`,
          )
          .all(itemId) as CorrectionRow[]
      ).map(toCorrection),
    };
  }

  /**
   * Firearms to review: in the store, entered with no serial (NSN) and not marked privately
   * made. A firearm with no serial is most often a PMF (27 CFR 478.92), which must be marked
   * within 7 days; it leaves the list once corrected to PMF (then marked), or once someone
   * records that it is not one (a flag correction stating "not privately made").
   */
  reviewList(): ReviewItem[] {
    return this.db
      .prepare(
        `SELECT i.id AS itemId, r.entry_no AS entry, i.serial, i.manufacturer, i.model, i.type,
                r.received_on AS receivedOn, 'nsn_not_pmf' AS reason
         FROM firearm_items i
         JOIN ledger_acquisitions r ON r.entry_no = (
           SELECT max(x.entry_no) FROM ledger_acquisitions x WHERE x.item_id = i.id AND x.corrects IS NULL)
         WHERE i.serial_key = ? AND i.privately_made = 0 AND i.status != 'disposed'
           AND NOT EXISTS (SELECT 1 FROM firearm_flag_corrections c WHERE c.item_id = i.id AND c.privately_made = 0)
         ORDER BY i.id`,
      )
      .all(NSN) as ReviewItem[];
  }
}
