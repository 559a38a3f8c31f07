import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { describe, expect, it } from 'vitest';
import { servicesForTest, tempDir } from '../testing/fixtures.ts';

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
        path.basename(files[3] ?? ''),
        `${path.basename(files[3] ?? '')}.key.json`,
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
    expect(next.getTime()).toBeGreaterThan(Date.now());
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
});
