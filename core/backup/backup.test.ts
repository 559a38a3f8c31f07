import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../app/services.ts';
import { openStoreDatabase } from '../db/open.ts';
import { createLogger } from '../log/logger.ts';
import { KeyringSecretStore } from '../secrets/keyring.ts';
import { OWNER, servicesForTest, tempDir } from '../testing/fixtures.ts';
import {
  call,
  killServer,
  killServersAfterAll,
  startServerProcess,
} from '../testing/server-process.ts';

killServersAfterAll();

const modeOf = (f: string) => fs.statSync(f).mode & 0o777;

const services = () => servicesForTest();

describe('backups', () => {
  it('writes an encrypted, verified copy that opens with the same key', async () => {
    const s = await services();
    s.audit.record({
      actor: 'owner',
      action: 'user.create',
      entity: 'user',
      entityId: 'MARKER-backup-7731',
    });
    const folder = tempDir();
    s.backups.updateSettings('owner', { folder, keep: 3, dailyAt: '02:00' });
    const r = await s.backups.run('manual', 'owner');
    expect(r.ok).toBe(true);
    expect(r.message).toMatch(/Backup verified/);
    const file = r.file ?? '';
    expect(path.dirname(file)).toBe(folder);
    expect(fs.existsSync(`${file}.key.json`)).toBe(true);
    expect(fs.readFileSync(file).includes('MARKER-backup-7731')).toBe(false);
    const plain = new Database(file);
    expect(() => plain.prepare('SELECT 1 FROM sqlite_master').all()).toThrow(/not a database/);
    plain.close();
    const copy = s.store.openCopy(file, { readonly: true });
    expect(copy.prepare('SELECT entity_id FROM audit_log WHERE seq = 1').pluck().get()).toBe(
      'MARKER-backup-7731',
    );
    copy.close();
    expect(s.backups.history()[0]).toMatchObject({ ok: true, trigger: 'manual', file });
    expect(s.audit.query({ action: 'backup.run' }).entries[0]?.outcome).toBe('success');
  });

  it('copies on a worker thread, so the store keeps answering (and a second backup waits its turn)', async () => {
    const s = await services();
    s.store.db.transaction(() => {
      for (let i = 0; i < 20_000; i++)
        s.audit.record({ actor: 'a', action: 'x', entity: 'e', entityId: i });
    })();
    s.backups.updateSettings('owner', { folder: tempDir(), keep: 3, dailyAt: '02:00' });
    // The first thread a process starts costs it a one-off pause; measure a later backup.
    await s.backups.run('manual', 'owner');
    let turns = 0;
    const ticker = setInterval(() => turns++, 1);
    const first = s.backups.run('manual', 'owner');
    await expect(s.backups.run('manual', 'owner')).rejects.toMatchObject({
      reason: 'backup_running',
    });
    const r = await first;
    clearInterval(ticker);
    expect(r.ok).toBe(true);
    expect(turns).toBeGreaterThan(0); // the event loop ran while the copy was made
  });

  it('keeps only the newest N backups', async () => {
    const s = await services();
    const folder = tempDir();
    fs.writeFileSync(path.join(folder, 'not-ours.txt'), 'leave me');
    s.backups.updateSettings('owner', { folder, keep: 2, dailyAt: '02:00' });
    const files: string[] = [];
    for (let i = 0; i < 4; i++) {
      files.push((await s.backups.run('schedule', 'system')).file ?? '');
      s.clock.advance(86_400_000);
    }
    const left = fs.readdirSync(folder).sort();
    expect(left).toEqual(
      [
        path.basename(files[2] ?? ''),
        `${path.basename(files[2] ?? '')}.key.json`,
        `${path.basename(files[2] ?? '')}.anchor.json`,
        path.basename(files[3] ?? ''),
        `${path.basename(files[3] ?? '')}.key.json`,
        `${path.basename(files[3] ?? '')}.anchor.json`,
        'not-ours.txt',
      ].sort(),
    );
  });

  it('records a failure with an actionable message when the folder cannot be written', async () => {
    const s = await services();
    const blocker = path.join(tempDir(), 'a-file');
    fs.writeFileSync(blocker, 'x');
    s.backups.updateSettings('owner', {
      folder: path.join(blocker, 'backups'),
      keep: 2,
      dailyAt: '02:00',
    });
    const r = await s.backups.run('manual', 'owner');
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(
      /Backup failed: .*Check that .* exists, is writable and has free space/,
    );
    expect(s.backups.history()[0]?.ok).toBe(false);
    expect(s.audit.query({ action: 'backup.run' }).entries[0]?.outcome).toBe('failed');
  });

  it('schedules the daily backup at the configured time', async () => {
    const s = await services();
    s.backups.updateSettings('owner', { folder: '', keep: 14, dailyAt: '03:15' });
    s.backups.schedule();
    const next = new Date(s.backups.nextScheduledRun() ?? 0);
    expect([next.getHours(), next.getMinutes()]).toEqual([3, 15]);
    // eslint-disable-next-line no-restricted-syntax -- the backup schedule (croner) runs on real time
    expect(next.getTime()).toBeGreaterThan(Date.now());
    // eslint-disable-next-line no-restricted-syntax -- the backup schedule (croner) runs on real time
    expect(next.getTime() - Date.now()).toBeLessThanOrEqual(86_400_000);
    s.backups.updateSettings('owner', { folder: '', keep: 14, dailyAt: '22:45' });
    expect(new Date(s.backups.nextScheduledRun() ?? 0).getHours()).toBe(22);
  });

  it('rejects bad settings with a clear message', async () => {
    const s = await services();
    expect(() =>
      s.backups.updateSettings('owner', { folder: '', keep: 0, dailyAt: '02:00' }),
    ).toThrow(/Keep at least one backup/);
    expect(() =>
      s.backups.updateSettings('owner', { folder: '', keep: 3, dailyAt: '25:00' }),
    ).toThrow(/24-hour time/);
  });

  // Issue 14 §4: "Folders are created 0755 (data, logs, backups) and backups 0644: make every
  // file and folder the store writes owner-only".
  it('writes every folder 0700 and every file 0600: data, logs, backups, key pointers (issue 14 §4, owner-only files)', async () => {
    const parent = tempDir();
    const dataDir = path.join(parent, 'data');
    // The log is the first to need the data folder when the server starts.
    const log = createLogger(dataDir, { quiet: true });
    log.info('started');
    const s = await servicesForTest({ dataDir });
    const r = await s.backups.run('manual', 'owner');
    expect(r.ok).toBe(true);
    const backups = path.join(dataDir, 'backups');
    for (const d of [dataDir, path.join(dataDir, 'logs'), backups])
      expect(modeOf(d), d).toBe(0o700);
    const files = [
      path.join(dataDir, 'logs', 'backroom.log'),
      path.join(dataDir, DATABASE_FILE),
      path.join(dataDir, `${DATABASE_FILE}.key.json`),
      path.join(dataDir, `${DATABASE_FILE}-wal`),
      path.join(dataDir, `${DATABASE_FILE}-shm`),
      r.file ?? '',
      `${r.file ?? ''}.key.json`,
    ];
    for (const f of files) expect(modeOf(f), f).toBe(0o600);
  });

  it('closes up a data folder, log and database an older version left readable by others (issue 14 §4)', async () => {
    const dataDir = tempDir();
    const first = await servicesForTest({ dataDir });
    first.close();
    createLogger(dataDir, { quiet: true }).info('x');
    for (const d of [dataDir, path.join(dataDir, 'logs')]) fs.chmodSync(d, 0o755);
    for (const f of [DATABASE_FILE, `${DATABASE_FILE}.key.json`, 'logs/backroom.log'])
      fs.chmodSync(path.join(dataDir, f), 0o644);
    createLogger(dataDir, { quiet: true }).info('again');
    const again = await servicesForTest({ dataDir, secrets: first.secrets });
    expect(again.store.schemaVersion).toBeGreaterThan(0);
    for (const d of [dataDir, path.join(dataDir, 'logs')]) expect(modeOf(d), d).toBe(0o700);
    for (const f of [DATABASE_FILE, `${DATABASE_FILE}.key.json`, 'logs/backroom.log'])
      expect(modeOf(path.join(dataDir, f)), f).toBe(0o600);
  });

  // Issue 14 §4: "A SIGKILL during a backup leaves a full-size .partial file that nothing removes."
  it('removes a copy left by a backup that never finished, before the next backup (issue 14 §4, stale .partial)', async () => {
    const s = await servicesForTest();
    const folder = tempDir();
    s.backups.updateSettings('owner', { folder, keep: 3, dailyAt: '02:00' });
    const stale = path.join(folder, 'backroom-20260101T020000000Z.db.partial');
    fs.writeFileSync(stale, Buffer.alloc(64 * 1024, 7));
    const notOurs = path.join(folder, 'photos.partial');
    fs.writeFileSync(notOurs, 'keep');
    const r = await s.backups.run('manual', 'owner');
    expect(r.ok).toBe(true);
    expect(fs.existsSync(stale)).toBe(false);
    expect(fs.existsSync(notOurs)).toBe(true);
    expect(fs.readdirSync(folder).filter((f) => f.endsWith('.partial'))).toEqual([
      'photos.partial',
    ]);
  });

  it('removes the .partial a backup killed with SIGKILL left behind when the server starts again (issue 14 §4)', async () => {
    const dataDir = tempDir();
    const keyring = `backroom-partial-test-${process.pid}`;
    // A database big enough that the copy takes a while: the kill lands while it is written.
    const seed = await openStoreDatabase({
      file: path.join(dataDir, DATABASE_FILE),
      secrets: new KeyringSecretStore(keyring),
    });
    seed.db.exec('CREATE TABLE filler (b BLOB)');
    const insert = seed.db.prepare('INSERT INTO filler VALUES (randomblob(1048576))');
    seed.db.transaction(() => {
      for (let i = 0; i < 96; i++) insert.run();
    })();
    seed.close();

    const first = await startServerProcess(dataDir, keyring);
    await call(first.url, 'setup.createOwner', OWNER);
    const { token } = await call<{ token: string }>(first.url, 'auth.login', {
      username: OWNER.username,
      password: OWNER.password,
    });
    const backups = path.join(dataDir, 'backups');
    const partials = () =>
      fs.existsSync(backups) ? fs.readdirSync(backups).filter((f) => f.endsWith('.partial')) : [];
    fs.mkdirSync(backups, { recursive: true, mode: 0o700 });
    // Told by the file system the moment the copy's .partial appears (no polling, no sleep).
    const watcher = fs.watch(backups);
    const appeared = new Promise<void>((resolve) => {
      watcher.on('change', () => partials().length > 0 && resolve());
    });
    void call(first.url, 'backup.runNow', undefined, token).catch(() => undefined);
    await appeared;
    watcher.close();
    expect(partials()).toHaveLength(1);
    await killServer(first.child);
    // What the kill left: the copy, cut off, and no finished backup.
    expect(partials()).toHaveLength(1);
    expect(fs.readdirSync(backups).filter((f) => f.endsWith('.db'))).toEqual([]);

    const second = await startServerProcess(dataDir, keyring);
    expect(partials()).toEqual([]);
    const again = await call<{ token: string }>(second.url, 'auth.login', {
      username: OWNER.username,
      password: OWNER.password,
    });
    const r = await call<{ ok: boolean }>(second.url, 'backup.runNow', undefined, again.token);
    expect(r.ok).toBe(true);
    expect(partials()).toEqual([]);
    await killServer(second.child);
  }, 60_000);
});
