// The hash of every regulated row as written, kept in the audit chain (migration 22), and the
// check that re-reads each row and compares. A row rewritten or removed by someone holding the
// database key no longer matches the hash its audit entry carries, and is named.
import { hash } from 'node:crypto';
import type { Db } from '../db/open.ts';
import { FIELD_SEP, canonicalJson, sha256 } from './chain.ts';
import type { TamperFinding } from './model.ts';

export interface RegulatedTable {
  readonly table: string;
  /** The columns that name a row (its primary key), as the migration's triggers queue them. */
  readonly key: readonly string[];
  /** Hashed a second time, once, when it leaves 'pending' (a disposition handed over). */
  readonly settles?: boolean;
}

/** The same list as migration 22 (a test keeps them equal). */
export const REGULATED_TABLES: readonly RegulatedTable[] = [
  // 27 CFR 478.125(e): the bound book, its corrections and what a transfer rests on.
  { table: 'ledger_acquisitions', key: ['entry_no'] },
  { table: 'ledger_dispositions', key: ['id'], settles: true },
  { table: 'background_checks', key: ['id'] },
  { table: 'check_events', key: ['id'] },
  { table: 'multiple_sale_flags', key: ['disposition_id'] },
  { table: 'multiple_sale_filings', key: ['disposition_id'] },
  { table: 'multiple_sale_report_filings', key: ['id'] },
  { table: 'transfer_permits', key: ['id'] },
  { table: 'pmf_markings', key: ['item_id'] },
  { table: 'firearm_returns', key: ['disposition_id'] },
  { table: 'firearm_flag_corrections', key: ['id'] },
  { table: 'check_state_rules', key: ['id'] },
  { table: 'signatures', key: ['id'] },
  // 21 CFR 1304.04 / state pharmacy rules: what was handed to whom.
  { table: 'pickups', key: ['invoice'] },
  { table: 'pickup_reversals', key: ['id'] },
  { table: 'pharmacist_signoffs', key: ['sale_key', 'patient_id'] },
  // HIPAA 45 CFR 164.312(b): emergency access.
  { table: 'emergency_access', key: ['id'] },
  { table: 'emergency_access_ends', key: ['access_id'] },
];

const byName = new Map(REGULATED_TABLES.map((t) => [t.table, t]));

export type RecordOp = 'insert' | 'update' | 'baseline';

/** One regulated row's hash, as an audit entry carries it. */
export interface RecordHash {
  table: string;
  /** The row's key as SQLite's json_array() writes it: `[12]`, `["INV-1"]`. */
  key: string;
  op: RecordOp;
  hash: string;
}

const KEY_COLUMN = '__audit_key';
const ROWID_COLUMN = '__audit_rowid';

/**
 * A row's hash: its table and every column that holds a value, in canonical JSON (blobs by
 * their SHA-256). NULL columns are left out, so a nullable column added by a later migration
 * leaves the rows written before it matching; setting or clearing a value still changes it.
 */
export function rowHashOf(table: string, row: Record<string, unknown> | undefined): string {
  if (!row) return sha256(`${table}${FIELD_SEP}(no such row)`);
  const fields: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(row)) {
    if (value === null || value === undefined || column === KEY_COLUMN || column === ROWID_COLUMN)
      continue;
    fields[column] =
      value instanceof Uint8Array
        ? `sha256:${hash('sha256', value)}`
        : typeof value === 'bigint'
          ? value.toString()
          : value;
  }
  return sha256(`${table}${FIELD_SEP}${canonicalJson(fields)}`);
}

/** What an entry's records_hash is made of: its rows' lines, sorted, one per line. */
export function recordsHashOf(records: readonly RecordHash[]): string {
  const lines = records.map((r) => [r.table, r.key, r.op, r.hash].join(FIELD_SEP)).sort();
  return sha256(lines.join('\n'));
}

const keySql = (t: RegulatedTable) => `json_array(${t.key.map((k) => `"${k}"`).join(', ')})`;

const hasTable = (db: Db, name: string) =>
  db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !==
  undefined;

/**
 * The rows the triggers queued since the last entry, hashed as they stand in this transaction.
 * AuditLog.record takes them into the entry it writes.
 */
export class PendingRecords {
  private readonly db: Db;
  /** The store has migration 22's tables (a copy from before has not). */
  readonly available: boolean;
  private readonly queued;
  private readonly count;
  private readonly clear;
  private readonly keep;
  private readonly rowOf = new Map<string, { get(...values: unknown[]): unknown }>();

  constructor(db: Db) {
    this.db = db;
    this.available = hasTable(db, 'audit_pending');
    this.queued = this.available
      ? db.prepare('SELECT id, tbl, row_key, op FROM audit_pending ORDER BY id').raw()
      : null;
    this.count = this.available ? db.prepare('SELECT count(*) FROM audit_pending').pluck() : null;
    this.clear = this.available ? db.prepare('DELETE FROM audit_pending WHERE id <= ?') : null;
    this.keep = this.available
      ? db.prepare('INSERT INTO audit_records (seq, tbl, row_key, op, hash) VALUES (?, ?, ?, ?, ?)')
      : null;
  }

  /** How many rows wait for an entry. */
  waiting(): number {
    return Number(this.count?.get() ?? 0);
  }

  /** The queued rows, hashed (one per row: its first op, its state now); null when none. */
  take(): { records: RecordHash[]; through: number } | null {
    const queued = this.queued?.all() as [number, string, string, RecordOp][] | undefined;
    if (!queued || queued.length === 0) return null;
    const seen = new Map<string, RecordHash>();
    for (const [, table, key, op] of queued) {
      const t = byName.get(table);
      // Only the triggers write here; a row naming anything else is not ours to vouch for.
      if (!t || seen.has(`${table}${FIELD_SEP}${key}`)) continue;
      seen.set(`${table}${FIELD_SEP}${key}`, {
        table,
        key,
        op,
        hash: rowHashOf(table, this.read(t, key)),
      });
    }
    return { records: [...seen.values()], through: queued[queued.length - 1]?.[0] ?? 0 };
  }

  /** Keeps the hashes under the entry's seq and empties the queue up to what was taken. */
  store(seq: number, taken: { records: RecordHash[]; through: number }): void {
    for (const r of taken.records) this.keep?.run(seq, r.table, r.key, r.op, r.hash);
    this.clear?.run(taken.through);
  }

  private read(t: RegulatedTable, key: string): Record<string, unknown> | undefined {
    let stmt = this.rowOf.get(t.table);
    if (!stmt) {
      stmt = this.db.prepare(
        `SELECT * FROM "${t.table}" WHERE ${t.key.map((k) => `"${k}" = ?`).join(' AND ')}`,
      );
      this.rowOf.set(t.table, stmt);
    }
    const values = JSON.parse(key) as unknown;
    if (!Array.isArray(values) || values.length !== t.key.length) return undefined;
    return stmt.get(...(values as unknown[])) as Record<string, unknown> | undefined;
  }
}

export interface RecordsVerdict {
  /** Regulated rows re-read and compared. */
  checked: number;
  /** Rows written but not yet covered by an entry (the next entry takes them). */
  waiting: number;
  findings: TamperFinding[];
  /** Findings beyond those listed. */
  more: number;
}

const MAX_FINDINGS = 100;
const SLICE = 5_000;

/**
 * Re-reads every regulated row and compares it with the newest hash the chain holds for it;
 * checks each entry's record list against its records_hash. Works in slices, yielding to the
 * event loop between them (the server keeps answering). Run it after the chain itself has
 * verified: the chain vouches for records_hash, this vouches for the rows.
 */
export async function verifyRecords(db: Db, signal?: AbortSignal): Promise<RecordsVerdict> {
  const findings: TamperFinding[] = [];
  let total = 0;
  const found = (f: TamperFinding) => {
    total++;
    if (findings.length < MAX_FINDINGS) findings.push(f);
  };
  const pause = async () => {
    signal?.throwIfAborted();
    await new Promise((resolve) => setImmediate(resolve));
    signal?.throwIfAborted();
  };
  if (!hasTable(db, 'audit_records')) return { checked: 0, waiting: 0, findings, more: 0 };

  // 1. Each entry's record list still makes its records_hash (the chain covers records_hash).
  const listed = new Map(
    db
      .prepare('SELECT seq, records_hash FROM audit_log WHERE records_hash IS NOT NULL')
      .raw()
      .all() as [number, string][],
  );
  const listStmt = db
    .prepare(
      `SELECT seq, tbl, row_key, op, hash FROM audit_records
       WHERE (seq, tbl, row_key) > (?, ?, ?) ORDER BY seq, tbl, row_key LIMIT ?`,
    )
    .raw();
  let group: RecordHash[] = [];
  let groupSeq = 0;
  const closeGroup = () => {
    if (group.length === 0) return;
    if (listed.get(groupSeq) !== recordsHashOf(group))
      found({ kind: 'record_hashes_altered', seq: groupSeq });
    listed.delete(groupSeq);
    group = [];
  };
  // Pages by the primary key; an entry's list may run on into the next page.
  for (let from: [number, string, string] = [0, '', '']; ;) {
    const rows = listStmt.all(...from, SLICE) as [number, string, string, RecordOp, string][];
    for (const [seq, table, key, op, h] of rows) {
      if (seq !== groupSeq) {
        closeGroup();
        groupSeq = seq;
      }
      group.push({ table, key, op, hash: h });
    }
    const last = rows.at(-1);
    if (!last || rows.length < SLICE) break;
    from = [last[0], last[1], last[2]];
    await pause();
  }
  closeGroup();
  // An entry that says it covers rows whose hashes are gone.
  for (const seq of listed.keys()) found({ kind: 'record_hashes_altered', seq });

  // 2. Every row against the newest hash held for it.
  const waitingStmt = db.prepare('SELECT row_key FROM audit_pending WHERE tbl = ?').pluck();
  let checked = 0;
  let waiting = 0;
  for (const t of REGULATED_TABLES) {
    if (!hasTable(db, t.table)) continue;
    const newest = new Map<
      string,
      { hash: string; seq: number; firsts: number; updates: number }
    >();
    for (const [key, op, h, seq] of db
      .prepare(
        'SELECT row_key, op, hash, seq FROM audit_records WHERE tbl = ? ORDER BY row_key, seq',
      )
      .raw()
      .iterate(t.table) as IterableIterator<[string, RecordOp, string, number]>) {
      const n = newest.get(key) ?? { hash: h, seq, firsts: 0, updates: 0 };
      n.hash = h;
      n.seq = seq;
      if (op === 'update') n.updates++;
      else n.firsts++;
      newest.set(key, n);
    }
    const queued = new Set(waitingStmt.all(t.table) as string[]);
    waiting += queued.size;
    const page = db.prepare(
      `SELECT rowid AS ${ROWID_COLUMN}, ${keySql(t)} AS ${KEY_COLUMN}, * FROM "${t.table}"
       WHERE rowid > ? ORDER BY rowid LIMIT ?`,
    );
    const seen = new Set<string>();
    for (let last = -Infinity; ;) {
      const rows = page.all(last, SLICE) as Record<string, unknown>[];
      for (const row of rows) {
        const key = String(row[KEY_COLUMN]);
        seen.add(key);
        checked++;
        if (queued.has(key)) continue;
        const on = newest.get(key);
        if (!on) found({ kind: 'record_not_covered', table: t.table, key });
        else if (on.hash !== rowHashOf(t.table, row))
          found({ kind: 'record_changed', table: t.table, key, seq: on.seq });
      }
      if (rows.length < SLICE) break;
      last = Number((rows.at(-1) as Record<string, unknown>)[ROWID_COLUMN]);
      await pause();
    }
    for (const [key, on] of newest) {
      if (!seen.has(key)) found({ kind: 'record_deleted', table: t.table, key, seq: on.seq });
      // Written once, and a disposition settled once: a second hash is a rewrite laundered
      // through the queue.
      else if (on.firsts > 1 || on.updates > (t.settles ? 1 : 0))
        found({ kind: 'record_rehashed', table: t.table, key, seq: on.seq });
    }
    await pause();
  }
  return { checked, waiting, findings, more: total - findings.length };
}
