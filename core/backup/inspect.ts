import { checkAgainstAnchor, type ChainAnchor } from '../audit/anchor.ts';
import { combineVerdicts, RangeWalker, type RangeVerdict } from '../audit/verify.ts';
import type { Db } from '../db/open.ts';
import type { BackupAnchorCheck, BackupChain } from './model.ts';

/** What a backup copy holds, read on its own read-only connection. */
export interface CopyContents {
  integrity: string;
  chain: BackupChain;
  anchor: BackupAnchorCheck;
  lastEntryAt: string | null;
  schemaVersion: number;
}

/** The anchor check of a copy that could not be read: nothing was compared. */
export const anchorNotChecked = (anchor: ChainAnchor | null): BackupAnchorCheck =>
  anchor
    ? { state: 'unchecked', anchoredSeq: anchor.seq, anchoredAt: anchor.at }
    : { state: 'missing', anchoredSeq: null, anchoredAt: null };

/** The copy's chain against the anchor written beside it when it was made (issue 14 §3). */
export function anchorCheckOf(db: Db, anchor: ChainAnchor | null): BackupAnchorCheck {
  if (!anchor) return { state: 'missing', anchoredSeq: null, anchoredAt: null };
  const finding = checkAgainstAnchor(db, anchor);
  const state =
    finding === null ? 'matches' : finding.kind === 'log_truncated' ? 'behind' : 'differs';
  return { state, anchoredSeq: anchor.seq, anchoredAt: anchor.at };
}

/**
 * SQLite's full integrity check, then the audit chain walked from entry 1 to the copy's
 * newest entry (each entry's hash and its link to the one before), as `audit.verify` walks
 * the live store's, then the chain against the backup's anchor, all on one read snapshot.
 */
export function inspectCopy(db: Db, anchor: ChainAnchor | null): CopyContents {
  // One read transaction: the integrity check, the chain walk and the anchor check see the
  // same snapshot of the copy.
  db.exec('BEGIN');
  try {
    return inspectSnapshot(db, anchor);
  } finally {
    if (db.inTransaction) db.exec('COMMIT');
  }
}

function inspectSnapshot(db: Db, anchor: ChainAnchor | null): CopyContents {
  const integrity = String(db.pragma('integrity_check', { simple: true }));
  const schemaVersion = db.pragma('user_version', { simple: true }) as number;
  if (integrity !== 'ok')
    return {
      integrity,
      chain: { ok: false, length: 0, brokenAt: 1, reason: 'the copy is damaged' },
      anchor: anchorNotChecked(anchor),
      lastEntryAt: null,
      schemaVersion,
    };
  const head = db.prepare('SELECT seq, time FROM audit_log ORDER BY seq DESC LIMIT 1').get() as
    { seq: number; time: string } | undefined;
  const length = head?.seq ?? 0;
  const walker = new RangeWalker(db, 1, length);
  let verdict: RangeVerdict | null = null;
  while (!verdict) verdict = walker.step(5_000);
  return {
    integrity,
    chain: combineVerdicts(length, [verdict]),
    anchor: anchorCheckOf(db, anchor),
    lastEntryAt: head?.time ?? null,
    schemaVersion,
  };
}
