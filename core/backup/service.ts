import { writeBackupAnchor } from '../audit/anchor.ts';
import fs from 'node:fs';
import path from 'node:path';
import { Cron } from 'croner';
import { DomainError, conflict, notFound } from '../errors.ts';
import { runWorker, workerScript } from '../workers.ts';
import { copyAndCheck } from './copy.ts';
import type { AuditLog } from '../audit/repo.ts';
import type { Clock } from '../clock.ts';
import { ownerOnly } from '../db/owner-only.ts';
import type { StoreDatabase } from '../db/open.ts';
import type { Logger } from '../log/logger.ts';
import type { Outbox } from '../integrations/outbox.ts';
import type { SecretStore } from '../secrets/port.ts';
import {
  BACKUP_FILE_NAME,
  PARTIAL_FILE_NAME,
  backupSettingsSchema,
  backupTimeOf,
  defaultBackupSettings,
  stageRestoreSchema,
  type BackupCheck,
  type BackupRecord,
  type BackupSettings,
  type PendingRestore,
  type RestorableBackup,
  type RestoreRecord,
} from './model.ts';
import { cancelPendingRestore, checkBackup, pendingRestore, stageRestore } from './restore.ts';

const NAME = BACKUP_FILE_NAME;

interface Row {
  id: number;
  started_at: string;
  finished_at: string;
  trigger: 'schedule' | 'manual';
  file: string | null;
  bytes: number | null;
  ok: 0 | 1;
  message: string;
}

/**
 * Online backups: VACUUM INTO writes a consistent copy on a worker thread while the store
 * keeps working (the copy keeps the database's encryption and key), then the copy is opened
 * and integrity-checked before it counts. Keeps the newest N.
 */
export class BackupService {
  private readonly store: StoreDatabase;
  private readonly audit: AuditLog;
  private readonly clock: Clock;
  private readonly defaultFolder: string;
  private cron: Cron | null = null;
  private running = false;

  private readonly log: Logger;
  private readonly outbox: Outbox | null;
  private readonly secrets: SecretStore | null;
  /** Checks the owner has read this run, by the checked file's hash: staging needs one. */
  private readonly checked = new Map<string, BackupCheck>();

  constructor(o: {
    store: StoreDatabase;
    audit: AuditLog;
    /** Where backup.completed / backup.failed are published for integrations. */
    outbox?: Outbox;
    clock: Clock;
    defaultFolder: string;
    log: Logger;
    /** Where the keys that open backups are (restores check a backup with its own key). */
    secrets?: SecretStore;
  }) {
    this.log = o.log;
    this.outbox = o.outbox ?? null;
    this.store = o.store;
    this.audit = o.audit;
    this.clock = o.clock;
    this.defaultFolder = o.defaultFolder;
    this.secrets = o.secrets ?? null;
    // A backup cut off by a crash or a kill left its copy behind: nothing is writing it now.
    try {
      this.removeStalePartials(this.folder());
    } catch (error) {
      // An unreachable backup folder must not stop the store; the next backup says why.
      this.log.warn('Could not look for unfinished backup copies', { error: String(error) });
    }
  }

  /**
   * Removes copies a backup cut off by a crash left behind (`backroom-<time>.db.partial`, this
   * app's names only). Called at start and before each backup, never while one runs.
   */
  private removeStalePartials(folder: string): number {
    if (!fs.existsSync(folder)) return 0;
    const stale = fs.readdirSync(folder).filter((f) => PARTIAL_FILE_NAME.test(f));
    for (const f of stale) {
      fs.rmSync(path.join(folder, f), { force: true });
      this.log.warn('Removed the copy of a backup that did not finish', { file: f });
    }
    return stale.length;
  }

  settings(): BackupSettings {
    const raw = this.store.db
      .prepare("SELECT value FROM settings WHERE key = 'backup'")
      .pluck()
      .get() as string | undefined;
    const parsed = raw ? backupSettingsSchema.safeParse(JSON.parse(raw)) : null;
    return parsed?.success ? parsed.data : defaultBackupSettings;
  }

  folder(settings = this.settings()): string {
    return settings.folder ? path.resolve(settings.folder) : this.defaultFolder;
  }

  updateSettings(actor: string, next: BackupSettings): BackupSettings {
    const settings = backupSettingsSchema.parse(next);
    this.store.db
      .transaction(() => {
        this.store.db
          .prepare(
            "INSERT INTO settings (key, value) VALUES ('backup', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
          )
          .run(JSON.stringify(settings));
        this.audit.record({
          actor,
          action: 'backup.settings',
          entity: 'settings',
          entityId: 'backup',
          payload: settings,
        });
      })
      .immediate();
    if (this.cron) this.schedule();
    return settings;
  }

  /** Daily at the configured time; rescheduled when settings change. */
  schedule(): void {
    this.cron?.stop();
    const [hh, mm] = this.settings().dailyAt.split(':');
    this.cron = new Cron(`${Number(mm)} ${Number(hh)} * * *`, { protect: true }, () => {
      // run() records its own failures; anything else must not take the server down.
      return this.run('schedule', 'system').then(
        () => undefined,
        (error: unknown) => {
          this.log.error('The scheduled backup could not run', { error: String(error) });
        },
      );
    });
  }

  nextScheduledRun(): string | null {
    return this.cron?.nextRun()?.toISOString() ?? null;
  }

  stop(): void {
    this.cron?.stop();
    this.cron = null;
  }

  /** Copies on a worker thread; on this thread only where no worker script exists. */
  private async copy(partial: string): Promise<void> {
    const script = workerScript(import.meta.url, 'backup-worker');
    if (!script) {
      copyAndCheck(this.store.openCopy(this.store.file, { readonly: true }), partial, (f) =>
        this.store.openCopy(f, { readonly: true }),
      );
      return;
    }
    const answer = await runWorker<{ ok: true } | { ok: false; error: string }>(script, {
      kind: 'copy',
      ...this.store.keyMaterial,
      partial,
    });
    if (!answer.ok) throw new Error(answer.error);
  }

  async run(trigger: 'schedule' | 'manual', actor: string): Promise<BackupRecord> {
    if (this.running)
      throw conflict('backup_running', 'A backup is already running. Wait for it to finish.');
    this.running = true;
    const startedAt = new Date(this.clock.now()).toISOString();
    let file: string | null = null;
    let bytes: number | null = null;
    let ok = false;
    let message: string;
    const settings = this.settings();
    const folder = this.folder(settings);
    try {
      // Owner-only: the folder and every file in it (the copy is encrypted, but its key
      // pointer and its size are nobody else's business either).
      fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
      if (folder === this.defaultFolder) ownerOnly(folder, 0o700);
      this.removeStalePartials(folder);
      const stamp = startedAt.replace(/[-:]/g, '').replace('.', '');
      const target = path.join(folder, `backroom-${stamp}.db`);
      const partial = `${target}.partial`;
      // Created empty and owner-only first: VACUUM INTO writes into it and keeps its mode.
      fs.writeFileSync(partial, '', { mode: 0o600 });
      ownerOnly(partial, 0o600);
      // The copy holds at least this entry: its anchor, kept beside it (issue 14 §3).
      const head = this.audit.head();
      await this.copy(partial);
      fs.renameSync(partial, target);
      writeBackupAnchor(target, head, this.clock.now());
      ownerOnly(target, 0o600);
      // The key-info file says which keychain entry opens the copy; it is not a secret.
      fs.copyFileSync(`${this.store.file}.key.json`, `${target}.key.json`);
      ownerOnly(`${target}.key.json`, 0o600);
      file = target;
      bytes = fs.statSync(target).size;
      ok = true;
      const removed = this.prune(folder, settings.keep);
      message = `Backup verified (${(bytes / 1024 / 1024).toFixed(1)} MB)${removed ? `; removed ${removed} older backup(s)` : ''}.`;
    } catch (error) {
      message = `Backup failed: ${error instanceof Error ? error.message : String(error)}. Check that ${folder} exists, is writable and has free space.`;
    } finally {
      this.running = false;
    }
    const finishedAt = new Date(this.clock.now()).toISOString();
    const id = this.store.db
      .transaction(() => {
        const id = Number(
          this.store.db
            .prepare(
              'INSERT INTO backups (started_at, finished_at, trigger, file, bytes, ok, message) VALUES (?, ?, ?, ?, ?, ?, ?)',
            )
            .run(startedAt, finishedAt, trigger, file, bytes, ok ? 1 : 0, message).lastInsertRowid,
        );
        this.audit.record({
          actor,
          action: 'backup.run',
          entity: 'backup',
          entityId: id,
          outcome: ok ? 'success' : 'failed',
          payload: { trigger, file },
        });
        this.outbox?.publish({
          type: ok ? 'backup.completed' : 'backup.failed',
          entity: 'backup',
          entityId: id,
          // No folder paths: a receiver needs the outcome, not the store's file layout.
          data: { trigger, ok, bytes, finishedAt, message: ok ? null : message },
        });
        return id;
      })
      .immediate();
    return { id, startedAt, finishedAt, trigger, file, bytes, ok, message };
  }

  private prune(folder: string, keep: number): number {
    const ours = fs
      .readdirSync(folder)
      .filter((f) => NAME.test(f))
      .sort();
    const old = ours.slice(0, Math.max(0, ours.length - keep));
    for (const f of old) {
      fs.rmSync(path.join(folder, f), { force: true });
      fs.rmSync(path.join(folder, `${f}.key.json`), { force: true });
      fs.rmSync(path.join(folder, `${f}.anchor.json`), { force: true });
    }
    return old.length;
  }

  // ── restore ─────────────────────────────────────────────────────────

  /** The backups in the backup folder that could be restored, newest first. */
  restorable(): RestorableBackup[] {
    const folder = this.folder();
    if (!fs.existsSync(folder)) return [];
    return fs
      .readdirSync(folder)
      .filter((f) => NAME.test(f))
      .sort()
      .reverse()
      .map((name) => ({
        name,
        bytes: fs.statSync(path.join(folder, name)).size,
        madeAt: backupTimeOf(name),
        hasKeyInfo: fs.existsSync(path.join(folder, `${name}.key.json`)),
      }));
  }

  private backupFile(name: string): string {
    const file = path.join(this.folder(), name);
    if (!NAME.test(name) || !fs.existsSync(file))
      throw notFound(
        'backup_not_found',
        `There is no backup named ${name} in ${this.folder()}. Choose one of the backups listed.`,
      );
    return file;
  }

  /**
   * Checks a backup before it may be restored: it opens with its own key, passes the integrity
   * check, and its audit chain verifies from entry 1. The owner reads the result first.
   */
  async checkRestore(actor: string, name: string): Promise<BackupCheck> {
    if (!this.secrets)
      throw new DomainError(
        'unavailable',
        'restore_unavailable',
        'This server cannot reach the keychain that opens backups; restore with `npm run restore` instead.',
      );
    const check = await checkBackup(this.backupFile(name), {
      secrets: this.secrets,
      latestSchema: this.store.schemaVersion,
      currentHead: this.audit.head().seq,
    });
    // Only the latest few checks are kept: staging needs the one the owner just read.
    if (this.checked.size >= 20) this.checked.delete(this.checked.keys().next().value ?? '');
    this.checked.set(check.sha256, check);
    this.audit.record({
      actor,
      action: 'backup.restore_check',
      entity: 'backup',
      entityId: name,
      outcome: check.problem ? 'failed' : 'success',
      payload: {
        sha256: check.sha256,
        chain: check.chain,
        anchor: check.anchor,
        integrity: check.integrity,
        problem: check.problem?.reason ?? null,
      },
    });
    return check;
  }

  /**
   * Stages a checked backup: copied into the data folder, applied at the next start before
   * the database opens (never under a running store). The check must be this run's, of this
   * very file (same hash), and must have found no problem.
   */
  async stageRestore(
    actor: string,
    input: { name: string; sha256: string },
  ): Promise<PendingRestore> {
    const { name, sha256 } = stageRestoreSchema.parse(input);
    const check = this.checked.get(sha256);
    if (!check || check.name !== name || check.file !== this.backupFile(name))
      throw conflict(
        'restore_not_checked',
        `Check ${name} first: the restore needs the result you read to be of this very file.`,
      );
    const pending = await stageRestore(this.store.file, check, actor, this.clock.now());
    this.audit.record({
      actor,
      action: 'backup.restore_staged',
      entity: 'backup',
      entityId: name,
      payload: { sha256, chain: check.chain, anchor: check.anchor, lastEntryAt: check.lastEntryAt },
    });
    return pending;
  }

  /** The restore waiting for the next start, if one was staged. */
  pendingRestore(): PendingRestore | null {
    return pendingRestore(this.store.file);
  }

  cancelRestore(actor: string): { cancelled: boolean } {
    const pending = cancelPendingRestore(this.store.file);
    if (pending)
      this.audit.record({
        actor,
        action: 'backup.restore_cancelled',
        entity: 'backup',
        entityId: pending.name,
        payload: { sha256: pending.sha256 },
      });
    return { cancelled: pending !== null };
  }

  /**
   * A restore applied before this start (from the screen, or by `npm run restore`), on record
   * in the restored store's own audit log: what came back, and where the old files went.
   */
  recordRestore(record: RestoreRecord): void {
    this.audit.record({
      actor: record.requestedBy,
      action: 'backup.restored',
      entity: 'backup',
      entityId: record.name,
      payload: record,
    });
    this.log.warn(
      `The store database was restored from ${record.name}; the replaced files are in ${record.movedAsideTo}`,
    );
  }

  history(limit = 20): BackupRecord[] {
    return (
      this.store.db.prepare('SELECT * FROM backups ORDER BY id DESC LIMIT ?').all(limit) as Row[]
    ).map((r) => ({
      id: r.id,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
      trigger: r.trigger,
      file: r.file,
      bytes: r.bytes,
      ok: r.ok === 1,
      message: r.message,
    }));
  }
}
