// The bound book as files: CSV in the ATF columns (27 CFR 478.125(e)), and the
// out-of-business format (ASCII text with a file description) for the ATF Out-of-Business
// Records Center. Rows stream from SQLite to the file, so memory stays flat at any size.
import fs from 'node:fs';
import { once } from 'node:events';
import { z } from 'zod';
import { isoDateSchema } from '../checks/calendar.ts';
import type { Db } from '../db/open.ts';
import { BOOK_AS_CORRECTED } from './book-sql.ts';
import { dispositionKindWords, firearmTypes, makerKey, type DispositionKind } from './model.ts';
import type { AcqRow } from './service.ts';
import { csvLine, regulatedText } from '../text.ts';

/**
 * Which part of the book an export holds: firearms acquired or disposed of in a period, of a
 * type, by a maker, or only those still in the store. Empty: the whole book.
 */
export const bookFilterSchema = z
  .object({
    from: isoDateSchema.optional(),
    to: isoDateSchema.optional(),
    type: z.enum(firearmTypes).optional(),
    manufacturer: regulatedText({ what: 'manufacturer', max: 120 }).optional(),
    inStoreOnly: z.boolean().optional(),
  })
  .strict()
  .refine((f) => !f.from || !f.to || f.from <= f.to, {
    message: 'The period ends before it starts: swap the two dates.',
    path: ['to'],
  });
export type BookFilter = z.infer<typeof bookFilterSchema>;

/**
 * The filter as a test on each row as it streams by. Applied while reading the book in its
 * own order: a WHERE around BOOK_SQL could make SQLite sort the whole book again.
 */
export function matchesFilter(raw: BookFilter = {}): (r: Row) => boolean {
  const f = bookFilterSchema.parse(raw);
  const maker = f.manufacturer ? makerKey(f.manufacturer) : null;
  const within = (day: string | null) =>
    day !== null && (!f.from || day >= f.from) && (!f.to || day <= f.to);
  const period = Boolean(f.from ?? f.to);
  return (r) =>
    (!period || within(r.received_on) || within(r.disposed_on)) &&
    (!f.type || r.type === f.type) &&
    (!maker || makerKey(r.manufacturer).includes(maker)) &&
    (!f.inStoreOnly || r.disposed_on === null);
}

/** The filter in words, for a report's subtitle and the out-of-business file description. */
export function describeFilter(f: BookFilter = {}): string {
  return [
    f.from && f.to
      ? `acquired or disposed of ${f.from} to ${f.to}`
      : f.from
        ? `acquired or disposed of on or after ${f.from}`
        : f.to
          ? `acquired or disposed of on or before ${f.to}`
          : '',
    f.type ? `type ${f.type}` : '',
    f.manufacturer ? `manufacturer or importer "${f.manufacturer}"` : '',
    f.inStoreOnly ? 'still in the store' : '',
  ]
    .filter(Boolean)
    .join(', ');
}

/**
 * The required columns, in the book's order: acquisition, then disposition (27 CFR
 * 478.125(e)), with the kind of disposition in words beside its date.
 */
export const BOUND_BOOK_COLUMNS = [
  'Entry',
  'Date of acquisition',
  'Source name',
  'Source address or FFL number',
  'Manufacturer',
  'Importer',
  'Model',
  'Serial number',
  'Type',
  'Caliber or gauge',
  'Date of disposition',
  'Type of disposition',
  'Transferee name',
  'Transferee address, FFL number or Form 4473 number',
] as const;

export interface Row extends AcqRow {
  disposed_on: string | null;
  transferee_name: string | null;
  transferee_address: string | null;
  transferee_ffl: string | null;
  form_4473: string | null;
  atf_incident: string | null;
  destruction_method: string | null;
  exemption_basis: string | null;
  officer_name: string | null;
  officer_badge: string | null;
  kind: DispositionKind | null;
}

// Each firearm's acquisition as last corrected, with its committed, not voided disposition as
// last corrected, in entry order (ledger_book's own order: nothing to sort, however long the book).
export const BOOK_SQL = /* sql */ `
SELECT a.*, d.disposed_on, d.transferee_name, d.transferee_address, d.transferee_ffl, d.form_4473,
       d.atf_incident, d.destruction_method, d.exemption_basis, d.officer_name, d.officer_badge, d.kind
FROM ${BOOK_AS_CORRECTED}
ORDER BY b.entry`;

type DispositionCells = Pick<
  Row,
  | 'kind'
  | 'transferee_name'
  | 'transferee_address'
  | 'transferee_ffl'
  | 'form_4473'
  | 'atf_incident'
  | 'destruction_method'
  | 'exemption_basis'
  | 'officer_name'
  | 'officer_badge'
>;

const joined = (...parts: (string | null | undefined | false)[]) =>
  parts.filter(Boolean).join('; ');

/**
 * A disposition's "name" and "address, FFL number or Form 4473 number" cells, for each kind
 * what 27 CFR 478.125(e) asks the record to show (see docs/rules/bound-book.md).
 */
export function transfereeCells(r: DispositionCells): [name: string, detail: string] {
  const form4473 = r.form_4473 ? `Form 4473 no. ${r.form_4473}` : null;
  switch (r.kind) {
    case 'non_licensee':
      return [r.transferee_name ?? '', joined(r.transferee_address, form4473)];
    case 'licensee':
      return [r.transferee_name ?? '', r.transferee_ffl ?? ''];
    case 'theft_loss':
      return ['Theft or loss', `ATF incident ${r.atf_incident ?? ''}`];
    case 'destroyed':
      return [
        r.transferee_name ? `Destroyed by ${r.transferee_name}` : 'Destroyed',
        r.destruction_method ? `Method: ${r.destruction_method}` : '',
      ];
    case 'returned_to_source':
      return [
        r.transferee_name ?? '',
        joined(r.transferee_address, r.transferee_ffl && `FFL ${r.transferee_ffl}`),
      ];
    case 'law_enforcement':
      return [
        joined(
          r.transferee_name,
          r.officer_name && `officer ${r.officer_name}`,
          r.officer_badge && `badge ${r.officer_badge}`,
        ),
        r.transferee_address ?? '',
      ];
    case 'exempt':
      return [
        r.transferee_name ?? '',
        joined(r.transferee_address, r.exemption_basis && `Exemption: ${r.exemption_basis}`),
      ];
    case 'loan_out':
      return [r.transferee_name ?? '', r.transferee_address ?? ''];
    case null:
      return ['', ''];
  }
}

export function cells(r: Row): string[] {
  const [name, detail] = r.disposed_on ? transfereeCells(r) : ['', ''];
  return [
    // The entry's own number in the book; a correction shows under the entry it corrects.
    String(r.corrects ?? r.entry_no),
    r.received_on,
    r.source_name,
    r.source_ffl ?? r.source_address ?? '',
    r.manufacturer,
    r.importer ?? '',
    r.model,
    r.serial,
    r.type,
    r.caliber,
    r.disposed_on ?? '',
    r.disposed_on && r.kind ? dispositionKindWords[r.kind] : '',
    name,
    detail,
  ];
}

/** ASCII text, "|"-delimited: non-ASCII letters are spelled plainly, delimiters removed. */
const asciiLine = (values: readonly string[]) =>
  `${values
    .map((v) =>
      v
        .normalize('NFKD')
        .replace(/[\u0300-\u036f]/g, '')
        .replace(/[’‘]/g, "'")
        .replace(/[^\x20-\x7e]/g, '?')
        .replace(/\|/g, '/'),
    )
    .join('|')}\r\n`;

export type BookFormat = 'csv' | 'ascii';

/** Lines are written to the file in chunks of about this many characters. */
const CHUNK = 64 * 1024;

/**
 * Writes the bound book to `file` as it reads it, in chunks of lines (back-pressure respected,
 * so memory stays flat at a million entries), and reports progress. Returns the number of
 * entries written.
 */
export async function exportBoundBook(
  db: Db,
  file: string,
  format: BookFormat,
  onProgress: (rows: number) => void = () => {},
  filter: BookFilter = {},
): Promise<number> {
  const out = fs.createWriteStream(file, { mode: 0o600 });
  // RFC 4180 with formulas neutralized (OWASP CSV injection): core/text.ts csvLine.
  const line = format === 'csv' ? csvLine : asciiLine;
  const wanted = matchesFilter(filter);
  let n = 0;
  let chunk = line(BOUND_BOOK_COLUMNS);
  const flush = async () => {
    const full = !out.write(chunk);
    chunk = '';
    if (full) await once(out, 'drain');
  };
  try {
    for (const r of db.prepare(BOOK_SQL).iterate() as IterableIterator<Row>) {
      if (!wanted(r)) continue;
      chunk += line(cells(r));
      if (chunk.length >= CHUNK) await flush();
      if (++n % 10_000 === 0) onProgress(n);
    }
    await flush();
    out.end();
    await once(out, 'finish');
  } catch (error) {
    out.destroy();
    throw error;
  }
  onProgress(n);
  if (format === 'ascii')
    fs.writeFileSync(`${file}.description.txt`, fileDescription(n, filter), { mode: 0o600 });
  return n;
}

/** The file description the ATF Out-of-Business Records Center asks to accompany the data. */
export function fileDescription(rows: number, filter: BookFilter = {}): string {
  const part = describeFilter(filter);
  return [
    'Firearms Acquisition and Disposition Record (27 CFR 478.125(e)), exported by Backroom.',
    ...(part ? [`Only the firearms ${part}.`] : []),
    'Character set: ASCII. One entry per line, lines end with CR LF.',
    'Fields are separated by "|" (a "|" inside a value is written as "/"). The first line names the fields.',
    `Entries: ${rows}.`,
    'Fields, in order:',
    ...BOUND_BOOK_COLUMNS.map((c, i) => `${i + 1}. ${c}`),
    'Dates are YYYY-MM-DD. An empty disposition date means the firearm was still in inventory.',
    '',
  ].join('\r\n');
}
