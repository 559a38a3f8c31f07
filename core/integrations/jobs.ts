// The durable job queue (outbox) every connector runs on. SQLite is the queue, so a job
// survives restarts and outages; the idempotency key is unique, so an event is queued once;
// retries follow rules.ts. Workers that run jobs and talk to providers build on this.
import type { AuditLog } from '../audit/repo.ts';
import type { Db } from '../db/open.ts';
import { preparedFor, type Statement } from '../db/statements.ts';
import { notFound } from '../errors.ts';
import { retryDecision, type ErrorClass, type RetryDecision } from './rules.ts';

export type JobState = 'queued' | 'running' | 'succeeded' | 'failed' | 'dead';

export interface Job {
  id: number;
  connectionId: number;
  kind: string;
  feature: string | null;
  idempotencyKey: string;
  payload: unknown;
  state: JobState;
  attempts: number;
  nextRunAt: number;
  errorClass: ErrorClass | null;
  errorMessage: string | null;
  /** Epoch ms when it was queued. */
  createdAt: number;
}

interface JobRow {
  id: number;
  connection_id: number;
  kind: string;
  feature: string | null;
  idempotency_key: string;
  payload: string;
  state: JobState;
  attempts: number;
  next_run_at: number;
  error_class: ErrorClass | null;
  error_message: string | null;
  created_at: number;
}

const toJob = (r: JobRow): Job => ({
  id: r.id,
  connectionId: r.connection_id,
  kind: r.kind,
  feature: r.feature,
  idempotencyKey: r.idempotency_key,
  payload: JSON.parse(r.payload) as unknown,
  state: r.state,
  attempts: r.attempts,
  nextRunAt: r.next_run_at,
  errorClass: r.error_class,
  errorMessage: r.error_message,
  createdAt: r.created_at,
});

export class JobQueue {
  private readonly db: Db;
  private readonly sql: (sql: string) => Statement;
  private readonly audit: AuditLog;
  private readonly insertStmt;
  private readonly existingStmt;

  constructor(db: Db, audit: AuditLog) {
    this.db = db;
    this.sql = preparedFor(this.db);
    this.audit = audit;
    this.insertStmt = db
      .prepare(
        `INSERT INTO jobs (connection_id, kind, feature, idempotency_key, payload, state, next_run_at, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, 'queued', ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`,
      )
      .pluck();
    this.existingStmt = db.prepare('SELECT id FROM jobs WHERE idempotency_key = ?').pluck();
  }

  /** Queues a job once per idempotency key; a second enqueue of the same key is a no-op. */
  enqueue(
    o: {
      connectionId: number;
      kind: string;
      feature?: string;
      idempotencyKey: string;
      payload: unknown;
    },
    now: number,
  ): { id: number; created: boolean } {
    const inserted = this.insertStmt.get(
      o.connectionId,
      o.kind,
      o.feature ?? null,
      o.idempotencyKey,
      JSON.stringify(o.payload ?? null),
      now,
      now,
      now,
    ) as number | undefined;
    if (inserted !== undefined) return { id: inserted, created: true };
    return { id: this.existingStmt.get(o.idempotencyKey) as number, created: false };
  }

  /** Takes up to `limit` due jobs of one connection (oldest first) and marks them running. */
  claimDueFor(connectionId: number, now: number, limit: number): Job[] {
    if (limit <= 0) return [];
    return this.db
      .transaction(() =>
        (
          this.sql(
            `UPDATE jobs SET state = 'running', attempts = attempts + 1, updated_at = ?
               WHERE id IN (SELECT id FROM jobs WHERE connection_id = ? AND state IN ('queued', 'failed') AND next_run_at <= ? ORDER BY next_run_at, id LIMIT ?)
               RETURNING *`,
          ).all(now, connectionId, now, limit) as JobRow[]
        )
          .sort((a, b) => a.next_run_at - b.next_run_at || a.id - b.id)
          .map(toJob),
      )
      .immediate();
  }

  /** When a connection's next job is due (null: nothing waiting). */
  nextDueAt(connectionId: number): number | null {
    return this.sql(
      "SELECT min(next_run_at) FROM jobs WHERE connection_id = ? AND state IN ('queued', 'failed')",
    )
      .pluck()
      .get(connectionId) as number | null;
  }

  /** Jobs waiting for a later try run now (a person resumed or retried the connection). */
  retryWaitingNow(connectionId: number, now: number): number {
    return this.sql(
      "UPDATE jobs SET next_run_at = ?, updated_at = ? WHERE connection_id = ? AND state = 'failed' AND next_run_at > ?",
    ).run(now, now, connectionId, now).changes;
  }

  succeed(id: number, now: number): void {
    this.sql(
      "UPDATE jobs SET state = 'succeeded', error_class = NULL, error_message = NULL, updated_at = ? WHERE id = ? AND state = 'running'",
    ).run(now, id);
  }

  /**
   * Records a failed try and decides what follows (rules.ts): another try later, the
   * dead-letter queue, or a paused connection (the job waits, queued, for the resume).
   */
  fail(
    id: number,
    f: { errorClass: ErrorClass; message: string; retryAfterMs?: number },
    now: number,
    random: number,
  ): RetryDecision {
    const row = this.sql('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
    if (!row) throw notFound('job_not_found', `There is no job ${id}.`);
    const decision = retryDecision({
      errorClass: f.errorClass,
      attempt: row.attempts,
      random,
      message: f.message,
      ...(f.retryAfterMs !== undefined ? { retryAfterMs: f.retryAfterMs } : {}),
    });
    const [state, nextRunAt] =
      decision.action === 'retry'
        ? ['failed', now + decision.delayMs]
        : decision.action === 'dead_letter'
          ? ['dead', row.next_run_at]
          : ['queued', now];
    this.sql(
      'UPDATE jobs SET state = ?, next_run_at = ?, error_class = ?, error_message = ?, updated_at = ? WHERE id = ?',
    ).run(
      state,
      nextRunAt,
      f.errorClass,
      decision.action === 'dead_letter' ? decision.reason : f.message,
      now,
      id,
    );
    return decision;
  }

  // A relay's sending (a connector whose own link sends its jobs, in order; see
  // ProviderDefinition.deliveredBy): the oldest job not yet done is the head, and nothing
  // after it goes first. A dead head blocks the rest until replayed or dismissed.

  /** The oldest job of the connection not yet delivered or dismissed (null: none). */
  head(connectionId: number): Job | null {
    const row = this.sql(
      `SELECT * FROM jobs WHERE connection_id = ?
         AND (state IN ('queued', 'failed', 'running') OR (state = 'dead' AND dismissed_at IS NULL))
       ORDER BY id LIMIT 1`,
    ).get(connectionId) as JobRow | undefined;
    return row ? toJob(row) : null;
  }

  /** Jobs of the connection not yet delivered or dismissed, oldest first. */
  undelivered(connectionId: number, limit: number): Job[] {
    return (
      this.sql(
        `SELECT * FROM jobs WHERE connection_id = ?
           AND (state IN ('queued', 'failed', 'running') OR (state = 'dead' AND dismissed_at IS NULL))
         ORDER BY id LIMIT ?`,
      ).all(connectionId, limit) as JobRow[]
    ).map(toJob);
  }

  /** How many of the connection's jobs are not yet delivered or dismissed. */
  undeliveredCount(connectionId: number): number {
    return this.sql(
      `SELECT count(*) FROM jobs WHERE connection_id = ?
         AND (state IN ('queued', 'failed', 'running') OR (state = 'dead' AND dismissed_at IS NULL))`,
    )
      .pluck()
      .get(connectionId) as number;
  }

  /** The relay takes a job to send (a try counted). */
  begin(id: number, now: number): void {
    this.sql(
      "UPDATE jobs SET state = 'running', attempts = attempts + 1, updated_at = ? WHERE id = ?",
    ).run(now, id);
  }

  /** The relay's try failed: the job waits for its next try (never dead for an outage). */
  waitAgain(
    id: number,
    f: { errorClass: ErrorClass; message: string },
    nextRunAt: number,
    now: number,
  ): void {
    this.sql(
      // Only the try in hand: a person may have dismissed the job meanwhile.
      "UPDATE jobs SET state = 'failed', next_run_at = ?, error_class = ?, error_message = ?, updated_at = ? WHERE id = ? AND state = 'running'",
    ).run(nextRunAt, f.errorClass, f.message, now, id);
  }

  /** The relay gives up on a job the other side keeps refusing: a dead letter, for a person. */
  deadLetter(id: number, f: { errorClass: ErrorClass; message: string }, now: number): void {
    this.sql(
      "UPDATE jobs SET state = 'dead', error_class = ?, error_message = ?, updated_at = ? WHERE id = ?",
    ).run(f.errorClass, f.message, now, id);
  }

  /** At start: jobs that were running when the process stopped run again (same key). */
  requeueInterrupted(now: number): number {
    return this.sql(
      "UPDATE jobs SET state = 'queued', next_run_at = ?, updated_at = ? WHERE state = 'running'",
    ).run(now, now).changes;
  }

  /** Counts by state for one connection (the health view). */
  counts(connectionId: number): {
    waiting: number;
    retrying: number;
    running: number;
    dead: number;
    oldestWaitingAt: number | null;
  } {
    const r = this.sql(
      `SELECT
           coalesce(sum(state = 'queued'), 0) AS waiting,
           coalesce(sum(state = 'failed'), 0) AS retrying,
           coalesce(sum(state = 'running'), 0) AS running,
           coalesce(sum(state = 'dead' AND dismissed_at IS NULL), 0) AS dead,
           min(CASE WHEN state IN ('queued', 'failed') THEN created_at END) AS oldest
         FROM jobs WHERE connection_id = ?`,
    ).get(connectionId) as {
      waiting: number;
      retrying: number;
      running: number;
      dead: number;
      oldest: number | null;
    };
    return {
      waiting: r.waiting,
      retrying: r.retrying,
      running: r.running,
      dead: r.dead,
      oldestWaitingAt: r.oldest,
    };
  }

  get(id: number): Job | null {
    const row = this.sql('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
    return row ? toJob(row) : null;
  }

  deadLetters(connectionId: number): Job[] {
    return (
      this.sql(
        "SELECT * FROM jobs WHERE connection_id = ? AND state = 'dead' AND dismissed_at IS NULL ORDER BY id",
      ).all(connectionId) as JobRow[]
    ).map(toJob);
  }

  /** Sends dead letters back to the queue for a fresh set of tries (audited). */
  replay(connectionId: number, ids: number[] | 'all', actor: string, now: number): number {
    return this.db
      .transaction(() => {
        const targets = ids === 'all' ? this.deadLetters(connectionId).map((j) => j.id) : ids;
        let n = 0;
        for (const id of targets) {
          n += this.sql(
            "UPDATE jobs SET state = 'queued', attempts = 0, next_run_at = ?, updated_at = ? WHERE id = ? AND connection_id = ? AND state = 'dead' AND dismissed_at IS NULL",
          ).run(now, now, id, connectionId).changes;
        }
        this.audit.record({
          actor,
          action: 'integration.replay',
          entity: 'connection',
          entityId: connectionId,
          payload: { ids: targets, replayed: n },
        });
        return n;
      })
      .immediate();
  }

  /** Takes a dead letter off the list for good, with the reason (audited). */
  dismiss(id: number, reason: string, actor: string, now: number): void {
    this.db
      .transaction(() => {
        const changed = this.sql(
          "UPDATE jobs SET dismissed_at = ?, dismissed_by = ?, dismiss_reason = ?, updated_at = ? WHERE id = ? AND state = 'dead' AND dismissed_at IS NULL",
        ).run(now, actor, reason, now, id).changes;
        if (changed === 0)
          throw notFound('dead_letter_not_found', `Job ${id} is not in the dead-letter queue.`);
        this.audit.record({
          actor,
          action: 'integration.dismiss',
          entity: 'job',
          entityId: id,
          payload: { reason },
        });
      })
      .immediate();
  }

  /** Jobs not yet done for one connection: queued, waiting for a retry, or running. */
  depth(connectionId: number, counts = this.counts(connectionId)): number {
    return counts.waiting + counts.retrying + counts.running;
  }
}
