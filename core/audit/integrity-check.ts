// SQLite's own check of the file: every page read (the cipher authenticates each one, so a
// flipped byte anywhere in a table or index fails here) and the b-trees walked.
import type { Db } from '../db/open.ts';

export interface IntegrityAnswer {
  ok: boolean;
  /** 'ok', or the first problems SQLite reported. */
  detail: string;
}

/** `quick`: pages and b-tree structure (linear in the file's size); `full`: indexes too. */
export function integrityOf(db: Db, how: 'quick' | 'full'): IntegrityAnswer {
  try {
    const rows = db
      .prepare(how === 'quick' ? 'PRAGMA quick_check(20)' : 'PRAGMA integrity_check(20)')
      .pluck()
      .all() as string[];
    const ok = rows.length === 1 && rows[0] === 'ok';
    return { ok, detail: ok ? 'ok' : oneLine(rows.slice(0, 5).join('; ')) };
  } catch (error) {
    // The cipher refusing a page, or a page SQLite cannot parse, is thrown, not returned.
    return { ok: false, detail: oneLine(error instanceof Error ? error.message : String(error)) };
  }
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim().slice(0, 300);
