import type { Clock } from '../clock.ts';
import type { Db } from '../db/open.ts';
import { entryHashOf, hasControlCharacter, payloadHashOf } from './chain.ts';
import { RangeWalker, combineVerdicts, type RangeVerdict } from './verify.ts';
import { invalid } from '../errors.ts';
import {
  GENESIS_HASH,
  auditQuerySchema,
  type AuditEntry,
  type AuditOutcome,
  type AuditQuery,
  type VerifyResult,
} from './model.ts';

export interface AuditInput {
  actor: string;
  action: string;
  entity: string;
  entityId?: string | number | null;
  /** Hashed (canonical JSON), never stored: it may hold personal data. */
  payload?: unknown;
  externalRef?: string | null;
  outcome?: AuditOutcome;
}

type Row = [
  number,
  string,
  string,
  string,
  string,
  string | null,
  string,
  string | null,
  string,
  string,
  string,
];

const COLUMNS =
  'seq, time, actor, action, entity, entity_id, payload_hash, external_ref, outcome, prev_hash, hash';

const fromRow = (r: Row): AuditEntry => ({
  seq: r[0],
  time: r[1],
  actor: r[2],
  action: r[3],
  entity: r[4],
  entityId: r[5],
  payloadHash: r[6],
  externalRef: r[7],
  outcome: r[8] as AuditOutcome,
  prevHash: r[9],
  hash: r[10],
});

export class AuditLog {
  private readonly db: Db;
  private readonly clock: Clock;
  private readonly headStmt;
  private readonly insertStmt;

  private readonly onAppend: () => void;

  /** `onAppend` is told after each entry (the change feed uses it to refresh screens). */
  constructor(db: Db, clock: Clock, onAppend: () => void = () => {}) {
    this.db = db;
    this.clock = clock;
    this.onAppend = onAppend;
    this.headStmt = db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1').raw();
    this.insertStmt = db.prepare(
      `INSERT INTO audit_log (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  /**
   * Appends one entry. Call it inside the transaction that makes the change, so the change
   * and its entry commit together or not at all; outside one, it is its own transaction.
   */
  record(input: AuditInput): AuditEntry {
    for (const [field, value] of Object.entries({
      actor: input.actor,
      action: input.action,
      entity: input.entity,
      entityId: input.entityId,
      externalRef: input.externalRef,
    })) {
      if (typeof value === 'string' && hasControlCharacter(value)) {
        throw invalid(
          'audit_field',
          `The audit ${field} cannot contain control characters (line breaks, tabs).`,
        );
      }
    }
    const write = (): AuditEntry => {
      const head = this.headStmt.get() as [number, string] | undefined;
      const base: Omit<AuditEntry, 'hash'> = {
        seq: (head?.[0] ?? 0) + 1,
        time: new Date(this.clock.now()).toISOString(),
        actor: input.actor,
        action: input.action,
        entity: input.entity,
        entityId: input.entityId == null ? null : String(input.entityId),
        payloadHash: payloadHashOf(input.payload),
        externalRef: input.externalRef ?? null,
        outcome: input.outcome ?? 'success',
        prevHash: head?.[1] ?? GENESIS_HASH,
      };
      const entry: AuditEntry = { ...base, hash: entryHashOf(base) };
      this.insertStmt.run(
        entry.seq,
        entry.time,
        entry.actor,
        entry.action,
        entry.entity,
        entry.entityId,
        entry.payloadHash,
        entry.externalRef,
        entry.outcome,
        entry.prevHash,
        entry.hash,
      );
      this.onAppend();
      return entry;
    };
    return this.db.inTransaction ? write() : this.db.transaction(write).immediate();
  }

  head(): { seq: number; hash: string } {
    const head = this.headStmt.get() as [number, string] | undefined;
    return { seq: head?.[0] ?? 0, hash: head?.[1] ?? GENESIS_HASH };
  }

  /** Walks the whole chain on this thread; reports the first broken link by seq. */
  verify(): VerifyResult {
    const length = this.head().seq;
    const walker = new RangeWalker(this.db, 1, length);
    let verdict: RangeVerdict | null = null;
    while (!verdict) verdict = walker.step(5_000);
    return combineVerdicts(length, [verdict]);
  }

  /** The same walk in slices, yielding to the event loop so the server stays responsive. */
  async verifyInSlices(slice = 5_000): Promise<VerifyResult> {
    const length = this.head().seq;
    const walker = new RangeWalker(this.db, 1, length);
    for (;;) {
      const verdict = walker.step(slice);
      if (verdict) return combineVerdicts(length, [verdict]);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Newest first, filtered, a page at a time (pass `nextBeforeSeq` back as `beforeSeq`). */
  query(raw: AuditQuery): { entries: AuditEntry[]; nextBeforeSeq: number | null } {
    const q = auditQuerySchema.parse(raw);
    const where: string[] = [];
    const args: (string | number)[] = [];
    const add = (sql: string, v: string | number | undefined) => {
      if (v === undefined) return;
      where.push(sql);
      args.push(v);
    };
    add('actor = ?', q.actor);
    add('entity = ?', q.entity);
    add('entity_id = ?', q.entityId);
    add('action = ?', q.action);
    add('time >= ?', q.from && new Date(q.from).toISOString());
    add('time <= ?', q.to && new Date(q.to).toISOString());
    add('seq < ?', q.beforeSeq);
    const sql = `SELECT ${COLUMNS} FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ?`;
    const rows = this.db
      .prepare(sql)
      .raw()
      .all(...args, q.limit + 1) as Row[];
    const entries = rows.slice(0, q.limit).map(fromRow);
    return {
      entries,
      nextBeforeSeq: rows.length > q.limit ? (entries.at(-1)?.seq ?? null) : null,
    };
  }

  /** Distinct actions and entities, for the viewer's filter menus. */
  facets(): { actions: string[]; entities: string[]; actors: string[] } {
    const col = (c: string) =>
      this.db
        .prepare(`SELECT DISTINCT ${c} FROM audit_log ORDER BY ${c}`)
        .pluck()
        .all() as string[];
    return { actions: col('action'), entities: col('entity'), actors: col('actor') };
  }
}
