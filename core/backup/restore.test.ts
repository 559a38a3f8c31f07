// Issue 14 §4: "Restore after a crash fails as documented: the old -wal/-shm files next to the
// restored file make the server refuse to start. Make restore a command and a screen
// (`npm run restore -- FILE` and Backups → Restore, owner only, with the chain check and the
// anchor check of the backup shown before it is applied), which moves the old files aside
// (never deletes them)." The anchor is issue 14 §3's: the chain head "anchored outside the
// database file … in every backup", so that "truncating the newest entries or replacing the
// file with an older copy is detected".
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type Database from 'better-sqlite3-multiple-ciphers';
import { describe, expect, it } from 'vitest';
import { canonicalLineSql, sha256 } from '../audit/chain.ts';
import { DATABASE_FILE } from '../app/services.ts';
import { httpTransport } from '../api/testing.ts';
import { KeyringSecretStore } from '../secrets/keyring.ts';
import { OWNER, makeServices, servicesForTest, tempDir } from '../testing/fixtures.ts';
import {
  call,
  killServer,
  killServersAfterAll,
  startServerProcess,
} from '../testing/server-process.ts';
import type { BackupCheck, PendingRestore } from './model.ts';
import { applyStagedRestore, describeRestoreProblem, pendingFolderOf } from './restore.ts';

killServersAfterAll();

const RESTORE = fileURLToPath(new URL('../../scripts/restore.ts', import.meta.url));
const modeOf = (f: string) => fs.statSync(f).mode & 0o777;
const keepSetting = (db: { prepare(sql: string): { pluck(): { get(): unknown } } }) =>
  JSON.parse(
    String(db.prepare("SELECT value FROM settings WHERE key = 'backup'").pluck().get() ?? '{}'),
  ) as { keep?: number };

function runRestoreCommand(
  args: string[],
  keyring: string,
): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, [RESTORE, ...args], {
    env: { ...process.env, BACKROOM_KEYRING_SERVICE: keyring },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, out })));
}

describe('restore from the Backups screen (owner only, staged for the next start)', () => {
  it('shows the backup’s chain check, stages it, and applies it at the next start with the old files moved aside (issue 14 §4)', async () => {
    const dataDir = tempDir();
    const s = await makeServices({ dataDir });
    const api = await httpTransport(s);
    let closed = false;
    try {
      await s.auth.setupOwner(OWNER);
      const { token } = await s.auth.login(OWNER, 'test');
      s.backups.updateSettings('owner', { folder: '', keep: 5, dailyAt: '02:00' });
      const backup = await s.backups.run('manual', 'owner');
      expect(backup.ok).toBe(true);
      const name = path.basename(backup.file ?? '');
      // Written after the backup: the restore takes the store back before it.
      s.backups.updateSettings('owner', { folder: '', keep: 9, dailyAt: '02:00' });

      const listed = await api.call({ path: 'backup.restorable', type: 'query' }, undefined, token);
      expect(listed.body).toMatchObject({
        result: { data: { backups: [{ name, hasKeyInfo: true }], pending: null } },
      });
      // A manager runs backups but may not restore one.
      await s.auth.createUser(
        { userId: 1, username: OWNER.username },
        { username: 'mgr', displayName: 'Mgr', role: 'store_manager', password: 'manager pass 1' },
      );
      const mgr = await s.auth.login({ username: 'mgr', password: 'manager pass 1' }, 'test');
      const refused = await api.call(
        { path: 'backup.checkRestore', type: 'mutation' },
        { name },
        mgr.token,
      );
      expect(refused.error?.data.code).toBe('FORBIDDEN');

      // Staging without reading a check first is refused.
      const unchecked = await api.call(
        { path: 'backup.stageRestore', type: 'mutation' },
        { name, sha256: 'a'.repeat(64) },
        token,
      );
      expect(unchecked.error?.data.reason).toBe('restore_not_checked');

      const headNow = s.audit.head().seq;
      const checked = await api.call(
        { path: 'backup.checkRestore', type: 'mutation' },
        { name },
        token,
      );
      const check = (checked.body as { result: { data: BackupCheck } }).result.data;
      expect(check).toMatchObject({ name, integrity: 'ok', problem: null });
      expect(check.chain.ok).toBe(true);
      expect(check.chain.length).toBeGreaterThan(0);
      expect(check.newerEntriesNow).toBe(headNow - check.chain.length);

      const staged = await api.call(
        { path: 'backup.stageRestore', type: 'mutation' },
        { name, sha256: check.sha256 },
        token,
      );
      const pending = (staged.body as { result: { data: PendingRestore } }).result.data;
      expect(pending).toMatchObject({ name, sha256: check.sha256, requestedBy: OWNER.username });
      // Nothing is replaced under the running store.
      expect(keepSetting(s.store.db).keep).toBe(9);
      expect(modeOf(pendingFolderOf(s.store.file))).toBe(0o700);
      await api.close();
      s.close();
      closed = true;
    } finally {
      if (!closed) {
        await api.close();
        s.close();
      }
    }

    const after = await servicesForTest({ dataDir, secrets: s.secrets });
    expect(keepSetting(after.store.db).keep).toBe(5);
    const restored = after.audit.query({ action: 'backup.restored' }).entries[0];
    expect(restored).toMatchObject({
      actor: OWNER.username,
      entityId: expect.stringMatching(/^backroom-/),
    });
    expect((await after.chain.verify()).state).toBe('ok');
    const aside = fs.readdirSync(dataDir).filter((f) => f.startsWith('replaced-'));
    expect(aside).toHaveLength(1);
    const asideDir = path.join(dataDir, aside[0] ?? '');
    // Moved, not deleted: the replaced database and its key pointer, with the record.
    expect(fs.readdirSync(asideDir)).toEqual(
      expect.arrayContaining([DATABASE_FILE, `${DATABASE_FILE}.key.json`, 'restore.json']),
    );
    expect(fs.existsSync(pendingFolderOf(after.store.file))).toBe(false);
    // Owner-only after a restore too (issue 14 §4).
    expect(modeOf(asideDir)).toBe(0o700);
    for (const f of fs.readdirSync(asideDir)) expect(modeOf(path.join(asideDir, f)), f).toBe(0o600);
    for (const f of [DATABASE_FILE, `${DATABASE_FILE}.key.json`])
      expect(modeOf(path.join(dataDir, f)), f).toBe(0o600);
    expect(after.backups.pendingRestore()).toBeNull();
  });

  it('shows a backup whose audit chain was altered as broken and refuses to stage it (issue 14 §4, chain check)', async () => {
    const s = await servicesForTest();
    s.audit.record({ actor: 'owner', action: 'user.create', entity: 'user', entityId: 7 });
    const r = await s.backups.run('manual', 'owner');
    const copy = s.store.openCopy(r.file ?? '');
    const triggers = copy
      .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'")
      .pluck()
      .all() as string[];
    for (const t of triggers) copy.exec(`DROP TRIGGER "${t}"`);
    copy.prepare("UPDATE audit_log SET actor = 'someone-else' WHERE seq = 1").run();
    copy.close();
    const check = await s.backups.checkRestore('owner', path.basename(r.file ?? ''));
    expect(check.chain).toMatchObject({ ok: false, brokenAt: 1 });
    expect(check.problem).toMatchObject({ reason: 'backup_chain_broken', brokenAt: 1 });
    await expect(
      s.backups.stageRestore('owner', { name: check.name, sha256: check.sha256 }),
    ).rejects.toMatchObject({ reason: 'backup_not_restorable' });
    expect(s.backups.pendingRestore()).toBeNull();
    expect(s.audit.query({ action: 'backup.restore_check' }).entries[0]?.outcome).toBe('failed');
  });

  it('finishes a restore a crash cut off half way, with every replaced file in one folder', async () => {
    const dataDir = tempDir();
    const s = await makeServices({ dataDir });
    const r = await s.backups.run('manual', 'owner');
    const check = await s.backups.checkRestore('owner', path.basename(r.file ?? ''));
    await s.backups.stageRestore('owner', { name: check.name, sha256: check.sha256 });
    const dbFile = s.store.file;
    s.close();
    // The first attempt chose its folder, moved the database there, and the power went out.
    const aside = path.join(dataDir, 'replaced-20260301T100000000Z');
    fs.writeFileSync(
      path.join(pendingFolderOf(dbFile), 'applying.json'),
      JSON.stringify({ movedAsideTo: aside }),
    );
    fs.mkdirSync(aside);
    fs.renameSync(dbFile, path.join(aside, DATABASE_FILE));

    const record = applyStagedRestore(dbFile, () => Date.parse('2026-03-01T10:05:00Z'));
    expect(record?.movedAsideTo).toBe(aside);
    expect(record?.movedAside).toEqual([DATABASE_FILE, `${DATABASE_FILE}.key.json`]);
    expect(fs.readdirSync(dataDir).filter((f) => f.startsWith('replaced-'))).toEqual([
      path.basename(aside),
    ]);
    expect(applyStagedRestore(dbFile, () => Date.parse('2026-03-01T10:06:00Z'))).toBeNull();
    const after = await servicesForTest({ dataDir, secrets: s.secrets });
    expect(after.audit.query({ action: 'backup.restored' }).entries).toHaveLength(1);
  });
});

describe('npm run restore', () => {
  it('restores a backup after a crash left -wal and -shm beside the database, and the server starts on it (issue 14 §4)', async () => {
    const dataDir = tempDir();
    const keyring = `backroom-restore-test-${process.pid}`;
    const first = await startServerProcess(dataDir, keyring);
    await call(first.url, 'setup.createOwner', OWNER);
    const login = () =>
      call<{ token: string }>(first.url, 'auth.login', {
        username: OWNER.username,
        password: OWNER.password,
      });
    const { token } = await login();
    await call(
      first.url,
      'backup.updateSettings',
      { folder: '', keep: 5, dailyAt: '02:00' },
      token,
    );
    const backup = await call<{ ok: boolean; file: string }>(
      first.url,
      'backup.runNow',
      undefined,
      token,
    );
    expect(backup.ok).toBe(true);
    await call(
      first.url,
      'backup.updateSettings',
      { folder: '', keep: 9, dailyAt: '02:00' },
      token,
    );

    // The command refuses while the server has the database open.
    const whileRunning = await runRestoreCommand(
      [backup.file, '--data-dir', dataDir, '--yes'],
      keyring,
    );
    expect(whileRunning.code).toBe(1);
    expect(whileRunning.out).toMatch(/Backroom is running .* Stop it first/);

    await killServer(first.child);
    const db = path.join(dataDir, DATABASE_FILE);
    expect(fs.existsSync(`${db}-wal`)).toBe(true);
    expect(fs.existsSync(`${db}-shm`)).toBe(true);

    const restored = await runRestoreCommand(
      [backup.file, '--data-dir', dataDir, '--yes'],
      keyring,
    );
    expect(restored.out).toMatch(/integrity: +ok/);
    expect(restored.out).toMatch(/audit chain: verified, \d+ entries/);
    expect(restored.out).toMatch(/anchor check: matches \(entry \d+, anchored /);
    expect(restored.code, restored.out).toBe(0);

    const aside = fs.readdirSync(dataDir).filter((f) => f.startsWith('replaced-'));
    expect(aside).toHaveLength(1);
    const asideDir = path.join(dataDir, aside[0] ?? '');
    expect(fs.readdirSync(asideDir).sort()).toEqual(
      [
        DATABASE_FILE,
        `${DATABASE_FILE}-shm`,
        `${DATABASE_FILE}-wal`,
        `${DATABASE_FILE}.key.json`,
        'restore.json',
      ].sort(),
    );
    expect(fs.existsSync(`${db}-wal`)).toBe(false);
    expect(modeOf(db)).toBe(0o600);
    expect(modeOf(asideDir)).toBe(0o700);

    const second = await startServerProcess(dataDir, keyring);
    const health = async () =>
      ((await (await fetch(`${second.url}/healthz`)).json()) as { auditChain: { state: string } })
        .auditChain.state;
    await expect.poll(health, { timeout: 10_000 }).toBe('ok');
    const again = await call<{ token: string }>(second.url, 'auth.login', {
      username: OWNER.username,
      password: OWNER.password,
    });
    const settings = await call<{ keep: number }>(
      second.url,
      'backup.settings',
      undefined,
      again.token,
    );
    expect(settings.keep).toBe(5);
    const audit = await call<{ entries: { actor: string }[] }>(
      second.url,
      'audit.query',
      { action: 'backup.restored' },
      again.token,
    );
    expect(audit.entries[0]?.actor).toMatch(/npm run restore/);
    await killServer(second.child);
  }, 90_000);
});

// ── the anchor check (issue 14 §4 restore bullet, with §3's anchor in every backup) ──

type Services = Awaited<ReturnType<typeof servicesForTest>>;

/** A store with a few audit entries and one backup of it. */
async function storeWithBackup(o: Parameters<typeof servicesForTest>[0] = {}) {
  const s = await servicesForTest(o);
  for (let i = 1; i <= 5; i++)
    s.audit.record({ actor: 'owner', action: 'user.create', entity: 'user', entityId: i });
  const headBefore = s.audit.head();
  const r = await s.backups.run('manual', 'owner');
  expect(r.ok).toBe(true);
  const file = r.file ?? '';
  return { s, file, name: path.basename(file), headBefore };
}

/** What someone holding the key can do to a backup file: its safeguards dropped. */
function openWithKey(s: Services, file: string): Database.Database {
  const db = s.store.openCopy(file);
  const triggers = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'")
    .pluck()
    .all() as string[];
  for (const t of triggers) db.exec(`DROP TRIGGER "${t}"`);
  return db;
}

/** Hashes the chain again from `from` on, so it verifies after a rewrite (a careful forger). */
function rechainFrom(db: Database.Database, from: number): void {
  const withRecords =
    db.prepare("SELECT 1 FROM pragma_table_info('audit_log') WHERE name = 'records_hash'").get() !==
    undefined;
  const lineOf = db
    .prepare(`SELECT ${canonicalLineSql(withRecords)} FROM audit_log WHERE seq = ?`)
    .pluck();
  const head = db.prepare('SELECT max(seq) FROM audit_log').pluck().get() as number;
  for (let seq = from; seq <= head; seq++) {
    if (seq > 1)
      db.prepare(
        'UPDATE audit_log SET prev_hash = (SELECT hash FROM audit_log WHERE seq = ?) WHERE seq = ?',
      ).run(seq - 1, seq);
    db.prepare('UPDATE audit_log SET hash = ? WHERE seq = ?').run(
      sha256(lineOf.get(seq) as string),
      seq,
    );
  }
}

async function expectRefused(s: Services, check: BackupCheck): Promise<void> {
  await expect(
    s.backups.stageRestore('owner', { name: check.name, sha256: check.sha256 }),
  ).rejects.toMatchObject({
    reason: 'backup_not_restorable',
    message: expect.stringMatching(
      /choose another backup.*inspector|inspector.*choose another backup/i,
    ),
  });
  expect(s.backups.pendingRestore()).toBeNull();
  expect(s.audit.query({ action: 'backup.restore_check' }).entries[0]?.outcome).toBe('failed');
}

describe('the anchor check of a backup, before it may be restored (issue 14 §4, §3 anchor)', () => {
  it('a fresh backup holds the entry anchored beside it: the anchor matches and it may be staged', async () => {
    const { s, file, name, headBefore } = await storeWithBackup();
    expect(fs.existsSync(`${file}.anchor.json`)).toBe(true);
    const check = await s.backups.checkRestore('owner', name);
    expect(check.chain).toMatchObject({ ok: true, length: headBefore.seq });
    expect(check.anchor).toEqual({
      state: 'matches',
      anchoredSeq: headBefore.seq,
      anchoredAt: new Date(s.clock.now()).toISOString(),
    });
    expect(check.problem).toBeNull();
    const pending = await s.backups.stageRestore('owner', { name, sha256: check.sha256 });
    expect(pending.anchor?.state).toBe('matches');
  });

  it('a backup whose newest audit entries were deleted with the key is behind its anchor and refused', async () => {
    const { s, file, name, headBefore } = await storeWithBackup();
    const db = openWithKey(s, file);
    db.prepare('DELETE FROM audit_log WHERE seq > ?').run(headBefore.seq - 2);
    db.close();
    const check = await s.backups.checkRestore('owner', name);
    // What is left verifies on its own: only the anchor shows that entries are gone.
    expect(check.chain).toMatchObject({ ok: true, length: headBefore.seq - 2 });
    expect(check.anchor).toMatchObject({ state: 'behind', anchoredSeq: headBefore.seq });
    expect(check.problem).toMatchObject({
      reason: 'backup_anchor_mismatch',
      state: 'behind',
      anchoredSeq: headBefore.seq,
      chainLength: headBefore.seq - 2,
    });
    expect(
      describeRestoreProblem(check.problem ?? { reason: 'backup_damaged', integrity: '' }),
    ).toMatch(/ends at entry \d+, but when it was made its newest entry was \d+/);
    await expectRefused(s, check);
  });

  it('an older backup put under a newer backup’s name is behind that name’s anchor and refused', async () => {
    const { s, file: older } = await storeWithBackup();
    s.clock.advance(60_000);
    s.audit.record({ actor: 'owner', action: 'user.create', entity: 'user', entityId: 99 });
    const newer = await s.backups.run('manual', 'owner');
    const newerFile = newer.file ?? '';
    expect(newerFile).not.toBe(older);
    // Same key, so it opens: only the anchor beside the newer name tells the copies apart.
    fs.copyFileSync(older, newerFile);
    const check = await s.backups.checkRestore('owner', path.basename(newerFile));
    expect(check.chain.ok).toBe(true);
    expect(check.anchor.state).toBe('behind');
    expect(check.problem?.reason).toBe('backup_anchor_mismatch');
    await expectRefused(s, check);
  });

  it('a backup whose anchored entry was rewritten with the key (the chain hashed again so it verifies) differs from its anchor and is refused', async () => {
    const { s, file, name, headBefore } = await storeWithBackup();
    const db = openWithKey(s, file);
    db.prepare("UPDATE audit_log SET actor = 'someone-else' WHERE seq = ?").run(headBefore.seq);
    rechainFrom(db, headBefore.seq);
    db.close();
    const check = await s.backups.checkRestore('owner', name);
    expect(check.chain).toMatchObject({ ok: true, length: headBefore.seq });
    expect(check.anchor).toMatchObject({ state: 'differs', anchoredSeq: headBefore.seq });
    expect(check.problem).toMatchObject({ reason: 'backup_anchor_mismatch', state: 'differs' });
    expect(
      describeRestoreProblem(check.problem ?? { reason: 'backup_damaged', integrity: '' }),
    ).toMatch(/replaced or altered/);
    await expectRefused(s, check);
  });

  it('a backup with its anchored entry’s hash rewritten and nothing else is refused too (the chain breaks, and the anchor differs)', async () => {
    const { s, file, name, headBefore } = await storeWithBackup();
    const db = openWithKey(s, file);
    db.prepare('UPDATE audit_log SET hash = ? WHERE seq = ?').run('0'.repeat(64), headBefore.seq);
    db.close();
    const check = await s.backups.checkRestore('owner', name);
    expect(check.anchor.state).toBe('differs');
    expect(check.problem?.reason).toBe('backup_chain_broken');
    await expectRefused(s, check);
  });

  it('a backup made before tamper evidence (no .anchor.json) shows the anchor missing, as a warning, and may be restored', async () => {
    const { s, file, name, headBefore } = await storeWithBackup();
    fs.rmSync(`${file}.anchor.json`);
    const check = await s.backups.checkRestore('owner', name);
    expect(check.anchor).toEqual({ state: 'missing', anchoredSeq: null, anchoredAt: null });
    expect(check.chain).toMatchObject({ ok: true, length: headBefore.seq });
    expect(check.problem).toBeNull();
    const pending = await s.backups.stageRestore('owner', { name, sha256: check.sha256 });
    expect(pending.anchor?.state).toBe('missing');
  });
});

describe('npm run restore prints the anchor check before it asks to type RESTORE (issue 14 §4)', () => {
  it('refuses a cut-short backup without asking, and restores one without an anchor with the warning', async () => {
    const keyring = `backroom-restore-anchor-test-${process.pid}`;
    const dataDir = tempDir();
    const secrets = new KeyringSecretStore(keyring);
    const s = await makeServices({ dataDir, secrets });
    let cutShort: string;
    let noAnchor: string;
    let head: number;
    try {
      for (let i = 1; i <= 4; i++)
        s.audit.record({ actor: 'owner', action: 'user.create', entity: 'user', entityId: i });
      head = s.audit.head().seq;
      cutShort = (await s.backups.run('manual', 'owner')).file ?? '';
      s.clock.advance(60_000);
      noAnchor = (await s.backups.run('manual', 'owner')).file ?? '';
      const db = openWithKey(s, cutShort);
      db.prepare('DELETE FROM audit_log WHERE seq = ?').run(head);
      db.close();
      fs.rmSync(`${noAnchor}.anchor.json`);
    } finally {
      s.close();
    }

    // No --yes, and nothing typed: a refused check must end before the question.
    const refused = await runRestoreCommand([cutShort, '--data-dir', dataDir], keyring);
    expect(refused.out).toMatch(/audit chain: verified/);
    expect(refused.out).toMatch(
      new RegExp(
        `anchor check: FAILED the chain ends at entry ${head - 1}, its anchor says ${head}`,
      ),
    );
    expect(refused.out).toMatch(/Not restored: .*Keep this file for an inspector/);
    expect(refused.out).not.toMatch(/Type RESTORE/);
    expect(refused.code).toBe(1);
    expect(fs.readdirSync(dataDir).filter((f) => f.startsWith('replaced-'))).toEqual([]);

    const warned = await runRestoreCommand([noAnchor, '--data-dir', dataDir, '--yes'], keyring);
    expect(warned.out).toMatch(/anchor check: WARNING no anchor beside this backup/);
    expect(warned.out.indexOf('anchor check:')).toBeLessThan(warned.out.indexOf('This replaces'));
    expect(warned.code, warned.out).toBe(0);
    expect(warned.out).toMatch(/Restored backroom-/);
  }, 60_000);
});
