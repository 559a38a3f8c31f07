// Damaged pages. A quick check at start (bounded: the server answers after at most a moment,
// and a check still running then finishes in the background), the full integrity check in the
// background after start and in every verify. A store that fails either goes read-only
// ("damaged"): /healthz says so with what to do, and every write is refused with that reason.
import type { Clock } from '../clock.ts';
import type { StoreDatabase } from '../db/open.ts';
import { DatabaseOpenError } from '../db/errors.ts';
import { DomainError } from '../errors.ts';
import type { Logger } from '../log/logger.ts';
import { runWorker, workerScript } from '../workers.ts';
import { integrityOf, type IntegrityAnswer } from './integrity-check.ts';
import { describeFinding } from './model.ts';

export type IntegrityStatus =
  | { state: 'checking'; checkedAt: null }
  | { state: 'ok'; checkedAt: string; full: boolean }
  | { state: 'damaged'; checkedAt: string; detail: string; whatToDo: string };

/** Procedures that still run on a damaged store: they write nothing. */
const ALLOWED_WHEN_DAMAGED = new Set(['audit.verify', 'auth.logout']);

export class StoreIntegrity {
  private readonly store: StoreDatabase;
  private readonly clock: Clock;
  private readonly log: Logger;
  private current: IntegrityStatus = { state: 'checking', checkedAt: null };
  private readonly stopping = new AbortController();
  private running = false;

  constructor(store: StoreDatabase, clock: Clock, log: Logger) {
    this.store = store;
    this.clock = clock;
    this.log = log;
  }

  status(): IntegrityStatus {
    return this.current;
  }

  damaged(): boolean {
    return this.current.state === 'damaged';
  }

  /**
   * The quick check, waited for at most `deadlineMs` (a large store finishes it in the
   * background; it turns the store read-only the moment it fails).
   */
  async checkAtStart(deadlineMs = 250): Promise<IntegrityStatus> {
    const running = this.run('quick');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      running,
      new Promise((resolve) => {
        timer = setTimeout(resolve, deadlineMs);
        timer.unref();
      }),
    ]);
    clearTimeout(timer);
    return this.current;
  }

  /** The full integrity check (indexes against tables too). */
  async checkFully(): Promise<IntegrityStatus> {
    await this.run('full');
    return this.current;
  }

  /** Refuses a write while the store is damaged (the API calls it for every mutation). */
  refuseWrites(type: string, path: string): void {
    if (type !== 'mutation' || !this.damaged() || ALLOWED_WHEN_DAMAGED.has(path)) return;
    const s = this.current as Extract<IntegrityStatus, { state: 'damaged' }>;
    throw new DomainError('unavailable', 'store_damaged', s.whatToDo);
  }

  /**
   * The services are built: a damaged store is made read-only now (and at once if the check
   * fails later). Not before: starting up writes a little (stale exports marked failed).
   */
  started(): void {
    this.running = true;
    this.lockIfDamaged();
  }

  /**
   * Starting failed: on a damaged file (or an error SQLite gives only for one), the refusal
   * says what was found and how to restore.
   */
  explainStartFailure(error: unknown): unknown {
    const code = String((error as { code?: unknown }).code ?? '');
    const corrupt = code.startsWith('SQLITE_CORRUPT') || code.startsWith('SQLITE_NOTADB');
    if (!this.damaged() && !corrupt) return error;
    const detail =
      this.current.state === 'damaged'
        ? this.current.detail
        : error instanceof Error
          ? error.message
          : String(error);
    return new DatabaseOpenError('corrupt', describeFinding({ kind: 'database_damaged', detail }));
  }

  stop(): void {
    this.stopping.abort(new Error('The store is closing.'));
  }

  private async run(how: 'quick' | 'full'): Promise<void> {
    const answer = await this.answer(how).catch((error: unknown): IntegrityAnswer | null =>
      this.stopping.signal.aborted ? null : { ok: false, detail: String(error) },
    );
    if (!answer || this.damaged()) return;
    const checkedAt = new Date(this.clock.now()).toISOString();
    if (answer.ok) {
      this.current = {
        state: 'ok',
        checkedAt,
        full: how === 'full' || (this.current.state === 'ok' && this.current.full),
      };
      return;
    }
    this.current = {
      state: 'damaged',
      checkedAt,
      detail: answer.detail,
      whatToDo: describeFinding({ kind: 'database_damaged', detail: answer.detail }),
    };
    this.log.error(`The store database is damaged (${answer.detail}); it is read-only now`);
    this.lockIfDamaged();
  }

  /** Nothing writes to a damaged file: not a screen, not a timer, not a worker. */
  private lockIfDamaged(): void {
    if (this.running && this.damaged() && this.store.db.open)
      this.store.db.pragma('query_only = ON');
  }

  /** On a thread of its own where one can start; on this thread otherwise. */
  private async answer(how: 'quick' | 'full'): Promise<IntegrityAnswer> {
    const script = workerScript(import.meta.url, 'verify-worker');
    if (!script) return integrityOf(this.store.db, how);
    try {
      return await runWorker<IntegrityAnswer>(
        script,
        { ...this.store.keyMaterial, integrity: how },
        this.stopping.signal,
      );
    } catch (error) {
      if (this.stopping.signal.aborted) throw error;
      this.log.warn('The integrity check thread failed; checking on the main thread', {
        error: String(error),
      });
      return integrityOf(this.store.db, how);
    }
  }
}
