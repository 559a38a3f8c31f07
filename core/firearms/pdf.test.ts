// Golden-ish tests of the printable book and correction report: the PDFs are read back with
// a real PDF text extractor (pdf.js, through unpdf) and their table rebuilt from where each
// piece of text sits on the page.
import fs from 'node:fs';
import path from 'node:path';
import { extractTextItems } from 'unpdf';
import { describe, expect, it } from 'vitest';
import { localDate } from '../clock.ts';
import { EVERY_KIND_COLUMNS, everyKindBook, LIPSEYS, sampleBook } from '../testing/firearms.ts';
import { servicesForTest, tempDir } from '../testing/fixtures.ts';
import { BOUND_BOOK_COLUMNS, exportBoundBook } from './export.ts';
import { exportBoundBookPdf, exportCorrectionReportPdf, winAnsi } from './pdf.ts';

const book = sampleBook;

interface Item {
  str: string;
  x: number;
  /** From the top of the page, as the table is laid out. */
  y: number;
}

/** Every page's text pieces, with their positions. */
async function readPdf(file: string): Promise<Item[][]> {
  const { items } = await extractTextItems(new Uint8Array(fs.readFileSync(file)));
  return items.map((page) =>
    page.filter((i) => i.str.trim()).map((i) => ({ str: i.str, x: i.x, y: 612 - i.y })),
  );
}

/** Below the title, "Page n" and the store's line, where the table starts (pdf.ts). */
const TABLE_TOP = 64;

/**
 * A page's table: the column headers and the rows, each cell's lines joined. Every cell is
 * drawn at its column's left edge, so the distinct x positions below the title are the
 * columns; a row starts where its first column has a line.
 */
function table(page: Item[]) {
  const body = page.filter((i) => i.y > TABLE_TOP);
  const lefts = [...new Set(body.map((i) => i.x))].sort((a, b) => a - b);
  const column = (x: number) => body.filter((i) => i.x === x).sort((a, b) => a.y - b.y);
  const headerRowY = column(lefts[1] ?? 0)[0]?.y ?? 0;
  const rowTops = column(lefts[0] ?? 0)
    .filter((i) => i.y >= headerRowY)
    .map((i) => i.y);
  const cellsAt = (top: number, bottom: number) =>
    lefts.map((x) =>
      column(x)
        .filter((i) => i.y >= top && i.y < bottom)
        .map((i) => i.str)
        .join(' '),
    );
  return {
    text: page.map((i) => i.str).join('\n'),
    bands: column(lefts[0] ?? 0)
      .filter((i) => i.y < headerRowY)
      .map((i) => i.str),
    header: cellsAt(headerRowY, rowTops[1] ?? Infinity),
    rows: rowTops.slice(1).map((top, i) => cellsAt(top, rowTops[i + 2] ?? Infinity)),
  };
}

/** Wrapping may break a word anywhere: compare cells without their spacing. */
const unspaced = (cells: readonly string[]) => cells.map((c) => c.replace(/\s+/g, ''));

describe('the bound book as a printable PDF', () => {
  it('prints one row per firearm in the ATF columns, as the CSV export has them', async () => {
    const { s } = await book();
    const dir = tempDir();
    const pdf = path.join(dir, 'book.pdf');
    const progress: number[] = [];
    const written = await exportBoundBookPdf(s.store.db, pdf, (n) => progress.push(n), {
      storeName: 'Main Street Guns',
      licenseNumber: '5-74-015-07-8C-04321',
    });
    expect(written).toBe(3);
    expect(progress).toEqual([3]);
    expect(fs.statSync(pdf).mode & 0o777).toBe(0o600);

    const pages = await readPdf(pdf);
    expect(pages).toHaveLength(1);
    const page = table(pages[0] ?? []);
    expect(page.text).toContain('Firearms Acquisition and Disposition Record');
    expect(page.text).toContain('Page 1');
    expect(page.text).toContain('Main Street Guns');
    expect(page.text).toContain('FFL 5-74-015-07-8C-04321');
    expect(page.bands).toEqual(['ACQUISITION']);
    expect(page.text).toContain('DISPOSITION');
    expect(page.header).toEqual([...BOUND_BOOK_COLUMNS]);

    await exportBoundBook(s.store.db, path.join(dir, 'book.csv'), 'csv');
    const csv = fs
      .readFileSync(path.join(dir, 'book.csv'), 'utf8')
      .trim()
      .split('\r\n')
      .slice(1)
      .map((line) =>
        line
          .slice(1, -1)
          .split('","')
          .map((v) => v.replace(/""/g, '"')),
      );
    expect(page.rows.map(unspaced)).toEqual(csv.map(unspaced));
    expect(page.rows.map((r) => r[7])).toEqual(['ABC123', '0001-2345', 'PY|77']);
  });

  it('repeats the title, page number and column headers on every page of a long book', async () => {
    const s = await servicesForTest();
    for (let batch = 0; batch < 3; batch++)
      s.firearms.acquire('carlos', {
        receivedOn: '2026-01-05',
        source: LIPSEYS,
        firearms: Array.from({ length: 40 }, (_, i) => ({
          manufacturer: 'Smith & Wesson',
          model: 'M&P Shield Plus',
          serial: `SN-${String(batch * 40 + i + 1).padStart(5, '0')}`,
          type: 'pistol' as const,
          caliber: '9mm',
        })),
      });
    const pdf = path.join(tempDir(), 'book.pdf');
    expect(await exportBoundBookPdf(s.store.db, pdf)).toBe(120);

    const pages = (await readPdf(pdf)).map(table);
    expect(pages.length).toBeGreaterThanOrEqual(3);
    pages.forEach((page, i) => {
      expect(page.text).toContain(`Page ${i + 1}`);
      expect(page.text).toContain('Firearms Acquisition and Disposition Record');
      expect(page.bands).toEqual(['ACQUISITION']);
      expect(page.text).toContain('DISPOSITION');
      expect(page.header).toEqual([...BOUND_BOOK_COLUMNS]);
    });
    const rows = pages.flatMap((p) => p.rows);
    expect(rows.map((r) => r[0])).toEqual(Array.from({ length: 120 }, (_, i) => String(i + 1)));
    const serials = pages.flatMap((p) => p.text.split('\n')).filter((t) => t.startsWith('SN-'));
    expect(serials).toEqual(
      Array.from({ length: 120 }, (_, i) => `SN-${String(i + 1).padStart(5, '0')}`),
    );
  });

  it('prints only the firearms acquired or disposed of in the period asked for', async () => {
    const s = await servicesForTest();
    const source = { name: 'Walk-in', address: '1 Elm St, Springfield' };
    const firearm = {
      manufacturer: 'Ruger',
      model: 'LCP',
      type: 'pistol' as const,
      caliber: '.380',
    };
    s.firearms.acquire('carlos', {
      receivedOn: '2025-12-01',
      source,
      firearms: [{ ...firearm, serial: 'OLD-1' }],
    });
    s.firearms.acquire('carlos', {
      receivedOn: '2026-01-02',
      source,
      firearms: [{ ...firearm, serial: 'NEW-2' }],
    });
    const pdf = path.join(tempDir(), 'book.pdf');
    expect(await exportBoundBookPdf(s.store.db, pdf, undefined, { from: '2026-01-01' })).toBe(1);
    const [page] = (await readPdf(pdf)).map(table);
    expect(page?.rows.map((r) => r[7])).toEqual(['NEW-2']);
    expect(page?.text).toContain(
      'Only the firearms acquired or disposed of on or after 2026-01-01',
    );
  });

  it('prints characters the built-in font lacks as plain letters or "?", never failing', async () => {
    const s = await servicesForTest();
    s.firearms.acquire('carlos', {
      receivedOn: '2026-01-05',
      source: { name: 'Zoë Łukasz 🚀', address: 'Ōsaka 五四' },
      firearms: [
        { manufacturer: 'Škoda', model: 'Ｍ１', serial: 'Ж-1', type: 'rifle', caliber: '7.62' },
      ],
    });
    const pdf = path.join(tempDir(), 'book.pdf');
    expect(await exportBoundBookPdf(s.store.db, pdf)).toBe(1);
    const [page] = (await readPdf(pdf)).map(table);
    expect(page?.rows[0]?.slice(2, 8)).toEqual([
      'Zoë ?ukasz ?',
      'Osaka ??',
      'Škoda',
      '',
      'M1',
      '?-1',
    ]);
    expect(winAnsi('tab\there “quoted” – fine')).toBe('tab here “quoted” – fine');
  });

  it('carries a row taller than a page over to the next page, headers repeated', async () => {
    const s = await servicesForTest();
    const address = Array.from({ length: 600 }, (_, i) => `Unit${i}`).join(' ');
    // An entry from an older book, imported before the 300-character limit on addresses.
    const db = s.store.db;
    const item = db
      .prepare(
        `INSERT INTO firearm_items (manufacturer, model, serial, type, caliber, manufacturer_key, serial_key, status, created_at)
         VALUES ('Colt', '1911', 'LONG-1', 'pistol', '.45 ACP', 'COLT', 'LONG-1', 'in_stock', 0)`,
      )
      .run().lastInsertRowid;
    db.prepare(
      `INSERT INTO ledger_acquisitions (item_id, received_on, source_name, source_address, manufacturer, model, serial, type, caliber, recorded_at, recorded_by)
       VALUES (?, '2020-06-01', 'Estate of J. Smith', ?, 'Colt', '1911', 'LONG-1', 'pistol', '.45 ACP', 0, 'import')`,
    ).run(item, address);
    const pdf = path.join(tempDir(), 'book.pdf');
    expect(await exportBoundBookPdf(s.store.db, pdf)).toBe(1);

    const pages = (await readPdf(pdf)).map(table);
    expect(pages.length).toBeGreaterThan(1);
    pages.forEach((page) => expect(page.header).toEqual([...BOUND_BOOK_COLUMNS]));
    // The entry column: the number, then on each following page the number and "(cont.)".
    expect(pages.flatMap((p) => p.rows.map((r) => r[0]))).toEqual([
      '1',
      ...pages.slice(1).flatMap(() => ['1', '(cont.)']),
    ]);
    const lines = pages.flatMap((p) => p.text.split('\n')).filter((t) => t.startsWith('Unit'));
    expect(lines.join(' ')).toBe(address);
  });

  it('prints an empty book as a header page that says so', async () => {
    const s = await servicesForTest();
    const pdf = path.join(tempDir(), 'book.pdf');
    expect(await exportBoundBookPdf(s.store.db, pdf)).toBe(0);
    const [page] = (await readPdf(pdf)).map(table);
    expect(page?.header).toEqual([...BOUND_BOOK_COLUMNS]);
    expect(page?.text).toContain('No entries.');
  });
});

describe('the printable correction report', () => {
  it('shows each correction with the values as entered and as corrected, who, when and why', async () => {
    const { s, toShop } = await book();
    const disposedOn = localDate(s.clock.now());
    s.clock.advance(3 * 3600_000);
    s.firearms.undispose('maria', toShop.id, 'Entered against the wrong firearm');
    const pdf = path.join(tempDir(), 'corrections.pdf');
    expect(
      await exportCorrectionReportPdf(s.store.db, pdf, { storeName: 'Main Street Guns' }),
    ).toBe(2);

    const [page, extra] = (await readPdf(pdf)).map(table);
    expect(extra).toBeUndefined();
    expect(page?.text).toContain('Correction Report');
    expect(page?.text).toContain('Main Street Guns');
    expect(page?.header).toEqual([
      'Entry',
      'Firearm',
      'Correction',
      'Recorded',
      'By',
      'Reason',
      'Field',
      'As entered',
      'As corrected',
    ]);
    const [acquisition, voided] = page?.rows ?? [];
    expect(acquisition?.slice(0, 3)).toEqual([
      '2',
      'Ruger 10/22 Carbine, serial 0001-2345',
      'Acquisition corrected',
    ]);
    expect(acquisition?.[3]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    expect(acquisition?.slice(4)).toEqual([
      'maria',
      'Model as engraved',
      'Model',
      '10/22',
      '10/22 Carbine',
    ]);
    expect(voided?.slice(0, 3)).toEqual(['1', 'Glock 19, serial ABC123', 'Disposition voided']);
    expect(voided?.[3]?.slice(0, 10)).toBe(localDate(s.clock.now()));
    expect(voided?.slice(4, 6)).toEqual(['maria', 'Entered against the wrong firearm']);
    expect(unspaced(voided?.slice(6) ?? [])).toEqual(
      unspaced([
        'Date of disposition Type of disposition Transferee name Transferee address, FFL number or Form 4473 number',
        `${disposedOn} Transfer to a licensee Gun Shop "B" 5-74-015-07-8C-04321`,
        '(voided) (voided) (voided) (voided)',
      ]),
    );
  });

  it('covers only corrections recorded in the period, and says when there are none', async () => {
    const { s } = await book();
    const today = localDate(s.clock.now());
    const pdf = path.join(tempDir(), 'corrections.pdf');
    expect(await exportCorrectionReportPdf(s.store.db, pdf, { from: today, to: today })).toBe(1);
    expect(await exportCorrectionReportPdf(s.store.db, pdf, { to: '2025-12-31' })).toBe(0);
    const [page] = (await readPdf(pdf)).map(table);
    expect(page?.text).toContain('No corrections.');
    expect(page?.text).toContain('Corrections recorded on or before 2025-12-31');
  });
});

describe('each kind of disposition in the printable book (27 CFR 478.125(e))', () => {
  it('prints the transferee columns each kind needs, and the kind in words', async () => {
    const { s } = await everyKindBook();
    const pdf = path.join(tempDir(), 'book.pdf');
    expect(await exportBoundBookPdf(s.store.db, pdf)).toBe(9);
    const rows = (await readPdf(pdf)).map(table).flatMap((p) => p.rows);
    const from = BOUND_BOOK_COLUMNS.indexOf('Date of disposition');
    expect(rows.map((r) => unspaced(r.slice(from)))).toEqual(EVERY_KIND_COLUMNS.map(unspaced));
  });
});

describe('a corrected disposition on the correction report (ATF Ruling 2016-1)', () => {
  it('shows the disposition as entered and as corrected, who, when and why, and then its void', async () => {
    const { s, toShop } = await book();
    s.clock.advance(3600_000);
    s.firearms.correctDisposition('maria', toShop.id, {
      disposition: {
        kind: 'licensee',
        transfereeName: 'Gun Shop "B" LLC',
        transfereeFfl: '5-74-015-07-8C-04321',
      },
      disposedOn: '2026-01-05',
      reason: 'Licensee name as on its FFL',
    });
    s.clock.advance(3600_000);
    s.firearms.undispose('maria', toShop.id, 'Never shipped');
    const pdf = path.join(tempDir(), 'corrections.pdf');
    expect(await exportCorrectionReportPdf(s.store.db, pdf)).toBe(3);
    const [, corrected, voided] = (await readPdf(pdf)).map(table)[0]?.rows ?? [];
    expect(corrected?.slice(0, 3)).toEqual([
      '1',
      'Glock 19, serial ABC123',
      'Disposition corrected',
    ]);
    expect(corrected?.slice(4, 6)).toEqual(['maria', 'Licensee name as on its FFL']);
    // Only what changed, as it was and as it is.
    expect(unspaced(corrected?.slice(6) ?? [])).toEqual(
      unspaced(['Transferee name', 'Gun Shop "B"', 'Gun Shop "B" LLC']),
    );
    // The void undoes the disposition as corrected.
    expect(voided?.[2]).toBe('Disposition voided');
    expect(unspaced(voided?.slice(6) ?? [])[1]).toContain(unspaced(['Gun Shop "B" LLC'])[0]);
  });
});
