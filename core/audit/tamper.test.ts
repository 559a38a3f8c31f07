// Issue 14 §3: what someone holding the database key did, done again here for real (the key
// from the keychain, SQL on the file, bytes flipped in a closed file), and each one found.
// The records are the ones an inspector reads: the bound book (27 CFR 478.125(e)), its
// background checks (27 CFR 478.124(c), 28 CFR 25.9), and the audit trail kept of them
// (HIPAA 45 CFR 164.312(b),(c)(1): audit controls and integrity).
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { describe, expect, it } from 'vitest';
import { healthOf } from '../api/health.ts';
import { ipcTransport } from '../api/testing.ts';
import type { StoreServices } from '../app/services.ts';
import { DATABASE_FILE } from '../app/services.ts';
import { applyKey } from '../db/open.ts';
import { DatabaseOpenError } from '../db/errors.ts';
import { DomainError } from '../errors.ts';
import { ManualClock } from '../clock.ts';
import { makeServices, tempDir, testKeychain } from '../testing/fixtures.ts';
import { GLOCK, LIPSEYS, RUGER, SIG, TO_SHOP } from '../testing/firearms.ts';
import type { SecretStore } from '../secrets/port.ts';
import type { TamperFinding } from './model.ts';

type Store = StoreServices & { clock: { now(): number } };

/** A store with a small book: three firearms received, one corrected, one sold. */
async function bookStore(dataDir = tempDir(), secrets: SecretStore = testKeychain()) {
  const s = await makeServices({ dataDir, secrets, clock: storeClock() });
  const f = s.firearms;
  const [glock, ruger] = f.acquire('carlos', {
    receivedOn: '2026-01-05',
    source: LIPSEYS,
    firearms: [GLOCK, RUGER],
  });
  f.correctAcquisition('maria', ruger?.entryNo ?? 0, {
    firearm: { ...RUGER, model: '10/22 Carbine' },
    receivedOn: '2026-01-05',
    source: LIPSEYS,
    reason: 'Model as engraved',
  });
  const sale = f.startDisposition('carlos', glock?.itemId ?? 0, TO_SHOP);
  f.commitDisposition('carlos', sale.id);
  const [sig] = f.acquire('carlos', { receivedOn: '2026-01-06', source: LIPSEYS, firearms: [SIG] });
  return { s, dataDir, secrets, glock, sig };
}

/** What the attacker had: the file and the key (on a headless server it sits in a file). */
function attackerOpen(s: Store): Database.Database {
  const db = new Database(s.store.keyMaterial.file);
  applyKey(db, s.store.keyMaterial.hexKey);
  return db;
}

const kinds = (findings: TamperFinding[]) => findings.map((f) => f.kind);

/** A week into the book's dates, so nothing is received "in the future". */
const storeClock = () => new ManualClock(Date.UTC(2026, 0, 12, 17, 0, 0));

async function reopen(dataDir: string, secrets: SecretStore): Promise<Store> {
  return makeServices({ dataDir, secrets, clock: storeClock() });
}

/** Closes a store the way the server does: pending work drained (the anchor written). */
async function shutDown(s: Store): Promise<void> {
  await s.drain();
  s.close();
}

describe('tamper evidence: regulated records (27 CFR 478.125(e))', () => {
  it('names a bound-book serial rewritten with the key, even with the trigger put back', async () => {
    const { s, sig } = await bookStore();
    expect((await s.chain.verify()).state).toBe('ok');
    const db = attackerOpen(s);
    const trigger = db
      .prepare("SELECT sql FROM sqlite_master WHERE name = 'ledger_acquisitions_no_update'")
      .pluck()
      .get() as string;
    db.exec('DROP TRIGGER ledger_acquisitions_no_update');
    db.prepare("UPDATE ledger_acquisitions SET serial = 'CLEAN-001' WHERE entry_no = ?").run(
      sig?.entryNo,
    );
    db.exec(trigger);
    db.close();
    const verdict = await s.chain.verify();
    expect(verdict.state).toBe('broken');
    expect(verdict.tamper.findings).toContainEqual(
      expect.objectContaining({
        kind: 'record_changed',
        table: 'ledger_acquisitions',
        key: `[${sig?.entryNo}]`,
      }),
    );
    expect(verdict.state === 'broken' && verdict.reason).toMatch(/ledger_acquisitions record/);
    expect(healthOf(s).status).toBe('degraded');
    s.close();
  });

  it('names a transferee name rewritten on a committed disposition', async () => {
    const { s } = await bookStore();
    await s.chain.verify(); // the start's own verification, finished before the change
    const db = attackerOpen(s);
    db.exec('DROP TRIGGER ledger_dispositions_no_update');
    const id = db.prepare('SELECT max(id) FROM ledger_dispositions').pluck().get() as number;
    db.prepare("UPDATE ledger_dispositions SET transferee_name = 'Someone Else' WHERE id = ?").run(
      id,
    );
    db.close();
    const verdict = await s.chain.verify();
    expect(verdict.tamper.findings).toContainEqual(
      expect.objectContaining({
        kind: 'record_changed',
        table: 'ledger_dispositions',
        key: `[${id}]`,
      }),
    );
    expect(verdict.tamper.findings).toContainEqual({
      kind: 'trigger_missing',
      name: 'ledger_dispositions_no_update',
    });
    s.close();
  });

  it('names the newest acquisition deleted with the triggers dropped', async () => {
    const { s, sig } = await bookStore();
    const db = attackerOpen(s);
    db.pragma('foreign_keys = OFF');
    db.exec('DROP TRIGGER ledger_acquisitions_no_delete');
    db.prepare('DELETE FROM ledger_acquisitions WHERE entry_no = ?').run(sig?.entryNo);
    db.close();
    const verdict = await s.chain.verify();
    expect(verdict.state).toBe('broken');
    expect(verdict.tamper.findings).toContainEqual(
      expect.objectContaining({
        kind: 'record_deleted',
        table: 'ledger_acquisitions',
        key: `[${sig?.entryNo}]`,
      }),
    );
    s.close();
  });

  it('names a row written around the app (no audit entry) and a row laundered through the queue', async () => {
    const { s, sig } = await bookStore();
    const db = attackerOpen(s);
    db.exec('DROP TRIGGER background_checks_audit_hash');
    const forged = db
      .prepare(
        `INSERT INTO background_checks (form_4473, buyer_key, items, state, route, buyer_under_21, initiated_by, initiated_at, created_on)
         VALUES ('F-1', 'b', '[]', 'TX', 'federal_nics', 0, 'carlos', 0, '2026-01-06')`,
      )
      .run().lastInsertRowid;
    db.close();
    const db2 = attackerOpen(s);
    db2.exec('DROP TRIGGER ledger_acquisitions_no_update');
    db2
      .prepare("UPDATE ledger_acquisitions SET model = 'P320' WHERE entry_no = ?")
      .run(sig?.entryNo);
    // Queue the rewritten row as if it had just been written, then let the app write an entry.
    db2
      .prepare(
        "INSERT INTO audit_pending (tbl, row_key, op) VALUES ('ledger_acquisitions', ?, 'insert')",
      )
      .run(`[${sig?.entryNo}]`);
    db2.close();
    s.audit.record({ actor: 'carlos', action: 'test.touch', entity: 'test' });
    const verdict = await s.chain.verify();
    expect(verdict.tamper.findings).toContainEqual({
      kind: 'record_not_covered',
      table: 'background_checks',
      key: `[${forged}]`,
    });
    expect(verdict.tamper.findings).toContainEqual(
      expect.objectContaining({
        kind: 'record_rehashed',
        table: 'ledger_acquisitions',
        key: `[${sig?.entryNo}]`,
      }),
    );
    s.close();
  });
});

describe('tamper evidence: the chain head anchored outside the file', () => {
  for (const n of [1, 10]) {
    it(`detects the last ${n} audit entr${n === 1 ? 'y' : 'ies'} deleted, at start and by verify`, async () => {
      const { s, dataDir, secrets } = await bookStore();
      for (let i = 0; i < 12; i++)
        s.audit.record({ actor: 'carlos', action: 'test.step', entity: 'test' });
      const head = s.audit.head().seq;
      await shutDown(s);
      const db = new Database(path.join(dataDir, DATABASE_FILE));
      applyKey(db, s.store.keyMaterial.hexKey);
      const trigger = db
        .prepare("SELECT sql FROM sqlite_master WHERE name = 'audit_log_no_delete'")
        .pluck()
        .get() as string;
      db.exec('DROP TRIGGER audit_log_no_delete');
      db.prepare('DELETE FROM audit_log WHERE seq > ?').run(head - n);
      db.exec(trigger);
      db.close();

      const again = await reopen(dataDir, secrets);
      // At start, before any verification: /healthz already says so.
      const atStart = healthOf(again);
      expect(atStart.status).toBe('degraded');
      expect(atStart.auditChain.tamper.findings[0]).toMatchObject({
        kind: 'log_truncated',
        anchoredSeq: head,
        headSeq: head - n,
      });
      const verdict = await again.chain.verify();
      expect(verdict.state).toBe('broken');
      expect(verdict.state === 'broken' && verdict.reason).toMatch(
        /truncated or the database replaced with an older copy.*restore/,
      );
      again.close();
    });
  }

  it('detects the file replaced with an older copy of itself', async () => {
    const { s, dataDir, secrets } = await bookStore();
    await shutDown(s);
    const old = path.join(tempDir(), 'old.db');
    fs.copyFileSync(path.join(dataDir, DATABASE_FILE), old);
    const later = await reopen(dataDir, secrets);
    later.firearms.acquire('carlos', {
      receivedOn: '2026-01-07',
      source: LIPSEYS,
      firearms: [{ ...GLOCK, serial: 'NEW-1' }],
    });
    await shutDown(later);
    fs.copyFileSync(old, path.join(dataDir, DATABASE_FILE));
    const replaced = await reopen(dataDir, secrets);
    expect(kinds(healthOf(replaced).auditChain.tamper.findings)).toContain('log_truncated');
    // The anchor is not moved back by the replaced file's own writes.
    replaced.audit.record({ actor: 'x', action: 'test.after', entity: 'test' });
    await replaced.drain();
    expect(kinds((await replaced.chain.verify()).tamper.findings)).toContain('log_truncated');
    replaced.close();
  });

  it('does not flag a deliberate restore: the restore re-anchors', async () => {
    const { s, dataDir, secrets } = await bookStore();
    const backup = await s.backups.run('manual', 'owner');
    expect(backup.ok).toBe(true);
    expect(fs.existsSync(`${backup.file}.anchor.json`)).toBe(true);
    s.firearms.acquire('carlos', {
      receivedOn: '2026-01-07',
      source: LIPSEYS,
      firearms: [{ ...GLOCK, serial: 'NEW-2' }],
    });
    const check = await s.backups.checkRestore('owner', path.basename(backup.file ?? ''));
    await s.backups.stageRestore('owner', { name: check.name, sha256: check.sha256 });
    await shutDown(s);
    const restored = await reopen(dataDir, secrets);
    expect(healthOf(restored).auditChain.tamper.findings).toEqual([]);
    const verdict = await restored.chain.verify();
    expect(verdict.tamper.findings).toEqual([]);
    expect(verdict.state).toBe('ok');
    restored.close();
  });
});

describe('tamper evidence: the append-only triggers', () => {
  it('names a dropped and an altered trigger at start and by verify', async () => {
    const { s, dataDir, secrets } = await bookStore();
    await shutDown(s);
    const db = new Database(path.join(dataDir, DATABASE_FILE));
    applyKey(db, s.store.keyMaterial.hexKey);
    db.exec('DROP TRIGGER check_events_no_delete');
    db.exec('DROP TRIGGER ledger_acquisitions_no_update');
    db.exec(`CREATE TRIGGER ledger_acquisitions_no_update BEFORE UPDATE ON ledger_acquisitions
      WHEN 0 BEGIN SELECT RAISE(ABORT, 'ledger entries are never changed: record a correction'); END`);
    db.close();
    const again = await reopen(dataDir, secrets);
    const atStart = healthOf(again).auditChain.tamper.findings;
    expect(atStart).toContainEqual({ kind: 'trigger_missing', name: 'check_events_no_delete' });
    expect(atStart).toContainEqual({
      kind: 'trigger_changed',
      name: 'ledger_acquisitions_no_update',
    });
    const verdict = await again.chain.verify();
    expect(verdict.state).toBe('broken');
    expect(verdict.tamper.findings).toContainEqual({
      kind: 'trigger_missing',
      name: 'check_events_no_delete',
    });
    again.close();
  });
});

describe('tamper evidence: damaged pages', () => {
  it('never starts "ok" on a file with a flipped byte in any page: read-only "damaged", or a clear refusal', async () => {
    const { s, dataDir, secrets } = await bookStore();
    for (let i = 0; i < 40; i++)
      s.audit.record({ actor: 'carlos', action: 'test.fill', entity: 'test', payload: { i } });
    await shutDown(s);
    const file = path.join(dataDir, DATABASE_FILE);
    const clean = fs.readFileSync(file);
    const pageSize = 4096;
    const pages = Math.floor(clean.length / pageSize);
    expect(pages).toBeGreaterThan(12);
    const outcomes: string[] = [];
    // Twelve pages spread over the file, one byte flipped in the middle of each.
    for (let k = 0; k < 12; k++) {
      const page = Math.floor((k * (pages - 1)) / 11);
      const bytes = Buffer.from(clean);
      const at = page * pageSize + 2048 + k;
      bytes[at] = (bytes[at] ?? 0) ^ 0x5a;
      fs.writeFileSync(file, bytes);
      for (const companion of ['-wal', '-shm']) fs.rmSync(`${file}${companion}`, { force: true });
      let opened: Store;
      try {
        opened = await reopen(dataDir, secrets);
      } catch (error) {
        // Page 1 or the schema: the file cannot be opened at all; the refusal says what to do.
        expect(error).toBeInstanceOf(DatabaseOpenError);
        expect((error as Error).message).toMatch(/damaged.*(backup|restore)/i);
        outcomes.push(`page ${page + 1}: refused`);
        continue;
      }
      try {
        await opened.integrity.checkAtStart(10_000);
        const health = healthOf(opened);
        expect(health.status, `page ${page + 1}`).toBe('damaged');
        expect(health.integrity.state === 'damaged' && health.integrity.whatToDo).toMatch(
          /npm run restore/,
        );
        // Writes are refused with that reason, not a stack trace.
        let refused: unknown = null;
        try {
          opened.integrity.refuseWrites('mutation', 'firearms.acquire');
        } catch (error) {
          refused = error;
        }
        expect(refused).toBeInstanceOf(DomainError);
        expect((refused as DomainError).reason).toBe('store_damaged');
        // Through the API as a screen calls it: the health answers, a write is a clear 503.
        const api = ipcTransport(opened);
        const answered = await api.call({ path: 'system.health', type: 'query' }, undefined);
        expect(answered.body).toMatchObject({ result: { data: { status: 'damaged' } } });
        const write = await api.call({ path: 'setup.createOwner', type: 'mutation' }, {});
        expect(write.status).toBe(503);
        expect(write.error?.data.reason).toBe('store_damaged');
        expect(write.error?.message).toMatch(/npm run restore/);
        await api.close();
        outcomes.push(`page ${page + 1}: damaged`);
      } finally {
        opened.close();
      }
    }
    expect(outcomes).toHaveLength(12);
    expect(outcomes.filter((o) => o.endsWith('damaged')).length).toBeGreaterThan(6);
  });
});
