// The bound book: acquisitions (one or many at once), dispositions that are pending until
// the firearm is handed over, corrections as new entries, and the background-check gate.
// Every change is a chain-of-custody entry in the audit log.
import type { AuditLog } from '../audit/repo.ts';
import { DISPOSITION_NOT_VOIDED, IS_LATEST_VERSION } from './book-sql.ts';
import { searchBook, type BookPage, type LedgerRow } from './search.ts';
import { policyOn, type NicsPolicy } from '../checks/model.ts';
import { federalCalendar, nicsPolicies, permitQualifies } from '../checks/policy.ts';
import { transferDecision } from '../checks/rules.ts';
import type { CheckDesk, CheckRecord } from '../checks/service.ts';
import { nicsCalendarFor } from '../checks/state-calendars.ts';
import { isoDateSchema } from '../checks/calendar.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/open.ts';
import { preparedFor, type Statement } from '../db/statements.ts';
import { conflict, DomainError, forbidden, notFound } from '../errors.ts';
import { validated } from '../validate.ts';
import type { UsState } from '../integrations/model.ts';
import type { Outbox } from '../integrations/outbox.ts';
import { serialFormatProblems, type SerialFormatRule } from './rules.ts';
import {
  consistencyCheck,
  defaultStoreHours,
  inventoryAudit,
  overdue,
  permitExemptions,
  storeDate,
  type Consistency,
  type InventoryAudit,
  type StoreHours,
} from './reconcile.ts';
import { runWorker, workerScript } from '../workers.ts';
import { multipleSaleOf } from './multiple-sale.ts';
import {
  acquisitionSchema,
  correctionReasonSchema,
  dispositionCorrectionSchema,
  dispositionSchemaFor,
  dispositionsInView,
  firearmSchema,
  makerKey,
  serialKey,
  type AcquisitionInput,
  type Disposition,
  type DispositionInput,
  type DispositionKind,
  type FirearmInput,
  type LedgerSearch,
} from './model.ts';
import type { z } from 'zod';

export interface AcquisitionEntry {
  entryNo: number;
  itemId: number;
  receivedOn: string;
  sourceName: string;
  sourceAddress: string | null;
  sourceFfl: string | null;
  manufacturer: string;
  importer: string | null;
  model: string;
  serial: string;
  type: string;
  caliber: string;
  recordedAt: number;
  recordedBy: string;
  corrects: number | null;
  correctionReason: string | null;
}

export interface AcqRow {
  entry_no: number;
  item_id: number;
  received_on: string;
  source_name: string;
  source_address: string | null;
  source_ffl: string | null;
  manufacturer: string;
  importer: string | null;
  model: string;
  serial: string;
  type: string;
  caliber: string;
  recorded_at: number;
  recorded_by: string;
  corrects: number | null;
  correction_reason: string | null;
}

const toEntry = (r: AcqRow): AcquisitionEntry => ({
  entryNo: r.entry_no,
  itemId: r.item_id,
  receivedOn: r.received_on,
  sourceName: r.source_name,
  sourceAddress: r.source_address,
  sourceFfl: r.source_ffl,
  manufacturer: r.manufacturer,
  importer: r.importer,
  model: r.model,
  serial: r.serial,
  type: r.type,
  caliber: r.caliber,
  recordedAt: r.recorded_at,
  recordedBy: r.recorded_by,
  corrects: r.corrects,
  correctionReason: r.correction_reason,
});

interface ItemRow {
  id: number;
  manufacturer: string;
  model: string;
  serial: string;
  type: string;
  caliber: string;
  semi_auto_detachable: 0 | 1;
  status: 'in_stock' | 'reserved' | 'disposed';
  hold: string | null;
  privately_made: 0 | 1;
}

/** A row of ledger_dispositions: an entry, its correction, or a void (`corrects` set). */
export interface DispositionRow {
  id: number;
  item_id: number;
  acquisition_entry: number;
  kind: DispositionKind;
  /** The hand-over date (the store's calendar date), set when committed. */
  disposed_on: string | null;
  transferee_name: string | null;
  transferee_address: string | null;
  transferee_ffl: string | null;
  form_4473: string | null;
  atf_incident: string | null;
  destruction_method: string | null;
  exemption_basis: string | null;
  officer_name: string | null;
  officer_badge: string | null;
  buyer_key: string | null;
  check_id: number | null;
  state: 'pending' | 'committed' | 'cancelled';
  voided: 0 | 1;
  corrects: number | null;
  correction_reason: string | null;
  multiple_sale: 0 | 1;
  created_at: number;
  created_by: string;
  /** When the disposition was committed (ms): later than its date is a late entry. */
  committed_at: number | null;
  committed_by: string | null;
}

/** A disposition's recorded fields, as the columns of ledger_dispositions hold them. */
const dispositionColumns = (d: Disposition) => ({
  kind: d.kind,
  transferee_name: 'transfereeName' in d ? (d.transfereeName ?? null) : null,
  transferee_address: 'transfereeAddress' in d ? (d.transfereeAddress ?? null) : null,
  transferee_ffl: 'transfereeFfl' in d ? (d.transfereeFfl ?? null) : null,
  form_4473: 'form4473' in d ? d.form4473 : null,
  atf_incident: 'atfIncident' in d ? d.atfIncident : null,
  destruction_method: 'destructionMethod' in d ? d.destructionMethod : null,
  exemption_basis: 'exemptionBasis' in d ? d.exemptionBasis : null,
  officer_name: 'officerName' in d ? (d.officerName ?? null) : null,
  officer_badge: 'officerBadge' in d ? (d.officerBadge ?? null) : null,
  buyer_key: 'buyerKey' in d ? d.buyerKey : null,
  check_id: 'checkId' in d ? (d.checkId ?? null) : null,
});
type DispositionColumns = ReturnType<typeof dispositionColumns>;
const RECORDED_COLUMNS = [
  'kind',
  'transferee_name',
  'transferee_address',
  'transferee_ffl',
  'form_4473',
  'atf_incident',
  'destruction_method',
  'exemption_basis',
  'officer_name',
  'officer_badge',
  'buyer_key',
  'check_id',
] as const satisfies readonly (keyof DispositionColumns)[];

/** An item's described columns, in table order, with the keys uniqueness compares. */
const itemColumns = (f: FirearmInput) =>
  [
    f.manufacturer,
    f.importer ?? null,
    f.model,
    f.serial,
    f.type,
    f.caliber,
    makerKey(f.manufacturer),
    serialKey(f.serial),
  ] as const;

/** Which acquisition rows a view shows: as first entered, as corrected, or both. */
export type LedgerView = 'original' | 'corrected' | 'both';

export class FirearmsLedger {
  private readonly db: Db;
  /** Statements prepared once (the book's triggers make preparing cost more than running). */
  private readonly sql: (sql: string) => Statement;
  private readonly audit: AuditLog;
  private readonly outbox: Outbox;
  private readonly clock: Clock;
  private readonly checks: CheckDesk;

  private readonly storeState: () => UsState | null;
  private readonly storeCalendar: () => StoreHours;
  private readonly timeZone: () => string | undefined;
  private readonly filesForm4473Numerically: () => boolean;
  private readonly policy: (date: string) => NicsPolicy;
  private readonly keyMaterial: { file: string; hexKey: string } | null;
  private readonly onThreadFailure: (error: unknown) => void;

  constructor(o: {
    db: Db;
    audit: AuditLog;
    outbox: Outbox;
    clock: Clock;
    checks: CheckDesk;
    /** The store's US state (3310.12 and permits depend on it). */
    storeState?: () => UsState | null;
    /** The store's hours (deadlines and the multiple-sale window count the dealer's days). */
    storeCalendar?: () => StoreHours;
    /**
     * The store's IANA time zone: every regulated date (receipt, hand-over, the check gate's
     * today) is the store's calendar date, not this PC's. Absent: this PC's zone.
     */
    timeZone?: () => string | undefined;
    /**
     * Whether the store files its Forms 4473 numerically: then the 4473 number stands for the
     * buyer's name and address in a disposition (27 CFR 478.125(e)). Absent: it does not.
     */
    form4473FiledNumerically?: () => boolean;
    /** The check policy in force on a day (shipped data with the store's state rules). */
    policy?: (date: string) => NicsPolicy;
    /** The database file and key, for whole-book reads on a thread of their own. */
    keyMaterial?: { file: string; hexKey: string };
    onThreadFailure?: (error: unknown) => void;
  }) {
    this.keyMaterial = o.keyMaterial ?? null;
    this.onThreadFailure = o.onThreadFailure ?? (() => {});
    this.policy = o.policy ?? ((date) => policyOn(nicsPolicies, date));
    this.storeState = o.storeState ?? (() => null);
    this.storeCalendar = o.storeCalendar ?? (() => defaultStoreHours);
    this.timeZone = o.timeZone ?? (() => undefined);
    this.filesForm4473Numerically = o.form4473FiledNumerically ?? (() => false);
    this.db = o.db;
    this.sql = preparedFor(o.db);
    this.audit = o.audit;
    this.outbox = o.outbox;
    this.clock = o.clock;
    this.checks = o.checks;
  }

  /** The store's serial format rules in force (see serial-rules.ts). */
  serialRules(): (SerialFormatRule & { id: number })[] {
    return (
      this.sql(
        'SELECT id, manufacturer_key, type, pattern, min_length, max_length, action, note FROM serial_format_rules WHERE retired_at IS NULL ORDER BY id',
      ).all() as {
        id: number;
        manufacturer_key: string;
        type: SerialFormatRule['type'] | null;
        pattern: string | null;
        min_length: number | null;
        max_length: number | null;
        action: 'warn' | 'block';
        note: string | null;
      }[]
    ).map((r) => ({
      id: r.id,
      manufacturer: r.manufacturer_key,
      action: r.action,
      ...(r.type ? { type: r.type } : {}),
      ...(r.pattern ? { pattern: r.pattern } : {}),
      ...(r.min_length ? { minLength: r.min_length } : {}),
      ...(r.max_length ? { maxLength: r.max_length } : {}),
      ...(r.note ? { note: r.note } : {}),
    }));
  }

  /** The store's calendar date now, in its time zone. */
  today(): string {
    return storeDate(this.clock.now(), this.timeZone());
  }

  /** The disposition fields' rules as this store applies them (its 4473 filing). */
  private dispositionRules() {
    return dispositionSchemaFor({ form4473FiledNumerically: this.filesForm4473Numerically() });
  }

  /** An open item with the same manufacturer, serial and type, if there is one. */
  private clash(f: FirearmInput, exceptItem?: number): string | null {
    const row = this.sql(
      `SELECT i.id, a.entry_no, a.received_on FROM firearm_items i
         JOIN ledger_acquisitions a ON a.item_id = i.id AND a.corrects IS NULL
         WHERE i.manufacturer_key = ? AND i.serial_key = ? AND i.type = ? AND i.status != 'disposed' AND i.id != ?`,
    ).get(makerKey(f.manufacturer), serialKey(f.serial), f.type, exceptItem ?? 0) as
      { id: number; entry_no: number; received_on: string } | undefined;
    return row
      ? `Serial ${f.serial} (${f.manufacturer} ${f.type}) is already in stock: acquired ${row.received_on}, entry ${row.entry_no}.`
      : null;
  }

  /**
   * Enters one or many firearms received together (27 CFR 478.125(e)): all or none. A
   * serial already open for the same manufacturer and type is refused, with the clash shown.
   */
  acquire(actor: string, raw: AcquisitionInput): AcquisitionEntry[] {
    const input = validated(acquisitionSchema, raw);
    if (input.receivedOn > this.today())
      throw new DomainError(
        'invalid',
        'future_date',
        'The date of receipt cannot be in the future.',
      );
    const source = input.source;
    return this.db
      .transaction(() => {
        const batch =
          input.firearms.length > 1 ? `batch-${this.clock.now()}-${input.firearms.length}` : null;
        const seen = new Set<string>();
        const entries: AcquisitionEntry[] = [];
        input.firearms.forEach((f, i) => {
          const key = `${makerKey(f.manufacturer)}|${serialKey(f.serial)}|${f.type}`;
          const clash =
            this.clash(f) ??
            (seen.has(key) ? `Serial ${f.serial} is listed twice in this acquisition.` : null);
          if (clash)
            throw new DomainError('conflict', 'serial_in_stock', clash, [
              { path: `firearms.${i}.serial`, message: clash },
            ]);
          seen.add(key);
          const blocked = serialFormatProblems(this.serialRules(), f).find(
            (p) => p.action === 'block',
          );
          if (blocked)
            throw new DomainError('invalid', 'serial_format', blocked.message, [
              { path: `firearms.${i}.serial`, message: blocked.message },
            ]);
          const itemId = Number(
            this.sql(
              `INSERT INTO firearm_items (manufacturer, importer, model, serial, type, caliber, manufacturer_key, serial_key, privately_made, semi_auto_detachable, status, created_at)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'in_stock', ?)`,
            ).run(
              ...itemColumns(f),
              f.privatelyMade ? 1 : 0,
              f.semiAutoDetachable ? 1 : 0,
              this.clock.now(),
            ).lastInsertRowid,
          );
          const entryNo = this.insertAcquisition(
            actor,
            itemId,
            input.receivedOn,
            source,
            f,
            batch,
            null,
            null,
          );
          this.audit.record({
            actor,
            action: 'firearm.acquire',
            entity: 'firearm',
            entityId: itemId,
            externalRef: String(entryNo),
          });
          this.outbox.publish({
            type: 'firearm.acquired',
            entity: 'firearm',
            entityId: itemId,
            data: {
              entryNo,
              type: f.type,
              manufacturer: f.manufacturer,
              model: f.model,
              caliber: f.caliber,
            },
          });
          entries.push(this.entry(entryNo));
        });
        return entries;
      })
      .immediate();
  }

  private insertAcquisition(
    actor: string,
    itemId: number,
    receivedOn: string,
    source: AcquisitionInput['source'],
    f: FirearmInput,
    batch: string | null,
    corrects: number | null,
    reason: string | null,
  ): number {
    return Number(
      this.sql(
        `INSERT INTO ledger_acquisitions (item_id, received_on, source_name, source_address, source_ffl, manufacturer, importer, model, serial, type, caliber, batch, recorded_at, recorded_by, corrects, correction_reason)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        itemId,
        receivedOn,
        source.name,
        'address' in source ? source.address : null,
        'ffl' in source ? source.ffl : null,
        f.manufacturer,
        f.importer ?? null,
        f.model,
        f.serial,
        f.type,
        f.caliber,
        batch,
        this.clock.now(),
        actor,
        corrects,
        reason,
      ).lastInsertRowid,
    );
  }

  entry(entryNo: number): AcquisitionEntry {
    const row = this.sql('SELECT * FROM ledger_acquisitions WHERE entry_no = ?').get(entryNo) as
      AcqRow | undefined;
    if (!row) throw notFound('entry_not_found', `There is no ledger entry ${entryNo}.`);
    return toEntry(row);
  }

  /**
   * Corrects an acquisition: a new entry that references the original, with who, when and
   * why. The original stays as it was (ATF Ruling 2016-1).
   */
  correctAcquisition(
    actor: string,
    entryNo: number,
    o: {
      firearm: FirearmInput;
      receivedOn: string;
      source: AcquisitionInput['source'];
      reason: string;
    },
  ): AcquisitionEntry {
    const f = validated(firearmSchema, o.firearm);
    const reason = validated(correctionReasonSchema, o.reason);
    const parsed = validated(acquisitionSchema, {
      receivedOn: o.receivedOn,
      source: o.source,
      firearms: [f],
    });
    if (parsed.receivedOn > this.today())
      throw new DomainError(
        'invalid',
        'future_date',
        'The date of receipt cannot be in the future.',
      );
    return this.db
      .transaction(() => {
        const original = this.entry(entryNo);
        // Corrections chain from the entry as first made.
        const root = original.corrects ?? original.entryNo;
        const clash = this.clash(f, original.itemId);
        if (clash) throw new DomainError('conflict', 'serial_in_stock', clash);
        const newEntry = this.insertAcquisition(
          actor,
          original.itemId,
          parsed.receivedOn,
          parsed.source,
          f,
          null,
          root,
          reason,
        );
        this.sql(
          'UPDATE firearm_items SET manufacturer = ?, importer = ?, model = ?, serial = ?, type = ?, caliber = ?, manufacturer_key = ?, serial_key = ? WHERE id = ?',
        ).run(...itemColumns(f), original.itemId);
        this.audit.record({
          actor,
          action: 'firearm.correct',
          entity: 'firearm',
          entityId: original.itemId,
          externalRef: String(newEntry),
          payload: { corrects: root, reason },
        });
        return this.entry(newEntry);
      })
      .immediate();
  }

  /** Acquisition entries as first made, as last corrected, or every version. */
  acquisitions(
    view: LedgerView,
    o: { limit: number; afterEntry?: number } = { limit: 100 },
  ): AcquisitionEntry[] {
    const where =
      view === 'original'
        ? 'corrects IS NULL'
        : view === 'both'
          ? '1 = 1'
          : // the newest version of each chain
            IS_LATEST_VERSION;
    return (
      this.sql(
        `SELECT * FROM ledger_acquisitions a WHERE ${where} AND entry_no > ? ORDER BY coalesce(corrects, entry_no), entry_no LIMIT ?`,
      ).all(o.afterEntry ?? 0, o.limit) as AcqRow[]
    ).map(toEntry);
  }

  private item(id: number): ItemRow {
    const row = this.sql('SELECT * FROM firearm_items WHERE id = ?').get(id) as ItemRow | undefined;
    if (!row) throw notFound('firearm_not_found', `There is no firearm ${id} in the book.`);
    return row;
  }

  disposition(id: number): DispositionRow {
    const row = this.sql('SELECT * FROM ledger_dispositions WHERE id = ?').get(id) as
      DispositionRow | undefined;
    if (!row) throw notFound('disposition_not_found', `There is no disposition ${id}.`);
    return row;
  }

  /** An unmarked privately made firearm cannot be disposed of (27 CFR 478.92(a)(4)). */
  private refuseUnmarkedPmf(item: ItemRow): void {
    if (
      item.privately_made &&
      !this.sql('SELECT 1 FROM pmf_markings WHERE item_id = ?').get(item.id)
    )
      throw forbidden(
        'pmf_unmarked',
        `Serial ${item.serial} is a privately made firearm that is not marked yet: mark it with the store's serial first (27 CFR 478.92).`,
      );
  }

  /** Starts a disposition: pending (the item is reserved) until the firearm is handed over. */
  startDisposition(actor: string, itemId: number, raw: DispositionInput): DispositionRow {
    const d = validated(this.dispositionRules(), raw);
    return this.db
      .transaction(() => {
        if (
          d.kind === 'non_licensee' &&
          d.checkId !== undefined &&
          !this.sql('SELECT 1 FROM background_checks WHERE id = ?').get(d.checkId)
        )
          throw new DomainError(
            'not_found',
            'check_not_found',
            `There is no background check ${d.checkId}: choose the check run for Form 4473 ${d.form4473}, or start one.`,
            [{ path: 'disposition.checkId', message: `There is no check ${d.checkId}.` }],
          );
        const item = this.item(itemId);
        if (item.hold)
          throw forbidden(
            'item_on_hold',
            `${item.manufacturer} ${item.model}, serial ${item.serial}, is on hold for review: it cannot be reserved or disposed of.`,
          );
        this.refuseUnmarkedPmf(item);
        if (item.status !== 'in_stock')
          throw conflict(
            'not_in_stock',
            `Serial ${item.serial} is ${item.status.replace('_', ' ')}, not in stock.`,
          );
        const entry = this.sql(
          'SELECT entry_no FROM ledger_acquisitions WHERE item_id = ? AND corrects IS NULL ORDER BY entry_no DESC LIMIT 1',
        )
          .pluck()
          .get(itemId) as number;
        const id = this.insertDisposition({
          item_id: itemId,
          acquisition_entry: entry,
          ...dispositionColumns(d),
          disposed_on: null,
          state: 'pending',
          voided: 0,
          corrects: null,
          correction_reason: null,
          created_by: actor,
          committed_at: null,
          committed_by: null,
        });
        this.sql("UPDATE firearm_items SET status = 'reserved' WHERE id = ?").run(itemId);
        this.audit.record({
          actor,
          action: 'firearm.reserve',
          entity: 'firearm',
          entityId: itemId,
          payload: { disposition: id, kind: d.kind },
        });
        return this.disposition(id);
      })
      .immediate();
  }

  private insertDisposition(
    r: DispositionColumns &
      Pick<
        DispositionRow,
        | 'item_id'
        | 'acquisition_entry'
        | 'disposed_on'
        | 'state'
        | 'voided'
        | 'corrects'
        | 'correction_reason'
        | 'created_by'
        | 'committed_at'
        | 'committed_by'
      >,
  ): number {
    return Number(
      this.sql(
        `INSERT INTO ledger_dispositions (item_id, acquisition_entry, kind, disposed_on, transferee_name, transferee_address, transferee_ffl, form_4473, atf_incident, destruction_method, exemption_basis, officer_name, officer_badge, buyer_key, check_id, state, voided, corrects, correction_reason, created_at, created_by, committed_at, committed_by)
           VALUES (@item_id, @acquisition_entry, @kind, @disposed_on, @transferee_name, @transferee_address, @transferee_ffl, @form_4473, @atf_incident, @destruction_method, @exemption_basis, @officer_name, @officer_badge, @buyer_key, @check_id, @state, @voided, @corrects, @correction_reason, @created_at, @created_by, @committed_at, @committed_by)`,
      ).run({ ...r, created_at: this.clock.now() }).lastInsertRowid,
    );
  }

  /**
   * Commits a disposition when the firearm is handed over. `disposedOn` is the day it left the
   * store, entered or confirmed by the clerk (default: the store's today); the record carries
   * that date, and when the commit is later than the date the entry shows as late (committed_at
   * against disposed_on). To a non-licensee only through the check gate, decided today: a
   * denial on file refuses whatever date is entered (18 U.S.C. 922(d), (t)); otherwise refused
   * with the reason and the date it may proceed, if waiting will do.
   */
  commitDisposition(
    actor: string,
    dispositionId: number,
    o: { disposedOn?: string } = {},
  ): DispositionRow {
    const outcome = this.db
      .transaction((): { refused: DomainError; itemId: number } | { row: DispositionRow } => {
        const d = this.disposition(dispositionId);
        if (d.state !== 'pending')
          throw conflict('not_pending', `Disposition ${dispositionId} is ${d.state}.`);
        const item = this.item(d.item_id);
        if (item.hold)
          throw forbidden('item_on_hold', `Serial ${item.serial} is on hold for review.`);
        // A firearm corrected to privately made while its disposition waited is held here too.
        this.refuseUnmarkedPmf(item);
        const today = this.today();
        const disposedOn = o.disposedOn ?? today;
        this.checkHandOverDate(d, item, disposedOn, today);
        let flag: ReturnType<typeof multipleSaleOf> = null;
        if (d.kind === 'non_licensee') {
          // The gate is decided now, whatever date is entered: a denial received before the
          // commit blocks a back-dated hand-over as it blocks one today.
          const { decision, check } = this.checkDecision(d, today);
          if (!decision.allowed)
            return {
              refused: new DomainError('forbidden', `check_${decision.reason}`, decision.message),
              itemId: d.item_id,
            };
          const earliest = earliestHandOver(check);
          if (earliest && disposedOn < earliest.on)
            throw new DomainError(
              'invalid',
              'handover_before_check',
              `${earliest.why} on ${earliest.on}: the firearm cannot have been handed over on ${disposedOn}, before that (18 U.S.C. 922(t)). Enter the day it left the store.`,
              [{ path: 'disposedOn', message: `On or after ${earliest.on}.` }],
            );
          flag = multipleSaleOf(this.db, {
            dispositionId: d.id,
            buyerKey: d.buyer_key,
            on: disposedOn,
            firearm: {
              type: item.type,
              caliber: item.caliber,
              semiAutoDetachable: item.semi_auto_detachable === 1,
            },
            policy: this.policy(disposedOn),
            state: this.storeState(),
            calendar: this.storeCalendar(),
          });
        }
        const multipleSale = flag?.form === '3310.4';
        this.sql(
          "UPDATE ledger_dispositions SET state = 'committed', disposed_on = ?, committed_at = ?, committed_by = ?, multiple_sale = ? WHERE id = ?",
        ).run(disposedOn, this.clock.now(), actor, multipleSale ? 1 : 0, dispositionId);
        this.sql("UPDATE firearm_items SET status = 'disposed' WHERE id = ?").run(d.item_id);
        if (flag)
          this.sql(
            'INSERT INTO multiple_sale_flags (disposition_id, form, buyer_key, flagged_on, related) VALUES (?, ?, ?, ?, ?)',
          ).run(dispositionId, flag.form, d.buyer_key, disposedOn, JSON.stringify(flag.related));
        this.audit.record({
          actor,
          action: 'firearm.dispose',
          entity: 'firearm',
          entityId: d.item_id,
          payload: {
            disposition: dispositionId,
            kind: d.kind,
            disposedOn,
            multipleSale: flag?.form ?? null,
          },
        });
        this.outbox.publish({
          type: 'firearm.disposed',
          entity: 'firearm',
          entityId: d.item_id,
          data: { disposition: dispositionId, kind: d.kind, type: item.type },
        });
        return { row: this.disposition(dispositionId) };
      })
      .immediate();
    if ('row' in outcome) return outcome.row;
    // A refused transfer is on record too (outside the transaction that changed nothing).
    this.audit.record({
      actor,
      action: 'firearm.dispose',
      entity: 'firearm',
      entityId: outcome.itemId,
      outcome: 'denied',
      payload: { disposition: dispositionId, reason: outcome.refused.reason },
    });
    throw outcome.refused;
  }

  /**
   * A hand-over date is a day that has happened (not after the store's today) and not before
   * the firearm was received (the acquisition as last corrected): 27 CFR 478.125(e) records
   * "the date of the sale or other disposition".
   */
  private checkHandOverDate(
    d: Pick<DispositionRow, 'acquisition_entry'>,
    item: Pick<ItemRow, 'serial'>,
    disposedOn: string,
    today: string,
  ): void {
    if (!isoDateSchema.safeParse(disposedOn).success)
      throw new DomainError('invalid', 'invalid_date', 'Enter the hand-over date as YYYY-MM-DD.', [
        { path: 'disposedOn', message: 'Enter a date.' },
      ]);
    if (disposedOn > today)
      throw new DomainError(
        'invalid',
        'future_date',
        `The hand-over date cannot be after today (${today}): enter the day the firearm left the store.`,
        [{ path: 'disposedOn', message: `On or before ${today}.` }],
      );
    const receivedOn = this.sql(
      `SELECT received_on FROM ledger_acquisitions WHERE entry_no = ? OR corrects = ?
         ORDER BY entry_no DESC LIMIT 1`,
    )
      .pluck()
      .get(d.acquisition_entry, d.acquisition_entry) as string;
    if (disposedOn < receivedOn)
      throw new DomainError(
        'invalid',
        'before_acquisition',
        `Serial ${item.serial} was received on ${receivedOn}: it cannot have left the store on ${disposedOn}, before that.`,
        [{ path: 'disposedOn', message: `On or after ${receivedOn}.` }],
      );
  }

  /** The gate for a transfer to a non-licensee: the check on the 4473, for its items today. */
  private checkDecision(d: DispositionRow, today: string) {
    // A denial on any check of this 4473 forbids the transfer, whatever check or permit the
    // disposition rests on (18 U.S.C. 922(d)).
    const check =
      this.checks.standingDenial(d.form_4473 ?? '') ??
      (d.check_id ? this.checks.get(d.check_id) : null);
    // The transaction is every item on this 4473 still being transferred: not cancelled, not a
    // correction, not voided (a voided disposition no longer counts; re-entered, it counts once).
    const items = (
      this.sql(
        `SELECT d.item_id FROM ledger_dispositions d
           WHERE d.form_4473 = ? AND d.state != 'cancelled' AND ${DISPOSITION_NOT_VOIDED}`,
      )
        .pluck()
        .all(d.form_4473) as number[]
    ).map(String);
    const permit = this.sql(
      'SELECT state, permit_type, issued_on FROM transfer_permits WHERE form_4473 = ? AND buyer_key = ? ORDER BY id DESC LIMIT 1',
    ).get(d.form_4473, d.buyer_key) as
      { state: UsState; permit_type: string; issued_on: string } | undefined;
    const policy = this.policy(today);
    // NICS business days are those of the state where the transfer takes place (28 CFR 25.2).
    const state = check?.state ?? this.storeState();
    const decision = transferDecision({
      check,
      permit: permit
        ? {
            state: permit.state,
            issuedOn: permit.issued_on,
            qualifies: permitQualifies(policy, permit.state, permit.permit_type),
          }
        : null,
      override: check?.overriddenBy != null,
      transaction: { buyer: d.buyer_key ?? '', items },
      today,
      policy,
      // No check and no store state: there is no wait to count (the gate refuses or the permit
      // stands), so no state calendar is needed.
      calendar: state ? nicsCalendarFor(state) : federalCalendar,
    });
    return { decision, check };
  }

  /** Cancels a pending disposition (the buyer walked away): the item is back in stock. */
  cancelDisposition(actor: string, dispositionId: number): void {
    this.db
      .transaction(() => {
        const d = this.disposition(dispositionId);
        if (d.state !== 'pending')
          throw conflict(
            'not_pending',
            `Disposition ${dispositionId} is ${d.state}: correct it instead.`,
          );
        this.sql("UPDATE ledger_dispositions SET state = 'cancelled' WHERE id = ?").run(
          dispositionId,
        );
        this.sql("UPDATE firearm_items SET status = 'in_stock' WHERE id = ?").run(d.item_id);
        this.audit.record({
          actor,
          action: 'firearm.unreserve',
          entity: 'firearm',
          entityId: d.item_id,
          payload: { disposition: dispositionId },
        });
      })
      .immediate();
  }

  /**
   * The disposition a correction or void refers to (the entry as first made, ATF Ruling
   * 2016-1), its newest version, and the void that undid it, if any.
   */
  private dispositionChain(dispositionId: number): {
    root: DispositionRow;
    current: DispositionRow;
    voidedBy: number | null;
  } {
    const d = this.disposition(dispositionId);
    const root = d.corrects === null ? d : this.disposition(d.corrects);
    const versions = this.sql(
      'SELECT * FROM ledger_dispositions WHERE corrects = ? ORDER BY id',
    ).all(root.id) as DispositionRow[];
    return {
      root,
      current: versions.filter((v) => !v.voided).at(-1) ?? root,
      voidedBy: versions.find((v) => v.voided)?.id ?? null,
    };
  }

  /** A committed disposition that stands: the one a correction or void may refer to. */
  private standingChain(dispositionId: number) {
    const chain = this.dispositionChain(dispositionId);
    if (chain.root.state !== 'committed')
      throw conflict(
        'not_committed',
        `Disposition ${chain.root.id} is ${chain.root.state}, not committed: ${chain.root.state === 'pending' ? 'cancel it and start it again' : 'start a new one'} instead.`,
      );
    if (chain.voidedBy !== null)
      throw conflict(
        'already_voided',
        `Disposition ${chain.root.id} was already voided (correction ${chain.voidedBy}).`,
      );
    return chain;
  }

  /**
   * "Undispose": a correction entry voiding a committed disposition (entered in error); the
   * original stays visible and the firearm is back in stock. The void refers to the entry as
   * first made and carries the values it voids (its newest version).
   */
  undispose(actor: string, dispositionId: number, reason: string): DispositionRow {
    const why = validated(correctionReasonSchema, reason);
    return this.db
      .transaction(() => {
        const { root, current } = this.standingChain(dispositionId);
        const item = this.item(root.item_id);
        const clash = this.clash(
          {
            manufacturer: item.manufacturer,
            model: item.model,
            serial: item.serial,
            type: item.type as FirearmInput['type'],
            caliber: 'x',
          },
          item.id,
        );
        if (clash) throw new DomainError('conflict', 'serial_in_stock', clash);
        const id = this.insertDisposition({
          ...pick(current, RECORDED_COLUMNS),
          item_id: root.item_id,
          acquisition_entry: root.acquisition_entry,
          disposed_on: current.disposed_on,
          state: 'committed',
          voided: 1,
          corrects: root.id,
          correction_reason: why,
          created_by: actor,
          committed_at: this.clock.now(),
          committed_by: actor,
        });
        this.sql("UPDATE firearm_items SET status = 'in_stock' WHERE id = ?").run(root.item_id);
        this.audit.record({
          actor,
          action: 'firearm.undispose',
          entity: 'firearm',
          entityId: root.item_id,
          payload: { voids: root.id, reason: why },
        });
        return this.disposition(id);
      })
      .immediate();
  }

  /**
   * Corrects a committed disposition (ATF Ruling 2016-1): a new entry that references the
   * disposition as first made, with who, when and why, and the fields and hand-over date as
   * they should read; the original stays as it was. A sale to a non-licensee stays one, on the
   * same Form 4473, buyer and check (the check was run for them): anything else is voided and
   * entered again, through the check gate.
   */
  correctDisposition(
    actor: string,
    dispositionId: number,
    raw: z.input<typeof dispositionCorrectionSchema>,
  ): DispositionRow {
    const input = validated(dispositionCorrectionSchema, raw);
    const fixed = validated(this.dispositionRules(), input.disposition);
    return this.db
      .transaction(() => {
        const { root, current } = this.standingChain(dispositionId);
        const item = this.item(root.item_id);
        const columns = dispositionColumns(fixed);
        if ((root.kind === 'non_licensee') !== (fixed.kind === 'non_licensee'))
          throw conflict(
            'kind_needs_check',
            root.kind === 'non_licensee'
              ? `Disposition ${root.id} is a sale to a non-licensee: if it was something else, undispose it and enter the right disposition.`
              : `A sale to a non-licensee goes through the background check: undispose disposition ${root.id} and start the sale from the check desk.`,
          );
        if (fixed.kind === 'non_licensee') {
          const same =
            columns.form_4473 === root.form_4473 &&
            columns.buyer_key === root.buyer_key &&
            (columns.check_id ?? root.check_id) === root.check_id;
          if (!same)
            throw conflict(
              'check_linkage',
              `The Form 4473 number, buyer and check of disposition ${root.id} are what the check was run for: to change them, undispose it and enter the sale again.`,
            );
          columns.check_id = root.check_id;
        }
        this.checkHandOverDate(root, item, input.disposedOn, this.today());
        if (fixed.kind === 'non_licensee') {
          const earliest = earliestHandOver(root.check_id ? this.checks.get(root.check_id) : null);
          if (earliest && input.disposedOn < earliest.on)
            throw new DomainError(
              'invalid',
              'handover_before_check',
              `${earliest.why} on ${earliest.on}: the firearm cannot have been handed over on ${input.disposedOn}, before that (18 U.S.C. 922(t)).`,
              [{ path: 'disposedOn', message: `On or after ${earliest.on}.` }],
            );
        }
        if (
          input.disposedOn === current.disposed_on &&
          RECORDED_COLUMNS.every((c) => columns[c] === current[c])
        )
          throw conflict(
            'nothing_changed',
            `This correction records disposition ${root.id} exactly as it stands: change what was wrong.`,
          );
        const id = this.insertDisposition({
          ...columns,
          item_id: root.item_id,
          acquisition_entry: root.acquisition_entry,
          disposed_on: input.disposedOn,
          state: 'committed',
          voided: 0,
          corrects: root.id,
          correction_reason: input.reason,
          created_by: actor,
          committed_at: this.clock.now(),
          committed_by: actor,
        });
        this.audit.record({
          actor,
          action: 'firearm.correct_disposition',
          entity: 'firearm',
          entityId: root.item_id,
          externalRef: String(id),
          payload: { corrects: root.id, reason: input.reason },
        });
        return this.disposition(id);
      })
      .immediate();
  }

  /**
   * Disposition entries as first made, as last corrected (a voided one shows as its void), or
   * every version, in the order of the entries they belong to (ATF Ruling 2016-1).
   */
  dispositions(
    view: LedgerView,
    o: { limit: number; afterId?: number } = { limit: 100 },
  ): DispositionRow[] {
    const rows = this.sql(
      `SELECT * FROM ledger_dispositions WHERE state = 'committed' AND coalesce(corrects, id) IN (
         SELECT id FROM ledger_dispositions WHERE corrects IS NULL AND state = 'committed' AND id > ? ORDER BY id LIMIT ?)
       ORDER BY coalesce(corrects, id), id`,
    ).all(o.afterId ?? 0, o.limit) as DispositionRow[];
    return dispositionsInView(rows, view);
  }

  /**
   * Flags a serial as suspect: the firearm is held (no reservation, no disposition) until
   * someone with firearms:holds:review releases it with a reason, or escalates it.
   */
  flagSuspect(actor: string, itemId: number, reason: string): void {
    const why = validated(correctionReasonSchema, reason);
    this.db
      .transaction(() => {
        const item = this.item(itemId);
        if (item.hold) throw conflict('already_held', `Serial ${item.serial} is already on hold.`);
        if (item.status === 'disposed')
          throw conflict('not_in_stock', `Serial ${item.serial} is no longer in the store.`);
        this.sql("UPDATE firearm_items SET hold = 'held', hold_reason = ? WHERE id = ?").run(
          why,
          itemId,
        );
        this.audit.record({
          actor,
          action: 'firearm.hold',
          entity: 'firearm',
          entityId: itemId,
          payload: { reason: why },
        });
      })
      .immediate();
  }

  /** Reviews a held firearm: release it (with the reason) or escalate it (it stays held). */
  reviewHold(
    actor: string,
    itemId: number,
    o: { decision: 'release' | 'escalate'; reason: string },
  ): void {
    const why = validated(correctionReasonSchema, o.reason);
    this.db
      .transaction(() => {
        const item = this.item(itemId);
        if (!item.hold) throw conflict('not_held', `Serial ${item.serial} is not on hold.`);
        if (o.decision === 'release')
          this.sql('UPDATE firearm_items SET hold = NULL, hold_reason = NULL WHERE id = ?').run(
            itemId,
          );
        else
          this.sql("UPDATE firearm_items SET hold = 'escalated', hold_reason = ? WHERE id = ?").run(
            why,
            itemId,
          );
        this.audit.record({
          actor,
          action: o.decision === 'release' ? 'firearm.release' : 'firearm.escalate',
          entity: 'firearm',
          entityId: itemId,
          payload: { reason: why },
        });
      })
      .immediate();
  }

  /** Firearms on hold, for the review list. */
  holds(): {
    itemId: number;
    serial: string;
    manufacturer: string;
    model: string;
    hold: string;
    reason: string | null;
  }[] {
    return (
      this.sql(
        'SELECT id, serial, manufacturer, model, hold, hold_reason FROM firearm_items WHERE hold IS NOT NULL ORDER BY id',
      ).all() as {
        id: number;
        serial: string;
        manufacturer: string;
        model: string;
        hold: string;
        hold_reason: string | null;
      }[]
    ).map((r) => ({
      itemId: r.id,
      serial: r.serial,
      manufacturer: r.manufacturer,
      model: r.model,
      hold: r.hold,
      reason: r.hold_reason,
    }));
  }

  /** Chain of custody for one firearm: every acquisition and disposition entry, in order. */
  history(itemId: number): {
    item: { privatelyMade: boolean; marked: boolean; hold: string | null; status: string };
    /** The store's today: a hand-over date is on or before it. */
    today: string;
    /** The store files Forms 4473 numerically (the 4473 number stands for name and address). */
    form4473FiledNumerically: boolean;
    /** The committed disposition no correction voided (the book's, ledger_book), if any. */
    standing: number | null;
    /** The disposition waiting to be handed over, if any. */
    pending: number | null;
    acquisitions: AcquisitionEntry[];
    dispositions: DispositionRow[];
  } {
    const item = this.item(itemId);
    return {
      item: {
        privatelyMade: item.privately_made === 1,
        marked: this.sql('SELECT 1 FROM pmf_markings WHERE item_id = ?').get(itemId) !== undefined,
        hold: item.hold,
        status: item.status,
      },
      today: this.today(),
      form4473FiledNumerically: this.filesForm4473Numerically(),
      standing:
        (this.sql(
          `SELECT disposition FROM ledger_book WHERE entry = (
               SELECT min(entry_no) FROM ledger_acquisitions WHERE item_id = ? AND corrects IS NULL)`,
        )
          .pluck()
          .get(itemId) as number | null | undefined) ?? null,
      pending:
        (this.sql("SELECT id FROM ledger_dispositions WHERE item_id = ? AND state = 'pending'")
          .pluck()
          .get(itemId) as number | undefined) ?? null,
      acquisitions: (
        this.sql('SELECT * FROM ledger_acquisitions WHERE item_id = ? ORDER BY entry_no').all(
          itemId,
        ) as AcqRow[]
      ).map(toEntry),
      dispositions: this.sql('SELECT * FROM ledger_dispositions WHERE item_id = ? ORDER BY id').all(
        itemId,
      ) as DispositionRow[],
    };
  }

  /** The types of these firearms (a check's route depends on them). */
  typesOf(itemIds: readonly number[]): string[] {
    return itemIds.map((i) => this.item(i).type);
  }

  /** Firearms in the store (in stock or reserved) with this serial, for scanner input. */
  inStore(serial: string): {
    itemId: number;
    manufacturer: string;
    model: string;
    serial: string;
    type: string;
    caliber: string;
    status: string;
    hold: string | null;
  }[] {
    return this.sql(
      `SELECT id AS itemId, manufacturer, model, serial, type, caliber, status, hold FROM firearm_items
         WHERE serial_key = ? AND status != 'disposed' ORDER BY id`,
    ).all(serialKey(serial)) as ReturnType<FirearmsLedger['inStore']>;
  }

  /**
   * Starts the transfer a check was run for: a pending disposition to the buyer for every
   * firearm on the check, on its Form 4473. All or none.
   */
  transfer(
    actor: string,
    checkId: number,
    to: { transfereeName: string; transfereeAddress: string },
  ): DispositionRow[] {
    const check = this.checks.get(checkId);
    return this.db
      .transaction(() =>
        check.items.map((item) =>
          this.startDisposition(actor, Number(item), {
            kind: 'non_licensee',
            form4473: check.form4473,
            buyerKey: check.buyer,
            checkId,
            transfereeName: to.transfereeName,
            transfereeAddress: to.transfereeAddress,
          }),
        ),
      )
      .immediate();
  }

  /** Pending dispositions on a Form 4473 (the firearms waiting to be handed over). */
  pendingOn(form4473: string): DispositionRow[] {
    return this.sql(
      "SELECT * FROM ledger_dispositions WHERE form_4473 = ? AND state = 'pending' ORDER BY id",
    ).all(form4473) as DispositionRow[];
  }

  /**
   * Hands over every firearm pending on a Form 4473: each commits through the check gate, on
   * the hand-over date given (default: the store's today). The first refusal stops it (the
   * gate is the same for the whole 4473), with its reason.
   */
  handOver(actor: string, form4473: string, o: { disposedOn?: string } = {}): DispositionRow[] {
    const pending = this.pendingOn(form4473);
    if (pending.length === 0)
      throw conflict(
        'nothing_pending',
        `Nothing is waiting to be handed over on 4473 ${form4473}.`,
      );
    return pending.map((d) => this.commitDisposition(actor, d.id, o));
  }

  /** Deadline alerts: late entries, dispositions pending too long, unmarked PMFs. */
  overdue() {
    const marked = this.sql('SELECT 1 FROM pmf_markings WHERE item_id = ?');
    return overdue(this.db, {
      now: this.clock.now(),
      storeHours: this.storeCalendar(),
      isMarked: (itemId) => marked.get(itemId) !== undefined,
    });
  }

  /** The book against itself: open entries = stock, no orphan or missing dispositions. */
  consistency(): Consistency {
    return consistencyCheck(this.db, permitExemptions(this.db));
  }

  /** The consistency check on its own thread and connection; here when no thread can start. */
  async consistencyInBackground(): Promise<Consistency> {
    return (
      (await this.onReconcileThread<Consistency>({ kind: 'consistency' })) ?? this.consistency()
    );
  }

  /** A barcode inventory audit: what was scanned against what the book says is here. */
  inventoryAudit(actor: string, serials: readonly string[]): InventoryAudit {
    return this.recordAudit(actor, serials, inventoryAudit(this.db, serials));
  }

  /** The inventory audit on its own thread and connection; here when no thread can start. */
  async inventoryAuditInBackground(actor: string, serials: readonly string[]) {
    const result = await this.onReconcileThread<InventoryAudit>({
      kind: 'inventory',
      serials: [...serials],
    });
    return result ? this.recordAudit(actor, serials, result) : this.inventoryAudit(actor, serials);
  }

  private recordAudit(actor: string, serials: readonly string[], result: InventoryAudit) {
    this.audit.record({
      actor,
      action: 'firearm.inventory_audit',
      entity: 'ledger',
      entityId: 'inventory',
      payload: {
        scanned: serials.length,
        missing: result.missing.length,
        unexpected: result.unexpected.length,
      },
    });
    return result;
  }

  /**
   * Runs a whole-book read on reconcile-worker's thread, against the committed book. Null when
   * there is no worker script or database file (an in-memory test store) or the thread fails:
   * the caller then reads on this thread, slower but the same answer.
   */
  private async onReconcileThread<T>(job: object): Promise<T | null> {
    const script = workerScript(import.meta.url, 'reconcile-worker');
    if (!script || !this.keyMaterial) return null;
    try {
      return await runWorker<T>(script, { ...job, ...this.keyMaterial });
    } catch (error) {
      this.onThreadFailure(error);
      return null;
    }
  }

  /** Searches the book as last corrected (see search.ts). */
  search(raw: LedgerSearch, page: BookPage = {}): LedgerRow[] {
    return searchBook(this.db, raw, page);
  }
}

/** The named fields of a row. */
function pick<T extends object, K extends keyof T>(row: T, keys: readonly K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((k) => [k, row[k]])) as Pick<T, K>;
}

/**
 * The first day a firearm can have been handed over to a non-licensee on this check: not
 * before the Form 4473 was started (27 CFR 478.124(c)), the check was contacted (18 U.S.C.
 * 922(t)(1)(A)), NICS answered Proceed, or a delayed check's wait ended (922(t)(1)(B)).
 * Null without a check (a permit transfer: the acquisition date bounds it).
 */
export function earliestHandOver(
  check:
    | (Pick<CheckRecord, 'status' | 'contactDate' | 'mayProceedOn' | 'responses'> &
        Partial<Pick<CheckRecord, 'form4473StartedOn'>>)
    | null,
): { on: string; why: string } | null {
  if (!check) return null;
  const proceeded = check.responses.filter(
    (r) => (r.kind === 'proceed' || r.kind === 'overturned') && r.on,
  );
  const bounds: { on: string | null | undefined; why: string }[] = [
    { on: check.form4473StartedOn, why: 'The Form 4473 was started' },
    { on: check.contactDate, why: 'The check was first submitted' },
    { on: proceeded.at(-1)?.on, why: 'NICS (or the state) answered Proceed' },
    {
      on: check.status === 'delayed' ? check.mayProceedOn : null,
      why: 'The delayed check allowed the transfer from its default proceed date',
    },
  ];
  let latest: { on: string; why: string } | null = null;
  for (const b of bounds)
    if (b.on && (!latest || b.on > latest.on)) latest = { on: b.on, why: b.why };
  return latest;
}
