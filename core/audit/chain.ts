import { createHash } from 'node:crypto';
import type { AuditEntry } from './model.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * Canonical JSON: object keys sorted, no whitespace, undefined members dropped. Two equal
 * payloads always hash the same, whatever order their keys were written in.
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
    const out: { [key: string]: Json } = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = toCanonical(v);
    }
    return out;
  }
  throw new TypeError(`Audit payloads cannot hold a ${typeof value}`);
}

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export const payloadHashOf = (payload: unknown) => sha256(canonicalJson(payload ?? null));

/** The entry's own hash covers every field and the previous entry's hash. */
export function entryHashOf(e: Omit<AuditEntry, 'hash'>): string {
  return sha256(
    JSON.stringify([
      e.seq,
      e.time,
      e.actor,
      e.action,
      e.entity,
      e.entityId,
      e.payloadHash,
      e.externalRef,
      e.outcome,
      e.prevHash,
    ]),
  );
}
