// The audit log's shapes and pure rules. Pure on purpose: the renderer imports the filter
// schema to validate instantly with the same rules the server re-checks.
import { z } from 'zod';

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
