import { hash } from 'node:crypto';
import type { AuditEntry } from './model.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * Canonical JSON: object keys sorted (by UTF-16 code unit), no whitespace, undefined members
 * dropped, an undefined array element written as null and a Date as its ISO time (each as
 * JSON.stringify writes it, so a payload hashes as the JSON it would be sent as). Two equal
 * payloads always hash the same, whatever order their keys were written in. Values JSON cannot
 * hold (non-finite numbers, an invalid Date, bigint, functions, symbols) are refused.
 * Pinned by known-answer vectors in chain.test.ts: old entries were hashed this way.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(toCanonical(value));
}

function toCanonical(value: unknown): Json {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('Audit payloads hold only finite numbers');
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : toCanonical(v)));
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') {
    // No prototype: a "__proto__" key must stay an ordinary key (and be hashed).
    const out = Object.create(null) as { [key: string]: Json };
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = toCanonical(v);
    }
    return out;
  }
  throw new TypeError(`Audit payloads cannot hold a ${typeof value}`);
}

export const sha256 = (text: string) => hash('sha256', text);

export const payloadHashOf = (payload: unknown) => sha256(canonicalJson(payload ?? null));

// An entry's canonical line: its fields joined by the ASCII unit separator, a missing value
// written as the record separator. Fields may not contain control characters (record()
// refuses them), so the line is unambiguous. SQLite builds the very same line in
// CANONICAL_LINE_SQL, so verification can stream lines without decoding columns one by one.
export const FIELD_SEP = '\x1f';
export const NULL_MARK = '\x1e';

/** The entry's own hash covers every field and the previous entry's hash. */
export function canonicalLineOf(e: Omit<AuditEntry, 'hash'>): string {
  return [
    e.seq,
    e.time,
    e.actor,
    e.action,
    e.entity,
    e.entityId ?? NULL_MARK,
    e.payloadHash,
    e.externalRef ?? NULL_MARK,
    e.outcome,
    // Only an entry that covers regulated rows has it: older entries hash as they always did.
    ...(e.recordsHash ? [e.recordsHash] : []),
    e.prevHash,
  ].join(FIELD_SEP);
}

export const entryHashOf = (e: Omit<AuditEntry, 'hash'>) => sha256(canonicalLineOf(e));

const sep = 'char(31)';
const orNull = (col: string) => `coalesce(${col}, char(30))`;
/**
 * canonicalLineOf in SQL (the prev_hash is its last 64 characters). `withRecords`: the log has
 * the records_hash column (schema 22 on; a backup made before has not).
 */
export function canonicalLineSql(withRecords = true): string {
  return [
    'seq',
    'time',
    'actor',
    'action',
    'entity',
    orNull('entity_id'),
    'payload_hash',
    orNull('external_ref'),
    withRecords ? `outcome || coalesce(${sep} || records_hash, '')` : 'outcome',
    'prev_hash',
  ].join(` || ${sep} || `);
}
export const CANONICAL_LINE_SQL = canonicalLineSql();

/** Text fields of an entry may not hold control characters (they would blur the line). */
export function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}
