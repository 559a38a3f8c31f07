// The book's store-specific rules against a real encrypted SQLite file: serial format rules
// at the acquisition gate, marking privately made firearms, permits, and returns.
import { describe, expect, it, vi } from 'vitest';
import { GLOCK, PMF, SIG, TO_SHOP, thrown } from '../testing/firearms.ts';
import { servicesForTest } from '../testing/fixtures.ts';
import type { AcquisitionInput, FirearmInput } from './model.ts';

const STORE_FFL = '9-86-123-01-7K-12345';
const DISTRIBUTOR = { name: 'Lipsey’s LLC', ffl: '5-74-015-07-8C-04321' };
const CUSTOMER = { name: 'Pat Maker', address: '1 Main St, Austin TX' };

async function book(o: { ffl?: boolean; state?: boolean } = {}) {
  // ManualClock starts Monday 2026-01-05.
  const s = await servicesForTest();
  if (o.state !== false)
    s.profile.update('owner', {
      name: 'Main Street Outfitters',
      state: 'TX',
      ...(o.ffl === false ? {} : { ffl: STORE_FFL }),
    });
  const acquire = (
    firearms: FirearmInput[],
    source: AcquisitionInput['source'] = DISTRIBUTOR,
    receivedOn = '2026-01-05',
  ) => s.firearms.acquire('carlos', { receivedOn, source, firearms });
  const one = (firearm: FirearmInput, source?: AcquisitionInput['source']) => {
    const [entry] = acquire([firearm], source);
    if (!entry) throw new Error('no entry');
    return entry;
  };
  const count = (table: string) =>
    s.store.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
  return { s, c: s.compliance, f: s.firearms, acquire, one, count };
}

describe('serial format rules', () => {
  it('refuse an acquisition whose serial breaks a blocking rule, naming the field, and enter none of it', async () => {
    const { c, acquire, count } = await book();
    c.addSerialRule('owner', {
      manufacturer: 'glock',
      pattern: '[A-Z]{3}\\d{3}',
      action: 'block',
      note: '3 letters and 3 digits',
    });
    const e = thrown(() => acquire([SIG, { ...GLOCK, serial: 'AB1234' }]));
    expect(e).toMatchObject({
      kind: 'invalid',
      reason: 'serial_format',
      message: 'GLOCK serials look like 3 letters and 3 digits: check what is engraved.',
    });
    expect(e.fields).toEqual([{ path: 'firearms.1.serial', message: e.message }]);
    expect(count('ledger_acquisitions')).toBe(0);
    // A serial that fits, and another maker, go in.
    expect(acquire([SIG, GLOCK])).toHaveLength(2);
  });

  it('let a serial through a warning rule', async () => {
    const { c, acquire } = await book();
    c.addSerialRule('owner', { manufacturer: 'Glock', minLength: 8, action: 'warn' });
    expect(acquire([GLOCK])[0]?.serial).toBe('ABC123');
  });

  it('stop applying once retired; retiring one not in force is refused; both are audited', async () => {
    const { s, c, acquire } = await book();
    const id = c.addSerialRule('owner', { manufacturer: 'Glock', maxLength: 4, action: 'block' });
    expect(c.serialRules()).toEqual([{ id, manufacturer: 'GLOCK', maxLength: 4, action: 'block' }]);
    expect(thrown(() => acquire([GLOCK])).reason).toBe('serial_format');
    c.retireSerialRule('maria', id);
    expect(c.serialRules()).toEqual([]);
    expect(acquire([GLOCK])).toHaveLength(1);
    expect(thrown(() => c.retireSerialRule('maria', id))).toMatchObject({
      kind: 'not_found',
      reason: 'rule_not_found',
    });
    expect(thrown(() => c.retireSerialRule('maria', 999))).toMatchObject({ kind: 'not_found' });
    const audited = (action: string) =>
      s.audit.query({ action }).entries.map((e) => [e.actor, e.entityId]);
    expect(audited('firearm.serial_rule')).toEqual([['owner', String(id)]]);
    expect(audited('firearm.serial_rule_retired')).toEqual([['maria', String(id)]]);
  });

  it('refuse a rule that is not valid before storing it', async () => {
    const { c, count } = await book();
    expect(() => c.addSerialRule('owner', { manufacturer: 'Glock', action: 'block' })).toThrow(
      /pattern or a length/,
    );
    expect(() =>
      c.addSerialRule('owner', { manufacturer: 'Glock', pattern: '(', action: 'block' }),
    ).toThrow(/not a valid regular expression/);
    expect(count('serial_format_rules')).toBe(0);
  });
});

describe('a privately made firearm', () => {
  it('cannot be marked before the store’s FFL number is entered', async () => {
    const { c, one } = await book({ ffl: false });
    const pmf = one(PMF, CUSTOMER);
    expect(
      thrown(() => c.markPmf('carlos', pmf.itemId, { uniqueId: 'A1', markedOn: '2026-01-05' })),
    ).toMatchObject({ kind: 'conflict', reason: 'store_ffl_missing' });
  });

  it('cannot start a disposition until marked; marking records a correction with the store’s serial, the original kept', async () => {
    const { s, c, f, one } = await book();
    const pmf = one(PMF, CUSTOMER);
    expect(thrown(() => f.startDisposition('carlos', pmf.itemId, TO_SHOP))).toMatchObject({
      kind: 'forbidden',
      reason: 'pmf_unmarked',
    });
    expect(f.history(pmf.itemId).item).toMatchObject({ privatelyMade: true, marked: false });

    const marked = c.markPmf('maria', pmf.itemId, { uniqueId: 'pmf01', markedOn: '2026-01-05' });
    expect(marked).toMatchObject({
      serial: '98612345-PMF01',
      corrects: pmf.entryNo,
      recordedBy: 'maria',
      sourceName: 'Pat Maker',
      sourceAddress: '1 Main St, Austin TX',
      correctionReason:
        'Marked as a privately made firearm on 2026-01-05 with serial 98612345-PMF01 (was NSN).',
    });
    const h = f.history(pmf.itemId);
    expect(h.item.marked).toBe(true);
    expect(h.acquisitions.map((a) => [a.serial, a.corrects])).toEqual([
      ['NSN', null],
      ['98612345-PMF01', pmf.entryNo],
    ]);
    expect(f.inStore('98612345-pmf01').map((i) => i.itemId)).toEqual([pmf.itemId]);
    expect(f.startDisposition('carlos', pmf.itemId, TO_SHOP).state).toBe('pending');
    expect(
      s.audit
        .query({ entity: 'firearm', entityId: String(pmf.itemId) })
        .entries.map((e) => e.action),
    ).toEqual(['firearm.reserve', 'firearm.correct', 'firearm.acquire']);
  });

  it('is marked once, with an id not used before, and only if it is privately made', async () => {
    const { c, one } = await book();
    const first = one(PMF, CUSTOMER);
    const second = one({ ...PMF, type: 'frame' }, CUSTOMER);
    const glock = one(GLOCK);
    const on = '2026-01-05';
    c.markPmf('carlos', first.itemId, { uniqueId: 'A1', markedOn: on });
    expect(
      thrown(() => c.markPmf('carlos', first.itemId, { uniqueId: 'A2', markedOn: on })),
    ).toMatchObject({ kind: 'conflict', reason: 'already_marked' });
    expect(
      thrown(() => c.markPmf('carlos', second.itemId, { uniqueId: 'a1', markedOn: on })),
    ).toMatchObject({ kind: 'conflict', reason: 'serial_used' });
    expect(
      thrown(() => c.markPmf('carlos', glock.itemId, { uniqueId: 'B1', markedOn: on })),
    ).toMatchObject({ kind: 'conflict', reason: 'not_pmf' });
    // The refusals left nothing behind: the second can still take its own id.
    expect(c.markPmf('carlos', second.itemId, { uniqueId: 'A2', markedOn: on }).serial).toBe(
      '98612345-A2',
    );
  });

  it('refuses a marking date in the future or an id that is not letters and digits', async () => {
    const { c, f, one } = await book();
    const pmf = one(PMF, CUSTOMER);
    expect(
      thrown(() => c.markPmf('carlos', pmf.itemId, { uniqueId: 'A1', markedOn: '2026-01-06' })),
    ).toMatchObject({ kind: 'invalid', reason: 'future_date' });
    expect(() =>
      c.markPmf('carlos', pmf.itemId, { uniqueId: 'A-1', markedOn: '2026-01-05' }),
    ).toThrow(/letters and digits/);
    expect(f.history(pmf.itemId).item.marked).toBe(false);
  });
});

describe('a permit instead of a check', () => {
  async function sale(o: { state?: boolean } = {}) {
    const b = await book(o);
    const glock = b.one(GLOCK);
    const dispose = () =>
      b.f.startDisposition('carlos', glock.itemId, {
        kind: 'non_licensee',
        form4473: 'T-500',
        transfereeName: 'Pat Buyer',
        transfereeAddress: '1 Main St, Austin TX',
        buyerKey: 'buyer-9',
      });
    const permit = {
      form4473: 'T-500',
      buyerKey: 'buyer-9',
      permitType: 'License to Carry',
      permitNumber: 'LTC-778899',
      issuedOn: '2025-06-01',
    };
    return { ...b, glock, dispose, permit };
  }

  it('is recorded but does not qualify under the shipped rule data, so the transfer still needs a check', async () => {
    const { s, c, f, dispose, permit, count } = await sale();
    const recorded = c.recordPermit('carlos', permit);
    expect(recorded).toMatchObject({
      qualifies: false,
      reason:
        'A License to Carry from TX does not qualify as a NICS alternative in the rule data: run a check.',
    });
    expect(count('transfer_permits')).toBe(1);
    expect(s.audit.query({ action: 'check.permit' }).entries[0]).toMatchObject({
      actor: 'carlos',
      entityId: 'T-500',
    });
    const d = dispose();
    expect(thrown(() => f.commitDisposition('carlos', d.id))).toMatchObject({
      kind: 'forbidden',
      reason: 'check_no_check',
    });
    expect(f.disposition(d.id).state).toBe('pending');
  });

  it('refuses an issue date in the future', async () => {
    const { c, permit, count } = await sale();
    expect(
      thrown(() => c.recordPermit('carlos', { ...permit, issuedOn: '2026-01-06' })),
    ).toMatchObject({ kind: 'invalid', reason: 'future_date' });
    expect(count('transfer_permits')).toBe(0);
  });

  it('refuses a permit before the store’s state is set', async () => {
    const { c, permit, count } = await sale({ state: false });
    expect(thrown(() => c.recordPermit('carlos', permit))).toMatchObject({
      kind: 'conflict',
      reason: 'store_state_missing',
    });
    expect(count('transfer_permits')).toBe(0);
  });
});

describe('a firearm coming back', () => {
  it('is a new acquisition of the same firearm from whoever had it on loan', async () => {
    const { s, c, f, one } = await book();
    const sig = one(SIG);
    const loan = f.startDisposition('carlos', sig.itemId, {
      kind: 'loan_out',
      transfereeName: 'Range Day Rentals',
      transfereeAddress: '5 Range Rd, Austin TX',
    });
    f.commitDisposition('carlos', loan.id);
    s.clock.advance(86_400_000);
    const back = c.recordReturn('maria', sig.itemId, { receivedOn: '2026-01-06' });
    expect(back.itemId).not.toBe(sig.itemId);
    expect(back).toMatchObject({
      receivedOn: '2026-01-06',
      sourceName: 'Range Day Rentals',
      sourceAddress: '5 Range Rd, Austin TX',
      sourceFfl: null,
      manufacturer: 'Sig Sauer',
      model: 'P365',
      serial: '66A-0042',
      type: 'pistol',
      caliber: '9mm',
      corrects: null,
      recordedBy: 'maria',
    });
    expect(f.inStore('66A-0042').map((i) => [i.itemId, i.status])).toEqual([
      [back.itemId, 'in_stock'],
    ]);
    // The loaned item's own history is unchanged: it left the store.
    expect(f.history(sig.itemId).item.status).toBe('disposed');
    expect(s.audit.query({ action: 'firearm.return' }).entries[0]).toMatchObject({
      actor: 'maria',
      entityId: String(back.itemId),
    });
  });

  it('comes back from a licensee with its FFL number as the source', async () => {
    const { c, f, one } = await book();
    const glock = one(GLOCK);
    f.commitDisposition('carlos', f.startDisposition('carlos', glock.itemId, TO_SHOP).id);
    expect(c.recordReturn('carlos', glock.itemId, { receivedOn: '2026-01-05' })).toMatchObject({
      sourceName: 'Gun Shop B',
      sourceFfl: '5-74-015-07-8C-04321',
      sourceAddress: null,
    });
  });

  it('is refused for a firearm that never left, or whose disposition was voided', async () => {
    const { c, f, one, count } = await book();
    const glock = one(GLOCK);
    expect(
      thrown(() => c.recordReturn('carlos', glock.itemId, { receivedOn: '2026-01-05' })),
    ).toMatchObject({ kind: 'conflict', reason: 'not_disposed' });
    const d = f.startDisposition('carlos', glock.itemId, TO_SHOP);
    expect(
      thrown(() => c.recordReturn('carlos', glock.itemId, { receivedOn: '2026-01-05' })).reason,
    ).toBe('not_disposed');
    f.commitDisposition('carlos', d.id);
    f.undispose('maria', d.id, 'Entered against the wrong firearm.');
    expect(
      thrown(() => c.recordReturn('carlos', glock.itemId, { receivedOn: '2026-01-05' })).reason,
    ).toBe('not_disposed');
    expect(count('ledger_acquisitions')).toBe(1);
  });

  it('is refused a second time for the same disposition, even after the firearm left again', async () => {
    const { s, c, f, one, count } = await book();
    const glock = one(GLOCK);
    f.commitDisposition('carlos', f.startDisposition('carlos', glock.itemId, TO_SHOP).id);
    const back = c.recordReturn('carlos', glock.itemId, { receivedOn: '2026-01-05' });
    // The returned firearm is sold on, so no open item stands in the way of a second return.
    f.commitDisposition('carlos', f.startDisposition('carlos', back.itemId, TO_SHOP).id);
    const again = thrown(() =>
      c.recordReturn('carlos', glock.itemId, { receivedOn: '2026-01-07' }),
    );
    expect(again).toMatchObject({ kind: 'conflict', reason: 'already_returned' });
    expect(again.message).toContain(`entry ${back.entryNo}`);
    expect(count('ledger_acquisitions')).toBe(2);
    expect(count('firearm_returns')).toBe(1);
    expect(() => s.store.db.prepare('DELETE FROM firearm_returns').run()).toThrow(/never removed/);
  });
});

describe('the store’s day', () => {
  // Regulated dates are the store's calendar date, in its time zone, never the PC's.
  it('decides "the future" for a marking and a permit: a process in UTC, a store in Los Angeles at 20:30', async () => {
    vi.stubEnv('TZ', 'UTC');
    const { s, c, one } = await book();
    s.storeHours.update('owner', {
      timeZone: 'America/Los_Angeles',
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
    const pmf = one(PMF, CUSTOMER);
    // 20:30 on Monday 5 January in Los Angeles; already Tuesday 6 January in UTC.
    s.clock.set(Date.parse('2026-01-06T04:30:00Z'));
    expect(new Date(s.clock.now()).getDate()).toBe(6);
    expect(
      thrown(() => c.markPmf('carlos', pmf.itemId, { uniqueId: 'A1', markedOn: '2026-01-06' })),
    ).toMatchObject({ reason: 'future_date' });
    expect(c.markPmf('carlos', pmf.itemId, { uniqueId: 'A1', markedOn: '2026-01-05' }).serial).toBe(
      '98612345-A1',
    );
    const permit = {
      form4473: 'T-9',
      buyerKey: 'buyer-9',
      permitType: 'License to Carry',
      permitNumber: 'LTC-1',
    };
    expect(
      thrown(() => c.recordPermit('carlos', { ...permit, issuedOn: '2026-01-06' })),
    ).toMatchObject({ reason: 'future_date' });
    expect(c.recordPermit('carlos', { ...permit, issuedOn: '2026-01-05' }).id).toBeGreaterThan(0);
  });
});
