// The workers: take due jobs of active connections within each connection's limits (jobs at
// once, jobs per second), let the provider's adapter perform them, and record the outcomes in
// batches — the job's next state, the connection's lifecycle, and the sync log. A crash
// between a delivery and its record leaves the job "running": it is re-queued at start and
// sent again with the same idempotency key, so the provider applies it once.
import type { Clock } from '../clock.ts';
import type { Db } from '../db/open.ts';
import type { Logger } from '../log/logger.ts';
import type { AdapterContext, JobOutcome, ProviderAdapter } from './adapter.ts';
import type { Connection, ConnectionService } from './connections.ts';
import type { Dispatcher } from './dispatcher.ts';
import type { Job, JobQueue } from './jobs.ts';
import type { Mappings } from './mappings.ts';
import type { SettingValue } from './model.ts';
import { RECORDS_PER_RUN, type RecordOutcome, type SyncLog, type SyncRecord } from './sync-log.ts';

interface Finished {
  job: Job;
  outcome: JobOutcome;
  at: number;
}

interface OpenRun {
  connectionId: number;
  feature: string;
  direction: 'outbound' | 'inbound' | 'both';
  trigger: string;
  startedAt: number;
  pushed: number;
  pulled: number;
  errors: number;
  lastError: string | null;
  records: SyncRecord[];
}

/** A run stays open while its queue drains, but is written at least this often. */
const MAX_RUN_MS = 60_000;

export class JobRunner {
  private readonly db: Db;
  private readonly jobs: JobQueue;
  private readonly connections: ConnectionService;
  private readonly dispatcher: Dispatcher;
  private readonly mappings: Mappings;
  private readonly syncLog: SyncLog;
  private readonly adapters: ReadonlyMap<string, ProviderAdapter>;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly log: Logger;
  private readonly pollMs: number;
  private readonly onRecorded: () => void;

  private readonly inflight = new Map<number, number>();
  private readonly buckets = new Map<number, { tokens: number; at: number }>();
  private readonly settings = new Map<number, Promise<Record<string, SettingValue>>>();
  private readonly runs = new Map<string, OpenRun>();
  private finished: Finished[] = [];
  private settled: (() => void)[] = [];
  private readonly stopping = new AbortController();
  private running = false;
  private timer: NodeJS.Timeout | null = null;
  private pumpQueued = false;
  /** New events may wait in the outbox: the next pump fans them out. */
  private eventsPending = true;
  private recordedSomething = false;

  constructor(o: {
    db: Db;
    jobs: JobQueue;
    connections: ConnectionService;
    dispatcher: Dispatcher;
    mappings: Mappings;
    syncLog: SyncLog;
    adapters: ReadonlyMap<string, ProviderAdapter>;
    clock: Clock;
    log: Logger;
    random?: () => number;
    pollMs?: number;
    /** Told after outcomes are recorded (screens refresh). */
    onRecorded?: () => void;
  }) {
    this.db = o.db;
    this.jobs = o.jobs;
    this.connections = o.connections;
    this.dispatcher = o.dispatcher;
    this.mappings = o.mappings;
    this.syncLog = o.syncLog;
    this.adapters = o.adapters;
    this.clock = o.clock;
    this.random = o.random ?? Math.random;
    this.log = o.log;
    this.pollMs = o.pollMs ?? 1_000;
    this.onRecorded = o.onRecorded ?? (() => {});
  }

  /** Re-queues what a crash interrupted, then works until stopped. */
  start(): void {
    const requeued = this.jobs.requeueInterrupted(this.clock.now());
    if (requeued)
      this.log.info('Re-queued integration jobs interrupted by the last stop', { requeued });
    this.running = true;
    this.wake();
  }

  /** Something may be due (an event was published, settings changed): pump soon. */
  wake(): void {
    this.eventsPending = true;
    this.schedule(0);
  }

  /** Settings changed: the next job reads them again. */
  forget(connectionId: number): void {
    this.settings.delete(connectionId);
  }

  /**
   * Stops at once (the database is about to close): jobs in flight stay "running" and are
   * re-queued at the next start, to be sent again under the same idempotency key.
   */
  halt(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.stopping.abort();
  }

  /** Waits for jobs in flight and records them; nothing new starts. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.stopping.abort();
    while (this.inFlightTotal() > 0) await this.nextSettle();
    this.record(true);
  }

  /**
   * For tests and benchmarks: works (at the clock's current time) until nothing is due or in
   * flight, then records everything.
   */
  async runUntilIdle(): Promise<void> {
    this.eventsPending = true;
    for (;;) {
      const launched = this.pump();
      if (launched === 0 && this.inFlightTotal() === 0 && this.finished.length === 0) break;
      if (this.inFlightTotal() > 0) {
        await this.nextSettle();
        await this.batchWindow();
      }
    }
    this.record(false);
  }

  private schedule(ms: number): void {
    if (!this.running) return;
    if (this.timer) {
      if (ms > 0) return; // a pump is already coming
      clearTimeout(this.timer);
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      this.loop();
    }, ms);
  }

  private loop(): void {
    if (!this.running) return;
    try {
      this.pump();
      this.schedule(Math.max(5, Math.min(this.pollMs, this.untilNextDue())));
    } catch (error) {
      this.log.error('The integration workers hit an error; they carry on', {
        error: String(error),
      });
      this.schedule(this.pollMs);
    }
  }

  /**
   * One step, in one transaction: record what finished, fan out new events, and claim what
   * may start now within each connection's limits. Jobs start after the commit, so a claim
   * is on disk before anything is sent. Returns how many jobs it started.
   */
  private pump(): number {
    const started: [Connection, Job][] = [];
    this.db
      .transaction(() => {
        this.recordFinished();
        if (this.eventsPending) {
          this.eventsPending = false;
          this.dispatcher.fanOut();
        }
        for (const c of this.activeConnections()) {
          const limits = this.connections.limits(c);
          const free = limits.concurrency - (this.inflight.get(c.id) ?? 0);
          if (free <= 0) continue;
          const allowed = this.take(c, limits.perSecond, free);
          const claimed = this.jobs.claimDueFor(c.id, this.clock.now(), allowed);
          this.giveBack(c.id, allowed - claimed.length);
          for (const job of claimed) started.push([c, job]);
        }
        this.closeRuns(false);
      })
      .immediate();
    for (const [c, job] of started) this.launch(c, job);
    if (this.recordedSomething) {
      this.recordedSomething = false;
      this.onRecorded();
    }
    return started.length;
  }

  /** Records outside a pump (stopping): outcomes and open runs. */
  private record(all: boolean): void {
    this.db
      .transaction(() => {
        this.recordFinished();
        this.closeRuns(all);
      })
      .immediate();
    if (this.recordedSomething) {
      this.recordedSomething = false;
      this.onRecorded();
    }
  }

  private inFlightTotal(): number {
    let n = 0;
    for (const v of this.inflight.values()) n += v;
    return n;
  }

  /**
   * How long to let answers gather before recording them: at once when at least half of
   * what was in flight has answered, else a millisecond (so the rest can land in the batch).
   */
  private batchWindow(): Promise<void> {
    const gathered = this.finished.length >= this.inFlightTotal();
    return new Promise((r) => (gathered ? setImmediate(r) : setTimeout(r, 1)));
  }

  private nextSettle(): Promise<void> {
    return new Promise((resolve) => this.settled.push(resolve));
  }

  /** Active connections whose jobs the workers send (a relay sends its own). */
  private activeConnections(): Connection[] {
    return this.connections
      .list()
      .filter(
        (c) =>
          c.state === 'active' && this.connections.provider(c.provider).deliveredBy === 'workers',
      );
  }

  /** Tokens for a connection's per-second limit (a bucket holding one second's worth). */
  private take(c: Connection, perSecond: number, wanted: number): number {
    const now = this.clock.now();
    const b = this.buckets.get(c.id) ?? { tokens: perSecond, at: now };
    b.tokens = Math.min(perSecond, b.tokens + ((now - b.at) * perSecond) / 1000);
    b.at = now;
    const got = Math.max(0, Math.min(wanted, Math.floor(b.tokens)));
    b.tokens -= got;
    this.buckets.set(c.id, b);
    return got;
  }

  private giveBack(connectionId: number, n: number): void {
    const b = this.buckets.get(connectionId);
    if (b) b.tokens += n;
  }

  private untilNextDue(): number {
    let soonest = Number.POSITIVE_INFINITY;
    const now = this.clock.now();
    for (const c of this.activeConnections()) {
      const due = this.jobs.nextDueAt(c.id);
      if (due !== null) soonest = Math.max(0, Math.min(soonest, due - now));
    }
    return soonest;
  }

  private launch(c: Connection, job: Job): void {
    this.inflight.set(c.id, (this.inflight.get(c.id) ?? 0) + 1);
    void this.perform(c, job)
      .catch((error: unknown): JobOutcome => ({
        ok: false,
        errorClass: 'network',
        message: `The connector failed unexpectedly: ${String(error)}`,
      }))
      .then((outcome) => {
        this.inflight.set(c.id, (this.inflight.get(c.id) ?? 1) - 1);
        this.finished.push({ job, outcome, at: this.clock.now() });
        const waiting = this.settled;
        this.settled = [];
        for (const w of waiting) w();
        // Outcomes are recorded (and freed slots refilled) in batches: one transaction, one
        // disk sync, for every answer that lands within a millisecond or so.
        if (this.running && !this.pumpQueued) {
          this.pumpQueued = true;
          void this.batchWindow().then(() => {
            this.pumpQueued = false;
            this.loop();
          });
        }
      });
  }

  private async perform(c: Connection, job: Job): Promise<JobOutcome> {
    const adapter = this.adapters.get(c.provider);
    const provider = this.connections.provider(c.provider);
    if (!adapter)
      return {
        ok: false,
        errorClass: 'validation',
        message: `${provider.name} is not available in this version of Backroom.`,
      };
    let settings = this.settings.get(c.id);
    if (!settings) {
      settings = this.connections.resolvedSettings(c.id);
      this.settings.set(c.id, settings);
      settings.catch(() => this.settings.delete(c.id));
    }
    const ctx: AdapterContext = {
      connection: c,
      provider,
      settings: await settings,
      mapping: (group, code) => this.mappings.lookup(c.id, group, code, this.clock.now()),
      signal: this.stopping.signal,
      now: () => this.clock.now(),
    };
    return adapter.perform(job, ctx);
  }

  /** Records finished jobs (inside the pump's transaction): job state, lifecycle, the run. */
  private recordFinished(): void {
    if (this.finished.length === 0) return;
    const batch = this.finished;
    this.finished = [];
    this.recordedSomething = true;
    for (const { job, outcome, at } of batch) {
      let record: RecordOutcome = 'success';
      let message: string | null = null;
      if (outcome.ok) {
        this.jobs.succeed(job.id, at);
        this.connections.recordJobOutcome(job.connectionId, { type: 'job_succeeded' });
      } else {
        const decision = this.jobs.fail(
          job.id,
          {
            errorClass: outcome.errorClass,
            message: outcome.message,
            ...(outcome.retryAfterMs !== undefined ? { retryAfterMs: outcome.retryAfterMs } : {}),
          },
          at,
          this.random(),
        );
        record =
          decision.action === 'retry'
            ? 'retrying'
            : decision.action === 'dead_letter'
              ? 'dead'
              : 'paused';
        message = decision.action === 'dead_letter' ? decision.reason : outcome.message;
        this.connections.recordJobOutcome(job.connectionId, {
          type: 'job_failed',
          errorClass: outcome.errorClass,
        });
      }
      this.note(job, outcome, record, message, at);
    }
  }

  private note(
    job: Job,
    outcome: JobOutcome,
    record: RecordOutcome,
    message: string | null,
    at: number,
  ): void {
    const feature = job.feature ?? job.kind;
    const key = `${job.connectionId}:${feature}`;
    let run = this.runs.get(key);
    if (!run) {
      const provider = this.connections.provider(this.connections.get(job.connectionId).provider);
      const f = provider.features.find((x) => x.key === job.feature);
      run = {
        connectionId: job.connectionId,
        feature,
        direction: f?.direction ?? 'outbound',
        trigger:
          job.attempts > 1
            ? 'retry'
            : ((job.payload as { trigger?: string } | null)?.trigger ?? 'on_event'),
        startedAt: at,
        pushed: 0,
        pulled: 0,
        errors: 0,
        lastError: null,
        records: [],
      };
      this.runs.set(key, run);
    }
    if (outcome.ok) {
      run.pushed += outcome.pushed ?? 0;
      run.pulled += outcome.pulled ?? 0;
    } else {
      run.errors++;
      run.lastError = message;
    }
    const payload = job.payload as { event?: { type?: string; uid?: string } };
    if (run.records.length >= RECORDS_PER_RUN) return;
    run.records.push({
      jobId: job.id,
      record: payload.event ? `${payload.event.type} ${payload.event.uid}` : job.idempotencyKey,
      outcome: record,
      message,
    });
  }

  /** Writes runs whose connection has drained (or that have been open too long). */
  private closeRuns(all: boolean): void {
    if (this.runs.size === 0) return;
    const now = this.clock.now();
    for (const [key, run] of this.runs) {
      const busy = (this.inflight.get(run.connectionId) ?? 0) > 0;
      const due = this.jobs.nextDueAt(run.connectionId);
      const drained = !busy && (due === null || due > now);
      if (!all && !drained && now - run.startedAt < MAX_RUN_MS) continue;
      this.runs.delete(key);
      this.syncLog.record({
        connectionId: run.connectionId,
        feature: run.feature,
        direction: run.direction,
        trigger: run.trigger,
        pushed: run.pushed,
        pulled: run.pulled,
        errors: run.errors,
        message:
          run.errors > 0
            ? `${run.errors} failed${run.lastError ? `; last: ${run.lastError}` : ''}`
            : null,
        startedAt: run.startedAt,
        durationMs: Math.max(0, now - run.startedAt),
        records: run.records,
      });
    }
  }
}
