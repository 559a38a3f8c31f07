import fs from 'node:fs';
import path from 'node:path';
import { Cron } from 'croner';
import { conflict } from '../errors.ts';
import { runWorker, workerScript } from '../workers.ts';
import { copyAndCheck } from './copy.ts';
import type { AuditLog } from '../audit/repo.ts';
import type { Clock } from '../clock.ts';
import type { StoreDatabase } from '../db/open.ts';
import type { Logger } from '../log/logger.ts';
import type { Outbox } from '../integrations/outbox.ts';
import {
  backupSettingsSchema,
  defaultBackupSettings,
  type BackupRecord,
  type BackupSettings,
} from './model.ts';

const NAME = /^backroom-\d{8}T\d{6}(\d{3})?Z\.db$/;

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

  constructor(o: {
    store: StoreDatabase;
    audit: AuditLog;
    /** Where backup.completed / backup.failed are published for integrations. */
    outbox?: Outbox;
    clock: Clock;
    defaultFolder: string;
    log: Logger;
  }) {
    this.log = o.log;
    this.outbox = o.outbox ?? null;
    this.store = o.store;
    this.audit = o.audit;
    this.clock = o.clock;
    this.defaultFolder = o.defaultFolder;
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
      fs.mkdirSync(folder, { recursive: true });
      const stamp = startedAt.replace(/[-:]/g, '').replace('.', '');
      const target = path.join(folder, `backroom-${stamp}.db`);
      const partial = `${target}.partial`;
      fs.rmSync(partial, { force: true });
      await this.copy(partial);
      fs.renameSync(partial, target);
      // The key-info file says which keychain entry opens the copy; it is not a secret.
      fs.copyFileSync(`${this.store.file}.key.json`, `${target}.key.json`);
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
    }
    return old.length;
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
