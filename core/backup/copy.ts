import type { Db } from '../db/open.ts';

/**
 * A consistent copy of the open database (same cipher and key) at `target`, opened again and
 * integrity-checked. Closes the source connection it is given.
 */
export function copyAndCheck(source: Db, target: string, openCopy: (file: string) => Db): void {
  try {
    source.prepare('VACUUM INTO ?').run(target);
  } finally {
    source.close();
  }
  const copy = openCopy(target);
  try {
    const check = copy.pragma('integrity_check', { simple: true });
    if (check !== 'ok') throw new Error(`the copy failed its integrity check (${String(check)})`);
  } finally {
    copy.close();
  }
}
