import { z } from 'zod';

export const backupSettingsSchema = z
  .object({
    /** Absolute folder path; empty means the default folder inside the data directory. */
    folder: z
      .string()
      .trim()
      .max(500)
      // Not node:path: this schema also runs in the browser. POSIX /… or Windows C:\… or \\server\share.
      .refine(
        (f) => f === '' || f.startsWith('/') || /^[A-Za-z]:[\\/]/.test(f) || f.startsWith('\\\\'),
        {
          message:
            'Enter the full path of the backup folder (for example D:\\Backups\\Backroom), or leave it empty for the default.',
        },
      ),
    keep: z.number().int().min(1, 'Keep at least one backup.').max(365),
    /** Daily time, 24-hour HH:MM, store local time. */
    dailyAt: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Use a 24-hour time like 02:00.'),
  })
  .strict();
export type BackupSettings = z.infer<typeof backupSettingsSchema>;

export const defaultBackupSettings: BackupSettings = { folder: '', keep: 14, dailyAt: '02:00' };

export interface BackupRecord {
  id: number;
  startedAt: string;
  finishedAt: string;
  trigger: 'schedule' | 'manual';
  file: string | null;
  bytes: number | null;
  ok: boolean;
  message: string;
}
