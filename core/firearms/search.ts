// Searching the bound book as last corrected: the ledger grid, the search box and reports.
// Reads ledger_book (migration 5), where each entry is one line as the book shows it, so a
// search costs about the page it returns, not the book's size: a serial or a name that few
// lines carry is looked up by index (parts of every serial; every name once), one that many
// carry is met early, reading the book in the order asked; and the grid can page by key (after
// the last entry it holds) rather than by offset.
import { z } from 'zod';
import type { Db } from '../db/open.ts';
import { notFound } from '../errors.ts';
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
 * order meets a page of them sooner (in a book of a million, one line in 200 or more matches).
 */
const GATHER_AT_MOST = 5_000;

/** A LIKE pattern for any part of `v`, its wildcards literal. */
const like = (v: string) => `%${v.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
/** An FTS5 phrase: the text as typed, quotes doubled, so nothing in it is query syntax. */
const phrase = (v: string) => `"${v.replace(/"/g, '""')}"`;
const chars = (v: string) => [...v];

/** A condition on the book line `b` (ledger_book: the entry as last corrected, as it shows). */
interface Condition {
  sql: string;
  args: (string | number)[];
}

/**
 * How a serial or a name narrows the book: exactly the lines that match, gathered by index, or
 * a condition met reading the book in order (when they are many).
 */
type Narrowing = { lines: number[] } | Condition;

/** Up to GATHER_AT_MOST + 1 entries (a line may come twice); the lines when no more. */
const gathered = (entries: number[]): { lines: number[] } | null =>
  entries.length <= GATHER_AT_MOST ? { lines: [...new Set(entries)] } : null;

/**
 * A serial (its key: no spaces, upper case). Of 4 characters or more it starts a part of every
 * serial it is in, or starts one without its first character, which is then the character
 * before the part (migration 5): two ranges of the parts' index.
 */
function bySerial(db: Db, key: string): Narrowing {
  const [first = '', ...rest] = chars(key);
  if (rest.length >= 3) {
    const tail = rest.join('');
    const found = gathered(
      db
        .prepare(
          `SELECT entry FROM ledger_serial_parts
           WHERE part >= upper(?) AND part < upper(?) || char(1114111)
           UNION ALL
           SELECT entry FROM ledger_serial_parts
           WHERE part >= upper(?) AND part < upper(?) || char(1114111) AND before = upper(?)
           LIMIT ?`,
        )
        .pluck()
        .all(key, key, tail, tail, first, GATHER_AT_MOST + 1) as number[],
    );
    if (found) return found;
  }
  // The unary + keeps SQLite reading the book in order rather than looking for an index.
  return { sql: "+b.serial_key LIKE ? ESCAPE '\\'", args: [like(key)] };
}

/**
 * A name: the names that contain it (found by their trigram index, or read through when
 * shorter, then checked with LIKE), then the lines that carry one of them as source or
 * transferee. Null when no name contains it.
 */
function byName(db: Db, name: string): Narrowing | null {
  const ids = (
    chars(name).length >= 3
      ? db
          .prepare(
            `SELECT n.id FROM ledger_names_search JOIN ledger_names n ON n.id = ledger_names_search.rowid
             WHERE ledger_names_search MATCH ? AND n.name LIKE ? ESCAPE '\\'`,
          )
          .pluck()
          .all(phrase(name), like(name))
      : db
          .prepare("SELECT id FROM ledger_names WHERE name LIKE ? ESCAPE '\\'")
          .pluck()
          .all(like(name))
  ) as number[];
  if (ids.length === 0) return null;
  const set = JSON.stringify(ids);
  if (ids.length <= GATHER_AT_MOST) {
    const found = gathered(
      db
        .prepare(
          `SELECT entry FROM ledger_book WHERE source_name_id IN (SELECT value FROM json_each(?))
           UNION ALL
           SELECT entry FROM ledger_book WHERE transferee_name_id IN (SELECT value FROM json_each(?))
           LIMIT ?`,
        )
        .pluck()
        .all(set, set, GATHER_AT_MOST + 1) as number[],
    );
    if (found) return found;
  }
  return {
    // The unary + keeps SQLite reading the book in order rather than gathering every line.
    sql: '(+b.source_name_id IN (SELECT value FROM json_each(?)) OR +b.transferee_name_id IN (SELECT value FROM json_each(?)))',
    args: [set, set],
  };
}

/** The entries in every one of the lists. */
function common(lists: readonly number[][]): number[] {
  const [first = [], ...rest] = [...lists].sort((x, y) => x.length - y.length);
  const others = rest.map((l) => new Set(l));
  return first.filter((e) => others.every((o) => o.has(e)));
}

/**
 * Searches the book as last corrected: serial (ignoring case and spaces), source or
 * transferee name, acquisition or disposition date range, type, model, maker, caliber.
 * `page.afterEntry` continues after that entry in the chosen order (keyset paging).
 */
export function searchBook(db: Db, raw: LedgerSearch, page: BookPage = {}): LedgerRow[] {
  const q = ledgerSearchSchema.parse(raw);
  let { afterEntry } = bookPageSchema.parse(page);
  let offset = q.offset;
  const narrowed: Narrowing[] = [];
  if (q.serial) narrowed.push(bySerial(db, serialKey(q.serial)));
  if (q.name) {
    const named = byName(db, q.name);
    if (!named) return [];
    narrowed.push(named);
  }
  const where: Condition[] = [];
  for (const [column, v] of [
    ['b.model', q.model],
    ['b.manufacturer', q.manufacturer],
    ['b.caliber', q.caliber],
  ] as const)
    if (v) where.push({ sql: `${column} LIKE ? ESCAPE '\\'`, args: [like(v)] });
  if (q.type) where.push({ sql: 'b.type = ?', args: [q.type] });
  if (q.from)
    where.push({ sql: '(b.received_on >= ? OR b.disposed_on >= ?)', args: [q.from, q.from] });
  if (q.to) where.push({ sql: '(b.received_on <= ? OR b.disposed_on <= ?)', args: [q.to, q.to] });

  const lists = narrowed.flatMap((n) => ('lines' in n ? [n.lines] : []));
  for (const n of narrowed) if (!('lines' in n)) where.push(n);
  if (lists.length > 0) {
    let lines = common(lists);
    // Exactly the lines found, in entry order and nothing else to check: the page is known.
    if (q.sort === 'entry' && where.length === 0) {
      lines = lines
        .filter((e) => afterEntry === undefined || e > afterEntry)
        .sort((x, y) => x - y)
        .slice(offset, offset + q.limit);
      afterEntry = undefined;
      offset = 0;
    }
    if (lines.length === 0) return [];
    where.push({
      sql: 'b.entry IN (SELECT value FROM json_each(?))',
      args: [JSON.stringify(lines)],
    });
  }

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
  // b.sort_date is coalesce(disposed_on, received_on), b.sort_name is
  // coalesce(transferee_name, source_name) ignoring case, b.latest is the newest version.
  const order =
    q.sort === 'date'
      ? 'b.sort_date DESC, b.latest DESC'
      : q.sort === 'name'
        ? 'b.sort_name, b.latest'
        : 'b.entry';
  return db
    .prepare(
      `SELECT b.entry, b.item_id AS itemId, b.received_on AS receivedOn, b.source_name AS sourceName,
              b.manufacturer, b.model, b.serial, b.type, b.caliber, i.status,
              b.disposed_on AS disposedOn, b.transferee_name AS transfereeName
       FROM ledger_book b CROSS JOIN firearm_items i ON i.id = b.item_id
       WHERE ${where.map((w) => w.sql).join(' AND ') || '1'}
       ORDER BY ${order} LIMIT ? OFFSET ?`,
    )
    .all(...where.flatMap((w) => w.args), q.limit, offset) as LedgerRow[];
}
