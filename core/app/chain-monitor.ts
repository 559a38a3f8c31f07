import type { AnchorKeeper } from '../audit/anchor.ts';
import type { StoreIntegrity } from '../audit/integrity.ts';
import { describeFinding, type TamperFinding, type VerifyResult } from '../audit/model.ts';
import { verifyRecords } from '../audit/records.ts';
import type { AuditLog } from '../audit/repo.ts';
import { checkTriggers } from '../audit/triggers.ts';
import { verifyChainInParallel } from '../audit/verify-parallel.ts';
import type { Clock } from '../clock.ts';
import type { StoreDatabase } from '../db/open.ts';
import type { Logger } from '../log/logger.ts';

/** What the last verification found beyond the chain's own links (docs/tamper-evidence.md). */
export interface TamperReport {
  findings: TamperFinding[];
  /** Findings beyond those listed. */
  more: number;
  /** Regulated rows re-read and compared (null until the first full verification). */
  recordsChecked: number | null;
  /** Rows written but not yet covered by an audit entry (the next entry takes them). */
  recordsWaiting: number | null;
}

export type ChainStatus = (
  | { state: 'verifying'; length: number; checkedAt: null }
  | { state: 'ok'; length: number; checkedAt: string }
  | { state: 'broken'; length: number; checkedAt: string; brokenAt: number; reason: string }
) & { tamper: TamperReport };

export interface TamperChecks {
  anchor: AnchorKeeper;
  integrity: StoreIntegrity;
}

/** The entry a finding points at, for the screens' "broken at entry N". */
function seqOf(f: TamperFinding, head: number): number {
  switch (f.kind) {
    case 'record_changed':
    case 'record_deleted':
    case 'record_rehashed':
    case 'record_hashes_altered':
      return f.seq;
    case 'log_truncated':
    case 'log_replaced':
      return f.anchoredSeq;
    default:
      return head;
  }
}

/**
 * Keeps the audit chain's last verdict, with the tamper checks: the chain head against its
 * anchor outside the file, the append-only triggers, every regulated row against its hash,
 * and SQLite's full integrity check. Verification runs off the request path after start-up
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
  private readonly checks: TamperChecks | null;
  /** Found at start (anchor, triggers), shown until the next verification. */
  private startFindings: TamperFinding[] = [];

  constructor(
    store: StoreDatabase,
    audit: AuditLog,
    clock: Clock,
    log: Logger,
    checks: TamperChecks | null = null,
  ) {
    this.store = store;
    this.log = log;
    this.audit = audit;
    this.clock = clock;
    this.checks = checks;
    this.verdict = {
      state: 'verifying',
      length: audit.head().seq,
      checkedAt: null,
      tamper: { findings: [], more: 0, recordsChecked: null, recordsWaiting: null },
    };
  }

  status(): ChainStatus & { head: number } {
    const head = this.store.db.open ? this.audit.head().seq : this.verdict.length;
    if (this.verdict.state !== 'verifying' || this.startFindings.length === 0)
      return { ...this.verdict, head };
    return {
      ...this.verdict,
      head,
      tamper: { ...this.verdict.tamper, findings: this.startFindings },
    };
  }

  /**
   * The checks that are quick enough for every start: the anchor outside the file and the
   * triggers. Their findings show at once (and are logged), before the full verification.
   */
  async checkAtStart(): Promise<TamperFinding[]> {
    const findings = await this.quickFindings();
    this.startFindings = findings;
    for (const f of findings) this.log.error(describeFinding(f));
    return findings;
  }

  /** Runs (or joins) a verification. Never rejects: a failure keeps the last verdict. */
  verify(): Promise<ChainStatus> {
    this.running ??= this.verifyAll()
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
   * slice, so it never touches the closed connection; worker threads finish on their own
   * connections and exit (core/workers.ts: a thread is never terminated mid-call).
   */
  stop(): void {
    this.stopping.abort(new Error('The store is closing.'));
  }

  private async quickFindings(): Promise<TamperFinding[]> {
    if (!this.checks) return [];
    const findings = checkTriggers(this.store.db);
    const anchored = await this.checks.anchor.check();
    if (anchored) findings.unshift(anchored);
    return findings;
  }

  private async verifyAll(): Promise<ChainStatus> {
    const signal = this.stopping.signal;
    // On a thread of its own, alongside the chain: a large file takes seconds.
    const integrity = this.checks?.integrity.checkFully() ?? null;
    const r = await verifyChainInParallel(this.store, this.audit, {
      signal,
      onThreadFailure: (e) =>
        this.log.warn('Audit verification threads failed; verifying on the main thread instead', {
          error: String(e),
        }),
    });
    const findings = await this.quickFindings();
    let more = 0;
    let recordsChecked: number | null = null;
    let recordsWaiting: number | null = null;
    if (this.checks) {
      signal.throwIfAborted();
      const records = await verifyRecords(this.store.db, signal);
      findings.push(...records.findings);
      more = records.more;
      recordsChecked = records.checked;
      recordsWaiting = records.waiting;
    }
    signal.throwIfAborted();
    this.settle(r, findings, { more, recordsChecked, recordsWaiting });
    // The chain's verdict stands meanwhile (/healthz shows it); the file's own check is added.
    const file = await integrity;
    if (file?.state === 'damaged') {
      findings.push({ kind: 'database_damaged', detail: file.detail });
      this.settle(r, findings, { more, recordsChecked, recordsWaiting });
    }
    this.startFindings = [];
    for (const f of findings) this.log.error(describeFinding(f));
    return this.verdict;
  }

  private settle(
    r: VerifyResult,
    findings: TamperFinding[],
    counts: Omit<TamperReport, 'findings'>,
  ): void {
    const checkedAt = new Date(this.clock.now()).toISOString();
    const tamper: TamperReport = { findings: [...findings], ...counts };
    const { more } = counts;
    const first = findings[0];
    if (!r.ok) {
      this.verdict = {
        state: 'broken',
        length: r.length,
        checkedAt,
        brokenAt: r.brokenAt,
        reason: r.reason,
        tamper,
      };
      this.log.error(`Audit chain broken at entry ${r.brokenAt}: ${r.reason}`);
    } else if (first) {
      const others = findings.length + more - 1;
      this.verdict = {
        state: 'broken',
        length: r.length,
        checkedAt,
        brokenAt: seqOf(first, r.length),
        reason: `${describeFinding(first)}${others > 0 ? ` (${others} more finding${others === 1 ? '' : 's'})` : ''}`,
        tamper,
      };
    } else {
      this.verdict = { state: 'ok', length: r.length, checkedAt, tamper };
    }
    this.startFindings = [];
  }
}
