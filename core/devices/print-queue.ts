// The print queue: every receipt, label and test page goes through it. Jobs live in SQLite,
// so they survive a restart; the idempotency key is unique, so the same receipt is queued
// once however often it is asked for; each printer prints its jobs one at a time, in the
// order they were queued. A printer that is offline or out of paper holds its queue and is
// tried again (sooner when its health check sees it back); a job cut off mid-print is never
// resent on its own (it may have printed): someone decides to print it again or cancel it.
import type { AuditLog } from '../audit/repo.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/open.ts';
import { preparedFor, type Statement } from '../db/statements.ts';
import { conflict, notFound } from '../errors.ts';
import type { Logger } from '../log/logger.ts';
import { labelSchema, receiptSchema, type Label, type Receipt } from './model.ts';
import { DeviceError, type DeviceErrorCode } from './ports.ts';

export type PrintKind = 'receipt' | 'label' | 'test_page';
export type PrintState = 'queued' | 'printing' | 'printed' | 'held' | 'cancelled';

/** What a job prints: a receipt, a label, or a test page with a title. */
export type PrintDocument =
  | { kind: 'receipt'; receipt: Receipt }
  | { kind: 'label'; label: Label }
  | { kind: 'test_page'; title: string };

export interface PrintJob {
  id: number;
  deviceId: number;
  kind: PrintKind;
  idempotencyKey: string;
  copies: number;
  reprintOf: number | null;
  state: PrintState;
  attempts: number;
  nextTryAt: number;
  errorCode: string | null;
  error: string | null;
  requestedBy: string;
  createdAt: number;
  printedAt: number | null;
  /** A line to recognise the job by: the receipt's total and sale, the label's text. */
  summary: string;
}

interface Row {
  id: number;
  device_id: number;
  kind: PrintKind;
  idempotency_key: string;
  document: string;
  copies: number;
  reprint_of: number | null;
  state: PrintState;
  attempts: number;
  next_try_at: number;
  error_code: string | null;
  error: string | null;
  requested_by: string;
  created_at: number;
  printed_at: number | null;
}

/** The device that prints a job; the service opens drivers, the queue only asks. */
export type PrintOnDevice = (
  deviceId: number,
  document: PrintDocument,
  copies: number,
) => Promise<void>;

/** A job cut off by a stop: it may have printed, so it waits for a person. */
const INTERRUPTED = 'interrupted';
/** Any error that is not the printer being away: wait for a person too. */
const NEEDS_DECISION = 'failed';
/** Worth trying again by themselves: the printer is away, not the job wrong. */
const RETRYABLE: ReadonlySet<DeviceErrorCode> = new Set([
  'offline',
  'paper_out',
  'cover_open',
  'timeout',
]);

function parseDocument(kind: PrintKind, raw: string): PrintDocument {
  const v = JSON.parse(raw) as unknown;
  if (kind === 'receipt') return { kind, receipt: receiptSchema.parse(v) };
  if (kind === 'label') return { kind, label: labelSchema.parse(v) };
  return { kind, title: String((v as { title?: unknown }).title ?? 'Test page') };
}

function summaryOf(d: PrintDocument): string {
  if (d.kind === 'test_page') return d.title;
  if (d.kind === 'label')
    return d.label.template === 'shelf'
      ? `${d.label.description} · ${(d.label.price / 100).toFixed(2)}`
      : `${d.label.manufacturer} ${d.label.model} · ${d.label.serial}`;
  const total = d.receipt.totals.at(-1);
  return [d.receipt.meta[0], total && `${total.label} ${(total.amount / 100).toFixed(2)}`]
    .filter(Boolean)
    .join(' · ');
}

const toJob = (r: Row): PrintJob => ({
  id: r.id,
  deviceId: r.device_id,
  kind: r.kind,
  idempotencyKey: r.idempotency_key,
  copies: r.copies,
  reprintOf: r.reprint_of,
  state: r.state,
  attempts: r.attempts,
  nextTryAt: r.next_try_at,
  errorCode: r.error_code,
  error: r.error,
  requestedBy: r.requested_by,
  createdAt: r.created_at,
  printedAt: r.printed_at,
  summary: summaryOf(parseDocument(r.kind, r.document)),
});

export interface PrintQueueOptions {
  db: Db;
  audit: AuditLog;
  clock: Clock;
  log: Logger;
  print: PrintOnDevice;
  /** Told when a job changes (screens refresh). */
  onChange?: () => void;
  /** First wait after a failed try, doubling up to `maxBackoffMs`. */
  firstBackoffMs?: number;
  maxBackoffMs?: number;
}

export class PrintQueue {
  private readonly db: Db;
  private readonly sql: (sql: string) => Statement;
  private readonly audit: AuditLog;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly print: PrintOnDevice;
  private readonly onChange: () => void;
  private readonly firstBackoffMs: number;
  private readonly maxBackoffMs: number;
  /** Devices with a job on the wire: one at a time per printer keeps the order. */
  private readonly busy = new Map<number, Promise<void>>();
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  /** The database is closing: a job still on the wire is left "printing" (held at next start). */
  private halted = false;

  constructor(o: PrintQueueOptions) {
    this.db = o.db;
    this.sql = preparedFor(o.db);
    this.audit = o.audit;
    this.clock = o.clock;
    this.log = o.log;
    this.print = o.print;
    this.onChange = o.onChange ?? (() => {});
    this.firstBackoffMs = o.firstBackoffMs ?? 2_000;
    this.maxBackoffMs = o.maxBackoffMs ?? 30_000;
  }

  /**
   * Queues a job once per key: asking again for the same key returns the job already queued
   * (printed or not) and prints nothing more.
   */
  enqueue(
    actor: string,
    o: { deviceId: number; key: string; document: PrintDocument; copies?: number },
  ): { job: PrintJob; queued: boolean } {
    const doc = o.document;
    const body =
      doc.kind === 'receipt'
        ? receiptSchema.parse(doc.receipt)
        : doc.kind === 'label'
          ? labelSchema.parse(doc.label)
          : { title: doc.title };
    const now = this.clock.now();
    const id = this.sql(
      `INSERT INTO print_jobs (device_id, kind, idempotency_key, document, copies, state, next_try_at, requested_by, created_at)
       VALUES (?, ?, ?, ?, ?, 'queued', ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`,
    )
      .pluck()
      .get(o.deviceId, doc.kind, o.key, JSON.stringify(body), o.copies ?? 1, now, actor, now) as
      number | undefined;
    const job = this.byKey(o.key);
    if (id !== undefined) {
      this.onChange();
      this.wake();
    }
    return { job, queued: id !== undefined };
  }

  /** Prints a job again on purpose (audited): a new job after the original. */
  reprint(actor: string, jobId: number, reason: string): PrintJob {
    const original = this.row(jobId);
    if (original.state !== 'printed')
      throw conflict(
        'not_printed',
        `Job ${jobId} has not printed (it is ${original.state}): ${original.state === 'cancelled' ? 'it was cancelled' : 'wait for it or cancel it'} instead of reprinting.`,
      );
    const n =
      (this.sql('SELECT count(*) FROM print_jobs WHERE reprint_of = ?')
        .pluck()
        .get(jobId) as number) + 1;
    const now = this.clock.now();
    const id = Number(
      this.sql(
        `INSERT INTO print_jobs (device_id, kind, idempotency_key, document, copies, reprint_of, state, next_try_at, requested_by, created_at)
         VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?)`,
      ).run(
        original.device_id,
        original.kind,
        `${original.idempotency_key}#reprint-${n}`,
        original.document,
        original.copies,
        jobId,
        now,
        actor,
        now,
      ).lastInsertRowid,
    );
    this.audit.record({
      actor,
      action: 'device.reprint',
      entity: 'print_job',
      entityId: jobId,
      payload: { reprint: id, reason },
    });
    this.onChange();
    this.wake();
    return this.get(id);
  }

  /** Cancels a job that has not printed (audited). */
  cancel(actor: string, jobId: number, reason: string): PrintJob {
    const job = this.row(jobId);
    if (job.state === 'printed' || job.state === 'cancelled' || job.state === 'printing')
      throw conflict(
        'cannot_cancel',
        job.state === 'printing'
          ? `Job ${jobId} is printing right now: wait for it to finish.`
          : `Job ${jobId} is already ${job.state}.`,
      );
    const now = this.clock.now();
    this.sql(
      "UPDATE print_jobs SET state = 'cancelled', cancelled_by = ?, cancelled_at = ? WHERE id = ?",
    ).run(actor, now, jobId);
    this.audit.record({
      actor,
      action: 'device.print_cancel',
      entity: 'print_job',
      entityId: jobId,
      payload: { reason, state: job.state, error: job.error_code },
    });
    this.onChange();
    this.wake();
    return this.get(jobId);
  }

  /** Tries a held job now: after a person checked an interrupted one, or fixed the printer. */
  retryNow(actor: string, jobId: number): PrintJob {
    const job = this.row(jobId);
    if (job.state !== 'held')
      throw conflict('not_held', `Job ${jobId} is ${job.state}: only a held job can be retried.`);
    this.sql(
      "UPDATE print_jobs SET state = 'queued', next_try_at = ?, error_code = NULL, error = NULL WHERE id = ?",
    ).run(this.clock.now(), jobId);
    this.audit.record({
      actor,
      action: 'device.print_retry',
      entity: 'print_job',
      entityId: jobId,
      payload: { error: job.error_code },
    });
    this.onChange();
    this.wake();
    return this.get(jobId);
  }

  /** A printer came back: its held jobs (those waiting for the printer) try now. */
  printerBack(deviceId: number): void {
    const changed = this.sql(
      `UPDATE print_jobs SET next_try_at = ? WHERE device_id = ? AND state = 'held'
         AND error_code NOT IN ('${INTERRUPTED}', '${NEEDS_DECISION}') AND next_try_at > ?`,
    ).run(this.clock.now(), deviceId, this.clock.now()).changes;
    if (changed > 0) this.wake();
  }

  get(id: number): PrintJob {
    return toJob(this.row(id));
  }

  /** A device's jobs, newest first. */
  jobs(deviceId: number, limit = 50): PrintJob[] {
    return (
      this.sql('SELECT * FROM print_jobs WHERE device_id = ? ORDER BY id DESC LIMIT ?').all(
        deviceId,
        limit,
      ) as Row[]
    ).map(toJob);
  }

  /** Jobs not yet printed or cancelled, per device. */
  waiting(): Map<number, { waiting: number; held: number }> {
    const rows = this.sql(
      `SELECT device_id, count(*) AS waiting, sum(state = 'held') AS held FROM print_jobs
       WHERE state IN ('queued', 'printing', 'held') GROUP BY device_id`,
    ).all() as { device_id: number; waiting: number; held: number }[];
    return new Map(rows.map((r) => [r.device_id, { waiting: r.waiting, held: r.held }]));
  }

  /** Holds what a stop cut off mid-print, then works until stopped. */
  start(): void {
    const interrupted = this.sql(
      `UPDATE print_jobs SET state = 'held', error_code = '${INTERRUPTED}',
         error = 'The store server stopped while this was printing. Check whether it came out, then print it again or cancel it.'
       WHERE state = 'printing'`,
    ).run().changes;
    if (interrupted > 0)
      this.log.warn('Print jobs cut off by the last stop are held for a decision', {
        interrupted,
      });
    this.running = true;
    this.wake();
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Stops for good before the database closes; nothing more is written. */
  halt(): void {
    this.stop();
    this.halted = true;
  }

  /** Waits until nothing is due (tests and benchmarks). */
  async runUntilIdle(): Promise<void> {
    for (;;) {
      this.pump();
      const inFlight = [...this.busy.values()];
      if (inFlight.length === 0) return;
      await Promise.all(inFlight);
    }
  }

  /** Looks for work now (after a change), then at the next due time. */
  wake(): void {
    if (!this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.pump();
      this.schedule();
    }, 0);
  }

  private schedule(): void {
    if (!this.running || this.timer) return;
    const next = this.sql(
      `SELECT min(next_try_at) FROM print_jobs WHERE state IN ('queued', 'held')
         AND coalesce(error_code, '') NOT IN ('${INTERRUPTED}', '${NEEDS_DECISION}')`,
    )
      .pluck()
      .get() as number | null;
    if (next === null) return;
    // At most a minute: a clock moved by a test or a sleep is noticed soon enough.
    const wait = Math.min(60_000, Math.max(0, next - this.clock.now()));
    this.timer = setTimeout(() => {
      this.timer = null;
      this.pump();
      this.schedule();
    }, wait);
  }

  /** Starts the head job of each idle printer, if it is due. */
  private pump(): void {
    const heads = this.sql(
      `SELECT j.* FROM print_jobs j WHERE j.id IN (
         SELECT min(id) FROM print_jobs WHERE state IN ('queued', 'printing', 'held') GROUP BY device_id)`,
    ).all() as Row[];
    const now = this.clock.now();
    for (const head of heads) {
      if (this.busy.has(head.device_id)) continue;
      // The head blocks its printer's queue: later jobs never print before it.
      if (head.state === 'printing') continue;
      if (
        head.state === 'held' &&
        (head.error_code === INTERRUPTED || head.error_code === NEEDS_DECISION)
      )
        continue;
      if (head.next_try_at > now) continue;
      const run = this.send(head).finally(() => {
        this.busy.delete(head.device_id);
        if (this.running) this.wake();
      });
      this.busy.set(head.device_id, run);
    }
  }

  private async send(job: Row): Promise<void> {
    this.sql("UPDATE print_jobs SET state = 'printing', attempts = attempts + 1 WHERE id = ?").run(
      job.id,
    );
    this.onChange();
    try {
      await this.print(job.device_id, parseDocument(job.kind, job.document), job.copies);
      if (this.halted) return;
      this.sql(
        "UPDATE print_jobs SET state = 'printed', printed_at = ?, error_code = NULL, error = NULL WHERE id = ?",
      ).run(this.clock.now(), job.id);
    } catch (error) {
      if (this.halted) return;
      const retry = error instanceof DeviceError && RETRYABLE.has(error.code);
      const wait = Math.min(
        this.maxBackoffMs,
        this.firstBackoffMs * 2 ** Math.min(job.attempts, 16),
      );
      const message = error instanceof Error ? error.message : String(error);
      if (!retry)
        this.log.error('A print job failed and waits for a decision', {
          job: job.id,
          error: message,
        });
      this.sql(
        "UPDATE print_jobs SET state = 'held', error_code = ?, error = ?, next_try_at = ? WHERE id = ?",
      ).run(
        retry ? (error as DeviceError).code : NEEDS_DECISION,
        message,
        this.clock.now() + wait,
        job.id,
      );
    }
    this.onChange();
  }

  private row(id: number): Row {
    const r = this.sql('SELECT * FROM print_jobs WHERE id = ?').get(id) as Row | undefined;
    if (!r) throw notFound('print_job_not_found', `There is no print job ${id}.`);
    return r;
  }

  private byKey(key: string): PrintJob {
    return toJob(this.sql('SELECT * FROM print_jobs WHERE idempotency_key = ?').get(key) as Row);
  }
}
