import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { servicesForTest } from '../testing/fixtures.ts';
import type { StoreServices } from '../app/services.ts';
import { canonicalJson, payloadHashOf } from './chain.ts';
import { GENESIS_HASH, type AuditEntry } from './model.ts';
import { REGULATED_TABLES, rowHashOf } from './records.ts';
import { everyKindBook } from '../testing/firearms.ts';
import { verifyChainInParallel } from './verify-parallel.ts';

const services = () => servicesForTest();

const dropTriggers = (s: StoreServices) =>
  s.store.db.exec(
    'DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete; DROP TRIGGER audit_log_next_seq;',
  );

describe('canonical JSON', () => {
  it('hashes equal payloads the same whatever their key order', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (obj) => {
        const shuffled = Object.fromEntries(Object.entries(obj).reverse());
        expect(canonicalJson(shuffled)).toBe(canonicalJson(obj));
        expect(payloadHashOf(shuffled)).toBe(payloadHashOf(obj));
      }),
    );
  });

  it('round-trips JSON values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(JSON.parse(canonicalJson(v))).toEqual(JSON.parse(JSON.stringify(v)));
      }),
    );
  });

  it('refuses values JSON cannot hold', () => {
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(/finite/);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(/function/);
  });
});

describe('the audit chain', () => {
  it('chains each entry to the one before and verifies', async () => {
    // Known answers, hashed outside this code (`printf … | sha256sum`); the same two entries
    // as in chain.test.ts, whose header says how they were made. MIGRATION TEST: if the
    // canonical form ever changes, entries written before still hash to these; keep them.
    const s = await services(); // its clock stands at 2026-01-05T09:00:00.000Z
    const a = s.audit.record({
      actor: 'owner',
      action: 'user.create',
      entity: 'user',
      entityId: 7,
      payload: { role: 'cashier' },
    });
    const b = s.audit.record({
      actor: 'owner',
      action: 'user.disable',
      entity: 'user',
      entityId: 7,
      externalRef: 'ticket-9',
    });
    expect(a).toEqual({
      seq: 1,
      time: '2026-01-05T09:00:00.000Z',
      actor: 'owner',
      action: 'user.create',
      entity: 'user',
      entityId: '7',
      // sha256 of {"role":"cashier"}
      payloadHash: '8781c12e0b7ef4ffe497c3dfa80f49cf64c72cc748984b342856f514c1456ca6',
      externalRef: null,
      outcome: 'success',
      prevHash: '0'.repeat(64),
      hash: 'ad8ea3b92b83d9d8818fe89bbeb0aed8cb3064d7ed0d95fe7a5795a6b9dcfb05',
    });
    expect(a.prevHash).toBe(GENESIS_HASH);
    // sha256 of null (no payload)
    expect(b.payloadHash).toBe('74234e98afe7498fb5daf1f36ac2d78acc339464f950703b8c019892f982b90b');
    expect(b.prevHash).toBe('ad8ea3b92b83d9d8818fe89bbeb0aed8cb3064d7ed0d95fe7a5795a6b9dcfb05');
    expect(b.hash).toBe('43e7589e05c9b3562b163bc17b3fc8de58c992cab0633263abc0e643d47bde08');
    expect(s.audit.verify()).toEqual({ ok: true, length: 2, headHash: b.hash });
  });

  it('refuses a raw UPDATE or DELETE of an entry', async () => {
    const s = await services();
    s.audit.record({ actor: 'owner', action: 'auth.login', entity: 'user', entityId: 1 });
    expect(() =>
      s.store.db.prepare("UPDATE audit_log SET actor = 'mallory' WHERE seq = 1").run(),
    ).toThrow(/append-only/);
    expect(() => s.store.db.prepare('DELETE FROM audit_log WHERE seq = 1').run()).toThrow(
      /append-only/,
    );
    expect(() =>
      s.store.db
        .prepare(
          "INSERT INTO audit_log (seq, time, actor, action, entity, entity_id, payload_hash, external_ref, outcome, prev_hash, hash) VALUES (5, 't', 'a', 'b', 'c', NULL, 'p', NULL, 'success', 'x', 'y')",
        )
        .run(),
    ).toThrow(/seq must follow/);
    expect(s.audit.verify().ok).toBe(true);
  });

  it('reports the first altered entry by seq once the triggers are dropped (property)', async () => {
    const s = await services();
    const fields = [
      'time',
      'actor',
      'action',
      'entity',
      'entity_id',
      'payload_hash',
      'external_ref',
      'outcome',
      'prev_hash',
      'hash',
    ] as const;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 30 }),
        fc.nat(),
        fc.constantFrom(...fields),
        async (count, pick, field) => {
          const base = s.audit.head().seq;
          for (let i = 0; i < count; i++)
            s.audit.record({
              actor: `u${i}`,
              action: 'test.write',
              entity: 'thing',
              entityId: i,
              payload: { i },
            });
          expect(s.audit.verify().ok).toBe(true);
          const target = base + 1 + (pick % count);
          dropTriggers(s);
          const before = s.store.db
            .prepare(`SELECT ${field} FROM audit_log WHERE seq = ?`)
            .pluck()
            .get(target);
          s.store.db
            .prepare(`UPDATE audit_log SET ${field} = ? WHERE seq = ?`)
            .run(`tampered-${String(before)}`, target);
          try {
            expect(s.audit.verify()).toMatchObject({ ok: false, brokenAt: target });
          } finally {
            // Put it back so the next run starts from a sound chain.
            s.store.db
              .prepare(`UPDATE audit_log SET ${field} = ? WHERE seq = ?`)
              .run(before, target);
          }
          s.store.db.exec(`
            CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: entries cannot be changed'); END;
            CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: entries cannot be deleted'); END;
            CREATE TRIGGER audit_log_next_seq BEFORE INSERT ON audit_log WHEN NEW.seq IS NOT (SELECT coalesce(max(seq), 0) + 1 FROM audit_log)
            BEGIN SELECT RAISE(ABORT, 'audit_log seq must follow the last entry'); END;`);
          expect(s.audit.verify().ok).toBe(true);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('reports a deleted entry as missing', async () => {
    const s = await services();
    for (let i = 0; i < 5; i++)
      s.audit.record({ actor: 'a', action: 'x', entity: 'e', entityId: i });
    dropTriggers(s);
    s.store.db.prepare('DELETE FROM audit_log WHERE seq = 3').run();
    expect(s.audit.verify()).toMatchObject({
      ok: false,
      brokenAt: 3,
      reason: 'entry 3 is missing',
    });
  });

  it('verifies in slices with the same verdict', async () => {
    const s = await services();
    for (let i = 0; i < 120; i++)
      s.audit.record({ actor: 'a', action: 'x', entity: 'e', entityId: i });
    expect(await s.audit.verifyInSlices(7)).toEqual(s.audit.verify());
    dropTriggers(s);
    s.store.db.prepare("UPDATE audit_log SET outcome = 'denied' WHERE seq = 77").run();
    expect(await s.audit.verifyInSlices(7)).toMatchObject({ ok: false, brokenAt: 77 });
  });

  it('verifies on worker threads with the same verdict, wherever the break is', async () => {
    const s = await services();
    for (let i = 0; i < 300; i++)
      s.audit.record({ actor: 'a', action: 'x', entity: 'e', entityId: i });
    const parallel = (threads: number) =>
      verifyChainInParallel(s.store, s.audit, { threads, minEntries: 0 });
    expect(await parallel(3)).toEqual(s.audit.verify());
    dropTriggers(s);
    // 300 entries over 3 threads: 1–100, 101–200, 201–300. Break the last of the first range,
    // then one inside the third: the earliest break is reported.
    s.store.db.prepare('UPDATE audit_log SET hash = ? WHERE seq = 100').run('f'.repeat(64));
    expect(await parallel(3)).toMatchObject({ ok: false, brokenAt: 100, length: 99 });
    expect(s.audit.verify()).toMatchObject({ ok: false, brokenAt: 100 });
    s.store.db.exec(
      'UPDATE audit_log SET hash = (SELECT prev_hash FROM audit_log WHERE seq = 101) WHERE seq = 100',
    );
    s.store.db.prepare("UPDATE audit_log SET actor = 'mallory' WHERE seq = 250").run();
    expect(await parallel(3)).toMatchObject({ ok: false, brokenAt: 250 });
    expect(await parallel(2)).toMatchObject({ ok: false, brokenAt: 250 });
  });

  it('keeps the PC’s own time even when its clock is set back, and the order by seq', async () => {
    const s = await services();
    const first = s.audit.record({ actor: 'a', action: 'x', entity: 'e' });
    s.clock.advance(-3_600_000); // the PC's clock is set back an hour
    const second = s.audit.record({ actor: 'a', action: 'x', entity: 'e' });
    expect(second.time < first.time).toBe(true);
    expect(s.audit.query({}).entries.map((e) => e.seq)).toEqual([2, 1]);
    expect(s.audit.query({ to: second.time }).entries.map((e) => e.seq)).toEqual([2]);
    expect(s.audit.verify().ok).toBe(true);
  });

  it('finds exactly the entries of a time range, however the clock moved (property)', async () => {
    const s = await services();
    const base = s.clock.now();
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: -7_200_000, max: 7_200_000 }), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: -10_000_000, max: 10_000_000 }),
        fc.integer({ min: 0, max: 10_000_000 }),
        async (steps, fromOffset, width) => {
          for (const step of steps) {
            s.clock.advance(step);
            s.audit.record({ actor: 'a', action: 'x', entity: 'e' });
          }
          const from = new Date(base + fromOffset).toISOString();
          const to = new Date(base + fromOffset + width).toISOString();
          const all = s.store.db
            .prepare('SELECT seq, time FROM audit_log ORDER BY seq DESC')
            .all() as { seq: number; time: string }[];
          const expected = all
            .filter((e) => e.time >= from && e.time <= to)
            .map((e) => e.seq)
            .slice(0, 200);
          expect(s.audit.query({ from, to, limit: 200 }).entries.map((e) => e.seq)).toEqual(
            expected,
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  it('finds exactly who did what and which record, whenever the lookups were caught up (property)', async () => {
    const s = await services();
    const pick = <T>(xs: readonly T[]) => fc.constantFrom(...xs);
    const write = fc.record({
      actor: pick(['owner', 'clerk', 'mgr']),
      entity: pick(['user', 'backup']),
      entityId: fc.option(pick(['1', '2', '10']), { nil: null }),
      catchUp: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(write, { minLength: 1, maxLength: 30 }),
        pick(['owner', 'clerk', 'mgr']),
        pick(['user', 'backup']),
        pick(['1', '2', '10']),
        async (writes, actor, entity, entityId) => {
          for (const w of writes) {
            s.audit.record({ actor: w.actor, action: 'x', entity: w.entity, entityId: w.entityId });
            if (w.catchUp) s.audit.catchUpLookups({ batch: 3, batches: 1 });
          }
          const all = s.store.db
            .prepare('SELECT seq, actor, entity, entity_id FROM audit_log ORDER BY seq DESC')
            .all() as { seq: number; actor: string; entity: string; entity_id: string | null }[];
          const seqs = (f: (e: (typeof all)[number]) => boolean) =>
            all
              .filter(f)
              .map((e) => e.seq)
              .slice(0, 200);
          const got = (q: Parameters<typeof s.audit.query>[0]) =>
            s.audit.query({ ...q, limit: 200 }).entries.map((e) => e.seq);
          expect(got({ actor })).toEqual(seqs((e) => e.actor === actor));
          expect(got({ entity })).toEqual(seqs((e) => e.entity === entity));
          expect(got({ entity, entityId })).toEqual(
            seqs((e) => e.entity === entity && e.entity_id === entityId),
          );
          expect(got({ actor, entity })).toEqual(
            seqs((e) => e.actor === actor && e.entity === entity),
          );
        },
      ),
      { numRuns: 40 },
    );
  });

  it('lists the actors, actions and entities for the filter menus, and forgets a rolled-back one', async () => {
    const s = await services();
    s.audit.record({ actor: 'owner', action: 'user.create', entity: 'user' });
    s.audit.record({ actor: 'clerk', action: 'auth.login', entity: 'user' });
    expect(() =>
      s.store.db.transaction(() => {
        s.audit.record({ actor: 'ghost', action: 'ghost.walk', entity: 'ghost' });
        throw new Error('rolled back');
      })(),
    ).toThrow('rolled back');
    await Promise.resolve();
    expect(s.audit.facets()).toEqual({
      actors: ['clerk', 'owner'],
      actions: ['auth.login', 'user.create'],
      entities: ['user'],
    });
    s.audit.record({ actor: 'ghost', action: 'ghost.walk', entity: 'ghost' });
    expect(s.audit.facets().actors).toEqual(['clerk', 'ghost', 'owner']);
  });

  it('falls back to one thread, with the same verdict, when the verification threads fail', async () => {
    const s = await services();
    for (let i = 0; i < 50; i++)
      s.audit.record({ actor: 'a', action: 'x', entity: 'e', entityId: i });
    const failures: unknown[] = [];
    // Threads given a wrong key cannot read the file, as when a packaged app cannot start them.
    const broken = { ...s.store, keyMaterial: { ...s.store.keyMaterial, hexKey: '0'.repeat(64) } };
    const verdict = await verifyChainInParallel(broken, s.audit, {
      threads: 2,
      minEntries: 0,
      onThreadFailure: (e) => failures.push(e),
    });
    expect(verdict).toEqual(s.audit.verify());
    expect(failures).toHaveLength(1);
  });

  it('refuses control characters in the fields it chains', async () => {
    const s = await services();
    expect(() => s.audit.record({ actor: 'a\nb', action: 'x', entity: 'e' })).toThrow(
      /control characters/,
    );
    expect(() =>
      s.audit.record({ actor: 'a', action: 'x', entity: 'e', entityId: 'x\u001fy' }),
    ).toThrow(/control characters/);
    expect(s.audit.head().seq).toBe(0);
  });

  it('rolls the entry back with the change it records', async () => {
    const s = await services();
    s.store.db.exec('CREATE TABLE thing (id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
    const write = s.store.db.transaction(() => {
      s.store.db.prepare('INSERT INTO thing (v) VALUES (?)').run('x');
      s.audit.record({ actor: 'a', action: 'thing.create', entity: 'thing' });
      throw new Error('business rule failed');
    });
    expect(() => write()).toThrow(/business rule/);
    expect(s.audit.head().seq).toBe(0);
    expect(s.store.db.prepare('SELECT count(*) FROM thing').pluck().get()).toBe(0);
    // The next entry chains from what is really stored, not from the rolled-back one.
    s.audit.record({ actor: 'a', action: 'thing.create', entity: 'thing' });
    const again = s.audit.record({ actor: 'a', action: 'thing.create', entity: 'thing' });
    expect(again.seq).toBe(2);
    expect(s.audit.verify()).toMatchObject({ ok: true, length: 2 });
  });

  it('queries by actor, entity, action and time, newest first, a page at a time', async () => {
    const s = await services();
    for (let i = 0; i < 25; i++) {
      s.audit.record({
        actor: i % 2 ? 'clerk' : 'owner',
        action: i % 5 ? 'auth.login' : 'user.create',
        entity: 'user',
        entityId: i,
      });
      s.clock.advance(60_000);
    }
    const page1 = s.audit.query({ actor: 'owner', limit: 5 });
    expect(page1.entries.map((e) => e.seq)).toEqual([25, 23, 21, 19, 17]);
    const page2 = s.audit.query({ actor: 'owner', limit: 5, beforeSeq: page1.nextBeforeSeq ?? 0 });
    expect(page2.entries[0]?.seq).toBe(15);
    expect(s.audit.query({ action: 'user.create' }).entries).toHaveLength(5);
    const first = s.audit.query({ limit: 200 }).entries.at(-1);
    const from = new Date(new Date(first?.time ?? 0).getTime() + 10 * 60_000).toISOString();
    const to = new Date(new Date(first?.time ?? 0).getTime() + 14 * 60_000).toISOString();
    expect(s.audit.query({ from, to }).entries.map((e) => e.seq)).toEqual([15, 14, 13, 12, 11]);
    expect(s.audit.query({ entity: 'user', entityId: '3' }).entries).toHaveLength(1);
    expect(s.audit.query({ actor: 'owner', limit: 200 }).nextBeforeSeq).toBeNull();
    expect(() => s.audit.query({ from: to, to: from })).toThrow(/before/);
  });
});

describe('record hashes in the chain (issue 14 §3)', () => {
  it('hashes every regulated table migration 22 queues, and only those', async () => {
    const s = await services();
    const queued = (
      s.store.db
        .prepare(
          "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%_audit_hash'",
        )
        .pluck()
        .all() as string[]
    )
      .map((n) => n.replace(/_audit_hash$/, ''))
      .sort();
    expect(queued).toEqual(REGULATED_TABLES.map((t) => t.table).sort());
  });

  it('covers a whole book as the desks write it, with no change to the writers (27 CFR 478.125(e))', async () => {
    const { s } = await everyKindBook();
    const verdict = await s.chain.verify();
    expect(verdict.tamper.findings).toEqual([]);
    expect(verdict.state).toBe('ok');
    expect(verdict.tamper.recordsWaiting).toBe(0);
    // Every acquisition, disposition, check and check response was re-read and compared.
    const rows = ['ledger_acquisitions', 'ledger_dispositions', 'background_checks', 'check_events']
      .map((t) => Number(s.store.db.prepare(`SELECT count(*) FROM ${t}`).pluck().get()))
      .reduce((a, b) => a + b, 0);
    expect(verdict.tamper.recordsChecked).toBeGreaterThanOrEqual(rows);
    expect(rows).toBeGreaterThan(10);
  });

  it('chains each entry’s record hashes: removing one breaks the entry it belongs to', async () => {
    const { s } = await everyKindBook();
    const entry = s.store.db
      .prepare('SELECT max(seq) FROM audit_records WHERE tbl = ?')
      .pluck()
      .get('ledger_acquisitions') as number;
    const [withRecords] = s.audit.query({ limit: 200 }).entries.filter((e) => e.seq === entry);
    expect(withRecords?.recordsHash).toMatch(/^[0-9a-f]{64}$/);
    // The entry's hash covers its records hash: its line, written out by the rule (fields
    // joined by 0x1F, a missing one as 0x1E, the records hash just before the prevHash).
    const e = withRecords as AuditEntry;
    const line = [
      e.seq,
      e.time,
      e.actor,
      e.action,
      e.entity,
      e.entityId ?? '\x1e',
      e.payloadHash,
      e.externalRef ?? '\x1e',
      e.outcome,
      e.recordsHash,
      e.prevHash,
    ].join('\x1f');
    expect(createHash('sha256').update(line, 'utf8').digest('hex')).toBe(e.hash);
    s.store.db.exec('DROP TRIGGER audit_records_no_delete');
    s.store.db
      .prepare(
        'DELETE FROM audit_records WHERE seq = ? AND rowid = (SELECT min(rowid) FROM audit_records WHERE seq = ?)',
      )
      .run(entry, entry);
    const verdict = await s.chain.verify();
    expect(verdict.tamper.findings).toContainEqual({ kind: 'record_hashes_altered', seq: entry });
  });

  it('hashes a row as written: NULLs left out, blobs by their hash, any other change seen', () => {
    const row = { id: 1, serial: 'ABC', note: null, png: Buffer.from([1, 2, 3]) };
    const base = rowHashOf('signatures', row);
    expect(rowHashOf('signatures', { ...row, extra: null })).toBe(base);
    expect(rowHashOf('signatures', { ...row, note: '' })).not.toBe(base);
    expect(rowHashOf('signatures', { ...row, png: Buffer.from([1, 2, 4]) })).not.toBe(base);
    expect(rowHashOf('signatures', { ...row, serial: 'ABC ' })).not.toBe(base);
    expect(rowHashOf('pickups', row)).not.toBe(base);
  });
});
