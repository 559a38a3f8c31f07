import type { Clock } from '../clock.ts';
import type { Db } from '../db/open.ts';
import { FIELD_SEP, entryHashOf, hasControlCharacter, payloadHashOf } from './chain.ts';
import { RangeWalker, combineVerdicts, type RangeVerdict } from './verify.ts';
import { PendingRecords, recordsHashOf } from './records.ts';
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
  (string | null)?,
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
  ...(r[11] ? { recordsHash: r[11] } : {}),
});

export class AuditLog {
  private readonly db: Db;
  private readonly clock: Clock;
  private readonly headStmt;
  private readonly insertStmt;

  private readonly onAppend: () => void;
  /** The last entry this log appended, so a write need not read the head back. */
  private lastWritten: [number, string, string] | null = null;
  private readonly facetStmt;
  private readonly segmentStmt;
  private readonly timeAtStmt;
  private readonly facetExistsStmt;
  /** Facets already stored, so a write only touches audit_facets for a new name. */
  private readonly knownFacets = new Set<string>();
  /** Regulated rows written since the last entry: the next entry carries their hashes. */
  private readonly pending: PendingRecords;

  /** `onAppend` is told after each entry (the change feed uses it to refresh screens). */
  constructor(db: Db, clock: Clock, onAppend: () => void = () => {}) {
    this.db = db;
    this.clock = clock;
    this.onAppend = onAppend;
    this.headStmt = db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1').raw();
    this.facetStmt = db.prepare('INSERT OR IGNORE INTO audit_facets (kind, value) VALUES (?, ?)');
    this.segmentStmt = db.prepare(
      'INSERT OR IGNORE INTO audit_time_segments (first_seq) VALUES (?)',
    );
    this.timeAtStmt = db.prepare('SELECT time FROM audit_log WHERE seq = ?').pluck();
    this.facetExistsStmt = db
      .prepare('SELECT 1 FROM audit_facets WHERE kind = ? AND value = ?')
      .pluck();
    for (const [kind, value] of db.prepare('SELECT kind, value FROM audit_facets').raw().all() as [
      string,
      string,
    ][]) {
      this.knownFacets.add(`${kind}\u0000${value}`);
    }
    this.pending = new PendingRecords(db);
    this.insertStmt = this.pending.available
      ? db.prepare(
          `INSERT INTO audit_log (${COLUMNS}, records_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
      : db.prepare(`INSERT INTO audit_log (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  }

  /**
   * Appends one entry. Call it inside the transaction that makes the change, so the change
   * and its entry commit together or not at all; outside one, it is its own transaction.
   */
  record(input: AuditInput): AuditEntry {
    const entityId = input.entityId == null ? null : String(input.entityId);
    const externalRef = input.externalRef ?? null;
    for (const value of [input.actor, input.action, input.entity, entityId, externalRef]) {
      if (value !== null && hasControlCharacter(value)) {
        throw invalid(
          'audit_field',
          `The audit entry field "${value.slice(0, 40)}" cannot contain control characters (line breaks, tabs).`,
        );
      }
    }
    const write = (retry = true): AuditEntry => {
      const head =
        this.lastWritten ?? (this.headStmt.get() as [number, string, string] | undefined);
      // Read in this transaction: the rows as the change being recorded wrote them.
      const taken = this.pending.take();
      const base: Omit<AuditEntry, 'hash'> = {
        seq: (head?.[0] ?? 0) + 1,
        // The PC's own time, even if its clock was set back: order is kept by seq.
        time: new Date(this.clock.now()).toISOString(),
        actor: input.actor,
        action: input.action,
        entity: input.entity,
        entityId,
        payloadHash: payloadHashOf(input.payload),
        externalRef,
        outcome: input.outcome ?? 'success',
        ...(taken ? { recordsHash: recordsHashOf(taken.records) } : {}),
        prevHash: head?.[1] ?? GENESIS_HASH,
      };
      const entry: AuditEntry = { ...base, hash: entryHashOf(base) };
      try {
        this.insertRow(entry);
      } catch (error) {
        // The remembered head is stale when a transaction that appended was rolled back:
        // the seq trigger refuses the entry; read the head again and chain from there.
        if (!retry || !this.lastWritten) throw error;
        this.lastWritten = null;
        return write(false);
      }
      if (taken) this.pending.store(entry.seq, taken);
      // The clock went back: this entry starts a new rising run of times (see query()).
      if (head && entry.time < head[2]) this.segmentStmt.run(entry.seq);
      this.lastWritten = [entry.seq, entry.hash, entry.time];
      this.noteFacets(entry);
      this.onAppend();
      return entry;
    };
    return this.db.inTransaction ? write() : this.db.transaction(() => write()).immediate();
  }

  private insertRow(entry: AuditEntry): void {
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
      ...(this.pending.available ? [entry.recordsHash ?? null] : []),
    );
  }

  /**
   * Covers the regulated rows still waiting for an entry (written by a change that recorded
   * its entry first, or before migration 22: the baseline) with one entry of their own.
   * Returns how many rows it covered.
   */
  sealPendingRecords(actor = 'system'): number {
    const waiting = this.pending.waiting();
    if (waiting === 0) return 0;
    this.record({
      actor,
      action: 'audit.records_sealed',
      entity: 'audit',
      payload: { rows: waiting },
    });
    return waiting;
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
  async verifyInSlices(slice = 5_000, signal?: AbortSignal): Promise<VerifyResult> {
    const length = this.head().seq;
    const walker = new RangeWalker(this.db, 1, length);
    for (;;) {
      signal?.throwIfAborted();
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
    // Who and which record come from audit_lookup, which drives the query in seq order.
    this.catchUpLookups();
    let from = 'audit_log a';
    let order = 'a.seq';
    // Keys: the actor, or entity + unit separator + entity id. An entity alone is the range of
    // keys after `entity\x1f` and before `entity\x20` (SQLite compares the UTF-8 bytes).
    const lookup: { kind: string; sql: string; values: string[] } | null = q.actor
      ? { kind: 'actor', sql: 'l.key = ?', values: [q.actor] }
      : q.entity && q.entityId !== undefined
        ? { kind: 'entity', sql: 'l.key = ?', values: [`${q.entity}${FIELD_SEP}${q.entityId}`] }
        : q.entity
          ? {
              kind: 'entity',
              sql: 'l.key >= ? AND l.key < ?',
              values: [`${q.entity}${FIELD_SEP}`, `${q.entity}\x20`],
            }
          : null;
    if (lookup) {
      from = 'audit_lookup l JOIN audit_log a ON a.seq = l.seq';
      order = 'l.seq';
      where.push('l.kind = ?', lookup.sql);
      args.push(lookup.kind, ...lookup.values);
    }
    add('a.actor = ?', q.actor);
    add('a.entity = ?', q.entity);
    add('a.entity_id = ?', q.entityId);
    add('a.action = ?', q.action);
    if (q.from || q.to) {
      const ranges = this.seqRangesBetween(
        q.from ? new Date(q.from).toISOString() : '',
        q.to ? new Date(q.to).toISOString() : '\uffff',
      );
      if (ranges === null) {
        add('a.time >= ?', q.from && new Date(q.from).toISOString());
        add('a.time <= ?', q.to && new Date(q.to).toISOString());
      } else if (ranges.length === 0) {
        where.push('0');
      } else {
        where.push(`(${ranges.map(() => `(${order} >= ? AND ${order} < ?)`).join(' OR ')})`);
        for (const [lo, hi] of ranges) args.push(lo, hi);
      }
    }
    if (q.beforeSeq !== undefined) {
      where.push(`${order} < ?`);
      args.push(q.beforeSeq);
    }
    const columns = [...COLUMNS.split(', '), ...(this.pending.available ? ['records_hash'] : [])]
      .map((c) => `a.${c}`)
      .join(', ');
    const sql = `SELECT ${columns} FROM ${from} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${order} DESC LIMIT ?`;
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

  /** Distinct actors, actions and entities, for the viewer's filter menus. */
  facets(): { actions: string[]; entities: string[]; actors: string[] } {
    // A log written without the facets table (an import, a restored file) gets it rebuilt.
    if (this.knownFacets.size === 0 && this.head().seq > 0) this.rebuildFacets();
    const of = (kind: string) =>
      this.db
        .prepare('SELECT value FROM audit_facets WHERE kind = ? ORDER BY value')
        .pluck()
        .all(kind) as string[];
    return { actions: of('action'), entities: of('entity'), actors: of('actor') };
  }

  /** Derives the facets table from the log itself. */
  rebuildFacets(): void {
    this.db.exec(`INSERT OR IGNORE INTO audit_facets (kind, value)
      SELECT 'actor', actor FROM audit_log UNION SELECT 'action', action FROM audit_log
      UNION SELECT 'entity', entity FROM audit_log`);
    for (const [kind, value] of this.db
      .prepare('SELECT kind, value FROM audit_facets')
      .raw()
      .all() as [string, string][]) {
      this.knownFacets.add(`${kind}\u0000${value}`);
    }
  }

  /**
   * Indexes "who" and "which record" for the entries written since the last call, a batch
   * per transaction (`batches` caps how many, so a timer never blocks the store for long).
   * Returns how many entries it indexed. Idempotent and crash-safe: the
   * watermark moves in the same transaction as the rows.
   */
  catchUpLookups(o: { batch?: number; batches?: number } = {}): number {
    const batch = o.batch ?? 50_000;
    let total = 0;
    for (let round = 1; ; round++) {
      const done = this.db
        .transaction(() => {
          const through = Number(
            this.db
              .prepare("SELECT value FROM settings WHERE key = 'audit_lookup_through'")
              .pluck()
              .get() ?? 0,
          );
          const upto = Math.min(this.head().seq, through + batch);
          if (upto <= through) return 0;
          this.db
            .prepare(
              `INSERT OR IGNORE INTO audit_lookup (kind, key, seq)
               SELECT 'actor', actor, seq FROM audit_log WHERE seq > @through AND seq <= @upto
               UNION ALL
               SELECT 'entity', entity || char(31) || coalesce(entity_id, char(30)), seq FROM audit_log WHERE seq > @through AND seq <= @upto`,
            )
            .run({ through, upto });
          this.db
            .prepare(
              "INSERT INTO settings (key, value) VALUES ('audit_lookup_through', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            )
            .run(String(upto));
          return upto - through;
        })
        .immediate();
      total += done;
      if (done < batch || round >= (o.batches ?? Infinity)) return total;
    }
  }

  /**
   * The seq ranges whose times fall within [from, to]: within each run of rising times (runs
   * start at 1 and wherever the clock went back), two binary searches. Null when the clock
   * went back so often that a plain scan is simpler.
   */
  private seqRangesBetween(from: string, to: string): [number, number][] | null {
    const end = this.head().seq + 1;
    const starts = this.db
      .prepare('SELECT first_seq FROM audit_time_segments ORDER BY first_seq')
      .pluck()
      .all() as number[];
    if (starts.length > 64) return null;
    const bounds = [1, ...starts.filter((s) => s > 1 && s < end), end];
    const ranges: [number, number][] = [];
    for (let i = 0; i + 1 < bounds.length; i++) {
      const a = bounds[i] as number;
      const b = bounds[i + 1] as number;
      const lo = this.firstSeqWhere(a, b, (t) => t >= from);
      const hi = this.firstSeqWhere(a, b, (t) => t > to);
      if (lo < hi) ranges.push([lo, hi]);
    }
    return ranges;
  }

  /** The first seq in [a, b) whose time passes `test` (b if none), for a rising run. */
  private firstSeqWhere(a: number, b: number, test: (time: string) => boolean): number {
    let lo = a;
    let hi = b;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      const t = this.timeAtStmt.get(mid) as string | undefined;
      if (t === undefined || test(t)) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  private noteFacets(e: AuditEntry): void {
    for (const [kind, value] of [
      ['actor', e.actor],
      ['action', e.action],
      ['entity', e.entity],
    ] as const) {
      const key = `${kind}\u0000${value}`;
      if (this.knownFacets.has(key)) continue;
      this.facetStmt.run(kind, value);
      // Remembered only once it is really stored: a rolled-back write must not hide a new name.
      queueMicrotask(() => {
        if (this.db.open && !this.db.inTransaction && this.facetExistsStmt.get(kind, value))
          this.knownFacets.add(key);
      });
    }
  }
}
