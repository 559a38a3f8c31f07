import { combineVerdicts, RangeWalker, type RangeVerdict } from '../audit/verify.ts';
import type { Db } from '../db/open.ts';
import type { BackupChain } from './model.ts';

/** What a backup copy holds, read on its own read-only connection. */
export interface CopyContents {
  integrity: string;
  chain: BackupChain;
  lastEntryAt: string | null;
  schemaVersion: number;
}

/**
 * SQLite's full integrity check, then the audit chain walked from entry 1 to the copy's
 * newest entry (each entry's hash and its link to the one before), as `audit.verify` walks
 * the live store's.
 */
export function inspectCopy(db: Db): CopyContents {
  const integrity = String(db.pragma('integrity_check', { simple: true }));
  const schemaVersion = db.pragma('user_version', { simple: true }) as number;
  if (integrity !== 'ok')
    return {
      integrity,
      chain: { ok: false, length: 0, brokenAt: 1, reason: 'the copy is damaged' },
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
    lastEntryAt: head?.time ?? null,
    schemaVersion,
  };
}
