import fs from 'node:fs';

/**
 * Sets an existing file's or folder's mode: 0600 for files, 0700 for folders, so only the OS
 * user the store runs as can read what it writes. A no-op where modes mean nothing (Windows)
 * and on what another OS user owns (EPERM: not ours to change).
 */
export function ownerOnly(target: string, mode: 0o600 | 0o700): void {
  if (process.platform === 'win32' || !fs.existsSync(target)) return;
  if ((fs.statSync(target).mode & 0o777) === mode) return;
  try {
    fs.chmodSync(target, mode);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') throw error;
  }
}
