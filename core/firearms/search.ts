// Searching the bound book as last corrected: the ledger grid, the search box and reports.
// Reads ledger_book (migration 5), so a search costs about the page it returns, not the
// book's size: a serial or name that few lines carry is looked up by index (every part of
// every serial; every name once), one that many carry is met early reading the book in the
// order asked; and the grid pages by key (after the last entry it holds).
import { z } from 'zod';
import type { Db } from '../db/open.ts';
import { notFound } from '../errors.ts';
import { BOOK_AS_CORRECTED } from './book-sql.ts';
import { ledgerSearchSchema, serialKey, type LedgerSearch } from './model.ts';

/** One line of the book in a search: the firearm as last corrected and where it went. */
export interface LedgerRow {
  entry: number;
  itemId: number;
  receivedOn: string;
  sourceName: string;
  manufacturer: string;
  model: string;
  serial: string;
  type: string;
  caliber: string;
  status: string;
  disposedOn: string | null;
  transfereeName: string | null;
}

/** Keyset paging for the grid: where the page starts, in the search's own order. */
export const bookPageSchema = z
  .object({
    /** The rows after this entry (the last one the grid holds); `offset` then skips from there. */
    afterEntry: z.number().int().min(0).optional(),
  })
  .strict();
export type BookPage = z.input<typeof bookPageSchema>;

/**
 * Up to this many lines found by index are gathered and sorted; beyond it, reading the book in
 * order meets a page of them sooner (one line in 200 or more matches).
 */
const GATHER_AT_MOST = 5_000;

/** A LIKE pattern for any part of `v`, its wildcards literal. */
const like = (v: string) => `%${v.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
/** An FTS5 phrase: the text as typed, quotes doubled, so nothing in it is query syntax. */
const phrase = (v: string) => `"${v.replace(/"/g, '""')}"`;
const chars = (v: string) => [...v];

/** How one search term narrows the book: SQL for the WHERE clause and its arguments. */
interface Narrowing {
  sql: string;
  args: (string | number)[];
}

/** The lines in `entries` (gathered by index), as a condition on the book row `b`. */
const among = (entries: readonly number[]): Narrowing => ({
  sql: 'b.entry IN (SELECT value FROM json_each(?))',
  args: [JSON.stringify(entries)],
});

/**
 * A serial (its key: no spaces, upper case). Of 4 characters or more it starts a part of the
 * serials that carry it, or does so without its first character (migration 5), and the parts
 * carry their key to check against: the lines are gathered from the index when they are
 * few. Otherwise, or when shorter, the book is read in order.
 */
function bySerial(db: Db, key: string): Narrowing {
  const exact = { sql: "i.serial_key LIKE ? ESCAPE '\\'", args: [like(key)] };
  const text = chars(key);
  if (text.length >= 4) {
    const rest = text.slice(1).join('');
    const entries = db
      .prepare(
        `SELECT DISTINCT entry FROM ledger_serial_parts
         WHERE ((part >= upper(?) AND part < upper(?) || char(1114111))
             OR (part >= upper(?) AND part < upper(?) || char(1114111)))
           AND serial_key LIKE ? ESCAPE '\\'
         LIMIT ?`,
      )
      .pluck()
      .all(key, key, rest, rest, like(key), GATHER_AT_MOST + 1) as number[];
    if (entries.length <= GATHER_AT_MOST) {
      const found = among(entries);
      return { sql: `${found.sql} AND ${exact.sql}`, args: [...found.args, ...exact.args] };
    }
  }
  // The unary + keeps SQLite reading the book in order rather than looking for an index.
  return {
    sql: `+b.serial_key LIKE ? ESCAPE '\\' AND ${exact.sql}`,
    args: [like(key), ...exact.args],
  };
}

/**
 * A name: the names that contain it (their trigram index, or read through when shorter), then
 * the lines that carry one of them, gathered by index when they are few, otherwise met
 * reading the book in order. Null when no name contains it.
 */
function byName(db: Db, name: string): Narrowing | null {
  const ids = (
    chars(name).length >= 3
      ? db
          .prepare('SELECT rowid FROM ledger_names_search WHERE ledger_names_search MATCH ?')
          .pluck()
          .all(phrase(name))
      : db
          .prepare("SELECT id FROM ledger_names WHERE name LIKE ? ESCAPE '\\'")
          .pluck()
          .all(like(name))
  ) as number[];
  if (ids.length === 0) return null;
  const set = JSON.stringify(ids);
  const exact = {
    sql: "(a.source_name LIKE ? ESCAPE '\\' OR d.transferee_name LIKE ? ESCAPE '\\')",
    args: [like(name), like(name)],
  };
  if (ids.length <= GATHER_AT_MOST) {
    // UNION ALL stops at the limit (a line named twice is counted twice: on the safe side).
    const entries = db
      .prepare(
        `SELECT entry FROM ledger_book WHERE source_name_id IN (SELECT value FROM json_each(?))
         UNION ALL SELECT entry FROM ledger_book WHERE transferee_name_id IN (SELECT value FROM json_each(?))
         LIMIT ?`,
      )
      .pluck()
      .all(set, set, GATHER_AT_MOST + 1) as number[];
    if (entries.length <= GATHER_AT_MOST) {
      const found = among([...new Set(entries)]);
      return { sql: `${found.sql} AND ${exact.sql}`, args: [...found.args, ...exact.args] };
    }
  }
  return {
    sql: `(+b.source_name_id IN (SELECT value FROM json_each(?)) OR +b.transferee_name_id IN (SELECT value FROM json_each(?))) AND ${exact.sql}`,
    args: [set, set, ...exact.args],
  };
}

/**
 * Searches the book as last corrected: serial (ignoring case and spaces), source or
 * transferee name, acquisition or disposition date range, type, model, maker, caliber.
 * `page.afterEntry` continues after that entry in the chosen order (keyset paging).
 */
export function searchBook(db: Db, raw: LedgerSearch, page: BookPage = {}): LedgerRow[] {
  const q = ledgerSearchSchema.parse(raw);
  const { afterEntry } = bookPageSchema.parse(page);
  const where: Narrowing[] = [];
  if (q.serial) where.push(bySerial(db, serialKey(q.serial)));
  if (q.name) {
    const named = byName(db, q.name);
    if (!named) return [];
    where.push(named);
  }
  for (const [column, v] of [
    ['a.model', q.model],
    ['a.manufacturer', q.manufacturer],
    ['a.caliber', q.caliber],
  ] as const)
    if (v) where.push({ sql: `${column} LIKE ? ESCAPE '\\'`, args: [like(v)] });
  if (q.type) where.push({ sql: 'a.type = ?', args: [q.type] });
  if (q.from)
    where.push({ sql: '(a.received_on >= ? OR d.disposed_on >= ?)', args: [q.from, q.from] });
  if (q.to) where.push({ sql: '(a.received_on <= ? OR d.disposed_on <= ?)', args: [q.to, q.to] });

  if (afterEntry !== undefined) {
    if (q.sort === 'entry') {
      where.push({ sql: 'b.entry > ?', args: [afterEntry] });
    } else {
      const at = db
        .prepare('SELECT sort_date, sort_name, latest FROM ledger_book WHERE entry = ?')
        .get(afterEntry) as { sort_date: string; sort_name: string; latest: number } | undefined;
      if (!at) throw notFound('entry_not_found', `There is no ledger entry ${afterEntry}.`);
      where.push(
        q.sort === 'date'
          ? { sql: '(b.sort_date, b.latest) < (?, ?)', args: [at.sort_date, at.latest] }
          : { sql: '(b.sort_name, b.latest) > (?, ?)', args: [at.sort_name, at.latest] },
      );
    }
  }
  // b.sort_date is coalesce(d.disposed_on, a.received_on), b.sort_name is
  // coalesce(d.transferee_name, a.source_name) ignoring case, b.latest is a.entry_no.
  const order =
    q.sort === 'date'
      ? 'b.sort_date DESC, b.latest DESC'
      : q.sort === 'name'
        ? 'b.sort_name, b.latest'
        : 'b.entry';
  return db
    .prepare(
      `SELECT b.entry, a.item_id AS itemId, a.received_on AS receivedOn, a.source_name AS sourceName,
              a.manufacturer, a.model, a.serial, a.type, a.caliber, i.status, d.disposed_on AS disposedOn, d.transferee_name AS transfereeName
       FROM ${BOOK_AS_CORRECTED}
       CROSS JOIN firearm_items i ON i.id = a.item_id
       WHERE ${where.map((w) => w.sql).join(' AND ') || '1'}
       ORDER BY ${order} LIMIT ? OFFSET ?`,
    )
    .all(...where.flatMap((w) => w.args), q.limit, q.offset) as LedgerRow[];
}
