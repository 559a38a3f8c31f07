// The canonical forms the audit chain hashes, pinned by known-answer vectors.
//
// Every literal string and SHA-256 digest below was written by hand from the rule (chain.ts's
// comments and docs/tamper-evidence.md: canonical JSON with sorted keys and no whitespace; an
// entry's fields joined by the unit separator 0x1F, a missing value written as the record
// separator 0x1E) and hashed outside this code (`printf '%s' … | sha256sum`, Python hashlib).
//
// MIGRATION TEST: entries already written were hashed this way, and a chain must still verify
// after an upgrade. If the canonical form ever changes, keep these vectors as they are (they
// are what old entries hold) and add the new form's vectors beside them, with the migration
// that tells the two apart.
import Database from 'better-sqlite3-multiple-ciphers';
import { describe, expect, it } from 'vitest';
import {
  CANONICAL_LINE_SQL,
  canonicalJson,
  canonicalLineOf,
  canonicalLineSql,
  entryHashOf,
  FIELD_SEP,
  hasControlCharacter,
  NULL_MARK,
  payloadHashOf,
  sha256,
} from './chain.ts';
import type { AuditEntry } from './model.ts';

const GENESIS = '0'.repeat(64);

/** sha256 of the four bytes `null`: the payload hash of an entry with no payload. */
const NO_PAYLOAD = '74234e98afe7498fb5daf1f36ac2d78acc339464f950703b8c019892f982b90b';
/** sha256 of `{"role":"cashier"}`. */
const ROLE_CASHIER = '8781c12e0b7ef4ffe497c3dfa80f49cf64c72cc748984b342856f514c1456ca6';

// Two linked entries (the second's prevHash is the first's hash) and one that covers
// regulated rows (records hash between the outcome and the prevHash).
const entry1: Omit<AuditEntry, 'hash'> = {
  seq: 1,
  time: '2026-01-05T09:00:00.000Z',
  actor: 'owner',
  action: 'user.create',
  entity: 'user',
  entityId: '7',
  payloadHash: ROLE_CASHIER,
  externalRef: null,
  outcome: 'success',
  prevHash: GENESIS,
};
const line1 = `1\x1f2026-01-05T09:00:00.000Z\x1fowner\x1fuser.create\x1fuser\x1f7\x1f${ROLE_CASHIER}\x1f\x1e\x1fsuccess\x1f${GENESIS}`;
const hash1 = 'ad8ea3b92b83d9d8818fe89bbeb0aed8cb3064d7ed0d95fe7a5795a6b9dcfb05';

const entry2: Omit<AuditEntry, 'hash'> = {
  seq: 2,
  time: '2026-01-05T09:00:00.000Z',
  actor: 'owner',
  action: 'user.disable',
  entity: 'user',
  entityId: '7',
  payloadHash: NO_PAYLOAD,
  externalRef: 'ticket-9',
  outcome: 'success',
  prevHash: hash1,
};
const line2 = `2\x1f2026-01-05T09:00:00.000Z\x1fowner\x1fuser.disable\x1fuser\x1f7\x1f${NO_PAYLOAD}\x1fticket-9\x1fsuccess\x1f${hash1}`;
const hash2 = '43e7589e05c9b3562b163bc17b3fc8de58c992cab0633263abc0e643d47bde08';

const RECORDS = 'ab'.repeat(32);
const entry3: Omit<AuditEntry, 'hash'> = {
  seq: 3,
  time: '2026-01-05T09:00:00.000Z',
  actor: 'system',
  action: 'audit.records_sealed',
  entity: 'backup',
  entityId: null,
  payloadHash: NO_PAYLOAD,
  externalRef: null,
  outcome: 'denied',
  recordsHash: RECORDS,
  prevHash: hash2,
};
const line3 = `3\x1f2026-01-05T09:00:00.000Z\x1fsystem\x1faudit.records_sealed\x1fbackup\x1f\x1e\x1f${NO_PAYLOAD}\x1f\x1e\x1fdenied\x1f${RECORDS}\x1f${hash2}`;
const hash3 = '85a0092521d201dca23c318c0505d3adfedaf33c0e2f889f8505fcd536d0f85d';

describe('canonical JSON (known answers)', () => {
  it('hashes "no payload" as the JSON null', () => {
    expect(canonicalJson(null)).toBe('null');
    expect(payloadHashOf(undefined)).toBe(NO_PAYLOAD);
    expect(payloadHashOf(null)).toBe(NO_PAYLOAD);
    expect(sha256('null')).toBe(NO_PAYLOAD);
  });

  it('writes keys sorted, no whitespace', () => {
    expect(canonicalJson({ role: 'cashier' })).toBe('{"role":"cashier"}');
    expect(payloadHashOf({ role: 'cashier' })).toBe(ROLE_CASHIER);
  });

  it('sorts nested keys by code unit, drops undefined members, writes a Date as its ISO time', () => {
    const payload = {
      z: [3, undefined, 'a\nb'],
      é: 'ü€',
      skip: undefined,
      at: new Date(Date.UTC(2026, 0, 5, 9, 0, 0)),
      a: { y: false, x: -1.5e-7 },
    };
    const canonical =
      '{"a":{"x":-1.5e-7,"y":false},"at":"2026-01-05T09:00:00.000Z","z":[3,null,"a\\nb"],"é":"ü€"}';
    expect(canonicalJson(payload)).toBe(canonical);
    // UTF-8, as sha256sum sees the bytes.
    expect(payloadHashOf(payload)).toBe(
      '3d52812dd525cc50e80575e4109a6c8ad7e8c471ba1a6495bc5c738c6105bb83',
    );
  });

  it('keeps a "__proto__" key as an ordinary key, and hashes it', () => {
    const payload: unknown = JSON.parse('{"b":1,"__proto__":{"x":2}}');
    expect(canonicalJson(payload)).toBe('{"__proto__":{"x":2},"b":1}');
    expect(payloadHashOf(payload)).toBe(
      '1e5245ecf1bb0ad1708f0fea29065fc19b32a2e36f30985171457b1d0020c775',
    );
  });
});

describe('canonical JSON (what a payload may hold)', () => {
  it('hashes a Date as the instant it names, never as an empty object', () => {
    const monday = new Date(Date.UTC(2026, 0, 5, 9, 0, 0));
    const tuesday = new Date(Date.UTC(2026, 0, 6, 9, 0, 0));
    expect(canonicalJson({ at: monday })).toBe('{"at":"2026-01-05T09:00:00.000Z"}');
    expect(canonicalJson([tuesday])).toBe('["2026-01-06T09:00:00.000Z"]');
    expect(payloadHashOf({ at: monday })).not.toBe(payloadHashOf({ at: tuesday }));
    expect(payloadHashOf({ at: monday })).not.toBe(payloadHashOf({ at: {} }));
    // The same as the JSON a client would send for it.
    expect(payloadHashOf({ at: monday })).toBe(payloadHashOf({ at: '2026-01-05T09:00:00.000Z' }));
  });

  it('refuses an invalid Date rather than hash it as something else', () => {
    expect(() => canonicalJson({ at: new Date(Number.NaN) })).toThrow(RangeError);
  });

  it('drops an undefined member of an object: it hashes as if the key were absent', () => {
    expect(canonicalJson({ a: 1, b: undefined })).toBe('{"a":1}');
    expect(canonicalJson({ b: undefined })).toBe('{}');
    expect(payloadHashOf({ a: 1, b: undefined, c: { d: undefined } })).toBe(
      payloadHashOf({ a: 1, c: {} }),
    );
  });

  it('writes an undefined array element as null, keeping the positions (as JSON does)', () => {
    expect(canonicalJson([undefined])).toBe('[null]');
    expect(canonicalJson([1, undefined, 2])).toBe('[1,null,2]');
    expect(canonicalJson({ list: [undefined, { k: undefined }] })).toBe('{"list":[null,{}]}');
  });

  it('refuses what JSON cannot hold', () => {
    expect(() => canonicalJson(Number.POSITIVE_INFINITY)).toThrow(/finite/);
    expect(() => canonicalJson({ n: 10n })).toThrow(/bigint/);
    expect(() => canonicalJson([Symbol('s')])).toThrow(/symbol/);
    expect(() => canonicalJson(undefined)).toThrow(/undefined/);
  });
});

describe('an entry’s canonical line (known answers)', () => {
  it('joins the fields with 0x1F and writes a missing value as 0x1E', () => {
    expect(FIELD_SEP).toBe('\x1f');
    expect(NULL_MARK).toBe('\x1e');
    expect(canonicalLineOf(entry1)).toBe(line1);
    expect(canonicalLineOf(entry2)).toBe(line2);
  });

  it('hashes two linked entries to the known digests', () => {
    expect(entryHashOf(entry1)).toBe(hash1);
    expect(entryHashOf(entry2)).toBe(hash2);
  });

  it('puts the records hash between the outcome and the previous hash, when there is one', () => {
    expect(canonicalLineOf(entry3)).toBe(line3);
    expect(entryHashOf(entry3)).toBe(hash3);
    // An entry that covers no rows hashes as entries always did, with or without the key.
    expect(canonicalLineOf({ ...entry2, recordsHash: null })).toBe(line2);
  });
});

describe('the canonical line built in SQL', () => {
  const columns =
    'seq INTEGER, time TEXT, actor TEXT, action TEXT, entity TEXT, entity_id TEXT, payload_hash TEXT, external_ref TEXT, outcome TEXT, prev_hash TEXT';
  const row = (e: Omit<AuditEntry, 'hash'>) => [
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
  ];
  const linesOf = (db: Database.Database, sql: string) =>
    db.prepare(`SELECT ${sql} FROM audit_log ORDER BY seq`).pluck().all();

  it('is the same line as canonicalLineOf, with and without a records hash', () => {
    const db = new Database(':memory:');
    db.exec(`CREATE TABLE audit_log (${columns}, records_hash TEXT)`);
    const insert = db.prepare('INSERT INTO audit_log VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    for (const e of [entry1, entry2, entry3]) insert.run(...row(e), e.recordsHash ?? null);
    expect(linesOf(db, canonicalLineSql())).toEqual([line1, line2, line3]);
    expect(linesOf(db, canonicalLineSql(true))).toEqual([line1, line2, line3]);
    expect(linesOf(db, CANONICAL_LINE_SQL)).toEqual([line1, line2, line3]);
    db.close();
  });

  it('reads a log from before the records hash column (an older backup)', () => {
    const db = new Database(':memory:');
    db.exec(`CREATE TABLE audit_log (${columns})`);
    const insert = db.prepare('INSERT INTO audit_log VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    for (const e of [entry1, entry2]) insert.run(...row(e));
    expect(linesOf(db, canonicalLineSql(false))).toEqual([line1, line2]);
    db.close();
  });
});

describe('control characters in the fields an entry chains', () => {
  const code = (c: number) => String.fromCharCode(c);

  it('refuses every C0 control character (0x00–0x1F) and DEL (0x7F), wherever it stands', () => {
    for (let c = 0; c < 0x20; c++) {
      expect(hasControlCharacter(code(c))).toBe(true);
      expect(hasControlCharacter(`ab${code(c)}`)).toBe(true);
      expect(hasControlCharacter(`${code(c)}ab`)).toBe(true);
    }
    expect(hasControlCharacter('\x7f')).toBe(true);
    expect(hasControlCharacter('owner\x7f')).toBe(true);
  });

  it('accepts the space (0x20), every printable ASCII character and text beyond ASCII', () => {
    expect(hasControlCharacter(' ')).toBe(false);
    expect(hasControlCharacter('Anne-Marie Nguyen')).toBe(false);
    for (let c = 0x20; c < 0x7f; c++) expect(hasControlCharacter(code(c))).toBe(false);
    expect(hasControlCharacter('é€')).toBe(false);
    expect(hasControlCharacter('')).toBe(false);
  });
});
