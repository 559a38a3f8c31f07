// Putting a backup back in place of the store database, safely:
// - the backup is checked first (opens with its key, integrity check, audit chain from entry 1,
//   and the chain against the anchor written beside the backup when it was made);
// - the replaced database, its -wal, -shm and key pointer are MOVED into a dated folder beside
//   it, never deleted (an old -wal left next to a restored file is what made the server refuse
//   to start: SQLite would replay it onto the wrong database);
// - the swap happens only while no server has the database open: the `npm run restore` command
//   refuses while one runs, and a restore chosen on the Backups screen is staged (a checked
//   copy inside the data folder) and applied at the next start, before the database opens.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import Database from 'better-sqlite3-multiple-ciphers';
import { z } from 'zod';
import { readBackupAnchor, type ChainAnchor } from '../audit/anchor.ts';
import { applyKey, fingerprintOf, keyInfoShape } from '../db/open.ts';
import { ownerOnly } from '../db/owner-only.ts';
import { DomainError, conflict, invalid, notFound } from '../errors.ts';
import type { SecretStore } from '../secrets/port.ts';
import { runWorker, workerScript } from '../workers.ts';
import { anchorNotChecked, inspectCopy, type CopyContents } from './inspect.ts';
import {
  backupTimeOf,
  type BackupCheck,
  type PendingRestore,
  type RestoreProblem,
  type RestoreRecord,
} from './model.ts';

/** The database file's companions that belong to it and move with it. */
const COMPANIONS = ['-wal', '-shm', '-journal', '.key.json'] as const;

const chainShape = z.union([
  z.object({ ok: z.literal(true), length: z.number(), headHash: z.string() }),
  z.object({
    ok: z.literal(false),
    length: z.number(),
    brokenAt: z.number(),
    reason: z.string(),
  }),
]);
const anchorCheckShape = z.object({
  state: z.enum(['matches', 'missing', 'behind', 'differs', 'unchecked']),
  anchoredSeq: z.number().nullable(),
  anchoredAt: z.string().nullable(),
});
const pendingShape = z.object({
  name: z.string(),
  sha256: z.string(),
  chain: chainShape,
  anchor: anchorCheckShape.optional(),
  lastEntryAt: z.string().nullable(),
  requestedBy: z.string(),
  stagedAt: z.string(),
});
const recordShape = pendingShape.extend({
  appliedAt: z.string(),
  movedAsideTo: z.string(),
  movedAside: z.array(z.string()),
});

const stampOf = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, '').replace('.', '');

/** Where a staged restore waits for the next start. */
export const pendingFolderOf = (dbFile: string) =>
  path.join(path.dirname(dbFile), 'restore-pending');
const pendingFileOf = (dbFile: string) => path.join(pendingFolderOf(dbFile), 'restore.json');
/** An applied restore the audit log has not recorded yet (the next start records it). */
const unrecordedFileOf = (dbFile: string) => `${dbFile}.restored.json`;
const inUseFileOf = (dbFile: string) => `${dbFile}.in-use`;

function writeFileDurably(file: string, text: string): void {
  const tmp = `${file}.tmp`;
  const fd = fs.openSync(tmp, 'w', 0o600);
  try {
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  ownerOnly(file, 0o600);
  syncFolder(path.dirname(file));
}

/** Makes renames in a folder durable (POSIX; Windows cannot open a folder and needs none). */
function syncFolder(folder: string): void {
  if (process.platform === 'win32') return;
  const fd = fs.openSync(folder, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function readJsonFile(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return null;
  }
}

// ── which process has the store open ─────────────────────────────────

const inUseShape = z.object({
  pid: z.number().int().positive(),
  host: z.string(),
  since: z.string(),
});
export type InUse = z.infer<typeof inUseShape>;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, run by another OS user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The running server (or desktop app) that has this database open, from the mark it leaves
 * beside the file while it runs. A mark left by a killed process whose id is gone does not
 * count; one written on another computer (a shared folder) always does: we cannot tell.
 */
export function storeInUse(dbFile: string): InUse | null {
  const parsed = inUseShape.safeParse(readJsonFile(inUseFileOf(dbFile)));
  if (!parsed.success) return null;
  if (parsed.data.host !== os.hostname()) return parsed.data;
  return processAlive(parsed.data.pid) ? parsed.data : null;
}

export const storeRunningError = (dbFile: string, by: InUse) =>
  conflict(
    'store_running',
    `Backroom is running with ${dbFile} open (process ${by.pid} on ${by.host}, since ${by.since}). ` +
      `Stop it first (close the desktop app, or stop the store server), then run the restore again. ` +
      `If you are sure no Backroom runs, delete ${inUseFileOf(dbFile)} and try again.`,
  );

export interface DataFolderHold {
  /** A restore applied since the audit log last recorded one (at this start or by the command). */
  readonly restored: RestoreRecord | null;
  /** Call once the audit log has recorded `restored`. */
  recorded(): void;
  /** The store has closed: the mark goes. */
  release(): void;
}

/**
 * At start, before the database opens: marks the database as in use by this process and
 * applies a restore the Backups screen staged. Nothing else has the file open at this moment.
 */
export function holdDataFolder(dbFile: string, now: () => number): DataFolderHold {
  fs.mkdirSync(path.dirname(dbFile), { recursive: true, mode: 0o700 });
  const mark: InUse = {
    pid: process.pid,
    host: os.hostname(),
    since: new Date(now()).toISOString(),
  };
  writeFileDurably(inUseFileOf(dbFile), `${JSON.stringify(mark)}\n`);
  try {
    applyStagedRestore(dbFile, now);
  } catch (error) {
    fs.rmSync(inUseFileOf(dbFile), { force: true });
    throw error;
  }
  const restored = restoreNotYetRecorded(dbFile);
  return {
    restored,
    recorded: () => fs.rmSync(unrecordedFileOf(dbFile), { force: true }),
    release: () => {
      const current = inUseShape.safeParse(readJsonFile(inUseFileOf(dbFile)));
      if (current.success && current.data.pid === process.pid && current.data.since === mark.since)
        fs.rmSync(inUseFileOf(dbFile), { force: true });
    },
  };
}

function restoreNotYetRecorded(dbFile: string): RestoreRecord | null {
  const parsed = recordShape.safeParse(readJsonFile(unrecordedFileOf(dbFile)));
  return parsed.success ? parsed.data : null;
}

// ── checking a backup ────────────────────────────────────────────────

/** The key that opens a backup, found through its `.key.json` (a reference, not the key). */
async function keyOfBackup(file: string, secrets: SecretStore): Promise<string> {
  const infoFile = `${file}.key.json`;
  const info = keyInfoShape.safeParse(readJsonFile(infoFile));
  if (!info.success)
    throw invalid(
      'backup_key_info_missing',
      `${infoFile} is missing or damaged, so Backroom cannot tell which key opens this backup. Copy it from where the backup came from (every backup has one beside it).`,
    );
  const key = await secrets.get(info.data.keyRef);
  if (!key)
    throw invalid(
      'backup_key_missing',
      `The key that opens this backup (${info.data.keyRef}) is not in the ${secrets.description}. The backup was made with another key (on another PC, or before the store was set up again): restore it on the PC that holds that key.`,
    );
  if (fingerprintOf(key) !== info.data.fingerprint)
    throw invalid(
      'backup_wrong_key',
      `The key in the ${secrets.description} under ${info.data.keyRef} does not open this backup: its .key.json belongs to another key. Restore the matching keychain entry first.`,
    );
  return key;
}

async function inspectFile(
  file: string,
  hexKey: string,
  anchor: ChainAnchor | null,
): Promise<CopyContents> {
  const unreadable = (why: string): CopyContents => ({
    integrity: `the copy cannot be read (${why})`,
    chain: { ok: false, length: 0, brokenAt: 1, reason: 'the copy cannot be read' },
    anchor: anchorNotChecked(anchor),
    lastEntryAt: null,
    schemaVersion: 0,
  });
  const script = workerScript(import.meta.url, 'backup-worker');
  if (script) {
    const answer = await runWorker<
      { ok: true; contents: CopyContents } | { ok: false; error: string }
    >(script, { kind: 'inspect', file, hexKey, anchor });
    return answer.ok ? answer.contents : unreadable(answer.error);
  }
  let db: Database.Database | null = null;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    applyKey(db, hexKey);
    return inspectCopy(db, anchor);
  } catch (error) {
    return unreadable(error instanceof Error ? error.message : String(error));
  } finally {
    db?.close();
  }
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(fs.createReadStream(file), async (chunks: AsyncIterable<Buffer>) => {
    for await (const c of chunks) hash.update(c);
  });
  return hash.digest('hex');
}

/**
 * Opens a backup with its own key and checks it: SQLite's integrity check, its audit chain
 * from entry 1, and that chain against the anchor written beside the backup when it was made
 * (a copy whose newest entries were removed, or an older or altered copy put under its name,
 * no longer holds the anchored entry). Refuses (throws) only when it cannot be opened at all;
 * a damaged copy, a broken chain or an anchor mismatch is reported in `problem`, for the owner
 * to read before anything is replaced. A backup without an anchor (made before tamper
 * evidence) may be restored: its `anchor.state` is 'missing', shown as a warning.
 */
export async function checkBackup(
  file: string,
  o: {
    secrets: SecretStore;
    /** The newest schema this version knows: a backup from a newer version is refused. */
    latestSchema: number;
    /** The live store's newest audit entry, to say how much a restore sets aside. */
    currentHead?: number;
  },
): Promise<BackupCheck> {
  const resolved = path.resolve(file);
  if (!fs.existsSync(resolved) || !fs.statSync(resolved).isFile())
    throw notFound('backup_not_found', `There is no backup file at ${resolved}.`);
  const hexKey = await keyOfBackup(resolved, o.secrets);
  // Read before the copy is opened; the worker compares it on the snapshot it walks.
  const anchor = readBackupAnchor(resolved);
  const [sha256, contents] = await Promise.all([
    sha256Of(resolved),
    inspectFile(resolved, hexKey, anchor),
  ]);
  let problem: RestoreProblem | null = null;
  if (contents.integrity !== 'ok')
    problem = { reason: 'backup_damaged', integrity: contents.integrity };
  else if (!contents.chain.ok)
    problem = {
      reason: 'backup_chain_broken',
      brokenAt: contents.chain.brokenAt,
      why: contents.chain.reason,
    };
  else if (
    (contents.anchor.state === 'behind' || contents.anchor.state === 'differs') &&
    contents.anchor.anchoredSeq !== null &&
    contents.anchor.anchoredAt !== null
  )
    problem = {
      reason: 'backup_anchor_mismatch',
      state: contents.anchor.state,
      anchoredSeq: contents.anchor.anchoredSeq,
      anchoredAt: contents.anchor.anchoredAt,
      chainLength: contents.chain.length,
    };
  else if (contents.schemaVersion > o.latestSchema)
    problem = {
      reason: 'backup_too_new',
      schemaVersion: contents.schemaVersion,
      latest: o.latestSchema,
    };
  return {
    name: path.basename(resolved),
    file: resolved,
    bytes: fs.statSync(resolved).size,
    sha256,
    madeAt: backupTimeOf(path.basename(resolved)),
    integrity: contents.integrity,
    chain: contents.chain,
    anchor: contents.anchor,
    lastEntryAt: contents.lastEntryAt,
    schemaVersion: contents.schemaVersion,
    newerEntriesNow:
      o.currentHead === undefined ? null : Math.max(0, o.currentHead - contents.chain.length),
    problem,
  };
}

/** The words for a check's problem (the command prints them; screens translate the reason). */
export function describeRestoreProblem(p: RestoreProblem): string {
  switch (p.reason) {
    case 'backup_damaged':
      return `The backup is damaged (${p.integrity}). Choose an older backup.`;
    case 'backup_chain_broken':
      return `The backup's audit chain is broken at entry ${p.brokenAt} (${p.why}): it may have been altered. Choose another backup, and keep this one for an inspector.`;
    case 'backup_anchor_mismatch':
      return p.state === 'behind'
        ? `The backup's audit chain ends at entry ${p.chainLength}, but when it was made its newest entry was ${p.anchoredSeq} (anchored ${p.anchoredAt}): entries were removed from it after it was made, or an older copy was put under its name. Keep this file for an inspector, and choose another backup.`
        : `The backup's audit entry ${p.anchoredSeq} is not the one anchored when it was made (${p.anchoredAt}): the backup was replaced or altered. Keep this file for an inspector, and choose another backup.`;
    case 'backup_too_new':
      return `The backup was made by a newer version of Backroom (schema ${p.schemaVersion}; this version knows up to ${p.latest}). Update Backroom first.`;
  }
}

// ── staging and applying ─────────────────────────────────────────────

/**
 * Copies a checked backup into the data folder (and its key pointer), where it waits for the
 * next start. The copy is hashed as it is written: it must be the very file that was checked.
 * A restore staged before is replaced (it was only a copy).
 */
export async function stageRestore(
  dbFile: string,
  check: BackupCheck,
  requestedBy: string,
  now: number,
): Promise<PendingRestore> {
  if (check.problem) throw conflict('backup_not_restorable', describeRestoreProblem(check.problem));
  const folder = pendingFolderOf(dbFile);
  fs.rmSync(folder, { recursive: true, force: true });
  fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
  ownerOnly(folder, 0o700);
  const staged = path.join(folder, path.basename(dbFile));
  const partial = `${staged}.partial`;
  const hash = createHash('sha256');
  await pipeline(
    fs.createReadStream(check.file),
    new Transform({
      transform(chunk: Buffer, _enc, done) {
        hash.update(chunk);
        done(null, chunk);
      },
    }),
    fs.createWriteStream(partial, { mode: 0o600 }),
  );
  if (hash.digest('hex') !== check.sha256) {
    fs.rmSync(folder, { recursive: true, force: true });
    throw conflict(
      'backup_changed',
      `${check.file} changed after it was checked. Check it again before restoring it.`,
    );
  }
  const fd = fs.openSync(partial, 'r+');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(partial, staged);
  ownerOnly(staged, 0o600);
  fs.copyFileSync(`${check.file}.key.json`, `${staged}.key.json`);
  ownerOnly(`${staged}.key.json`, 0o600);
  const pending: PendingRestore = {
    name: check.name,
    sha256: check.sha256,
    chain: check.chain,
    anchor: check.anchor,
    lastEntryAt: check.lastEntryAt,
    requestedBy,
    stagedAt: new Date(now).toISOString(),
  };
  // Written last: a restore counts as staged only once its copy is complete.
  writeFileDurably(pendingFileOf(dbFile), `${JSON.stringify(pending, null, 2)}\n`);
  return pending;
}

/** The restore waiting for the next start, if any. */
export function pendingRestore(dbFile: string): PendingRestore | null {
  const parsed = pendingShape.safeParse(readJsonFile(pendingFileOf(dbFile)));
  return parsed.success ? parsed.data : null;
}

/** Drops a staged restore (its copy only: the backup itself stays where it is). */
export function cancelPendingRestore(dbFile: string): PendingRestore | null {
  const pending = pendingRestore(dbFile);
  fs.rmSync(pendingFolderOf(dbFile), { recursive: true, force: true });
  return pending;
}

function asideFolderFor(dbFile: string, now: number): string {
  const base = path.join(path.dirname(dbFile), `replaced-${stampOf(now)}`);
  let folder = base;
  for (let n = 2; fs.existsSync(folder); n++) folder = `${base}-${n}`;
  return folder;
}

/**
 * Applies a staged restore; only while no connection has the database open (at start, or by
 * the command once it has made sure no server runs). Each step can be repeated: a crash half
 * way is finished by the next start, and the replaced files all end up in one dated folder.
 */
export function applyStagedRestore(dbFile: string, now: () => number): RestoreRecord | null {
  const folder = pendingFolderOf(dbFile);
  const raw = readJsonFile(pendingFileOf(dbFile));
  if (raw === undefined) return null;
  const pending = pendingShape.safeParse(raw);
  if (!pending.success)
    throw new DomainError(
      'unavailable',
      'restore_unreadable',
      `A restore was staged in ${folder}, but its restore.json cannot be read. Move that folder out of the data folder to start without restoring, or stage the restore again.`,
    );
  const applyingFile = path.join(folder, 'applying.json');
  const applying = z.object({ movedAsideTo: z.string() }).safeParse(readJsonFile(applyingFile));
  const aside = applying.success ? applying.data.movedAsideTo : asideFolderFor(dbFile, now());
  if (!applying.success)
    writeFileDurably(applyingFile, `${JSON.stringify({ movedAsideTo: aside })}\n`);
  fs.mkdirSync(aside, { recursive: true, mode: 0o700 });
  ownerOnly(aside, 0o700);

  const staged = path.join(folder, path.basename(dbFile));
  const stagedKey = `${staged}.key.json`;
  const moveAside = (f: string) => {
    if (!fs.existsSync(f)) return;
    const target = path.join(aside, path.basename(f));
    if (fs.existsSync(target))
      throw new DomainError(
        'unavailable',
        'restore_unfinished',
        `Cannot finish the restore: ${target} already exists. Look in ${aside}, move the files you want to keep, and start again.`,
      );
    fs.renameSync(f, target);
  };
  if (fs.existsSync(staged)) {
    // The old database with everything that belongs to it: an old -wal replayed onto the
    // restored file is what made the server refuse to start.
    moveAside(dbFile);
    for (const c of COMPANIONS) moveAside(`${dbFile}${c}`);
    syncFolder(aside);
    fs.renameSync(staged, dbFile);
  }
  if (fs.existsSync(stagedKey)) {
    moveAside(`${dbFile}.key.json`);
    fs.renameSync(stagedKey, `${dbFile}.key.json`);
  }
  syncFolder(path.dirname(dbFile));
  ownerOnly(dbFile, 0o600);
  ownerOnly(`${dbFile}.key.json`, 0o600);
  for (const f of fs.readdirSync(aside)) ownerOnly(path.join(aside, f), 0o600);
  const record: RestoreRecord = {
    ...pending.data,
    appliedAt: new Date(now()).toISOString(),
    movedAsideTo: aside,
    movedAside: fs
      .readdirSync(aside)
      .filter((f) => f !== 'restore.json')
      .sort(),
  };
  writeFileDurably(path.join(aside, 'restore.json'), `${JSON.stringify(record, null, 2)}\n`);
  writeFileDurably(unrecordedFileOf(dbFile), `${JSON.stringify(record, null, 2)}\n`);
  fs.rmSync(folder, { recursive: true, force: true });
  return record;
}

/**
 * The command's restore (the server stopped): refuses while a server has the database open,
 * then stages the checked backup and applies it at once. The next start records it in the
 * audit log.
 */
export async function restoreNow(
  dbFile: string,
  check: BackupCheck,
  requestedBy: string,
  now: () => number,
): Promise<RestoreRecord> {
  const running = storeInUse(dbFile);
  if (running) throw storeRunningError(dbFile, running);
  await stageRestore(dbFile, check, requestedBy, now());
  const again = storeInUse(dbFile);
  if (again) {
    // A server started while the copy was made: it applies the staged restore at its next start.
    throw storeRunningError(dbFile, again);
  }
  const record = applyStagedRestore(dbFile, now);
  if (!record) throw new Error('The staged restore vanished before it could be applied.');
  return record;
}
