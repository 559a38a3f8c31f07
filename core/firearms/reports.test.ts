// The bound book's reports against a real encrypted SQLite file: exports into the backup
// folder with their progress and end, and the multiple-sale reports (3310.4 and 3310.12)
// listed until marked filed. Sales go the way a clerk makes them: a check, a transfer, a
// hand-over.
import fs from 'node:fs';
import path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { extractText } from 'unpdf';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { httpTransport } from '../api/testing.ts';
import type { UsState } from '../integrations/model.ts';
import {
  makeServices,
  OWNER,
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

/** Monday to Saturday until 18:00 (the shipped days) in a fixed zone. */
const hoursIn = (timeZone: string) => ({
  timeZone,
  closes: {
    sun: null,
    mon: '18:00',
    tue: '18:00',
    wed: '18:00',
    thu: '18:00',
    fri: '18:00',
    sat: '18:00',
  },
  holidays: 'federal' as const,
});

async function store(state: UsState = 'TX', timeZone = 'America/Chicago') {
  const s = await servicesForTest();
  s.clock.set(at('2026-01-05')); // a Monday
  s.profile.update('owner', { name: 'Main Street Outfitters', state });
  s.storeHours.update('owner', hoursIn(timeZone));
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
    // The chain head the export was read at sits beside it (issue 14 §3: the anchor in every
    // bound-book export): the export's own audit entry, with its hash as the chain holds it.
    const exported = s.audit.query({ action: 'firearm.export' }).entries[0]?.seq ?? 0;
    const hash = s.store.db
      .prepare('SELECT hash FROM audit_log WHERE seq = ?')
      .pluck()
      .get(exported);
    expect(fs.readFileSync(`${row?.file ?? ''}.chain.txt`, 'utf8')).toMatch(
      new RegExp(`^Audit chain head at export: entry ${exported}, SHA-256 ${String(hash)}, `),
    );
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
    // The export and the chain head it was read at (the anchor beside every export).
    expect(fs.readdirSync(path.join(elsewhere, 'bound-book')).sort()).toEqual([
      path.basename(r.exports()[0]?.file ?? ''),
      `${path.basename(r.exports()[0]?.file ?? '')}.chain.txt`,
    ]);
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
        occurredOn: '2026-01-07',
        flaggedOn: '2026-01-07',
        itemId: b?.itemId,
        serial: 'P-2',
        manufacturer: 'Glock',
        model: '19',
        type: 'pistol',
        caliber: '9mm',
        form4473: 'T-2',
        related: [first?.id],
        // 27 CFR 478.126a: by close of business that day (18:00 in Chicago is 00:00 UTC).
        dueOn: '2026-01-07',
        dueAt: Date.parse('2026-01-08T00:00:00Z'),
        recipients: ['atf', 'law_enforcement'],
        filings: [],
        filedOn: null,
        filedBy: null,
        voided: false,
        stillMultiple: true,
        status: 'to_file',
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

  // 27 CFR 478.126a: the 3310.4 goes to ATF and to the State police or local law enforcement.
  it('is filed twice, with ATF and with the state police, each recorded with the date, who and to whom', async () => {
    const { s, acquire, sell, on, unfiled, r } = await store();
    const [a, b] = acquire([pistol('P-1'), pistol('P-2')]);
    const [first, second] = sell([a?.itemId ?? 0, b?.itemId ?? 0], 'T-1');
    const id = second?.id ?? 0;
    expect(unfiled().map((m) => m.dispositionId)).toEqual([id]);
    on('2026-01-06');
    expect(thrown(() => r.markFiled('maria', id, { filedOn: '2026-01-07' }))).toMatchObject({
      reason: 'future_date',
    });
    expect(thrown(() => r.markFiled('maria', id, { filedOn: '2026-01-04' }))).toMatchObject({
      reason: 'before_sale',
    });
    expect(
      thrown(() => r.markFiled('maria', first?.id ?? 0, { filedOn: '2026-01-06' })),
    ).toMatchObject({ kind: 'not_found', reason: 'no_multiple_sale' });
    // "Mark filed" is the ATF copy: the law enforcement copy is still to file.
    r.markFiled('maria', id, { filedOn: '2026-01-05', note: 'Faxed to the NTC' });
    expect(unfiled()).toMatchObject([
      { dispositionId: id, filedOn: '2026-01-05', filedBy: 'maria', status: 'overdue' },
    ]);
    expect(
      thrown(() =>
        r.recordFiling('carlos', id, { recipient: 'law_enforcement', filedOn: '2026-01-05' }),
      ),
    ).toMatchObject({ reason: 'agency_required' });
    const filed = r.recordFiling('carlos', id, {
      recipient: 'law_enforcement',
      agency: 'Texas Department of Public Safety',
      filedOn: '2026-01-05',
    });
    expect(filed).toMatchObject({
      status: 'filed',
      filings: [
        {
          recipient: 'atf',
          agency: 'ATF',
          filedOn: '2026-01-05',
          filedBy: 'maria',
          filedAt: s.clock.now(),
          note: 'Faxed to the NTC',
        },
        {
          recipient: 'law_enforcement',
          agency: 'Texas Department of Public Safety',
          filedOn: '2026-01-05',
          filedBy: 'carlos',
          note: null,
        },
      ],
    });
    expect(unfiled()).toEqual([]);
    expect(r.multipleSales({ includeFiled: true })).toMatchObject([
      { dispositionId: id, status: 'filed' },
    ]);
    expect(thrown(() => r.markFiled('maria', id, { filedOn: '2026-01-06' }))).toMatchObject({
      kind: 'conflict',
      reason: 'already_filed',
      message: `The report for disposition ${id} was filed with ATF on 2026-01-05.`,
    });
    expect(
      s.audit.query({ action: 'firearm.multiple_sale_filed' }).entries.map((e) => e.actor),
    ).toEqual(['carlos', 'maria']);
    // Filings are regulated records: never changed.
    expect(() =>
      s.store.db.prepare("UPDATE multiple_sale_report_filings SET agency = 'x'").run(),
    ).toThrow(/never changed/);
  });

  it('goes to ATF only for Form 3310.12 (its instructions: the National Tracing Center)', async () => {
    const { acquire, sell, r } = await store('TX');
    const [a, b] = acquire([ar15('AR-1'), ar15('AR-2')]);
    const [, second] = sell([a?.itemId ?? 0, b?.itemId ?? 0], 'T-1');
    const id = second?.id ?? 0;
    expect(
      thrown(() =>
        r.recordFiling('maria', id, {
          recipient: 'law_enforcement',
          agency: 'Austin PD',
          filedOn: '2026-01-05',
        }),
      ),
    ).toMatchObject({ reason: 'recipient_not_required' });
    expect(r.recordFiling('maria', id, { recipient: 'atf', filedOn: '2026-01-05' })).toMatchObject({
      form: '3310.12',
      recipients: ['atf'],
      status: 'filed',
    });
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

describe('multiple-sale report deadlines', () => {
  /** A moment on the store's clocks in Chicago in January (CST, UTC−6). */
  const chicago = (day: string, hhmm: string) => Date.parse(`${day}T${hhmm}:00-06:00`);

  // 27 CFR 478.126a: "not later than the close of business on the day that the multiple sale
  // or other disposition occurs".
  it('shows a 3310.4 not filed by close of business as overdue the next morning: in the overdue list, on the dashboard and in the morning alert', async () => {
    const { s, acquire, sell, r } = await store();
    const [a, b] = acquire([pistol('P-1'), pistol('P-2')]);
    const [, second] = sell([a?.itemId ?? 0, b?.itemId ?? 0], 'T-1');
    const reportsOverdue = () => r.overdue().filter((x) => x.kind === 'multiple_sale_overdue');
    s.clock.set(chicago('2026-01-05', '17:59'));
    expect(r.multipleSales({ includeFiled: false })[0]?.status).toBe('to_file');
    expect(reportsOverdue()).toEqual([]);
    expect(r.complianceSummary()).toMatchObject({ overdue: 0, dueToday: 1 });

    s.clock.set(chicago('2026-01-06', '08:00'));
    expect(r.multipleSales({ includeFiled: false })[0]?.status).toBe('overdue');
    expect(reportsOverdue()).toEqual([
      expect.objectContaining({
        kind: 'multiple_sale_overdue',
        form: '3310.4',
        dispositionId: second?.id,
        serial: 'P-2',
        dueOn: '2026-01-05',
        dueAt: chicago('2026-01-05', '18:00'),
        daysOverdue: 1,
        message: expect.stringContaining(
          'not filed with ATF and the state police or local law enforcement',
        ),
      }),
    ]);
    expect(r.complianceSummary()).toMatchObject({
      overdue: 1,
      byKind: { multiple_sale_overdue: 1 },
      dueToday: 0,
      oldestDueOn: '2026-01-05',
    });

    // The morning alert: a compliance.overdue event for webhooks, once a store day.
    const events = () =>
      s.integrations.outbox.after(0, 100).filter((e) => e.type === 'compliance.overdue');
    s.clock.set(chicago('2026-01-06', '07:59'));
    expect(r.publishDailyAlert('08:00').published).toBe(false);
    s.clock.set(chicago('2026-01-06', '08:00'));
    expect(r.publishDailyAlert('08:00')).toEqual({ published: true, on: '2026-01-06', overdue: 1 });
    expect(r.publishDailyAlert('08:00').published).toBe(false);
    expect(events()).toMatchObject([
      {
        entity: 'ledger',
        entityId: '2026-01-06',
        data: {
          on: '2026-01-06',
          overdue: 1,
          items: [{ kind: 'multiple_sale_overdue', form: '3310.4', dispositionId: second?.id }],
        },
      },
    ]);
    // No buyer's name or address travels with it.
    expect(JSON.stringify(events())).not.toContain('Pat Buyer');

    // Filed with both, it is no longer overdue.
    r.recordFiling('maria', second?.id ?? 0, { recipient: 'atf', filedOn: '2026-01-06' });
    r.recordFiling('maria', second?.id ?? 0, {
      recipient: 'law_enforcement',
      agency: 'Austin Police Department',
      filedOn: '2026-01-06',
    });
    expect(reportsOverdue()).toEqual([]);
  });

  it('is due by the end of the day for a sale on a day the store keeps closed', async () => {
    const { s, acquire, sell, r } = await store();
    const [a, b] = acquire([pistol('P-1'), pistol('P-2')]);
    s.clock.set(chicago('2026-01-11', '12:00')); // a Sunday
    sell([a?.itemId ?? 0, b?.itemId ?? 0], 'T-1');
    expect(r.multipleSales({ includeFiled: false })[0]).toMatchObject({
      dueOn: '2026-01-11',
      dueAt: chicago('2026-01-12', '00:00'),
      status: 'to_file',
    });
  });

  it('takes the store’s day, not the PC’s: a process in UTC, a store in Los Angeles at 20:30', async () => {
    vi.stubEnv('TZ', 'UTC');
    const { s, acquire, sell, r } = await store('TX', 'America/Los_Angeles');
    const [a, b] = acquire([pistol('P-1'), pistol('P-2')]);
    const [, second] = sell([a?.itemId ?? 0, b?.itemId ?? 0], 'T-1'); // 07:00 in Los Angeles
    // 20:30 on Monday 5 January in Los Angeles is 04:30 on Tuesday in UTC.
    s.clock.set(Date.parse('2026-01-06T04:30:00Z'));
    expect(new Date(s.clock.now()).getDate()).toBe(6); // the process's own day
    const [report] = r.multipleSales({ includeFiled: false });
    // Sold on the store's Monday, due by its close (18:00 Pacific), so already late at 20:30.
    expect(report).toMatchObject({ occurredOn: '2026-01-05', status: 'overdue' });
    // Tuesday is tomorrow for the store: a filing dated then is in the future.
    expect(
      thrown(() => r.markFiled('maria', second?.id ?? 0, { filedOn: '2026-01-06' })),
    ).toMatchObject({ reason: 'future_date' });
    r.markFiled('maria', second?.id ?? 0, { filedOn: '2026-01-05' });
    expect(r.multipleSales({ includeFiled: true })[0]?.filedOn).toBe('2026-01-05');
  });
});

describe('voiding a sale of a multiple sale', () => {
  it('after the report was filed: the report stays on record with its filings (void the second)', async () => {
    const { s, acquire, sell, on, r, unfiled } = await store();
    const [a, b] = acquire([pistol('P-1'), pistol('P-2')]);
    sell([a?.itemId ?? 0], 'T-1');
    on('2026-01-06');
    const [second] = sell([b?.itemId ?? 0], 'T-2');
    const id = second?.id ?? 0;
    r.recordFiling('maria', id, { recipient: 'atf', filedOn: '2026-01-06' });
    r.recordFiling('maria', id, {
      recipient: 'law_enforcement',
      agency: 'Travis County Sheriff',
      filedOn: '2026-01-06',
    });
    s.firearms.undispose('maria', id, 'Entered against the wrong buyer.');
    expect(unfiled()).toEqual([]);
    expect(r.multipleSales({ includeFiled: true })).toMatchObject([
      {
        dispositionId: id,
        voided: true,
        stillMultiple: false,
        status: 'filed',
        filings: [{ recipient: 'atf' }, { recipient: 'law_enforcement' }],
      },
    ]);
  });

  it('after the report was filed: the report stays on record with its filings (void the first)', async () => {
    const { s, acquire, sell, on, r } = await store();
    const [a, b] = acquire([pistol('P-1'), pistol('P-2')]);
    const [first] = sell([a?.itemId ?? 0], 'T-1');
    on('2026-01-06');
    const [second] = sell([b?.itemId ?? 0], 'T-2');
    r.markFiled('maria', second?.id ?? 0, { filedOn: '2026-01-06' });
    r.recordFiling('maria', second?.id ?? 0, {
      recipient: 'law_enforcement',
      agency: 'Texas DPS',
      filedOn: '2026-01-06',
    });
    s.firearms.undispose('maria', first?.id ?? 0, 'Entered in error.');
    expect(r.multipleSales({ includeFiled: true })).toMatchObject([
      { dispositionId: second?.id, voided: false, stillMultiple: false, status: 'filed' },
    ]);
  });

  it('before the report was filed, the first of a pair: no longer a multiple sale — kept on file, not to be filed, never overdue', async () => {
    const { s, acquire, sell, on, r, unfiled } = await store();
    const [a, b] = acquire([pistol('P-1'), pistol('P-2')]);
    const [first] = sell([a?.itemId ?? 0], 'T-1');
    on('2026-01-06');
    const [second] = sell([b?.itemId ?? 0], 'T-2');
    expect(unfiled().map((x) => x.dispositionId)).toEqual([second?.id]);
    s.firearms.undispose('maria', first?.id ?? 0, 'Entered against the wrong buyer.');
    expect(unfiled()).toEqual([]);
    expect(r.multipleSales({ includeFiled: true })).toMatchObject([
      {
        dispositionId: second?.id,
        related: [first?.id],
        voided: false,
        stillMultiple: false,
        status: 'keep_on_file',
      },
    ]);
    on('2026-01-07');
    expect(r.overdue().filter((x) => x.kind === 'multiple_sale_overdue')).toEqual([]);
  });

  it('before the report was filed, the second of a pair: nothing to file, kept on file', async () => {
    const { s, acquire, sell, on, r, unfiled } = await store();
    const [a, b] = acquire([pistol('P-1'), pistol('P-2')]);
    sell([a?.itemId ?? 0], 'T-1');
    on('2026-01-06');
    const [second] = sell([b?.itemId ?? 0], 'T-2');
    s.firearms.undispose('maria', second?.id ?? 0, 'Entered in error.');
    expect(unfiled()).toEqual([]);
    expect(r.multipleSales({ includeFiled: true })).toMatchObject([
      { dispositionId: second?.id, voided: true, stillMultiple: false, status: 'keep_on_file' },
    ]);
  });

  it('of a third firearm leaves a pair that still stands to file', async () => {
    const { s, acquire, sell, r, unfiled } = await store();
    const [a, b, c] = acquire([pistol('P-1'), pistol('P-2'), pistol('P-3')]);
    const [first, second, third] = sell([a?.itemId ?? 0, b?.itemId ?? 0, c?.itemId ?? 0], 'T-1');
    s.firearms.undispose('maria', first?.id ?? 0, 'Entered in error.');
    // The second's report was with the first only; the third's with both, and the second stands.
    expect(r.multipleSales({ includeFiled: true }).map((x) => [x.dispositionId, x.status])).toEqual(
      [
        [third?.id, 'to_file'],
        [second?.id, 'keep_on_file'],
      ],
    );
    expect(unfiled().map((x) => x.dispositionId)).toEqual([third?.id]);
  });
});

describe('compliance on the dashboard and in the morning alert', () => {
  it('shows overdue items to who keeps the book, and nothing to a cashier', async () => {
    const { s, acquire, sell, on } = await store();
    const [a, b] = acquire([pistol('P-1'), pistol('P-2')]);
    sell([a?.itemId ?? 0, b?.itemId ?? 0], 'T-1');
    on('2026-01-06');
    const api = await httpTransport(s);
    onTestFinished(() => api.close());
    await s.auth.setupOwner(OWNER);
    const owner = await s.auth.login(OWNER, 'test');
    await s.auth.createUser(
      { userId: owner.session.user.id, username: OWNER.username },
      { username: 'cashier', displayName: 'Cas', role: 'cashier', password: 'cashier password 1' },
    );
    const cashier = await s.auth.login(
      { username: 'cashier', password: 'cashier password 1' },
      'test',
    );
    await s.auth.changePassword(s.auth.authenticate(cashier.token).session, {
      currentPassword: 'cashier password 1',
      newPassword: 'cashier password 2',
    });
    const summary = async (token: string) => {
      const r = await api.call({ path: 'dashboard.summary', type: 'query' }, undefined, token);
      if (r.error) throw new Error(JSON.stringify(r.error));
      return (r.body as { result: { data: { compliance: unknown } } }).result.data.compliance;
    };
    expect(await summary(owner.token)).toEqual({
      overdue: 1,
      byKind: { multiple_sale_overdue: 1 },
      dueToday: 0,
      oldestDueOn: '2026-01-05',
    });
    expect(await summary(cashier.token)).toBeNull();
  });

  it('checks for the morning alert as soon as it is scheduled, then stops with the reports', async () => {
    const { s, acquire, sell, on, r } = await store();
    const [a, b] = acquire([pistol('P-1'), pistol('P-2')]);
    sell([a?.itemId ?? 0, b?.itemId ?? 0], 'T-1');
    on('2026-01-06'); // 09:00 in Chicago, after 08:00
    r.scheduleAlerts('08:00');
    onTestFinished(() => r.stop());
    expect(
      s.integrations.outbox.after(0, 100).filter((e) => e.type === 'compliance.overdue'),
    ).toHaveLength(1);
  });
});
