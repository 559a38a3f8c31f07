import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { describe, expect, it } from 'vitest';
import { testKeychain, tempDir } from '../testing/fixtures.ts';
import { DatabaseOpenError } from './errors.ts';
import { openStoreDatabase } from './open.ts';
import { migrations } from './migrations/index.ts';

const MARKER = 'MARKER-Jane-Q-Purchaser-4471';

async function freshDb() {
  const dir = tempDir();
  const secrets = testKeychain();
  const file = path.join(dir, 'store.db');
  const store = await openStoreDatabase({ file, secrets });
  return { dir, secrets, file, store };
}

async function expectOpenError(p: Promise<unknown>, reason: DatabaseOpenError['reason']) {
  const error = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DatabaseOpenError);
  expect((error as DatabaseOpenError).reason).toBe(reason);
  return error as DatabaseOpenError;
}

describe('the store database', () => {
  it('is unreadable without the key: plain SQLite cannot open it and a stored string is not in the file', async () => {
    const { file, store } = await freshDb();
    store.db.exec('CREATE TABLE t (v TEXT)');
    store.db.prepare('INSERT INTO t VALUES (?)').run(MARKER);
    // While open, the write-ahead log holds the page: it must be encrypted too.
    expect(fs.readFileSync(`${file}-wal`).includes(MARKER)).toBe(false);
    store.close();
    expect(fs.readFileSync(file).includes(MARKER)).toBe(false);
    const plain = new Database(file);
    expect(() => plain.prepare('SELECT * FROM sqlite_master').all()).toThrow(/not a database/);
    plain.close();
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('keeps its key in the keychain, not on disk', async () => {
    const { dir, secrets, file, store } = await freshDb();
    store.close();
    const info = JSON.parse(fs.readFileSync(`${file}.key.json`, 'utf8')) as { keyRef: string };
    const key = await secrets.get(info.keyRef);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    for (const f of fs.readdirSync(dir))
      expect(fs.readFileSync(path.join(dir, f)).includes(key as string)).toBe(false);
  });

  it('reopens with the key and applies migrations once', async () => {
    const { file, secrets, store } = await freshDb();
    expect(store.schemaVersion).toBe(migrations.length);
    store.db.exec('CREATE TABLE t (v TEXT)');
    store.db.prepare('INSERT INTO t VALUES (?)').run(MARKER);
    store.close();
    const again = await openStoreDatabase({ file, secrets });
    expect(again.db.prepare('SELECT v FROM t').pluck().get()).toBe(MARKER);
    expect(again.db.prepare('SELECT count(*) FROM schema_migrations').pluck().get()).toBe(
      migrations.length,
    );
    expect(again.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(again.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(again.db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    again.close();
  });

  it('says the key is wrong, not "crash", when the keychain holds another key', async () => {
    const { file, secrets, store } = await freshDb();
    store.close();
    const info = JSON.parse(fs.readFileSync(`${file}.key.json`, 'utf8')) as { keyRef: string };
    await secrets.set(info.keyRef, 'b'.repeat(64));
    const e = await expectOpenError(openStoreDatabase({ file, secrets }), 'wrong_key');
    expect(e.message).toMatch(/does not belong/);
    expect(e.message).not.toContain('b'.repeat(64));
  });

  it('says the key is missing when the keychain entry is gone', async () => {
    const { file, secrets, store } = await freshDb();
    store.close();
    const info = JSON.parse(fs.readFileSync(`${file}.key.json`, 'utf8')) as { keyRef: string };
    await secrets.delete(info.keyRef);
    await expectOpenError(openStoreDatabase({ file, secrets }), 'key_missing');
  });

  it('says which keychain entry is unknown when the key pointer file is damaged', async () => {
    const { file, secrets, store } = await freshDb();
    store.close();
    fs.writeFileSync(`${file}.key.json`, '{ not json');
    const e = await expectOpenError(openStoreDatabase({ file, secrets }), 'key_missing');
    expect(e.message).toMatch(/missing or damaged/);
  });

  it('reports a damaged file clearly', async () => {
    const { file, secrets, store } = await freshDb();
    store.close();
    const bytes = fs.readFileSync(file);
    bytes.fill(0x5a, 0, 4096);
    fs.writeFileSync(file, bytes);
    const e = await expectOpenError(openStoreDatabase({ file, secrets }), 'corrupt');
    expect(e.message).toMatch(/Restore it from the latest backup/);
  });

  it('refuses a plain unencrypted SQLite file in its place', async () => {
    const { file, secrets, store } = await freshDb();
    store.close();
    fs.rmSync(file);
    const plain = new Database(file);
    plain.exec('CREATE TABLE x (y)');
    plain.close();
    await expectOpenError(openStoreDatabase({ file, secrets }), 'not_encrypted');
  });

  it('refuses a database written by a newer Backroom', async () => {
    const { file, secrets, store } = await freshDb();
    store.db.pragma(`user_version = ${migrations.length + 5}`);
    store.close();
    const e = await expectOpenError(openStoreDatabase({ file, secrets }), 'too_new');
    expect(e.message).toMatch(/newer version of Backroom/);
  });
});
