// The bound book's reports against a real encrypted SQLite file: exports into the backup
// folder with their progress and end, and the multiple-sale reports (3310.4 and 3310.12)
// listed until marked filed. Sales go the way a clerk makes them: a check, a transfer, a
// hand-over.
import fs from 'node:fs';
import path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { extractText } from 'unpdf';
import { describe, expect, it } from 'vitest';
import type { UsState } from '../integrations/model.ts';
import {
  makeServices,
  quietLog,
  servicesForTest,
  tempDir,
  testKeychain,
} from '../testing/fixtures.ts';
import { LIPSEYS, thrown } from '../testing/firearms.ts';
import type { FirearmInput } from './model.ts';
import { BookReports } from './reports.ts';

const DISTRIBUTOR = LIPSEYS;
const pistol = (serial: string): FirearmInput => ({
  manufacturer: 'Glock',
  model: '19',
  serial,
  type: 'pistol',
  caliber: '9mm',
});
const ar15 = (serial: string, caliber = '5.56x45mm', semiAutoDetachable = true): FirearmInput => ({
  manufacturer: 'Smith & Wesson',
  model: 'M&P15',
  serial,
  type: 'rifle',
  caliber,
  semiAutoDetachable,
});
/** 15:00 UTC: the same calendar day in UTC and in every US time zone. */
const at = (day: string) => Date.parse(`${day}T15:00:00Z`);

async function store(state: UsState = 'TX') {
  const s = await servicesForTest();
  s.clock.set(at('2026-01-05')); // a Monday
  s.profile.update('owner', { name: 'Main Street Outfitters', state });
  const acquire = (firearms: FirearmInput[]) =>
    s.firearms.acquire('carlos', { receivedOn: '2026-01-05', source: DISTRIBUTOR, firearms });
  /** A sale on its own 4473 today: a check that proceeds, the transfer, the hand-over. */
  const sell = (itemIds: number[], form4473: string, buyerKey = 'buyer-7') => {
    const check = s.checks.start('carlos', {
      form4473,
      buyerKey,
      itemIds,
      itemTypes: s.firearms.typesOf(itemIds),
      state,
      buyerUnder21: false,
    });
    const today = s.checks.today();
    s.checks.record('carlos', check.id, { kind: 'submit', on: today });
    s.checks.record('carlos', check.id, { kind: 'proceed', on: today, ntn: `NTN-${form4473}` });
    s.firearms.transfer('carlos', check.id, {
      transfereeName: 'Pat Buyer',
      transfereeAddress: '1 Main St, Austin TX',
    });
    return s.firearms.handOver('carlos', form4473);
  };
  const on = (day: string) => s.clock.set(at(day));
  const unfiled = () => s.bookReports.multipleSales({ includeFiled: false });
  return { s, acquire, sell, on, unfiled, r: s.bookReports };
}

describe('exporting the bound book', () => {
  async function book() {
    const st = await store();
    const [glock, , ruger] = st.acquire([
      pistol('ABC123'),
      pistol('DEF456'),
      {
        manufacturer: 'Ruger',
        model: '10/22',
        serial: '0001-2345',
        type: 'rifle',
        caliber: '.22 LR',
      },
    ]);
    st.s.firearms.correctAcquisition('maria', ruger?.entryNo ?? 0, {
      firearm: {
        manufacturer: 'Ruger',
        model: '10/22 Carbine',
        serial: '0001-2345',
        type: 'rifle',
        caliber: '.22 LR',
      },
      receivedOn: '2026-01-05',
      source: DISTRIBUTOR,
      reason: 'Model as engraved',
    });
    st.sell([glock?.itemId ?? 0], 'T-1');
    return { ...st, folder: path.join(st.s.backups.folder(), 'bound-book') };
  }

  it('writes a CSV into the backup folder’s bound-book folder, showing it running then done with its entries', async () => {
    const { s, r, folder } = await book();
    const { id, done } = r.startExport('carlos', 'csv');
    expect(r.exports()[0]).toMatchObject({
      id,
      format: 'csv',
      trigger: 'manual',
      status: 'running',
      startedBy: 'carlos',
      finishedAt: null,
    });
    await done;
    const row = r.exports()[0];
    expect(row).toMatchObject({ id, status: 'done', entries: 3, error: null });
    expect(row?.finishedAt).toBe(s.clock.now());
    expect(path.dirname(row?.file ?? '')).toBe(folder);
    expect(path.basename(row?.file ?? '')).toMatch(/^bound-book-2026-01-05T15-00-00-000Z\.csv$/);
    const lines = fs
      .readFileSync(row?.file ?? '', 'utf8')
      .trimEnd()
      .split('\r\n');
    expect(lines).toHaveLength(4);
    expect(lines[3]).toContain('"10/22 Carbine"');
    expect(s.audit.query({ action: 'firearm.export' }).entries[0]).toMatchObject({
      actor: 'carlos',
      entityId: String(id),
    });
  });

  it('writes the ASCII out-of-business file with its description, the PDF book and the correction report', async () => {
    const { s, r, folder } = await book();
    const ascii = r.startExport('carlos', 'ascii');
    await ascii.done;
    s.clock.advance(1000);
    const pdf = r.startExport('carlos', 'pdf');
    await pdf.done;
    s.clock.advance(1000);
    const corrections = r.startExport('carlos', 'corrections');
    await corrections.done;
    const rows = new Map(r.exports().map((e) => [e.id, e]));
    expect(rows.get(ascii.id)).toMatchObject({ status: 'done', entries: 3 });
    expect(rows.get(pdf.id)).toMatchObject({ status: 'done', entries: 3 });
    // One correction was recorded: the Ruger's model.
    expect(rows.get(corrections.id)).toMatchObject({ status: 'done', entries: 1 });
    const file = (id: number) => rows.get(id)?.file ?? '';
    expect(path.basename(file(ascii.id))).toMatch(/^bound-book-.*\.txt$/);
    expect(fs.readFileSync(`${file(ascii.id)}.description.txt`, 'utf8')).toContain('Entries: 3.');
    expect(path.basename(file(pdf.id))).toMatch(/^bound-book-.*\.pdf$/);
    expect(path.basename(file(corrections.id))).toMatch(/^corrections-.*\.pdf$/);
    for (const id of [pdf.id, corrections.id]) {
      expect(fs.readFileSync(file(id)).subarray(0, 5).toString()).toBe('%PDF-');
      expect(path.dirname(file(id))).toBe(folder);
    }
  });

  it('exports part of the book as asked, keeps the filter on the export, and heads the PDF with the store and its FFL', async () => {
    const { s, r } = await book();
    s.profile.update('owner', {
      name: 'Main Street Outfitters',
      state: 'TX',
      ffl: '5-74-015-07-8C-04321',
    });
    const csv = r.startExport('carlos', 'csv', 'manual', { type: 'pistol', to: '2026-01-31' });
    await csv.done;
    const row = r.exports().find((e) => e.id === csv.id);
    expect(row).toMatchObject({
      status: 'done',
      entries: 2,
      filters: { type: 'pistol', to: '2026-01-31' },
    });
    const lines = fs
      .readFileSync(row?.file ?? '', 'utf8')
      .trimEnd()
      .split('\r\n');
    expect(lines.slice(1).map((l) => l.split('","')[7])).toEqual(['ABC123', 'DEF456']);
    s.clock.advance(1000);
    const pdf = r.startExport('carlos', 'pdf', 'manual', { inStoreOnly: true });
    await pdf.done;
    const file = r.exports().find((e) => e.id === pdf.id)?.file ?? '';
    const { text } = await extractText(new Uint8Array(fs.readFileSync(file)), { mergePages: true });
    expect(text).toContain('Main Street Outfitters');
    expect(text).toContain('FFL 5-74-015-07-8C-04321');
    expect(text).toContain('Only the firearms still in the store');
    // The Ruger and one Glock are still here; the other Glock was sold.
    expect(text).toContain('0001-2345');
    expect(text).toContain('DEF456');
    expect(text).not.toContain('ABC123');
    // A whole-book export keeps an empty filter.
    s.clock.advance(1000);
    await r.startExport('carlos', 'csv').done;
    expect(r.exports()[0]).toMatchObject({ entries: 3, filters: {} });
  });

  it('refuses a correction report filtered by anything but a period', async () => {
    const { r } = await book();
    const before = r.exports().length;
    expect(
      thrown(() => r.startExport('carlos', 'corrections', 'manual', { type: 'rifle' })),
    ).toMatchObject({ kind: 'invalid', reason: 'filter_not_for_corrections' });
    expect(r.exports()).toHaveLength(before);
  });

  it('follows the backup folder when it is moved', async () => {
    const { s, r } = await book();
    const elsewhere = tempDir();
    s.backups.updateSettings('owner', { folder: elsewhere, keep: 3, dailyAt: '02:00' });
    const { done } = r.startExport('carlos', 'csv');
    await done;
    expect(path.dirname(r.exports()[0]?.file ?? '')).toBe(path.join(elsewhere, 'bound-book'));
    expect(fs.readdirSync(path.join(elsewhere, 'bound-book'))).toHaveLength(1);
  });

  it.each(['csv', 'pdf'] as const)(
    'marks a %s export that cannot be written failed, saying which folder to check',
    async (format) => {
      const { s, r, folder } = await book();
      // Where the file would go is taken by a folder: the write fails as a full or
      // read-only disk would.
      const stamp = new Date(s.clock.now()).toISOString().replace(/[:.]/g, '-');
      fs.mkdirSync(path.join(folder, `bound-book-${stamp}.${format}`), { recursive: true });
      const { id, done } = r.startExport('carlos', format);
      await done;
      const row = r.exports().find((e) => e.id === id);
      expect(row).toMatchObject({ status: 'failed', finishedAt: s.clock.now() });
      expect(row?.error).toMatch(/^The export could not be written: .*EISDIR/);
      expect(row?.error).toContain(`Check that ${folder} exists and has free space.`);
    },
  );

  it('lets the store keep writing to the book while a long export reads it', async () => {
    const { s, acquire, r } = await store();
    const seeded = 2_000;
    for (let batch = 0; batch < seeded / 500; batch++)
      acquire(Array.from({ length: 500 }, (_, i) => pistol(`SEED-${batch}-${i}`)));
    const { id, done } = r.startExport('carlos', 'csv');
    const file = r.exports()[0]?.file ?? '';
    // The export is part way through its read (it waits for the file to drain).
    const during: string[] = [];
    while (r.exports()[0]?.status === 'running') {
      const serial = `DURING-${during.length}`;
      expect(acquire([pistol(serial)])).toHaveLength(1);
      during.push(serial);
      await nextTurn();
    }
    await done;
    expect(during.length).toBeGreaterThan(0);
    expect(r.exports()[0]).toMatchObject({ id, status: 'done', entries: seeded });
    // The export is the book as it stood when the export began.
    expect(fs.readFileSync(file, 'utf8')).not.toContain('DURING-');
    expect(s.firearms.inStore(during[0] ?? '')).toHaveLength(1);
  });

  it('marks exports that were running when the store server stopped as failed at start-up', async () => {
    const dataDir = tempDir();
    const secrets = testKeychain();
    const first = await makeServices({ dataDir, secrets });
    first.store.db
      .prepare(
        "INSERT INTO book_exports (format, trigger, file, status, started_by, started_at) VALUES ('csv', 'daily', '/gone.csv', 'running', 'system', 1)",
      )
      .run();
    // Another BookReports on the same file (the store server started again) fails it at once.
    const again = new BookReports({
      db: first.store.db,
      audit: first.audit,
      clock: first.clock,
      folder: () => first.backups.folder(),
      log: quietLog,
      openReader: () => first.store.openCopy(first.store.file, { readonly: true }),
    });
    expect(again.exports()[0]).toMatchObject({
      status: 'failed',
      error: 'The store server stopped during the export.',
    });
    // So does a whole restart, with a finished export left as it was.
    const ok = first.bookReports.startExport('owner', 'csv');
    await ok.done;
    first.store.db
      .prepare(
        "INSERT INTO book_exports (format, trigger, file, status, started_by, started_at) VALUES ('pdf', 'manual', '/cut.pdf', 'running', 'carlos', 2)",
      )
      .run();
    first.close();
    const restarted = await makeServices({ dataDir, secrets });
    try {
      expect(restarted.bookReports.exports().map((e) => [e.file, e.status])).toEqual([
        ['/cut.pdf', 'failed'],
        [expect.stringMatching(/bound-book-.*\.csv$/), 'done'],
        ['/gone.csv', 'failed'],
      ]);
    } finally {
      restarted.close();
    }
  });
});

describe('multiple-sale reports', () => {
  it('lists the second pistol to the same buyer within five business days for Form 3310.4, with the first as related', async () => {
    const { acquire, sell, on, unfiled } = await store();
    const [a, b, c] = acquire([pistol('P-1'), pistol('P-2'), pistol('P-3')]);
    const [first] = sell([a?.itemId ?? 0], 'T-1');
    expect(first).toMatchObject({ multiple_sale: 0 });
    expect(unfiled()).toEqual([]);
    on('2026-01-07');
    // Another buyer is another person.
    sell([c?.itemId ?? 0], 'T-3', 'buyer-8');
    const [second] = sell([b?.itemId ?? 0], 'T-2');
    expect(second).toMatchObject({ multiple_sale: 1 });
    expect(unfiled()).toEqual([
      {
        dispositionId: second?.id,
        form: '3310.4',
        flaggedOn: '2026-01-07',
        itemId: b?.itemId,
        serial: 'P-2',
        manufacturer: 'Glock',
        model: '19',
        type: 'pistol',
        caliber: '9mm',
        form4473: 'T-2',
        related: [first?.id],
        filedOn: null,
        filedBy: null,
      },
    ]);
  });

  it('counts the store’s business days: four later is in the window, five later is not', async () => {
    const { acquire, sell, on, unfiled } = await store();
    const [a, b, c, d] = acquire([pistol('P-1'), pistol('P-2'), pistol('P-3'), pistol('P-4')]);
    sell([a?.itemId ?? 0], 'T-1', 'buyer-1');
    sell([c?.itemId ?? 0], 'T-3', 'buyer-2');
    on('2026-01-09'); // Friday: Tue, Wed, Thu, Fri
    const [inWindow] = sell([b?.itemId ?? 0], 'T-2', 'buyer-1');
    on('2026-01-10'); // Saturday, a day the store is open: the fifth
    const [outside] = sell([d?.itemId ?? 0], 'T-4', 'buyer-2');
    expect(inWindow?.multiple_sale).toBe(1);
    expect(outside?.multiple_sale).toBe(0);
    expect(unfiled().map((m) => m.dispositionId)).toEqual([inWindow?.id]);
  });

  it('leaves a third pistol to the same buyer six or more business days later unflagged', async () => {
    const { acquire, sell, on, unfiled } = await store();
    const [a, b, c] = acquire([pistol('P-1'), pistol('P-2'), pistol('P-3')]);
    sell([a?.itemId ?? 0, b?.itemId ?? 0], 'T-1'); // two at once: the second is flagged
    const flagged = unfiled().map((m) => m.dispositionId);
    expect(flagged).toHaveLength(1);
    on('2026-01-13'); // Tuesday of the next week: 7 business days on
    const [third] = sell([c?.itemId ?? 0], 'T-2');
    expect(third?.multiple_sale).toBe(0);
    expect(unfiled().map((m) => m.dispositionId)).toEqual(flagged);
  });

  it('does not count a sale voided as entered in error: the next pistol to that buyer is not flagged', async () => {
    const { s, acquire, sell, on, unfiled } = await store();
    const [a, b] = acquire([pistol('P-1'), pistol('P-2')]);
    const [first] = sell([a?.itemId ?? 0], 'T-1');
    s.firearms.undispose('maria', first?.id ?? 0, 'Entered against the wrong buyer.');
    on('2026-01-06');
    const [second] = sell([b?.itemId ?? 0], 'T-2');
    expect(second?.multiple_sale).toBe(0);
    expect(unfiled()).toEqual([]);
  });

  it('is marked filed once, not in the future, and then leaves the unfiled list', async () => {
    const { s, acquire, sell, on, unfiled, r } = await store();
    const [a, b] = acquire([pistol('P-1'), pistol('P-2')]);
    const [first, second] = sell([a?.itemId ?? 0, b?.itemId ?? 0], 'T-1');
    const id = second?.id ?? 0;
    expect(unfiled().map((m) => m.dispositionId)).toEqual([id]);
    on('2026-01-06');
    expect(thrown(() => r.markFiled('maria', id, { filedOn: '2026-01-07' }))).toMatchObject({
      reason: 'future_date',
    });
    expect(
      thrown(() => r.markFiled('maria', first?.id ?? 0, { filedOn: '2026-01-06' })),
    ).toMatchObject({ kind: 'not_found', reason: 'no_multiple_sale' });
    expect(unfiled()).toHaveLength(1);
    r.markFiled('maria', id, { filedOn: '2026-01-06', note: 'Faxed to ATF and the CLEO' });
    expect(unfiled()).toEqual([]);
    expect(r.multipleSales({ includeFiled: true })).toMatchObject([
      { dispositionId: id, filedOn: '2026-01-06', filedBy: 'maria' },
    ]);
    expect(thrown(() => r.markFiled('maria', id, { filedOn: '2026-01-06' }))).toMatchObject({
      kind: 'conflict',
      reason: 'already_filed',
      message: `The report for disposition ${id} was filed on 2026-01-06.`,
    });
    expect(s.audit.query({ action: 'firearm.multiple_sale_filed' }).entries).toHaveLength(1);
  });

  it('lists two semi-automatic rifles over .22 with detachable magazines for Form 3310.12 in a listed state', async () => {
    const { acquire, sell, unfiled } = await store('TX');
    const [a, b] = acquire([ar15('AR-1'), ar15('AR-2')]);
    const [first, second] = sell([a?.itemId ?? 0, b?.itemId ?? 0], 'T-1');
    expect(unfiled()).toMatchObject([
      { dispositionId: second?.id, form: '3310.12', serial: 'AR-2', related: [first?.id] },
    ]);
  });

  it('leaves rifles unflagged in a state the 3310.12 rule does not cover', async () => {
    const { acquire, sell, unfiled } = await store('OH');
    const [a, b] = acquire([ar15('AR-1'), ar15('AR-2')]);
    sell([a?.itemId ?? 0, b?.itemId ?? 0], 'T-1');
    expect(unfiled()).toEqual([]);
  });

  it('leaves .22 rifles, rifles without a detachable magazine, and a rifle with a pistol unflagged', async () => {
    const { acquire, sell, unfiled } = await store('TX');
    const [rimfire1, rimfire2, bolt1, bolt2, rifle, glock] = acquire([
      ar15('R-1', '.22 LR'),
      ar15('R-2', '.22 LR'),
      ar15('B-1', '308 Win', false),
      ar15('B-2', '308 Win', false),
      ar15('AR-1'),
      pistol('P-1'),
    ]);
    sell([rimfire1?.itemId ?? 0, rimfire2?.itemId ?? 0], 'T-1', 'buyer-1');
    sell([bolt1?.itemId ?? 0, bolt2?.itemId ?? 0], 'T-2', 'buyer-2');
    sell([rifle?.itemId ?? 0, glock?.itemId ?? 0], 'T-3', 'buyer-3');
    expect(unfiled()).toEqual([]);
  });
});
