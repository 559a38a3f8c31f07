// Defects found by attacking the store server (issue 14 §4), each over the real API as a
// signed-in owner: hidden characters in serials, spreadsheet formulas in the CSV export,
// far-future and impossible dates, and server errors that had to be clear refusals.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ipcTransport } from '../api/testing.ts';
import { OWNER, servicesForTest, tempDir } from '../testing/fixtures.ts';
import { exportBoundBook } from './export.ts';

async function store() {
  const s = await servicesForTest();
  const api = ipcTransport(s);
  onTestFinished(() => api.close());
  await s.auth.setupOwner(OWNER);
  const { token } = await s.auth.login(OWNER, 'test');
  s.profile.update('owner', { name: 'Main Street Guns', state: 'TX', ffl: '9-86-123-01-7K-12345' });
  const call = async (path: string, type: 'query' | 'mutation', input?: unknown) => {
    const r = await api.call({ path, type }, input, token);
    return {
      error: r.error
        ? { code: r.error.data.code, reason: r.error.data.reason, message: r.error.message }
        : null,
      data: (r.body as { result?: { data: unknown } }).result?.data,
    };
  };
  const pistol = (
    serial: string,
    source: Record<string, string> = { name: 'Jane Seller', address: '9 Elm St' },
  ) =>
    call('firearms.acquire', 'mutation', {
      receivedOn: '2026-01-05',
      source,
      firearms: [{ manufacturer: 'Glock', model: '19', serial, type: 'pistol', caliber: '9mm' }],
    });
  return { s, call, pistol };
}

describe('hidden characters in regulated text (issue 14 §4; 27 CFR 478.125(e) one entry per firearm)', () => {
  it('takes ZW123 once: with a zero-width space or a NUL it is refused, full-width it is the same serial', async () => {
    const { call, pistol } = await store();
    expect((await pistol('ZW123')).error).toBeNull();
    for (const [serial, code] of [
      ['ZW\u200B123', 'U+200B'],
      ['ZW123\0', 'U+0000'],
    ] as const) {
      const r = await pistol(serial);
      expect(r.error).toMatchObject({ code: 'BAD_REQUEST', reason: 'invalid_input' });
      expect(r.error?.message).toContain(`hidden or control character (${code})`);
    }
    // Full-width: NFKC makes it ZW123, already open for Glock pistols.
    expect((await pistol('ＺＷ１２３')).error).toMatchObject({ code: 'CONFLICT' });
    expect((await call('firearms.inStore', 'query', { serial: 'ｚｗ１２３' })).data).toHaveLength(
      1,
    );
  });

  it('refuses hidden characters in every text field of an acquisition, a disposition, a check and a permit', async () => {
    const { call, pistol } = await store();
    const bad = 'Pat\u202EBuyer';
    expect((await pistol('A1', { name: bad, address: '9 Elm St' })).error?.reason).toBe(
      'invalid_input',
    );
    expect((await pistol('A2', { name: 'Jane', address: bad })).error?.reason).toBe(
      'invalid_input',
    );
    expect((await pistol('A3')).error).toBeNull();
    const itemId = 1;
    for (const field of ['form4473', 'transfereeName', 'transfereeAddress', 'buyerKey']) {
      const disposition = {
        kind: 'non_licensee',
        form4473: 'T-1',
        transfereeName: 'Pat Buyer',
        transfereeAddress: '1 Main St',
        buyerKey: 'buyer-1',
        [field]: bad,
      };
      const r = await call('firearms.startDisposition', 'mutation', { itemId, disposition });
      expect(r.error?.reason, field).toBe('invalid_input');
    }
    const check = { form4473: 'T-1', buyerKey: 'buyer-1', itemIds: [itemId], buyerUnder21: false };
    for (const field of ['form4473', 'buyerKey'])
      expect(
        (await call('checks.start', 'mutation', { ...check, [field]: bad })).error?.reason,
      ).toBe('invalid_input');
    const permit = {
      form4473: 'T-1',
      buyerKey: 'b',
      permitType: 'LTC',
      permitNumber: '1',
      issuedOn: '2025-01-01',
    };
    for (const field of ['permitType', 'permitNumber'])
      expect(
        (await call('firearms.recordPermit', 'mutation', { ...permit, [field]: bad })).error
          ?.reason,
      ).toBe('invalid_input');
    const reason = await call('firearms.flagSuspect', 'mutation', {
      itemId,
      reason: 'looks\u200B odd',
    });
    expect(reason.error?.reason).toBe('invalid_input');
  });
});

describe('spreadsheet formulas in the CSV export (issue 14 §4; OWASP CSV injection)', () => {
  it('writes a formula-looking name as text in the CSV, and as entered in the ASCII file', async () => {
    const { s, pistol } = await store();
    const evil = '=HYPERLINK("http://evil.example","Jane")';
    expect((await pistol('F1', { name: evil, address: '@SUM(A1)' })).error).toBeNull();
    expect((await pistol('F2', { name: '+Jane', address: '-1 Elm St' })).error).toBeNull();
    const dir = tempDir();
    await exportBoundBook(s.store.db, path.join(dir, 'book.csv'), 'csv');
    const csv = fs.readFileSync(path.join(dir, 'book.csv'), 'utf8');
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example"",""Jane"")","'@SUM(A1)"`);
    expect(csv).toContain(`"'+Jane","'-1 Elm St"`);
    expect(csv).not.toMatch(/(^|,)"[=+\-@]/m);
    await exportBoundBook(s.store.db, path.join(dir, 'book.txt'), 'ascii');
    expect(fs.readFileSync(path.join(dir, 'book.txt'), 'utf8')).toContain(
      '=HYPERLINK("http://evil.example","Jane")|@SUM(A1)',
    );
    // The record itself says what was entered.
    expect(
      s.store.db
        .prepare('SELECT source_name FROM ledger_acquisitions WHERE entry_no = 1')
        .pluck()
        .get(),
    ).toBe(evil);
  });
});

describe('far-future and impossible dates (issue 14 §4; a record states what happened)', () => {
  it('refuses 9999-12-31 and days before 1900 on every dated procedure, with a clear 400', async () => {
    const { call, pistol } = await store();
    expect((await pistol('D1')).error).toBeNull();
    const source = { name: 'Jane Seller', address: '9 Elm St' };
    const firearm = {
      manufacturer: 'Glock',
      model: '19',
      serial: 'D1',
      type: 'pistol',
      caliber: '9mm',
    };
    for (const date of ['9999-12-31', '2026-02-30', '1899-12-31']) {
      const correction = await call('firearms.correctAcquisition', 'mutation', {
        entryNo: 1,
        firearm,
        receivedOn: date,
        source,
        reason: 'Date as on the invoice',
      });
      expect(correction.error?.code, date).toBe('BAD_REQUEST');
      const check = await call('checks.start', 'mutation', {
        form4473: 'T-9',
        buyerKey: 'b',
        itemIds: [1],
        buyerUnder21: false,
        form4473StartedOn: date,
      });
      expect(check.error?.code, date).toBe('BAD_REQUEST');
      const marked = await call('firearms.markPmf', 'mutation', {
        itemId: 1,
        uniqueId: 'PMF1',
        markedOn: date,
      });
      expect(marked.error?.code, date).toBe('BAD_REQUEST');
    }
    // After today (the store's 2026-01-05), on a day that exists: still refused, by the service.
    const r = await call('firearms.correctAcquisition', 'mutation', {
      entryNo: 1,
      firearm,
      receivedOn: '2026-01-06',
      source,
      reason: 'Date as on the invoice',
    });
    expect(r.error).toMatchObject({ code: 'BAD_REQUEST', reason: 'future_date' });
  });

  it('keeps overdue, the check desk and the reports answering over bad dates already stored, and names them', async () => {
    const { s, call, pistol } = await store();
    for (const serial of ['S1', 'S2', 'S3', 'S4']) expect((await pistol(serial)).error).toBeNull();
    const db = s.store.db;
    // Rows written before dates were checked (INSERTs: the append-only triggers allow them).
    const addEntry = (item: number, receivedOn: string) =>
      db
        .prepare(
          `INSERT INTO ledger_acquisitions (item_id, received_on, source_name, source_address, manufacturer, model, serial, type, caliber, recorded_at, recorded_by, corrects, correction_reason)
         SELECT item_id, ?, source_name, source_address, manufacturer, model, serial, type, caliber, recorded_at, 'old', entry_no, 'old correction'
         FROM ledger_acquisitions WHERE entry_no = ?`,
        )
        .run(receivedOn, item);
    addEntry(1, '9999-12-31');
    addEntry(2, '2026-02-30');
    db.prepare('UPDATE firearm_items SET privately_made = 1 WHERE id IN (1, 2)').run();
    const check = await call('checks.start', 'mutation', {
      form4473: 'T-1',
      buyerKey: 'b',
      itemIds: [3],
      buyerUnder21: false,
    });
    expect(check.error).toBeNull();
    db.prepare(
      "INSERT INTO check_events (check_id, kind, on_date, recorded_by, recorded_at) VALUES (1, 'submit', '9999-12-31', 'old', 0)",
    ).run();
    expect(
      (
        await call('firearms.startDisposition', 'mutation', {
          itemId: 3,
          disposition: {
            kind: 'non_licensee',
            form4473: 'T-1',
            transfereeName: 'Pat',
            transfereeAddress: '1 Main',
            buyerKey: 'b',
            checkId: 1,
          },
        })
      ).error,
    ).toBeNull();

    expect((await call('firearms.overdue', 'query')).error).toBeNull();
    const desk = await call('checks.list', 'query', { openOnly: false, limit: 50 });
    expect(desk.error).toBeNull();
    expect((desk.data as { checks: unknown[] }).checks).toHaveLength(0);
    expect(
      (await call('firearms.multipleSales', 'query', { includeFiled: true })).error,
    ).toBeNull();
    expect((await call('dashboard.summary', 'query')).error).toBeNull();
    // Nothing may rest on the unreadable check: the hand-over is refused, clearly.
    const handOver = await call('firearms.handOver', 'mutation', { form4473: 'T-1' });
    expect(handOver.error).toMatchObject({ code: 'CONFLICT', reason: 'check_date_unusable' });
    // And the consistency check names each bad date.
    const problems = s.firearms.consistency().problems.filter((p) => p.code === 'unusable_date');
    expect(problems.map((p) => p.message)).toEqual([
      expect.stringContaining('9999-12-31'),
      expect.stringContaining('2026-02-30'),
      expect.stringContaining('Check 1'),
    ]);
  });
});

describe('server errors that had to be clear refusals (issue 14 §4)', () => {
  it('refuses a disposition on a check that does not exist with a 404 naming it', async () => {
    const { call, pistol } = await store();
    expect((await pistol('C1')).error).toBeNull();
    const r = await call('firearms.startDisposition', 'mutation', {
      itemId: 1,
      disposition: {
        kind: 'non_licensee',
        form4473: 'T-1',
        transfereeName: 'Pat',
        transfereeAddress: '1 Main',
        buyerKey: 'b',
        checkId: 999,
      },
    });
    expect(r.error).toMatchObject({ code: 'NOT_FOUND', reason: 'check_not_found' });
    expect(r.error?.message).toContain('There is no background check 999');
  });

  it('refuses a malformed PMF unique id with a 400 (27 CFR 478.92(a)(4): the mark is letters and digits)', async () => {
    const { call } = await store();
    const r = await call('firearms.markPmf', 'mutation', {
      itemId: 1,
      uniqueId: 'PMF-!!',
      markedOn: '2026-01-05',
    });
    expect(r.error).toMatchObject({ code: 'BAD_REQUEST', reason: 'invalid_input' });
  });

  it('refuses a NUL in a search name with a 400 instead of a full-text syntax error', async () => {
    const { call, pistol } = await store();
    expect((await pistol('N1')).error).toBeNull();
    const r = await call('firearms.search', 'query', { name: 'ab\0c' });
    expect(r.error).toMatchObject({ code: 'BAD_REQUEST', reason: 'invalid_input' });
    expect((await call('firearms.search', 'query', { name: '"Jane" OR *' })).error).toBeNull();
  });

  it('refuses a disposition missing the buyer where 4473s are not filed numerically with a 400', async () => {
    const { call, pistol } = await store();
    expect((await pistol('R1')).error).toBeNull();
    // The store files its 4473s by name (the default): name and address are required.
    const r = await call('firearms.startDisposition', 'mutation', {
      itemId: 1,
      disposition: { kind: 'non_licensee', form4473: 'T-1', buyerKey: 'b' },
    });
    expect(r.error).toMatchObject({ code: 'BAD_REQUEST', reason: 'invalid_input' });
    expect(r.error?.message).toContain('Enter the buyer’s name.');
  });
});
