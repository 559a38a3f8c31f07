// The sync log: one row per run of a connection's feature (a drain of its due jobs, a
// scheduled or manual run), with per-record results when some records failed.
import type { Db } from '../db/open.ts';
import { preparedFor, type Statement } from '../db/statements.ts';

export type RunStatus = 'success' | 'partial' | 'failed';
export type RecordOutcome = 'success' | 'retrying' | 'dead' | 'paused';

export interface SyncRun {
  id: number;
  connectionId: number;
  feature: string;
  direction: 'outbound' | 'inbound' | 'both';
  trigger: string;
  status: RunStatus;
  pushed: number;
  pulled: number;
  errors: number;
  message: string | null;
  startedAt: number;
  durationMs: number;
}

export interface SyncRecord {
  jobId: number | null;
  record: string;
  outcome: RecordOutcome;
  message: string | null;
}

interface RunRow {
  id: number;
  connection_id: number;
  feature: string;
  direction: SyncRun['direction'];
  trigger: string;
  status: RunStatus;
  pushed: number;
  pulled: number;
  errors: number;
  message: string | null;
  started_at: number;
  duration_ms: number;
}

const toRun = (r: RunRow): SyncRun => ({
  id: r.id,
  connectionId: r.connection_id,
  feature: r.feature,
  direction: r.direction,
  trigger: r.trigger,
  status: r.status,
  pushed: r.pushed,
  pulled: r.pulled,
  errors: r.errors,
  message: r.message,
  startedAt: r.started_at,
  durationMs: r.duration_ms,
});

/** A run's status from its counts: nothing failed, some failed, or nothing went through. */
export function runStatusOf(done: number, errors: number): RunStatus {
  if (errors === 0) return 'success';
  return done > 0 ? 'partial' : 'failed';
}

/** At most this many per-record rows are kept per run; the counts stay exact. */
export const RECORDS_PER_RUN = 500;

export class SyncLog {
  private readonly db: Db;
  private readonly sql: (sql: string) => Statement;

  constructor(db: Db) {
    this.db = db;
    this.sql = preparedFor(this.db);
  }

  /** Records a finished run; per-record results are kept only when something failed. */
  record(run: Omit<SyncRun, 'id' | 'status'> & { records?: SyncRecord[] }): number {
    const status = runStatusOf(run.pushed + run.pulled, run.errors);
    const id = Number(
      this.sql(
        `INSERT INTO sync_runs (connection_id, feature, direction, trigger, status, pushed, pulled, errors, message, started_at, duration_ms)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        run.connectionId,
        run.feature,
        run.direction,
        run.trigger,
        status,
        run.pushed,
        run.pulled,
        run.errors,
        run.message,
        run.startedAt,
        run.durationMs,
      ).lastInsertRowid,
    );
    if (status !== 'success' && run.records) {
      const insert = this.sql(
        'INSERT INTO sync_run_records (run_id, job_id, record, outcome, message) VALUES (?, ?, ?, ?, ?)',
      );
      for (const r of run.records.slice(0, RECORDS_PER_RUN))
        insert.run(id, r.jobId, r.record, r.outcome, r.message);
    }
    return id;
  }

  /** Newest first; `before` pages back. */
  list(connectionId: number, o: { limit: number; before?: number }): SyncRun[] {
    return (
      this.sql(
        'SELECT * FROM sync_runs WHERE connection_id = ? AND id < ? ORDER BY id DESC LIMIT ?',
      ).all(connectionId, o.before ?? Number.MAX_SAFE_INTEGER, o.limit) as RunRow[]
    ).map(toRun);
  }

  records(runId: number): SyncRecord[] {
    return (
      this.sql(
        'SELECT job_id, record, outcome, message FROM sync_run_records WHERE run_id = ? ORDER BY rowid',
      ).all(runId) as {
        job_id: number | null;
        record: string;
        outcome: RecordOutcome;
        message: string | null;
      }[]
    ).map((r) => ({ jobId: r.job_id, record: r.record, outcome: r.outcome, message: r.message }));
  }

  /** Records sent or received and errors in the window ending now (the 24-hour health). */
  totals(
    connectionId: number,
    since: number,
  ): { succeeded: number; failed: number; lastRunAt: number | null; lastSuccessAt: number | null } {
    const row = this.sql(
      `SELECT coalesce(sum(pushed + pulled), 0) AS ok, coalesce(sum(errors), 0) AS bad FROM sync_runs
         WHERE connection_id = ? AND started_at >= ?`,
    ).get(connectionId, since) as { ok: number; bad: number };
    const last = this.sql(
      'SELECT max(started_at + duration_ms) FROM sync_runs WHERE connection_id = ?',
    )
      .pluck()
      .get(connectionId) as number | null;
    const lastOk = this.sql(
      "SELECT max(started_at + duration_ms) FROM sync_runs WHERE connection_id = ? AND status != 'failed'",
    )
      .pluck()
      .get(connectionId) as number | null;
    return { succeeded: row.ok, failed: row.bad, lastRunAt: last, lastSuccessAt: lastOk };
  }
}
