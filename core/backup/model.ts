import { z } from 'zod';

export const backupSettingsSchema = z
  .object({
    /** Absolute folder path; empty means the default folder inside the data directory. */
    folder: z
      .string()
      .trim()
      .max(500)
      // Not node:path: this schema also runs in the browser. POSIX /… or Windows C:\… or \\server\share.
      .refine(
        (f) => f === '' || f.startsWith('/') || /^[A-Za-z]:[\\/]/.test(f) || f.startsWith('\\\\'),
        {
          message:
            'Enter the full path of the backup folder (for example D:\\Backups\\Backroom), or leave it empty for the default.',
        },
      ),
    keep: z.number().int().min(1, 'Keep at least one backup.').max(365),
    /** Daily time, 24-hour HH:MM, store local time. */
    dailyAt: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Use a 24-hour time like 02:00.'),
  })
  .strict();
export type BackupSettings = z.infer<typeof backupSettingsSchema>;

export const defaultBackupSettings: BackupSettings = { folder: '', keep: 14, dailyAt: '02:00' };

export interface BackupRecord {
  id: number;
  startedAt: string;
  finishedAt: string;
  trigger: 'schedule' | 'manual';
  file: string | null;
  bytes: number | null;
  ok: boolean;
  message: string;
}

/** A backup's file name: `backroom-<UTC time>.db`, as BackupService.run names it. */
export const BACKUP_FILE_NAME = /^backroom-\d{8}T\d{6}(\d{3})?Z\.db$/;
/** The copy a backup writes before it is checked; a crash can leave one behind. */
export const PARTIAL_FILE_NAME = /^backroom-\d{8}T\d{6}(\d{3})?Z\.db\.partial$/;

/** When a backup was made, from its name (ISO), or null for a name that is not ours. */
export function backupTimeOf(name: string): string | null {
  const m = /^backroom-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})?Z\.db$/.exec(name);
  if (!m) return null;
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.${m[7] ?? '000'}Z`;
}

/** A backup in the backup folder that may be restored. */
export interface RestorableBackup {
  name: string;
  bytes: number;
  madeAt: string | null;
  /** Its `.key.json` is beside it (without it the copy cannot be opened). */
  hasKeyInfo: boolean;
}

/** The audit chain of a backup copy, walked from its first entry. */
export type BackupChain =
  | { ok: true; length: number; headHash: string }
  | { ok: false; length: number; brokenAt: number; reason: string };

/**
 * A backup's chain against the anchor written beside it when it was made (`.anchor.json`,
 * issue 14 §3): the chain head at backup time, kept outside the copy.
 * - matches: the copy's chain holds the anchored entry with the anchored hash;
 * - missing: no readable anchor beside it (a backup made before tamper evidence): allowed,
 *   shown as a warning;
 * - behind: the copy's chain is shorter than its anchor says: entries were removed from it
 *   after it was made (or an older copy was put under its name);
 * - differs: the copy's entry at the anchored position has another hash: it was replaced or
 *   altered;
 * - unchecked: the copy could not be read, so nothing could be compared (it is refused as
 *   damaged anyway).
 */
export type BackupAnchorState = 'matches' | 'missing' | 'behind' | 'differs' | 'unchecked';
export interface BackupAnchorCheck {
  state: BackupAnchorState;
  /** The anchored entry (null when there is no anchor). */
  anchoredSeq: number | null;
  /** When the anchor was written, ISO (null when there is no anchor). */
  anchoredAt: string | null;
}

/** Why a checked backup may not be restored. */
export type RestoreProblem =
  | { reason: 'backup_damaged'; integrity: string }
  | { reason: 'backup_chain_broken'; brokenAt: number; why: string }
  | {
      reason: 'backup_anchor_mismatch';
      state: 'behind' | 'differs';
      anchoredSeq: number;
      anchoredAt: string;
      /** The entries the copy's chain holds. */
      chainLength: number;
    }
  | { reason: 'backup_too_new'; schemaVersion: number; latest: number };

/**
 * What a backup holds, checked before it may replace the store database: the copy opens with
 * its key, passes SQLite's integrity check, its audit chain verifies from entry 1, and the
 * chain still holds the head anchored beside it when it was made.
 */
export interface BackupCheck {
  name: string;
  file: string;
  bytes: number;
  /** SHA-256 of the file as checked: what is staged must be this very file. */
  sha256: string;
  madeAt: string | null;
  integrity: string;
  chain: BackupChain;
  /** The chain against the backup's own anchor (read on the same snapshot as the chain). */
  anchor: BackupAnchorCheck;
  /** Time of the backup's newest audit entry (what the store will go back to). */
  lastEntryAt: string | null;
  schemaVersion: number;
  /** Entries the store holds now beyond the backup's chain: set aside by a restore. */
  newerEntriesNow: number | null;
  /** Null when it may be restored. */
  problem: RestoreProblem | null;
}

/** A restore chosen on the Backups screen, applied at the next start before the store opens. */
export interface PendingRestore {
  name: string;
  sha256: string;
  chain: BackupChain;
  /** Absent in a restore staged before the anchor check existed. */
  anchor?: BackupAnchorCheck;
  lastEntryAt: string | null;
  requestedBy: string;
  stagedAt: string;
}

/** A restore that was applied: what went in, and where the replaced files were moved. */
export interface RestoreRecord extends PendingRestore {
  appliedAt: string;
  /** The dated folder holding the replaced database, its -wal, -shm and key pointer. */
  movedAsideTo: string;
  movedAside: string[];
}

export const backupNameSchema = z
  .string()
  .max(60)
  .regex(BACKUP_FILE_NAME, 'Choose one of the backups listed (backroom-<time>.db).');

export const stageRestoreSchema = z
  .object({
    name: backupNameSchema,
    /** The checked file's SHA-256, from the check the owner read. */
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'Check the backup first.'),
  })
  .strict();
