// Correcting a firearm's flags against a real encrypted SQLite file, through the services a
// clerk's screens call: the corrected value is what every rule reads (the PMF marking
// deadline and disposal block, 27 CFR 478.92; Form 3310.12), and the original entry stays as
// it was (ATF Ruling 2016-1). Sales go the way a clerk makes them: a check, a hand-over.
import { describe, expect, it } from 'vitest';
import type { UsState } from '../integrations/model.ts';
import { LIPSEYS, TO_SHOP, thrown } from '../testing/firearms.ts';
import { servicesForTest } from '../testing/fixtures.ts';
import type { FirearmInput } from './model.ts';

const CUSTOMER = { name: 'Pat Maker', address: '1 Main St, Austin TX' };
const frame: FirearmInput = {
  manufacturer: 'Polymer80',
  model: 'PF940C',
  serial: 'NSN',
  type: 'frame',
  caliber: '9mm',
};
const rifle = (serial: string, semiAutoDetachable: boolean): FirearmInput => ({
  manufacturer: 'Smith & Wesson',
  model: 'M&P15',
  serial,
  type: 'rifle',
  caliber: '5.56 NATO',
  semiAutoDetachable,
});
/** 15:00 UTC: the same calendar day in UTC and in every US time zone. */
const at = (day: string) => Date.parse(`${day}T15:00:00Z`);

async function store(state: UsState = 'TX') {
  const s = await servicesForTest();
  s.clock.set(at('2026-01-05')); // a Monday
  s.profile.update('owner', {
    name: 'Main Street Outfitters',
    state,
    ffl: '9-86-123-01-7K-12345',
  });
  // Central time, Monday to Saturday until 18:00 (the shipped days, a fixed zone).
  s.storeHours.update('owner', {
    timeZone: 'America/Chicago',
    closes: {
      sun: null,
      mon: '18:00',
      tue: '18:00',
      wed: '18:00',
      thu: '18:00',
      fri: '18:00',
      sat: '18:00',
    },
    holidays: 'federal',
  });
  const acquire = (firearm: FirearmInput, source: typeof CUSTOMER | typeof LIPSEYS = LIPSEYS) => {
    const [entry] = s.firearms.acquire('carlos', {
      receivedOn: '2026-01-05',
      source,
      firearms: [firearm],
    });
    if (!entry) throw new Error('no entry');
    return entry;
  };
  /** A sale on its own 4473 today to the buyer: a check that proceeds, the hand-over. */
  const sell = (itemId: number, form4473: string, buyerKey = 'buyer-7') => {
    const check = s.checks.start('carlos', {
      form4473,
      buyerKey,
      itemIds: [itemId],
      itemTypes: s.firearms.typesOf([itemId]),
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
    const [d] = s.firearms.handOver('carlos', form4473);
    if (!d) throw new Error('not handed over');
    return d;
  };
  const on = (day: string) => s.clock.set(at(day));
  return { s, acquire, sell, on, flags: s.flags, reports: s.bookReports };
}

describe('correcting the privately made firearm flag', () => {
  it('to PMF makes the marking deadline and the disposal block apply (27 CFR 478.92(a)(4): marked within 7 days of receipt, and not disposed of unmarked)', async () => {
    const { s, acquire, on, flags, reports } = await store();
    const entry = acquire(frame, CUSTOMER);
    const unmarkedPmf = () => reports.overdue().filter((a) => a.kind === 'unmarked_pmf');
    on('2026-01-13'); // past the seventh day after receipt
    expect(unmarkedPmf()).toEqual([]);

    const c = flags.correctFlags('maria', entry.itemId, {
      privatelyMade: true,
      reason: 'Built from a kit by the seller: a privately made firearm.',
    });
    expect(c).toMatchObject({
      itemId: entry.itemId,
      entry: entry.entryNo,
      privatelyMade: { was: false, now: true },
      semiAutoDetachable: { was: false, now: null },
      reason: 'Built from a kit by the seller: a privately made firearm.',
      recordedBy: 'maria',
      recordedAt: s.clock.now(),
      multipleSale: null,
    });
    // The deadline runs from receipt, so it has passed: the firearm is overdue for its mark.
    expect(unmarkedPmf()).toMatchObject([
      { itemId: entry.itemId, dueOn: '2026-01-12', daysOverdue: 1 },
    ]);
    // And it cannot leave the store until marked.
    expect(
      thrown(() => s.firearms.startDisposition('carlos', entry.itemId, TO_SHOP)),
    ).toMatchObject({ kind: 'forbidden', reason: 'pmf_unmarked' });
    // The original entry is untouched: a correction is its own record (ATF Ruling 2016-1).
    expect(s.firearms.history(entry.itemId).acquisitions).toEqual([
      expect.objectContaining({ entryNo: entry.entryNo, serial: 'NSN', corrects: null }),
    ]);
    expect(s.firearms.history(entry.itemId).item.privatelyMade).toBe(true);
    expect(s.audit.query({ action: 'firearm.correct_flags' }).entries[0]).toMatchObject({
      actor: 'maria',
      entityId: String(entry.itemId),
      externalRef: String(entry.entryNo),
    });

    // Marked, it may go; the overdue alert ends.
    s.compliance.markPmf('maria', entry.itemId, { uniqueId: 'K1', markedOn: '2026-01-13' });
    expect(unmarkedPmf()).toEqual([]);
    expect(s.firearms.startDisposition('carlos', entry.itemId, TO_SHOP).state).toBe('pending');
  });

  it('to PMF while a disposition waits refuses the hand-over until marked (27 CFR 478.92(a)(4): no disposal of an unmarked PMF)', async () => {
    const { s, acquire, flags } = await store();
    const entry = acquire(frame, CUSTOMER);
    const pending = s.firearms.startDisposition('carlos', entry.itemId, TO_SHOP);
    flags.correctFlags('maria', entry.itemId, {
      privatelyMade: true,
      reason: 'Built from a kit by the seller: a privately made firearm.',
    });
    expect(thrown(() => s.firearms.commitDisposition('carlos', pending.id))).toMatchObject({
      kind: 'forbidden',
      reason: 'pmf_unmarked',
    });
    expect(s.firearms.disposition(pending.id).state).toBe('pending');
    s.compliance.markPmf('maria', entry.itemId, { uniqueId: 'K1', markedOn: '2026-01-05' });
    expect(s.firearms.commitDisposition('carlos', pending.id).state).toBe('committed');
  });

  it('cleared (entered as PMF by mistake) lifts the block, and both corrections stay on file in order', async () => {
    const { s, acquire, flags } = await store();
    const entry = acquire({ ...frame, serial: 'BFGH123', privatelyMade: true });
    expect(thrown(() => s.firearms.startDisposition('carlos', entry.itemId, TO_SHOP)).reason).toBe(
      'pmf_unmarked',
    );
    flags.correctFlags('maria', entry.itemId, {
      privatelyMade: false,
      reason: 'Factory serial BFGH123: made by Polymer80, not privately made.',
    });
    expect(s.firearms.startDisposition('carlos', entry.itemId, TO_SHOP).state).toBe('pending');
    expect(flags.flagsOf(entry.itemId)).toMatchObject({
      privatelyMade: false,
      corrections: [{ privatelyMade: { was: true, now: false }, recordedBy: 'maria' }],
    });
  });
});

describe('correcting the semi-automatic detachable-magazine flag (Form 3310.12)', () => {
  // ATF's 3310.12 letter: AZ, CA, NM and TX dealers report two or more semi-automatic rifles
  // over .22 caliber that take a detachable magazine, sold to one unlicensed person within
  // 5 consecutive business days, by close of business that day.
  it('on a rifle sold second makes a 3310.12 due in a TX store, with the earlier rifle as related', async () => {
    const { acquire, sell, on, flags, reports } = await store('TX');
    const a = acquire(rifle('AR-1', true));
    const b = acquire(rifle('AR-2', false));
    const first = sell(a.itemId, 'T-1');
    on('2026-01-07');
    const second = sell(b.itemId, 'T-2');
    expect(reports.multipleSales({ includeFiled: true })).toEqual([]);

    on('2026-01-08'); // found the next day
    const c = flags.correctFlags('maria', b.itemId, {
      semiAutoDetachable: true,
      reason: 'It takes AR magazines: semi-automatic with a detachable magazine.',
    });
    expect(c.multipleSale).toEqual({ dispositionId: second.id, form: '3310.12' });
    const [report] = reports.multipleSales({ includeFiled: false });
    expect(report).toMatchObject({
      dispositionId: second.id,
      form: '3310.12',
      related: [first.id],
      occurredOn: '2026-01-07',
      flaggedOn: '2026-01-08',
      recipients: ['atf'],
      stillMultiple: true,
      // Due by close of business the day of the second sale: already late.
      status: 'overdue',
    });
    expect(reports.overdue()).toContainEqual(
      expect.objectContaining({
        kind: 'multiple_sale_overdue',
        form: '3310.12',
        dispositionId: second.id,
      }),
    );
  });

  it('on a rifle sold first makes the report with the later sale, due that later day', async () => {
    const { acquire, sell, on, flags, reports } = await store('TX');
    const a = acquire(rifle('AR-1', false));
    const b = acquire(rifle('AR-2', true));
    const first = sell(a.itemId, 'T-1');
    on('2026-01-06');
    const second = sell(b.itemId, 'T-2');
    const c = flags.correctFlags('maria', a.itemId, {
      semiAutoDetachable: true,
      reason: 'Detachable magazine after all.',
    });
    expect(c.multipleSale).toEqual({ dispositionId: first.id, form: '3310.12' });
    // Corrected the same day as the later sale, before close of business: to file today.
    expect(reports.multipleSales({ includeFiled: false })).toMatchObject([
      {
        dispositionId: first.id,
        related: [second.id],
        occurredOn: '2026-01-06',
        status: 'to_file',
      },
    ]);
  });

  it('makes no report in a state the 3310.12 letter does not cover, or for a .22 LR rifle', async () => {
    const oh = await store('OH');
    const a = oh.acquire(rifle('AR-1', true));
    const b = oh.acquire(rifle('AR-2', false));
    oh.sell(a.itemId, 'T-1');
    oh.sell(b.itemId, 'T-2');
    const c = oh.flags.correctFlags('maria', b.itemId, { semiAutoDetachable: true, reason: 'x.' });
    expect(c.multipleSale).toBeNull();
    expect(oh.reports.multipleSales({ includeFiled: true })).toEqual([]);

    const tx = await store('TX');
    const r1 = tx.acquire({ ...rifle('R-1', true), caliber: '.22 LR' });
    const r2 = tx.acquire({ ...rifle('R-2', false), caliber: '.22 LR' });
    tx.sell(r1.itemId, 'T-1');
    tx.sell(r2.itemId, 'T-2');
    tx.flags.correctFlags('maria', r2.itemId, { semiAutoDetachable: true, reason: 'x.' });
    expect(tx.reports.multipleSales({ includeFiled: true })).toEqual([]);
  });

  it('cleared on a rifle of a flagged pair leaves the report no longer a multiple sale: kept on file, not to file', async () => {
    const { acquire, sell, flags, reports } = await store('TX');
    const a = acquire(rifle('AR-1', true));
    const b = acquire(rifle('AR-2', true));
    sell(a.itemId, 'T-1');
    const second = sell(b.itemId, 'T-2');
    expect(reports.multipleSales({ includeFiled: false })).toHaveLength(1);
    flags.correctFlags('maria', a.itemId, {
      semiAutoDetachable: false,
      reason: 'Fixed magazine (California compliant).',
    });
    expect(reports.multipleSales({ includeFiled: false })).toEqual([]);
    expect(reports.multipleSales({ includeFiled: true })).toMatchObject([
      { dispositionId: second.id, stillMultiple: false, status: 'keep_on_file' },
    ]);
  });
});

describe('a flag correction', () => {
  it('must change a flag, have a reason, and name a firearm in the book', async () => {
    const { acquire, flags } = await store();
    const entry = acquire(rifle('AR-1', true));
    expect(
      thrown(() =>
        flags.correctFlags('maria', entry.itemId, { semiAutoDetachable: true, reason: 'same' }),
      ),
    ).toMatchObject({ kind: 'conflict', reason: 'nothing_to_correct' });
    expect(() => flags.correctFlags('maria', entry.itemId, { reason: 'no flag given' })).toThrow(
      /Say which flag/,
    );
    expect(() =>
      flags.correctFlags('maria', entry.itemId, { privatelyMade: true, reason: ' ' }),
    ).toThrow(/reason/);
    expect(
      thrown(() => flags.correctFlags('maria', 999, { privatelyMade: true, reason: 'x' })),
    ).toMatchObject({ kind: 'not_found' });
  });

  it('is never changed or removed: the database refuses it', async () => {
    const { s, acquire, flags } = await store();
    const entry = acquire(frame);
    const c = flags.correctFlags('maria', entry.itemId, { privatelyMade: true, reason: 'Kit.' });
    const db = s.store.db;
    expect(() =>
      db.prepare("UPDATE firearm_flag_corrections SET reason = 'other' WHERE id = ?").run(c.id),
    ).toThrow(/never changed/);
    expect(() => db.prepare('DELETE FROM firearm_flag_corrections WHERE id = ?').run(c.id)).toThrow(
      /never removed/,
    );
  });
});

describe('the review list of firearms with no serial', () => {
  it('lists an NSN firearm not marked privately made until it is corrected to PMF or confirmed not one', async () => {
    const { acquire, flags } = await store();
    const nsn = acquire(frame, CUSTOMER);
    const other = acquire({ ...frame, model: 'Antique', type: 'rifle' }, CUSTOMER);
    acquire({ ...frame, manufacturer: 'Privately made', privatelyMade: true }, CUSTOMER);
    acquire(rifle('AR-1', true));
    expect(flags.reviewList()).toMatchObject([
      { itemId: nsn.itemId, entry: nsn.entryNo, serial: 'NSN', reason: 'nsn_not_pmf' },
      { itemId: other.itemId, serial: 'NSN', reason: 'nsn_not_pmf' },
    ]);
    flags.correctFlags('maria', nsn.itemId, { privatelyMade: true, reason: 'A kit build.' });
    // Not privately made: recorded as reviewed although no flag changes.
    const confirmed = flags.correctFlags('maria', other.itemId, {
      privatelyMade: false,
      reason: 'Made before 1968, when serials were not required.',
    });
    expect(confirmed.privatelyMade).toEqual({ was: false, now: false });
    expect(flags.reviewList()).toEqual([]);
  });
});
