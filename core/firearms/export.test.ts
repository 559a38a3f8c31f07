// Golden tests: the exported bound book has exactly the required columns and one line per
// firearm, as last corrected, with its disposition.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EVERY_KIND_COLUMNS, everyKindBook, parseCsv, sampleBook } from '../testing/firearms.ts';
import { tempDir } from '../testing/fixtures.ts';
import {
  BOUND_BOOK_COLUMNS,
  bookFilterSchema,
  exportBoundBook,
  type BookFilter,
} from './export.ts';

async function book() {
  return (await sampleBook()).s;
}

describe('the bound book export', () => {
  it('writes CSV with exactly the ATF columns, one row per firearm as corrected', async () => {
    const s = await book();
    const file = path.join(tempDir(), 'book.csv');
    expect(await exportBoundBook(s.store.db, file, 'csv')).toBe(3);
    expect(fs.readFileSync(file, 'utf8')).toBe(
      [
        '"Entry","Date of acquisition","Source name","Source address or FFL number","Manufacturer","Importer","Model","Serial number","Type","Caliber or gauge","Date of disposition","Type of disposition","Transferee name","Transferee address, FFL number or Form 4473 number"',
        '"1","2026-01-05","Lipsey’s LLC","9-86-123-01-7K-12345","Glock","","19","ABC123","pistol","9mm","2026-01-05","Transfer to a licensee","Gun Shop ""B""","5-74-015-07-8C-04321"',
        '"2","2026-01-05","Lipsey’s LLC","9-86-123-01-7K-12345","Ruger","","10/22 Carbine","0001-2345","rifle",".22 LR","","","",""',
        '"3","2026-01-05","Lipsey’s LLC","9-86-123-01-7K-12345","Colt","","Python","PY|77","revolver",".357 Mag","2026-01-05","Theft or loss","Theft or loss","ATF incident ATF-2026-0042"',
        '',
      ].join('\r\n'),
    );
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('writes the out-of-business ASCII file and its description', async () => {
    const s = await book();
    const file = path.join(tempDir(), 'book.txt');
    const progress: number[] = [];
    await exportBoundBook(s.store.db, file, 'ascii', (n) => progress.push(n));
    const lines = fs.readFileSync(file, 'latin1').split('\r\n');
    expect(lines[0]?.split('|')).toHaveLength(14);
    expect(lines[1]).toBe(
      '1|2026-01-05|Lipsey\'s LLC|9-86-123-01-7K-12345|Glock||19|ABC123|pistol|9mm|2026-01-05|Transfer to a licensee|Gun Shop "B"|5-74-015-07-8C-04321',
    );
    expect(lines[3]).toContain('|PY/77|');
    expect(/^[\x20-\x7e\r\n]*$/.test(fs.readFileSync(file, 'latin1'))).toBe(true);
    expect(fs.readFileSync(`${file}.description.txt`, 'utf8')).toContain('Entries: 3.');
    expect(progress.at(-1)).toBe(3);
  });

  it('writes only the firearms a filter asks for, and says so in the file description', async () => {
    const s = await book();
    const serials = async (filter: BookFilter) => {
      const file = path.join(tempDir(), 'part.csv');
      const n = await exportBoundBook(s.store.db, file, 'csv', undefined, filter);
      const rows = fs.readFileSync(file, 'utf8').trim().split('\r\n').slice(1);
      expect(rows).toHaveLength(n);
      return rows.map((r) => r.split('","')[7]);
    };
    expect(await serials({})).toEqual(['ABC123', '0001-2345', 'PY|77']);
    expect(await serials({ type: 'pistol' })).toEqual(['ABC123']);
    expect(await serials({ manufacturer: '  ruger ' })).toEqual(['0001-2345']);
    expect(await serials({ inStoreOnly: true })).toEqual(['0001-2345']);
    expect(await serials({ from: '2026-01-06' })).toEqual([]);
    expect(await serials({ from: '2026-01-05', to: '2026-01-05', type: 'revolver' })).toEqual([
      'PY|77',
    ]);
    const file = path.join(tempDir(), 'part.txt');
    expect(await exportBoundBook(s.store.db, file, 'ascii', undefined, { type: 'rifle' })).toBe(1);
    expect(fs.readFileSync(`${file}.description.txt`, 'utf8')).toContain(
      'Only the firearms type rifle.',
    );
  });

  it('refuses a period that ends before it starts', () => {
    const r = bookFilterSchema.safeParse({ from: '2026-02-01', to: '2026-01-01' });
    expect(r.error?.issues[0]?.message).toBe(
      'The period ends before it starts: swap the two dates.',
    );
  });
});

const DISPOSITION_COLUMNS = BOUND_BOOK_COLUMNS.indexOf('Date of disposition');

describe('each kind of disposition in the exported book (27 CFR 478.125(e))', () => {
  it('prints the transferee columns each kind needs, and the kind in words, in the CSV', async () => {
    const { s } = await everyKindBook();
    const file = path.join(tempDir(), 'book.csv');
    await exportBoundBook(s.store.db, file, 'csv');
    const [header, ...rows] = parseCsv(fs.readFileSync(file, 'utf8'));
    expect(header).toEqual([...BOUND_BOOK_COLUMNS]);
    expect(rows.map((r) => r.slice(DISPOSITION_COLUMNS))).toEqual(EVERY_KIND_COLUMNS);
    // No code words: a loan out is "Loaned out", never "loan_out".
    expect(rows.flat().some((v) => /_/.test(v))).toBe(false);
  });

  it('prints the same in the ASCII out-of-business file, as its file description lists the fields', async () => {
    const { s } = await everyKindBook();
    const file = path.join(tempDir(), 'book.txt');
    await exportBoundBook(s.store.db, file, 'ascii');
    const [header, ...rows] = fs
      .readFileSync(file, 'latin1')
      .split('\r\n')
      .filter(Boolean)
      .map((l) => l.split('|'));
    expect(header).toEqual([...BOUND_BOOK_COLUMNS]);
    expect(rows.every((r) => r.length === BOUND_BOOK_COLUMNS.length)).toBe(true);
    // ASCII only: the curly apostrophe of Lipsey’s is written plainly.
    const ascii = EVERY_KIND_COLUMNS.map((r) => r.map((v) => v.replace('’', "'")));
    expect(rows.map((r) => r.slice(DISPOSITION_COLUMNS))).toEqual(ascii);
    const description = fs.readFileSync(`${file}.description.txt`, 'utf8');
    expect(description).toContain('12. Type of disposition');
    expect(description).toContain('14. Transferee address, FFL number or Form 4473 number');
    expect(description).toContain('Entries: 9.');
  });
});
