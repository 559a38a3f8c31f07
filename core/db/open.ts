import { createHash, randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { z } from 'zod';
import type { SecretStore } from '../secrets/port.ts';
import { DatabaseOpenError } from './errors.ts';
import { migrate } from './migrate.ts';
import { migrations } from './migrations/index.ts';
import { ownerOnly } from './owner-only.ts';

export type Db = Database.Database;

export interface StoreDatabase {
  readonly db: Db;
  readonly file: string;
  readonly schemaVersion: number;
  /** Opens another connection to the same file with the same key (backups, verification). */
  openCopy(file: string, options?: { readonly?: boolean }): Db;
  /**
   * The file and its key, for read-only connections on worker threads (audit verification).
   * Memory only: never log it, store it or send it anywhere.
   */
  readonly keyMaterial: { file: string; hexKey: string };
  /** Size on disk of the database and its write-ahead log. */
  sizeBytes(): number;
  close(): void;
}

/**
 * Beside the database file we keep which keychain entry holds its key and a fingerprint of
 * that key. Neither is secret; the fingerprint lets us tell "wrong key" from "damaged file".
 */
export const keyInfoShape = z.object({
  keyRef: z.string().min(1),
  fingerprint: z.string().length(16),
});
export type KeyInfo = z.infer<typeof keyInfoShape>;

export const fingerprintOf = (hexKey: string) =>
  createHash('sha256').update(`backroom-key-check:${hexKey}`).digest('hex').slice(0, 16);

const SQLITE_PLAIN_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/** A JSON file's content, or undefined when it is not JSON (the caller explains). */
function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** The first 16 bytes only: the file may be gigabytes. */
function fileHeader(file: string): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const header = Buffer.alloc(16);
    fs.readSync(fd, header, 0, 16, 0);
    return header;
  } finally {
    fs.closeSync(fd);
  }
}

/** Applies the key; must be the first statement on a new connection. */
export function applyKey(db: Db, hexKey: string): void {
  db.pragma(`cipher = 'aegis'`);
  db.pragma(`key = "x'${hexKey}'"`);
}

export interface OpenOptions {
  file: string;
  secrets: SecretStore;
  now?: () => string;
}

export async function openStoreDatabase(options: OpenOptions): Promise<StoreDatabase> {
  const file = path.resolve(options.file);
  const now = options.now ?? (() => new Date().toISOString());
  const infoFile = `${file}.key.json`;
  // Only this OS user may read the store's files (SQLite gives -wal/-shm the same mode). A
  // folder or file an older version left readable by others is closed up too.
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  ownerOnly(path.dirname(file), 0o700);
  for (const f of [file, `${file}-wal`, `${file}-shm`, infoFile]) ownerOnly(f, 0o600);

  const exists = fs.existsSync(file) && fs.statSync(file).size > 0;
  let info: KeyInfo;
  let hexKey: string;
  if (!exists) {
    // First run: a random 256-bit key, straight into the keychain; never on disk in clear.
    hexKey = randomBytes(32).toString('hex');
    info = { keyRef: `database-key/${randomUUID()}`, fingerprint: fingerprintOf(hexKey) };
    await options.secrets.set(info.keyRef, hexKey);
    fs.writeFileSync(infoFile, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
    fs.writeFileSync(file, '', { mode: 0o600 });
  } else {
    if (fileHeader(file).equals(SQLITE_PLAIN_HEADER)) {
      throw new DatabaseOpenError(
        'not_encrypted',
        `${file} is a plain, unencrypted SQLite file, not a Backroom store database. Move it away and restore the store database from a backup.`,
      );
    }
    const parsed = fs.existsSync(infoFile) ? keyInfoShape.safeParse(readJson(infoFile)) : null;
    if (!parsed?.success) {
      throw new DatabaseOpenError(
        'key_missing',
        `${infoFile} is missing or damaged, so Backroom does not know which keychain entry unlocks ${file}. Restore it from the backup folder (it is copied beside every backup).`,
      );
    }
    info = parsed.data;
    const stored = await options.secrets.get(info.keyRef);
    if (!stored) {
      throw new DatabaseOpenError(
        'key_missing',
        `The key for the store database (${info.keyRef}) is not in the ${options.secrets.description}. ` +
          'Sign in to this PC as the user who set Backroom up, or restore the keychain entry.',
      );
    }
    if (fingerprintOf(stored) !== info.fingerprint) {
      throw new DatabaseOpenError(
        'wrong_key',
        `The key found in the ${options.secrets.description} does not belong to ${file}. ` +
          'The keychain entry was replaced; restore it, or restore the database from a backup made with this key.',
      );
    }
    hexKey = stored;
  }

  const open = (target: string, readonly = false): Db => {
    const conn = new Database(target, { readonly, fileMustExist: readonly });
    try {
      applyKey(conn, hexKey);
      conn.prepare('SELECT count(*) FROM sqlite_master').get();
    } catch (error) {
      conn.close();
      const why = error instanceof Error ? error.message : String(error);
      const code = (error as { code?: string }).code ?? '';
      // Only a file SQLite cannot make sense of is "damaged"; a busy or unreadable file is not,
      // and restoring a backup over it would lose good records.
      if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
        throw new DatabaseOpenError(
          'unavailable',
          `The store database ${target} is in use by another program (${why}). Close other copies of Backroom and try again.`,
        );
      }
      if (
        code.startsWith('SQLITE_CANTOPEN') ||
        code.startsWith('SQLITE_PERM') ||
        code.startsWith('SQLITE_IOERR') ||
        code.startsWith('SQLITE_READONLY')
      ) {
        throw new DatabaseOpenError(
          'unavailable',
          `The store database ${target} cannot be read or written (${why}). Check the folder's permissions and free disk space; do not restore a backup over it.`,
        );
      }
      throw new DatabaseOpenError(
        'corrupt',
        `The store database ${target} is damaged and cannot be read (${why}). Restore it from the latest backup.`,
      );
    }
    return conn;
  };

  const db = open(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    // Checkpoint the write-ahead log every ~16 MB instead of SQLite's 4 MB: fewer writes
    // pay for a checkpoint, and the log stays small enough to replay in a blink.
    db.pragma('wal_autocheckpoint = 4000');
    const schemaVersion = migrate(db, migrations, now);
    return {
      db,
      file,
      schemaVersion,
      openCopy: (target, o) => open(target, o?.readonly ?? false),
      keyMaterial: { file, hexKey },
      sizeBytes: () =>
        [file, `${file}-wal`].reduce((n, f) => n + (fs.existsSync(f) ? fs.statSync(f).size : 0), 0),
      close: () => {
        if (!db.open) return;
        try {
          db.pragma('wal_checkpoint(TRUNCATE)');
        } finally {
          db.close();
        }
      },
    };
  } catch (error) {
    db.close();
    throw error;
  }
}
