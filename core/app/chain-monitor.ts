import type { AuditLog } from '../audit/repo.ts';
import { verifyChainInParallel } from '../audit/verify-parallel.ts';
import type { Clock } from '../clock.ts';
import type { StoreDatabase } from '../db/open.ts';
import type { Logger } from '../log/logger.ts';

export type ChainStatus =
  | { state: 'verifying'; length: number; checkedAt: null }
  | { state: 'ok'; length: number; checkedAt: string }
  | { state: 'broken'; length: number; checkedAt: string; brokenAt: number; reason: string };

/**
 * Keeps the audit chain's last verdict. Verification runs on worker threads after start-up
 * so the server answers /healthz at once even with millions of entries.
 */
export class ChainMonitor {
  private verdict: ChainStatus;
  private readonly audit: AuditLog;
  private readonly store: StoreDatabase;
  private readonly clock: Clock;
  private running: Promise<ChainStatus> | null = null;
  private readonly stopping = new AbortController();
  private readonly log: Logger;

  constructor(store: StoreDatabase, audit: AuditLog, clock: Clock, log: Logger) {
    this.store = store;
    this.log = log;
    this.audit = audit;
    this.clock = clock;
    this.verdict = { state: 'verifying', length: audit.head().seq, checkedAt: null };
  }

  status(): ChainStatus & { head: number } {
    return { ...this.verdict, head: this.audit.head().seq };
  }

  /** Runs (or joins) a verification. Never rejects: a failure keeps the last verdict. */
  verify(): Promise<ChainStatus> {
    this.running ??= verifyChainInParallel(this.store, this.audit, {
      signal: this.stopping.signal,
      onThreadFailure: (e) =>
        this.log.warn('Audit verification threads failed; verifying on the main thread instead', {
          error: String(e),
        }),
    })
      .then((r) => {
        const checkedAt = new Date(this.clock.now()).toISOString();
        this.verdict = r.ok
          ? { state: 'ok', length: r.length, checkedAt }
          : {
              state: 'broken',
              length: r.length,
              checkedAt,
              brokenAt: r.brokenAt,
              reason: r.reason,
            };
        if (r.ok === false)
          this.log.error(`Audit chain broken at entry ${r.brokenAt}: ${r.reason}`);
        return this.verdict;
      })
      .catch((error: unknown) => {
        if (!this.stopping.signal.aborted)
          this.log.error('Audit verification failed', { error: String(error) });
        return this.verdict;
      })
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  /**
   * Stops a verification under way (the store is closing): the sliced walk checks before each
   * slice, so it never touches the closed connection; worker threads are terminated.
   */
  stop(): void {
    this.stopping.abort(new Error('The store is closing.'));
  }
}
