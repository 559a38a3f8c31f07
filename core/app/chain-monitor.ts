import type { AuditLog } from '../audit/repo.ts';
import { verifyChainInParallel } from '../audit/verify-parallel.ts';
import type { Clock } from '../clock.ts';
import type { StoreDatabase } from '../db/open.ts';

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

  constructor(store: StoreDatabase, audit: AuditLog, clock: Clock) {
    this.store = store;
    this.audit = audit;
    this.clock = clock;
    this.verdict = { state: 'verifying', length: audit.head().seq, checkedAt: null };
  }

  status(): ChainStatus & { head: number } {
    return { ...this.verdict, head: this.audit.head().seq };
  }

  /** Runs (or joins) a verification in slices. */
  verify(): Promise<ChainStatus> {
    this.running ??= verifyChainInParallel(this.store, this.audit)
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
        return this.verdict;
      })
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }
}
