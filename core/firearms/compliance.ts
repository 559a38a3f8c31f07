// The book's store-specific rules beside the ledger: serial format rules (warn or block),
// marking privately made firearms, permits that stand in for a check, and firearms coming
// back (a loan return, a return from a buyer) as new acquisitions. All audited.
import type { AuditLog } from '../audit/repo.ts';
import { isoDateSchema } from '../checks/calendar.ts';
import { policyOn, type NicsPolicy } from '../checks/model.ts';
import { nicsPolicies, permitQualifies } from '../checks/policy.ts';
import { localDate, type Clock } from '../clock.ts';
import type { Db } from '../db/open.ts';
import { conflict, DomainError, notFound } from '../errors.ts';
import { validated } from '../validate.ts';
import type { UsState } from '../integrations/model.ts';
import { makerKey, type FirearmInput } from './model.ts';
import {
  pmfSerial,
  pmfUniqueIdSchema,
  serialFormatRuleSchema,
  type SerialFormatRule,
} from './rules.ts';
import type { AcquisitionEntry, FirearmsLedger } from './service.ts';

export interface PermitInput {
  form4473: string;
  buyerKey: string;
  permitType: string;
  permitNumber: string;
  issuedOn: string;
}

export class BookCompliance {
  private readonly db: Db;
  private readonly audit: AuditLog;
  private readonly clock: Clock;
  private readonly ledger: FirearmsLedger;
  private readonly store: () => { state: UsState | null; ffl?: string };
  private readonly policy: (date: string) => NicsPolicy;
  private readonly timeZone: () => string | undefined;

  constructor(o: {
    db: Db;
    audit: AuditLog;
    clock: Clock;
    ledger: FirearmsLedger;
    store: () => { state: UsState | null; ffl?: string };
    /** The check policy in force on a day (shipped data with the store's state rules). */
    policy?: (date: string) => NicsPolicy;
    /** The store's time zone (its hours' setting): "today" is the store's date, not this PC's. */
    timeZone?: () => string | undefined;
  }) {
    this.timeZone = o.timeZone ?? (() => undefined);
    this.policy = o.policy ?? ((date) => policyOn(nicsPolicies, date));
    this.db = o.db;
    this.audit = o.audit;
    this.clock = o.clock;
    this.ledger = o.ledger;
    this.store = o.store;
  }

  /** The store's calendar date now. */
  private today(): string {
    return localDate(this.clock.now(), this.timeZone());
  }

  /** The rules in force, with their ids (the settings list). */
  serialRules(): (SerialFormatRule & { id: number })[] {
    return this.ledger.serialRules();
  }

  addSerialRule(actor: string, raw: SerialFormatRule): number {
    const r = validated(serialFormatRuleSchema, raw);
    const id = Number(
      this.db
        .prepare(
          `INSERT INTO serial_format_rules (manufacturer_key, type, pattern, min_length, max_length, action, note, created_by, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          makerKey(r.manufacturer),
          r.type ?? null,
          r.pattern ?? null,
          r.minLength ?? null,
          r.maxLength ?? null,
          r.action,
          r.note ?? null,
          actor,
          this.clock.now(),
        ).lastInsertRowid,
    );
    this.audit.record({
      actor,
      action: 'firearm.serial_rule',
      entity: 'settings',
      entityId: id,
      payload: r,
    });
    return id;
  }

  retireSerialRule(actor: string, id: number): void {
    const changed = this.db
      .prepare(
        'UPDATE serial_format_rules SET retired_at = ?, retired_by = ? WHERE id = ? AND retired_at IS NULL',
      )
      .run(this.clock.now(), actor, id).changes;
    if (!changed) throw notFound('rule_not_found', `There is no serial rule ${id} in force.`);
    this.audit.record({
      actor,
      action: 'firearm.serial_rule_retired',
      entity: 'settings',
      entityId: id,
    });
  }

  /**
   * Marks a privately made firearm (27 CFR 478.92): its serial becomes the store's
   * abbreviated FFL number, a hyphen and the unique id, recorded as a correction of its entry.
   */
  markPmf(
    actor: string,
    itemId: number,
    o: { uniqueId: string; markedOn: string },
  ): AcquisitionEntry {
    const uniqueId = validated(pmfUniqueIdSchema, o.uniqueId);
    const markedOn = validated(isoDateSchema, o.markedOn);
    const ffl = this.store().ffl;
    if (!ffl)
      throw conflict(
        'store_ffl_missing',
        "Enter the store's FFL number in the store details first: the mark is made from it.",
      );
    if (markedOn > this.today())
      throw new DomainError('invalid', 'future_date', 'The marking date cannot be in the future.');
    const serial = pmfSerial(ffl, uniqueId);
    return this.db
      .transaction(() => {
        const history = this.ledger.history(itemId);
        const entry = history.acquisitions.at(-1);
        const item = this.db
          .prepare('SELECT privately_made, status FROM firearm_items WHERE id = ?')
          .get(itemId) as { privately_made: 0 | 1; status: string };
        if (!entry || !item.privately_made)
          throw conflict('not_pmf', `Firearm ${itemId} is not a privately made firearm.`);
        if (this.db.prepare('SELECT 1 FROM pmf_markings WHERE item_id = ?').get(itemId))
          throw conflict('already_marked', `Firearm ${itemId} is already marked.`);
        if (this.db.prepare('SELECT 1 FROM pmf_markings WHERE serial = ?').get(serial))
          throw conflict('serial_used', `Serial ${serial} is already used: choose another id.`);
        this.db
          .prepare(
            'INSERT INTO pmf_markings (item_id, serial, marked_on, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?)',
          )
          .run(itemId, serial, markedOn, actor, this.clock.now());
        const firearm: FirearmInput = {
          manufacturer: entry.manufacturer,
          model: entry.model,
          serial,
          type: entry.type as FirearmInput['type'],
          caliber: entry.caliber,
          privatelyMade: true,
          ...(entry.importer ? { importer: entry.importer } : {}),
        };
        return this.ledger.correctAcquisition(actor, entry.entryNo, {
          firearm,
          receivedOn: entry.receivedOn,
          source: entry.sourceFfl
            ? { name: entry.sourceName, ffl: entry.sourceFfl }
            : { name: entry.sourceName, address: entry.sourceAddress ?? '' },
          reason: `Marked as a privately made firearm on ${markedOn} with serial ${serial} (was ${entry.serial}).`,
        });
      })
      .immediate();
  }

  /**
   * Records a state permit for a 4473 (the ATF Brady permit chart alternative to a check).
   * Whether it qualifies is the state's rule data; a permit older than the limit never does.
   */
  recordPermit(actor: string, p: PermitInput): { id: number; qualifies: boolean; reason: string } {
    const state = this.store().state;
    if (!state)
      throw conflict('store_state_missing', "Set the store's state first: permits are per state.");
    const issuedOn = validated(isoDateSchema, p.issuedOn);
    const today = this.today();
    if (issuedOn > today)
      throw new DomainError('invalid', 'future_date', 'The permit’s issue date is in the future.');
    const id = Number(
      this.db
        .prepare(
          `INSERT INTO transfer_permits (form_4473, buyer_key, state, permit_type, permit_number, issued_on, recorded_by, recorded_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          p.form4473,
          p.buyerKey,
          state,
          p.permitType,
          p.permitNumber,
          issuedOn,
          actor,
          this.clock.now(),
        ).lastInsertRowid,
    );
    this.audit.record({
      actor,
      action: 'check.permit',
      entity: 'check',
      entityId: p.form4473,
      payload: { permitType: p.permitType, issuedOn },
    });
    const qualifies = permitQualifies(this.policy(today), state, p.permitType);
    return {
      id,
      qualifies,
      reason: qualifies
        ? 'This permit stands in for a background check on this 4473 (while it is under the age limit).'
        : `A ${p.permitType} from ${state} does not qualify as a NICS alternative in the rule data: run a check.`,
    };
  }

  /**
   * A firearm coming back (a loan returned, a buyer's return): a new acquisition of the same
   * firearm from whoever had it, entered as received today or on the given date.
   */
  recordReturn(actor: string, itemId: number, o: { receivedOn: string }): AcquisitionEntry {
    const h = this.ledger.history(itemId);
    const d = h.dispositions.find((x) => x.id === h.standing);
    const entry = h.acquisitions.at(-1);
    if (!d || !entry)
      throw conflict(
        'not_disposed',
        `Firearm ${itemId} has not left the store: nothing to return.`,
      );
    // The day it left as last corrected (a correction may have given the true date).
    const leftOn =
      h.dispositions.filter((x) => x.corrects === d.id && !x.voided && x.disposed_on).at(-1)
        ?.disposed_on ?? d.disposed_on;
    if (leftOn && o.receivedOn < leftOn)
      throw new DomainError(
        'invalid',
        'before_disposition',
        `The firearm left the store on ${leftOn}: it cannot have come back before that.`,
      );
    const earlier = this.db
      .prepare(
        `SELECT r.returned_item AS itemId, r.received_on AS receivedOn, a.entry_no AS entry
         FROM firearm_returns r JOIN ledger_acquisitions a ON a.item_id = r.returned_item AND a.corrects IS NULL
         WHERE r.disposition_id = ?`,
      )
      .get(d.id) as { itemId: number; receivedOn: string; entry: number } | undefined;
    if (earlier)
      throw conflict(
        'already_returned',
        `This firearm's return was already recorded on ${earlier.receivedOn} (entry ${earlier.entry}): open that entry instead.`,
      );
    const flags = this.db
      .prepare('SELECT semi_auto_detachable FROM firearm_items WHERE id = ?')
      .get(itemId) as { semi_auto_detachable: 0 | 1 };
    const name = d.transferee_name ?? entry.sourceName;
    const source = d.transferee_ffl
      ? { name, ffl: d.transferee_ffl }
      : { name, address: d.transferee_address ?? 'address on the disposition record' };
    const back = this.db.transaction(() => {
      const [acquired] = this.ledger.acquire(actor, {
        receivedOn: o.receivedOn,
        source,
        firearms: [
          {
            manufacturer: entry.manufacturer,
            model: entry.model,
            serial: entry.serial,
            type: entry.type as FirearmInput['type'],
            caliber: entry.caliber,
            ...(entry.importer ? { importer: entry.importer } : {}),
            ...(flags.semi_auto_detachable ? { semiAutoDetachable: true } : {}),
          },
        ],
      });
      if (!acquired) throw new Error('The return was not recorded.');
      // One return per disposition: the primary key refuses a second, even a racing one.
      this.db
        .prepare(
          `INSERT INTO firearm_returns (disposition_id, returned_item, received_on, recorded_by, recorded_at)
           VALUES (?, ?, ?, ?, ?)`,
        )
        .run(d.id, acquired.itemId, o.receivedOn, actor, this.clock.now());
      return acquired;
    })();
    this.audit.record({
      actor,
      action: 'firearm.return',
      entity: 'firearm',
      entityId: back.itemId,
      payload: { returnOf: itemId, disposition: d.id, kind: d.kind },
    });
    return back;
  }
}
