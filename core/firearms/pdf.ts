// The bound book and its correction report as printable PDFs (ATF Ruling 2016-1: printable
// on request). Rows stream from SQLite to the file a page at a time, so memory stays flat
// however long the book: pages are never buffered and the file stream's back-pressure is
// respected.
//
// For a large book pass a connection of its own (StoreDatabase.openCopy(file, { readonly:
// true })): while the rows are read, the connection they come from cannot write.
import fs from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import PDFDocument from 'pdfkit';
import type { Db } from '../db/open.ts';
import {
  BOOK_SQL,
  BOUND_BOOK_COLUMNS,
  cells,
  describeFilter,
  matchesFilter,
  type BookFilter,
} from './export.ts';
import type { AcqRow } from './service.ts';

/** What the page header says about the store, and which dates a report covers. */
export interface PdfReportOptions {
  storeName?: string;
  /** The store's FFL number, printed under the title. */
  licenseNumber?: string;
  /** First date covered, YYYY-MM-DD. */
  from?: string;
  /** Last date covered, YYYY-MM-DD. */
  to?: string;
  /** The store's time zone, for when a correction was recorded (default: this PC's). */
  timeZone?: string;
}

// Landscape Letter, half-inch margins: 720 x 540 points of table.
const PAGE = { width: 792, height: 612, margin: 36 } as const;
const TABLE_WIDTH = PAGE.width - 2 * PAGE.margin;
const BOTTOM = PAGE.height - PAGE.margin;
const BODY = { font: 'Helvetica', size: 7 } as const;
const BOLD = 'Helvetica-Bold';
const PAD = { x: 2, y: 1.5 } as const;

// PDFKit's built-in fonts only draw WinAnsi (Windows-1252): Latin-1 plus these.
const WIN_ANSI = /[^\x20-\x7e\xa0-\xff€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ]/gu;

/** Text the built-in fonts can draw: accents dropped where that helps, "?" otherwise. */
export function winAnsi(text: string): string {
  return text
    .normalize('NFC')
    .replace(/\s/g, ' ')
    .replace(WIN_ANSI, (ch) => {
      const plain = ch.normalize('NFKD').replace(/\p{M}/gu, '');
      return plain && !plain.match(WIN_ANSI) ? plain : '?';
    });
}

interface Column {
  label: string;
  width: number;
}

interface TableSpec {
  title: string;
  subtitle: string;
  /** Bands over the column headers, left to right, each spanning `columns` columns. */
  groups: { label: string; columns: number }[];
  columns: readonly Column[];
}

/**
 * A table written to a PDF file row by row: each page gets the title, "Page n" and the
 * column headers; rows are wrapped to their columns and never split unless one alone is
 * taller than a page.
 */
class StreamedTable {
  private readonly doc = new PDFDocument({
    size: 'LETTER',
    layout: 'landscape',
    margin: PAGE.margin,
    autoFirstPage: false,
  });
  private readonly out: fs.WriteStream;
  private readonly lineHeight: number;
  private readonly lefts: number[];
  private failure: Error | null = null;
  /** Character widths (by char code) in the current font; WinAnsi has a few hundred. */
  private widths = new Map<number, number>();
  private readonly widthsByFont = new Map<string, Map<number, number>>();
  private page = 0;
  private tableTop = 0;
  private bodyTop = 0;
  private y = 0;
  private written = 0;

  private readonly file: string;
  private readonly spec: TableSpec;

  constructor(file: string, spec: TableSpec) {
    this.file = file;
    this.spec = spec;
    // Purchaser names and addresses: readable by this user only, like the other exports.
    this.out = fs.createWriteStream(file, { mode: 0o600 });
    this.out.on('error', (error) => (this.failure = error));
    this.doc.info.Title = spec.title;
    this.doc.info.Producer = 'Backroom';
    this.useFont(BODY.font, BODY.size);
    this.lineHeight = this.doc.currentLineHeight(true);
    let x = PAGE.margin;
    this.lefts = spec.columns.map((c) => {
      const left = x;
      x += c.width;
      return left;
    });
  }

  /** Rows written so far. */
  get rows(): number {
    return this.written;
  }

  /** Sets the font, for drawing and for measuring. */
  private useFont(name: string, size: number): void {
    this.doc.font(name).fontSize(size);
    const key = `${name} ${size}`;
    this.widths = this.widthsByFont.get(key) ?? new Map<number, number>();
    this.widthsByFont.set(key, this.widths);
  }

  /**
   * A string's width in the current font, from each character's width (measured once).
   * Summing characters leaves out kerning (in Helvetica a few hundredths of an em per pair,
   * which the cell padding absorbs), and that makes a million rows affordable: PDFKit's own
   * measure looks up every pair of characters.
   */
  private widthOf(text: string): number {
    let width = 0;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      let w = this.widths.get(code);
      if (w === undefined) this.widths.set(code, (w = this.doc.widthOfString(text.charAt(i))));
      width += w;
    }
    return width;
  }

  /** Greedy word wrap to a column's width in the current font; a word too long is broken. */
  wrap(text: string, column: number): string[] {
    const width = (this.spec.columns[column]?.width ?? TABLE_WIDTH) - 2 * PAD.x;
    const fits = (s: string) => this.widthOf(s) <= width;
    const plain = winAnsi(text);
    if (fits(plain)) return [plain];
    const lines: string[] = [];
    let line = '';
    for (const word of plain.split(' ').filter(Boolean)) {
      const joined = line ? `${line} ${word}` : word;
      if (fits(joined)) {
        line = joined;
        continue;
      }
      if (line) lines.push(line);
      line = '';
      for (const ch of word) {
        while (line && !fits(line + ch)) {
          // Break after a hyphen or slash where there is one ("9-86-123-01-7K-" / "12345").
          const after = Math.max(line.lastIndexOf('-'), line.lastIndexOf('/')) + 1;
          const cut = after > 0 && after < line.length ? after : line.length;
          lines.push(line.slice(0, cut));
          line = line.slice(cut);
        }
        line += ch;
      }
    }
    lines.push(line);
    return lines;
  }

  /** One row of plain cells, in column order. */
  async row(values: readonly string[]): Promise<void> {
    await this.rowOfLines(values.map((v, i) => this.wrap(v, i)));
  }

  /** One row of cells already wrapped (see `wrap`), e.g. aligned line for line. */
  async rowOfLines(cellLines: readonly (readonly string[])[]): Promise<void> {
    let rest = cellLines;
    if (this.page === 0) this.newPage();
    for (;;) {
      const needed = Math.max(1, ...rest.map((c) => c.length));
      const fitting = () => Math.floor((BOTTOM - this.y - 2 * PAD.y) / this.lineHeight);
      if (needed > fitting() && this.y > this.bodyTop) this.newPage();
      const n = Math.min(needed, Math.max(1, fitting()));
      this.drawRow(
        rest.map((c) => c.slice(0, n)),
        n,
      );
      if (n === needed) break;
      // Taller than a whole page: carried on over the next, its first cell (the entry
      // number) repeated so the reader knows whose lines these are.
      const first = cellLines[0]?.[0] ?? '';
      rest = rest.map((c, i) => (i === 0 && c.length <= n ? [first, '(cont.)'] : c.slice(n)));
      this.newPage();
    }
    this.written++;
    await this.flush();
  }

  /**
   * Moves what PDFKit has produced (a finished page, at most) to the file, waiting while the
   * file is behind. Pulled rather than piped: a piped stream hands data over on later ticks,
   * which a loop of resolved awaits never reaches, so the whole book would pile up in memory.
   */
  private async flush(): Promise<void> {
    for (let chunk: Buffer | null; (chunk = this.doc.read() as Buffer | null) !== null;) {
      if (this.failure) throw this.failure;
      if (!this.out.write(chunk)) await once(this.out, 'drain');
    }
    if (this.failure) throw this.failure;
  }

  private drawRow(cellLines: readonly (readonly string[])[], lines: number): void {
    cellLines.forEach((cell, i) =>
      cell.forEach((text, j) => {
        if (text)
          this.doc.text(text, (this.lefts[i] ?? 0) + PAD.x, this.y + PAD.y + j * this.lineHeight, {
            lineBreak: false,
          });
      }),
    );
    this.y += lines * this.lineHeight + 2 * PAD.y;
    this.doc
      .moveTo(PAGE.margin, this.y)
      .lineTo(PAGE.margin + TABLE_WIDTH, this.y)
      .stroke();
  }

  private newPage(): void {
    if (this.page > 0) this.finishPage();
    this.doc.addPage();
    this.page++;
    const { doc, spec } = this;
    const right = PAGE.margin + TABLE_WIDTH;
    doc.fillColor('black');
    this.useFont(BOLD, 10);
    doc.text(winAnsi(spec.title), PAGE.margin, PAGE.margin, { lineBreak: false });
    const pageNo = `Page ${this.page}`;
    doc.text(pageNo, right - doc.widthOfString(pageNo), PAGE.margin, { lineBreak: false });
    this.useFont(BODY.font, 8);
    doc.text(winAnsi(spec.subtitle), PAGE.margin, PAGE.margin + 14, { lineBreak: false });
    this.tableTop = PAGE.margin + 28;
    this.y = this.tableTop;
    // The bands (acquisition | disposition), shaded, then the column headers in bold.
    this.useFont(BOLD, BODY.size);
    const bandHeight = this.lineHeight + 2 * PAD.y;
    doc.rect(PAGE.margin, this.y, TABLE_WIDTH, bandHeight).fill('#e6e6e6').fillColor('black');
    let column = 0;
    for (const g of spec.groups) {
      doc.text(winAnsi(g.label.toUpperCase()), (this.lefts[column] ?? 0) + PAD.x, this.y + PAD.y, {
        lineBreak: false,
      });
      column += g.columns;
    }
    this.y += bandHeight;
    const labels = spec.columns.map((c, i) => this.wrap(c.label, i));
    doc.lineWidth(0.3).strokeColor('#808080');
    this.drawRow(labels, Math.max(...labels.map((l) => l.length)));
    this.useFont(BODY.font, BODY.size);
    this.bodyTop = this.y;
  }

  /** The column rules, drawn once the page's last row is known; heavier between bands. */
  private finishPage(): void {
    const { doc } = this;
    doc.rect(PAGE.margin, this.tableTop, TABLE_WIDTH, this.y - this.tableTop).stroke();
    const bandEdges = new Set<number>();
    let column = 0;
    for (const g of this.spec.groups) bandEdges.add((column += g.columns));
    this.lefts.forEach((x, i) => {
      if (i === 0) return;
      const heavy = bandEdges.has(i);
      doc
        .lineWidth(heavy ? 1 : 0.3)
        .moveTo(x, heavy ? this.tableTop : this.tableTop + this.lineHeight + 2 * PAD.y)
        .lineTo(x, this.y)
        .stroke();
    });
    doc.lineWidth(0.3);
  }

  /** Finishes the file; `ifEmpty` is printed under the headers when no row was written. */
  async close(ifEmpty: string): Promise<void> {
    if (this.page === 0) this.newPage();
    this.finishPage();
    if (this.rows === 0)
      this.doc.text(winAnsi(ifEmpty), PAGE.margin + PAD.x, this.y + 4 * PAD.y, {
        lineBreak: false,
      });
    this.doc.end();
    await this.flush();
    this.out.end();
    await finished(this.out);
  }

  /** Gives up: a half-written printout must not pass for the book, so it is removed. */
  async abort(): Promise<void> {
    this.out.destroy();
    // The stream ends with "premature close", which is expected here; the caller rethrows
    // the error that made it give up.
    await finished(this.out).catch(() => undefined);
    await fs.promises.rm(this.file, { force: true });
  }
}

/** Writes rows to a table PDF, removing the file if anything fails. */
async function writeTable(
  file: string,
  spec: TableSpec,
  ifEmpty: string,
  fill: (table: StreamedTable) => Promise<void>,
): Promise<number> {
  const table = new StreamedTable(file, spec);
  try {
    await fill(table);
    await table.close(ifEmpty);
  } catch (error) {
    await table.abort();
    throw error;
  }
  return table.rows;
}

/** The store, its licence and the period covered, as the line under the title. */
function subtitle(o: PdfReportOptions, covers: string, period = periodOf(o, covers)): string {
  return [o.storeName, o.licenseNumber && `FFL ${o.licenseNumber}`, period]
    .filter(Boolean)
    .join('   ·   ');
}

/** "<covers> 2026-01-01 to 2026-01-31", or on or after / on or before; '' for all time. */
function periodOf(o: PdfReportOptions, covers: string): string {
  return o.from && o.to
    ? `${covers} ${o.from} to ${o.to}`
    : o.from
      ? `${covers} on or after ${o.from}`
      : o.to
        ? `${covers} on or before ${o.to}`
        : '';
}

type BookRow = Parameters<typeof cells>[0];

/** Where the book's disposition columns start (the acquisition's come before). */
const DISPOSITION_START = BOUND_BOOK_COLUMNS.indexOf('Date of disposition');

// Points per column; keyed by name so a column added to the book cannot go unplaced.
const BOOK_WIDTHS = {
  Entry: 34,
  'Date of acquisition': 44,
  'Source name': 56,
  'Source address or FFL number': 66,
  Manufacturer: 54,
  Importer: 36,
  Model: 52,
  'Serial number': 56,
  Type: 36,
  'Caliber or gauge': 40,
  'Date of disposition': 44,
  'Type of disposition': 50,
  'Transferee name': 68,
  'Transferee address, FFL number or Form 4473 number': 84,
} satisfies Record<(typeof BOUND_BOOK_COLUMNS)[number], number>;

/**
 * Writes the bound book as a PDF (27 CFR 478.125(e) columns, acquisition | disposition),
 * one row per firearm as last corrected, and reports progress. With a filter (a period, a
 * type, a maker, only what is in the store), only those firearms. Returns the entries written.
 */
export async function exportBoundBookPdf(
  db: Db,
  file: string,
  onProgress: (rows: number) => void = () => {},
  o: Pick<PdfReportOptions, 'storeName' | 'licenseNumber'> & BookFilter = {},
): Promise<number> {
  const { storeName, licenseNumber, ...filter } = o;
  const part = describeFilter(filter);
  const n = await writeTable(
    file,
    {
      title: 'Firearms Acquisition and Disposition Record',
      subtitle: subtitle(
        { ...(storeName ? { storeName } : {}), ...(licenseNumber ? { licenseNumber } : {}) },
        '',
        part && `Only the firearms ${part}`,
      ),
      groups: [
        { label: 'Acquisition', columns: DISPOSITION_START },
        { label: 'Disposition', columns: BOUND_BOOK_COLUMNS.length - DISPOSITION_START },
      ],
      columns: BOUND_BOOK_COLUMNS.map((label) => ({ label, width: BOOK_WIDTHS[label] })),
    },
    'No entries.',
    async (table) => {
      const wanted = matchesFilter(filter);
      for (const r of db.prepare(BOOK_SQL).iterate() as IterableIterator<BookRow>) {
        if (!wanted(r)) continue;
        await table.row(cells(r));
        if (table.rows % 10_000 === 0) onProgress(table.rows);
      }
    },
  );
  onProgress(n);
  return n;
}

// ---------------------------------------------------------------------------------------
// The correction report: every correction, what it changed (as entered | as corrected),
// who recorded it, when and why.

type DispositionFields = Omit<BookRow, keyof AcqRow>;

interface DispositionEntry extends DispositionFields {
  id: number;
  acquisition_entry: number;
  voided: 0 | 1;
  corrects: number | null;
  correction_reason: string | null;
  created_at: number;
  created_by: string;
}

const NO_DISPOSITION: DispositionFields = {
  disposed_on: null,
  transferee_name: null,
  transferee_address: null,
  transferee_ffl: null,
  form_4473: null,
  atf_incident: null,
  destruction_method: null,
  exemption_basis: null,
  officer_name: null,
  officer_badge: null,
  kind: null,
};

const dispositionFields = (d: DispositionEntry): DispositionFields => ({
  disposed_on: d.disposed_on,
  transferee_name: d.transferee_name,
  transferee_address: d.transferee_address,
  transferee_ffl: d.transferee_ffl,
  form_4473: d.form_4473,
  atf_incident: d.atf_incident,
  destruction_method: d.destruction_method,
  exemption_basis: d.exemption_basis,
  officer_name: d.officer_name,
  officer_badge: d.officer_badge,
  kind: d.kind,
});

// Every correction in the order it was recorded.
const CORRECTIONS_SQL = /* sql */ `
SELECT 'acquisition' AS side, entry_no AS id, recorded_at AS at
FROM ledger_acquisitions WHERE corrects IS NOT NULL
UNION ALL
SELECT 'disposition', id, created_at FROM ledger_dispositions WHERE corrects IS NOT NULL
ORDER BY at, side, id`;

/** One correction as the report prints it: the book's values before and after it. */
interface Correction {
  what: string;
  by: string;
  reason: string;
  before: BookRow;
  after: BookRow;
  /** Indexes into BOUND_BOOK_COLUMNS of the values it may change. */
  fields: readonly number[];
  voided: boolean;
}

// The columns each kind of correction can change ("Entry", column 0, never changes).
const columnIndexes = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, k) => from + k);
const ACQUISITION_FIELDS = columnIndexes(1, DISPOSITION_START);
const DISPOSITION_FIELDS = columnIndexes(DISPOSITION_START, BOUND_BOOK_COLUMNS.length);

/** Reads one correction and the version of the entry it replaced. */
function correctionReader(db: Db) {
  const acquisition = db.prepare('SELECT * FROM ledger_acquisitions WHERE entry_no = ?');
  // The version just before: the original or an earlier correction of it.
  const previous = db.prepare(
    `SELECT * FROM ledger_acquisitions WHERE (entry_no = @root OR corrects = @root) AND entry_no < @id
     ORDER BY entry_no DESC LIMIT 1`,
  );
  const disposition = db.prepare('SELECT * FROM ledger_dispositions WHERE id = ?');
  // The disposition's version just before: as first made, or an earlier correction (not a void).
  const previousDisposition = db.prepare(
    `SELECT * FROM ledger_dispositions WHERE (id = @root OR (corrects = @root AND voided = 0)) AND id < @id
     ORDER BY id DESC LIMIT 1`,
  );
  return (side: string, id: number): Correction => {
    if (side === 'acquisition') {
      const after = acquisition.get(id) as AcqRow;
      const before = previous.get({ root: after.corrects, id }) as AcqRow;
      return {
        what: 'Acquisition corrected',
        by: after.recorded_by,
        reason: after.correction_reason ?? '',
        before: { ...before, ...NO_DISPOSITION },
        after: { ...after, ...NO_DISPOSITION },
        fields: ACQUISITION_FIELDS,
        voided: false,
      };
    }
    const fix = disposition.get(id) as DispositionEntry;
    const original = previousDisposition.get({ root: fix.corrects, id }) as DispositionEntry;
    const firearm = acquisition.get(original.acquisition_entry) as AcqRow;
    return {
      what: fix.voided ? 'Disposition voided' : 'Disposition corrected',
      by: fix.created_by,
      reason: fix.correction_reason ?? '',
      before: { ...firearm, ...dispositionFields(original) },
      after: { ...firearm, ...(fix.voided ? NO_DISPOSITION : dispositionFields(fix)) },
      fields: DISPOSITION_FIELDS,
      voided: fix.voided === 1,
    };
  };
}

/** "2026-01-05 14:03" in the store's time zone. */
function dateTimeFormatter(timeZone?: string): (ms: number) => string {
  const format = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  return (ms) => {
    const p = Object.fromEntries(format.formatToParts(ms).map((x) => [x.type, x.value]));
    return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
  };
}

const CORRECTION_COLUMNS: Column[] = [
  { label: 'Entry', width: 34 },
  { label: 'Firearm', width: 96 },
  { label: 'Correction', width: 64 },
  { label: 'Recorded', width: 62 },
  { label: 'By', width: 56 },
  { label: 'Reason', width: 120 },
  { label: 'Field', width: 72 },
  { label: 'As entered', width: 108 },
  { label: 'As corrected', width: 108 },
];
const FIELD_COLUMN = 6;

/** The changed fields, each field's three cells padded to the same height so they align. */
function changedFieldLines(table: StreamedTable, c: Correction): string[][] {
  const before = cells(c.before);
  const after = cells(c.after);
  const columns: string[][] = [[], [], []];
  const shown = (v: string) => v || '(blank)';
  for (const i of c.fields) {
    const was = before[i] ?? '';
    const now = after[i] ?? '';
    if (c.voided ? !was : was === now) continue;
    const triple = [
      BOUND_BOOK_COLUMNS[i] ?? '',
      shown(was),
      c.voided ? '(voided)' : shown(now),
    ].map((v, k) => table.wrap(v, FIELD_COLUMN + k));
    const height = Math.max(...triple.map((l) => l.length));
    triple.forEach((l, k) => columns[k]?.push(...l, ...Array<string>(height - l.length).fill('')));
  }
  if (!columns[0]?.length) columns[0] = table.wrap('No recorded value changed', FIELD_COLUMN);
  return columns;
}

/**
 * Writes the printable correction report (ATF Ruling 2016-1): every acquisition correction
 * and every voided or restated disposition recorded between the dates (the store's local
 * dates, inclusive), with the values as entered and as corrected side by side, who recorded
 * the correction, when and why. Returns the corrections written.
 */
export async function exportCorrectionReportPdf(
  db: Db,
  file: string,
  o: PdfReportOptions = {},
): Promise<number> {
  const when = dateTimeFormatter(o.timeZone);
  const read = correctionReader(db);
  return writeTable(
    file,
    {
      title: 'Firearms Acquisition and Disposition Record: Correction Report',
      subtitle: subtitle(o, 'Corrections recorded'),
      groups: [
        { label: 'Correction', columns: FIELD_COLUMN },
        { label: 'Values', columns: 3 },
      ],
      columns: CORRECTION_COLUMNS,
    },
    'No corrections.',
    async (table) => {
      const rows = db.prepare(CORRECTIONS_SQL).iterate() as IterableIterator<{
        side: string;
        id: number;
        at: number;
      }>;
      for (const { side, id, at } of rows) {
        const recorded = when(at);
        const day = recorded.slice(0, 10);
        if ((o.from && day < o.from) || (o.to && day > o.to)) continue;
        const c = read(side, id);
        const a = c.after;
        const about = [
          cells(a)[0] ?? '',
          `${a.manufacturer} ${a.model}, serial ${a.serial}`,
          c.what,
          recorded,
          c.by,
          c.reason,
        ];
        await table.rowOfLines([
          ...about.map((v, i) => table.wrap(v, i)),
          ...changedFieldLines(table, c),
        ]);
      }
    },
  );
}
