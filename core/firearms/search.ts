// Searching the bound book as last corrected: the ledger grid, the search box and reports.
import type { Db } from '../db/open.ts';
import { IS_LATEST_VERSION, STANDING_DISPOSITION_ID } from './book-sql.ts';
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

/**
 * Searches the book as last corrected: serial (ignoring case and spaces), source or
 * transferee name, acquisition or disposition date range, type, model, maker, caliber.
 */
export function searchBook(db: Db, raw: LedgerSearch): LedgerRow[] {
  const q = ledgerSearchSchema.parse(raw);
  const where: string[] = [IS_LATEST_VERSION];
  const args: (string | number)[] = [];
  const like = (v: string) => `%${v.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  if (q.serial) {
    where.push("i.serial_key LIKE ? ESCAPE '\\'");
    args.push(like(serialKey(q.serial)));
  }
  if (q.name) {
    where.push("(a.source_name LIKE ? ESCAPE '\\' OR d.transferee_name LIKE ? ESCAPE '\\')");
    args.push(like(q.name), like(q.name));
  }
  if (q.from) {
    where.push('(a.received_on >= ? OR d.disposed_on >= ?)');
    args.push(q.from, q.from);
  }
  if (q.to) {
    where.push('(a.received_on <= ? OR d.disposed_on <= ?)');
    args.push(q.to, q.to);
  }
  for (const [col, v] of [
    ['a.type', q.type],
    ['a.model', q.model],
    ['a.manufacturer', q.manufacturer],
    ['a.caliber', q.caliber],
  ] as const) {
    if (!v) continue;
    where.push(col === 'a.type' ? `${col} = ?` : `${col} LIKE ? ESCAPE '\\'`);
    args.push(col === 'a.type' ? v : like(v));
  }
  const order =
    q.sort === 'date'
      ? 'coalesce(d.disposed_on, a.received_on) DESC, a.entry_no DESC'
      : q.sort === 'name'
        ? 'coalesce(d.transferee_name, a.source_name) COLLATE NOCASE, a.entry_no'
        : 'coalesce(a.corrects, a.entry_no)';
  return db
    .prepare(
      `SELECT coalesce(a.corrects, a.entry_no) AS entry, a.item_id AS itemId, a.received_on AS receivedOn, a.source_name AS sourceName,
              a.manufacturer, a.model, a.serial, a.type, a.caliber, i.status, d.disposed_on AS disposedOn, d.transferee_name AS transfereeName
       FROM ledger_acquisitions a
       JOIN firearm_items i ON i.id = a.item_id
       LEFT JOIN ledger_dispositions d ON d.id = ${STANDING_DISPOSITION_ID}
       WHERE ${where.join(' AND ')}
       ORDER BY ${order} LIMIT ? OFFSET ?`,
    )
    .all(...args, q.limit, q.offset) as LedgerRow[];
}
