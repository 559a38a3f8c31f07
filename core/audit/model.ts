// The audit log's shapes and pure rules. Pure on purpose: the renderer imports the filter
// schema to validate instantly with the same rules the server re-checks.
import { z } from 'zod';

// Every action code the server writes, with its label check (see actions.ts).
export { AUDIT_ACTIONS, CHECK_EVENT_KINDS, isAuditAction, type AuditAction } from './actions.ts';

export const outcomes = ['success', 'denied', 'failed'] as const;
export type AuditOutcome = (typeof outcomes)[number];

export interface AuditEntry {
  seq: number;
  time: string;
  actor: string;
  action: string;
  entity: string;
  entityId: string | null;
  payloadHash: string;
  externalRef: string | null;
  outcome: AuditOutcome;
  /** The hash of the regulated rows this entry covers (see records.ts); absent when none. */
  recordsHash?: string | null;
  prevHash: string;
  hash: string;
}

/** The hash that stands before the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

const name = z.string().trim().min(1).max(100);
const isoTime = z.iso.datetime({ offset: true });

export const auditQuerySchema = z
  .object({
    actor: name.optional(),
    entity: name.optional(),
    entityId: z.string().max(200).optional(),
    action: name.optional(),
    from: isoTime.optional(),
    to: isoTime.optional(),
    /** Entries strictly older than this seq (the next page). */
    beforeSeq: z.number().int().positive().optional(),
    limit: z.number().int().min(1).max(200).default(50),
  })
  .strict()
  .refine((q) => !q.from || !q.to || q.from <= q.to, {
    message: 'The "from" time must be before the "to" time.',
    path: ['to'],
  });
export type AuditQuery = z.input<typeof auditQuerySchema>;

export type VerifyResult =
  | { ok: true; length: number; headHash: string }
  | { ok: false; length: number; brokenAt: number; reason: string };

/**
 * What the tamper checks found (docs/tamper-evidence.md). Rows are named by table and key
 * (`[12]`, `["INV-1"]`); `seq` is the audit entry that holds the row's hash.
 */
export type TamperFinding =
  | { kind: 'record_changed'; table: string; key: string; seq: number }
  | { kind: 'record_deleted'; table: string; key: string; seq: number }
  | { kind: 'record_not_covered'; table: string; key: string }
  | { kind: 'record_rehashed'; table: string; key: string; seq: number }
  | { kind: 'record_hashes_altered'; seq: number }
  | { kind: 'log_truncated'; anchoredSeq: number; anchoredAt: string; headSeq: number }
  | { kind: 'log_replaced'; anchoredSeq: number; anchoredAt: string }
  | { kind: 'trigger_missing' | 'trigger_changed' | 'trigger_unexpected'; name: string }
  | { kind: 'database_damaged'; detail: string };

const RESTORE_ADVICE =
  'Stop using this store database. Keep this file for an inspector, and restore the latest backup made before the change (Backups → Restore, or `npm run restore -- FILE`).';

/** One finding in words, with what to do. */
export function describeFinding(f: TamperFinding): string {
  switch (f.kind) {
    case 'record_changed':
      return `The ${f.table} record ${f.key} was changed after it was written: it no longer matches the hash in audit entry ${f.seq}. ${RESTORE_ADVICE}`;
    case 'record_deleted':
      return `The ${f.table} record ${f.key} was removed: audit entry ${f.seq} holds its hash. ${RESTORE_ADVICE}`;
    case 'record_not_covered':
      return `The ${f.table} record ${f.key} has no hash in the audit log: it was written around Backroom (with the safeguards switched off). ${RESTORE_ADVICE}`;
    case 'record_rehashed':
      return `The ${f.table} record ${f.key} was hashed again in audit entry ${f.seq}, after it was written: it was rewritten. ${RESTORE_ADVICE}`;
    case 'record_hashes_altered':
      return `The record hashes of audit entry ${f.seq} were altered or removed. ${RESTORE_ADVICE}`;
    case 'log_truncated':
      return `The audit log was truncated or the database replaced with an older copy: it ends at entry ${f.headSeq}, but entry ${f.anchoredSeq} was written (anchored outside the database at ${f.anchoredAt}). ${RESTORE_ADVICE}`;
    case 'log_replaced':
      return `The audit log was rewritten or the database replaced with another copy: entry ${f.anchoredSeq} differs from the one anchored outside the database at ${f.anchoredAt}. ${RESTORE_ADVICE}`;
    case 'trigger_missing':
      return `The safeguard ${f.name} (refuses changes to regulated records) is missing from the database. ${RESTORE_ADVICE}`;
    case 'trigger_changed':
      return `The safeguard ${f.name} (refuses changes to regulated records) was altered. ${RESTORE_ADVICE}`;
    case 'trigger_unexpected':
      return `The database holds a trigger Backroom did not create: ${f.name}. ${RESTORE_ADVICE}`;
    case 'database_damaged':
      return `The store database file is damaged (${f.detail}). Backroom is read-only until it is restored: stop the store server, restore the latest backup (\`npm run restore -- FILE\`, or Backups → Restore), and keep the damaged file for support.`;
  }
}
