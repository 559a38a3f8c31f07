// Contact and response dates on a check (27 CFR 478.102; 478.124(c)): the contact day starts
// the wait for a Delayed and the 30 days a check is good for, so a future contact date would
// stretch the 30 days, and a back-dated one would shorten the wait. A date may not be in the
// future (the store's today), not before the Form 4473 was started, and answers are recorded
// in the order they came.
import { describe, expect, it } from 'vitest';
import { servicesForTest } from '../testing/fixtures.ts';
import { thrown } from '../testing/firearms.ts';
import type { Check } from './model.ts';
import { checkDateProblem, nextCheck } from './rules.ts';

const initiated: Check = {
  buyer: 'buyer-1',
  items: ['1'],
  status: 'initiated',
  state: 'TX',
  route: 'federal_nics',
  buyerUnder21: false,
  contactDate: null,
  delayedOn: null,
  furtherInvestigation: false,
  lastEventOn: null,
  deniedOn: null,
  overturned: null,
};

describe('the dates on a check, as a rule', () => {
  const o = { today: '2026-01-08', form4473StartedOn: '2026-01-07' };

  it('refuses a contact or answer dated after the store’s today', () => {
    expect(checkDateProblem(initiated, { type: 'submit', on: '2026-01-09' }, o)).toEqual({
      reason: 'date_in_future',
      message:
        '2026-01-09 is in the future (today is 2026-01-08 at the store): enter the day it actually happened.',
      params: { date: '2026-01-09', today: '2026-01-08' },
    });
    expect(checkDateProblem(initiated, { type: 'submit', on: '2026-01-08' }, o)).toBeNull();
    const pending = nextCheck(initiated, { type: 'submit', on: '2026-01-08' });
    expect(
      checkDateProblem(pending, { type: 'respond', answer: 'proceed', on: '2026-01-10' }, o),
    ).toMatchObject({ reason: 'date_in_future' });
  });

  it('refuses a contact dated before the 4473 was started', () => {
    expect(checkDateProblem(initiated, { type: 'submit', on: '2026-01-06' }, o)).toMatchObject({
      reason: 'date_before_4473',
      params: { date: '2026-01-06', startedOn: '2026-01-07' },
    });
    expect(checkDateProblem(initiated, { type: 'submit', on: '2026-01-07' }, o)).toBeNull();
    // A check from before the 4473 date was kept has no lower bound but the others.
    expect(
      checkDateProblem(
        initiated,
        { type: 'submit', on: '2026-01-01' },
        { ...o, form4473StartedOn: null },
      ),
    ).toBeNull();
  });

  it('refuses an answer dated before the previous one', () => {
    const delayed = nextCheck(nextCheck(initiated, { type: 'submit', on: '2026-01-07' }), {
      type: 'respond',
      answer: 'delayed',
      on: '2026-01-08',
    });
    expect(
      checkDateProblem(delayed, { type: 'respond', answer: 'denied', on: '2026-01-07' }, o),
    ).toMatchObject({
      reason: 'date_out_of_order',
      params: { date: '2026-01-07', previous: '2026-01-08' },
    });
    expect(
      checkDateProblem(delayed, { type: 'respond', answer: 'denied', on: '2026-01-08' }, o),
    ).toBeNull();
    expect(checkDateProblem(delayed, { type: 'expire' }, o)).toBeNull();
  });
});

describe('the dates on a check, at the desk', () => {
  async function desk() {
    const s = await servicesForTest();
    // Thursday 2026-01-08, 15:00 UTC: the same day in every US time zone.
    s.clock.set(Date.parse('2026-01-08T15:00:00Z'));
    const start = (form4473: string, form4473StartedOn?: string) =>
      s.checks.start('carlos', {
        form4473,
        buyerKey: `buyer-${form4473}`,
        itemIds: [1],
        itemTypes: ['pistol'],
        state: 'TX',
        buyerUnder21: false,
        ...(form4473StartedOn ? { form4473StartedOn } : {}),
      });
    return { s, start };
  }

  it('refuses a future contact date, which would stretch the 30 days, recording nothing', async () => {
    const { s, start } = await desk();
    const c = start('T-1');
    const error = thrown(() =>
      s.checks.record('carlos', c.id, { kind: 'submit', on: '2026-01-09' }),
    );
    expect(error).toMatchObject({
      kind: 'invalid',
      reason: 'date_in_future',
      message:
        '2026-01-09 is in the future (today is 2026-01-08 at the store): enter the day it actually happened.',
    });
    expect(s.checks.get(c.id)).toMatchObject({ status: 'initiated', contactDate: null });
    expect(s.checks.get(c.id).responses).toEqual([]);
    // The same for an answer: a Proceed dated tomorrow.
    s.checks.record('carlos', c.id, { kind: 'submit', on: '2026-01-08' });
    expect(
      thrown(() => s.checks.record('carlos', c.id, { kind: 'proceed', on: '2026-01-09' })),
    ).toMatchObject({ reason: 'date_in_future' });
    expect(s.checks.get(c.id)).toMatchObject({ status: 'pending', lastValidDay: '2026-02-07' });
  });

  it('refuses a back-dated contact, which would shorten the wait: not before the 4473 was started (default: today)', async () => {
    const { s, start } = await desk();
    const today = start('T-1');
    expect(today.form4473StartedOn).toBe('2026-01-08');
    expect(
      thrown(() => s.checks.record('carlos', today.id, { kind: 'submit', on: '2026-01-05' })),
    ).toMatchObject({
      kind: 'invalid',
      reason: 'date_before_4473',
      message:
        '2026-01-05 is before this Form 4473 was started (2026-01-08): the check comes after the 4473, so enter the day it actually happened.',
    });
    expect(s.checks.get(today.id).responses).toEqual([]);
    // A 4473 started the day before: a contact that day is fine, the day before that is not.
    const earlier = start('T-2', '2026-01-07');
    expect(
      thrown(() => s.checks.record('carlos', earlier.id, { kind: 'submit', on: '2026-01-06' })),
    ).toMatchObject({ reason: 'date_before_4473' });
    s.checks.record('carlos', earlier.id, { kind: 'submit', on: '2026-01-07' });
    expect(s.checks.get(earlier.id)).toMatchObject({ contactDate: '2026-01-07' });
  });

  it('refuses a 4473 start date in the future', async () => {
    const { start } = await desk();
    expect(thrown(() => start('T-1', '2026-01-09'))).toMatchObject({
      kind: 'invalid',
      reason: 'date_in_future',
    });
  });

  it('refuses answers out of order, and an overturn dated in the future', async () => {
    const { s, start } = await desk();
    const c = start('T-1');
    s.checks.record('carlos', c.id, { kind: 'submit', on: '2026-01-08' });
    s.clock.set(Date.parse('2026-01-13T15:00:00Z'));
    s.checks.record('carlos', c.id, { kind: 'delayed', on: '2026-01-12' });
    expect(
      thrown(() => s.checks.record('carlos', c.id, { kind: 'denied', on: '2026-01-09' })),
    ).toMatchObject({
      kind: 'invalid',
      reason: 'date_out_of_order',
      message:
        '2026-01-09 is before the previous entry on this check (2026-01-12): answers are recorded in the order they came, so check the date.',
    });
    s.checks.record('carlos', c.id, { kind: 'denied', on: '2026-01-13' });
    expect(
      thrown(() =>
        s.checks.record('carlos', c.id, { kind: 'overturned', on: '2026-01-14', reference: 'A-1' }),
      ),
    ).toMatchObject({ reason: 'date_in_future' });
    expect(
      thrown(() =>
        s.checks.record('carlos', c.id, { kind: 'overturned', on: '2026-01-12', reference: 'A-1' }),
      ),
    ).toMatchObject({ kind: 'conflict', reason: 'check_transition' });
    expect(s.checks.get(c.id).responses.map((r) => r.kind)).toEqual([
      'submit',
      'delayed',
      'denied',
    ]);
  });

  it('refuses a second submission, which would move the contact day', async () => {
    const { s, start } = await desk();
    const c = start('T-1');
    s.checks.record('carlos', c.id, { kind: 'submit', on: '2026-01-08' });
    s.clock.set(Date.parse('2026-01-12T15:00:00Z'));
    for (const next of [null, 'delayed', 'proceed'] as const) {
      if (next) s.checks.record('carlos', c.id, { kind: next, on: '2026-01-12' });
      expect(
        thrown(() => s.checks.record('carlos', c.id, { kind: 'submit', on: '2026-01-12' })),
      ).toMatchObject({
        kind: 'conflict',
        reason: 'check_transition',
        message: 'This check was already submitted on 2026-01-08: record the answer instead.',
      });
      expect(s.checks.get(c.id)).toMatchObject({
        contactDate: '2026-01-08',
        lastValidDay: '2026-02-07',
      });
    }
  });
});
