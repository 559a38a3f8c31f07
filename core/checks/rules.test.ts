import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { addDays, daysBetween, weekday, type IsoDate } from './calendar.ts';
import { policyOn, type Check, type CheckSubject, type NicsPolicy } from './model.ts';
import { federalCalendar, nicsPolicies } from './policy.ts';
import {
  CheckTransitionError,
  defaultProceedOn,
  lastValidDay,
  nextCheck,
  routeFor,
  transferDecision,
  type CheckEvent,
} from './rules.ts';
import { resetCalendarCaches, StateCalendarMissing, type NicsCalendar } from './state-calendars.ts';

const policy = policyOn(nicsPolicies, '2026-11-21');
const cal = federalCalendar;
beforeEach(resetCalendarCaches); // the federal calendar caches its years
const SUBJECT: CheckSubject = { buyer: 'buyer-1', items: ['item-1', 'item-2'] };

const check = (o: Partial<Check> = {}): Check => ({
  ...SUBJECT,
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
  ...o,
});

const delayed = (contact: IsoDate, o: Partial<Check> = {}, further = false) =>
  nextCheck(nextCheck(check(o), { type: 'submit', on: contact }), {
    type: 'respond',
    answer: 'delayed',
    on: contact,
    furtherInvestigation: further,
  });

describe('the federal business-day calendar', () => {
  it.each([
    ['2026-01-01', 'New Year’s Day'],
    ['2026-01-19', 'Martin Luther King, Jr. Day (third Monday)'],
    ['2026-05-25', 'Memorial Day (last Monday)'],
    ['2026-06-19', 'Juneteenth'],
    ['2026-07-03', 'Independence Day, observed on Friday (the 4th is a Saturday)'],
    ['2027-07-05', 'Independence Day, observed on Monday (the 4th is a Sunday)'],
    ['2026-11-26', 'Thanksgiving (fourth Thursday)'],
    ['2021-12-31', 'New Year’s Day 2022, observed the Friday before'],
  ])('%s is not a business day: %s', (date) => {
    expect(cal.isBusinessDay(date)).toBe(false);
  });

  it('counts weekdays as business days, and Juneteenth only from 2021', () => {
    expect(cal.isBusinessDay('2026-11-24')).toBe(true);
    expect(cal.isBusinessDay('2026-11-28')).toBe(false); // Saturday
    expect(cal.isBusinessDay('2020-06-19')).toBe(true);
    expect(cal.isBusinessDay('2026-07-06')).toBe(true);
  });
});

describe('when a delayed transfer may proceed', () => {
  it.each<[string, IsoDate, Partial<Check>, boolean, IsoDate]>([
    ['Delayed on Thursday → Wednesday', '2026-10-01', {}, false, '2026-10-07'],
    ['Thanksgiving inside the window adds a day', '2026-11-24', {}, false, '2026-12-01'],
    ['a Friday contact skips the weekend', '2026-10-02', {}, false, '2026-10-08'],
    [
      'under 21 with further investigation: 10 business days (Columbus Day inside)',
      '2026-10-01',
      { buyerUnder21: true },
      true,
      '2026-10-17',
    ],
    [
      'under 21 without further investigation: 3 days',
      '2026-10-01',
      { buyerUnder21: true },
      false,
      '2026-10-07',
    ],
    ['further investigation means nothing at 21 or over', '2026-10-01', {}, true, '2026-10-07'],
  ])('%s', (_name, contact, o, further, expected) => {
    const c = delayed(contact, o, further);
    expect(defaultProceedOn(c, policy, cal)).toBe(expected);
    const before = transferDecision({
      check: c,
      transaction: SUBJECT,
      today: addDays(expected, -1),
      policy,
      calendar: cal,
    });
    expect(before).toMatchObject({
      allowed: false,
      reason: 'delayed_wait',
      mayProceedOn: expected,
    });
    expect(before.allowed === false && before.message).toContain(expected);
    expect(
      transferDecision({ check: c, transaction: SUBJECT, today: expected, policy, calendar: cal }),
    ).toEqual({
      allowed: true,
      basis: 'default_proceed',
    });
  });

  it('never proceeds by default in a state that forbids it', () => {
    const strict: NicsPolicy = { ...policy, noDefaultProceedStates: ['TX'] };
    const c = delayed('2026-10-01');
    expect(defaultProceedOn(c, strict, cal)).toBeNull();
    expect(
      transferDecision({
        check: c,
        transaction: SUBJECT,
        today: '2026-10-20',
        policy: strict,
        calendar: cal,
      }),
    ).toMatchObject({
      allowed: false,
      reason: 'no_default_proceed',
    });
    // A final proceed still lets it go.
    const proceeded = nextCheck(c, { type: 'respond', answer: 'proceed', on: '2026-10-09' });
    expect(
      transferDecision({
        check: proceeded,
        transaction: SUBJECT,
        today: '2026-10-20',
        policy: strict,
        calendar: cal,
      }).allowed,
    ).toBe(true);
  });
});

describe('a check’s validity', () => {
  it('lasts 30 days counted from the day after first contact', () => {
    const c = nextCheck(nextCheck(check(), { type: 'submit', on: '2026-10-01' }), {
      type: 'respond',
      answer: 'proceed',
      on: '2026-10-01',
    });
    expect(lastValidDay(c, policy)).toBe('2026-10-31');
    expect(
      transferDecision({
        check: c,
        transaction: SUBJECT,
        today: '2026-10-31',
        policy,
        calendar: cal,
      }).allowed,
    ).toBe(true);
    expect(
      transferDecision({
        check: c,
        transaction: SUBJECT,
        today: '2026-11-01',
        policy,
        calendar: cal,
      }),
    ).toMatchObject({
      allowed: false,
      reason: 'expired',
    });
  });

  it('is for the same buyer and items only', () => {
    const c = nextCheck(nextCheck(check(), { type: 'submit', on: '2026-10-01' }), {
      type: 'respond',
      answer: 'proceed',
      on: '2026-10-01',
    });
    expect(
      transferDecision({
        check: c,
        transaction: { buyer: 'buyer-1', items: ['item-2', 'item-1'] },
        today: '2026-10-02',
        policy,
        calendar: cal,
      }).allowed,
    ).toBe(true);
    for (const changed of [
      { buyer: 'buyer-2', items: SUBJECT.items },
      { buyer: 'buyer-1', items: ['item-1'] },
      { buyer: 'buyer-1', items: ['item-1', 'item-3'] },
    ])
      expect(
        transferDecision({
          check: c,
          transaction: changed,
          today: '2026-10-02',
          policy,
          calendar: cal,
        }),
      ).toMatchObject({
        allowed: false,
        reason: 'subject_changed',
      });
  });

  it('can be replaced by a qualifying permit no more than 5 years old', () => {
    const permit = { state: 'TX' as const, issuedOn: '2022-01-10', qualifies: true };
    expect(
      transferDecision({
        check: null,
        permit,
        transaction: SUBJECT,
        today: '2026-11-21',
        policy,
        calendar: cal,
      }),
    ).toEqual({ allowed: true, basis: 'permit' });
    expect(
      transferDecision({
        check: null,
        permit: { ...permit, issuedOn: '2021-01-10' },
        transaction: SUBJECT,
        today: '2026-11-21',
        policy,
        calendar: cal,
      }).allowed,
    ).toBe(false);
    expect(
      transferDecision({
        check: null,
        permit: { ...permit, qualifies: false },
        transaction: SUBJECT,
        today: '2026-11-21',
        policy,
        calendar: cal,
      }),
    ).toMatchObject({ reason: 'no_check' });
  });
});

describe('the check state machine', () => {
  it('refuses responses a check in its state cannot get', () => {
    expect(() =>
      nextCheck(check(), { type: 'respond', answer: 'proceed', on: '2026-10-01' }),
    ).toThrow(CheckTransitionError);
    const denied = nextCheck(nextCheck(check(), { type: 'submit', on: '2026-10-01' }), {
      type: 'respond',
      answer: 'denied',
      on: '2026-10-01',
    });
    // A denial is final (18 U.S.C. 922(d)): no later answer, only an overturn, moves it.
    expect(() =>
      nextCheck(denied, { type: 'respond', answer: 'proceed', on: '2026-10-02' }),
    ).toThrow(/a denial is final/);
    const cancelled = nextCheck(nextCheck(check(), { type: 'submit', on: '2026-10-01' }), {
      type: 'respond',
      answer: 'cancelled',
      on: '2026-10-01',
    });
    expect(() =>
      nextCheck(cancelled, { type: 'respond', answer: 'proceed', on: '2026-10-02' }),
    ).toThrow(/record a new check/);
    expect(() =>
      nextCheck(delayed('2026-10-01'), { type: 'respond', answer: 'cancelled', on: '2026-10-02' }),
    ).toThrow(/proceed or denied/);
    expect(() =>
      nextCheck(delayed('2026-10-05'), { type: 'respond', answer: 'proceed', on: '2026-10-01' }),
    ).toThrow(/before the check was submitted/);
  });

  it('routes checks by the store’s state and what is sold', () => {
    expect(routeFor(policy, 'TX', ['rifle'])).toBe('federal_nics');
    expect(routeFor(policy, 'FL', ['rifle'])).toBe('full_poc');
    expect(routeFor(policy, 'MD', ['pistol'])).toBe('partial_poc');
    expect(routeFor(policy, 'MD', ['shotgun'])).toBe('federal_nics');
  });
});

/** Business days strictly after `from` through `to`, counted the slow, obvious way. */
function businessDaysAfter(from: IsoDate, to: IsoDate): number {
  let n = 0;
  for (let i = 1; i <= daysBetween(from, to); i++) {
    const d = addDays(from, i);
    if (weekday(d) !== 0 && weekday(d) !== 6 && !cal.holidays(Number(d.slice(0, 4))).has(d)) n++;
  }
  return n;
}

const action = fc.oneof(
  fc.constant<{ kind: 'submit' }>({ kind: 'submit' }),
  fc.record({
    kind: fc.constant('respond' as const),
    answer: fc.constantFrom('proceed', 'delayed', 'denied', 'cancelled'),
    further: fc.boolean(),
  }),
  fc.constant<{ kind: 'expire' }>({ kind: 'expire' }),
  fc.record({ kind: fc.constant('wait' as const), days: fc.integer({ min: 0, max: 12 }) }),
  fc.record({
    kind: fc.constant('change' as const),
    what: fc.constantFrom('buyer', 'add', 'remove', 'back'),
  }),
);

describe('gating, for every sequence of check events and clock moves', () => {
  it('never lets a transfer complete while denied, cancelled, expired, waiting, or for a changed buyer or items', () => {
    fc.assert(
      fc.property(
        fc.record({
          start: fc.integer({ min: 0, max: 800 }).map((n) => addDays('2025-01-01', n)),
          under21: fc.boolean(),
          strictState: fc.boolean(),
          actions: fc.array(action, { maxLength: 25 }),
        }),
        ({ start, under21, strictState, actions }) => {
          const p: NicsPolicy = strictState
            ? { ...policy, noDefaultProceedStates: ['TX'] }
            : policy;
          let c = check({ buyerUnder21: under21 });
          let today = start;
          let tx: CheckSubject = SUBJECT;
          for (const a of actions) {
            try {
              if (a.kind === 'wait') today = addDays(today, a.days);
              else if (a.kind === 'change')
                tx =
                  a.what === 'buyer'
                    ? { ...tx, buyer: 'someone-else' }
                    : a.what === 'add'
                      ? { ...tx, items: [...tx.items, 'item-9'] }
                      : a.what === 'remove'
                        ? { ...tx, items: tx.items.slice(1) }
                        : SUBJECT;
              else {
                const e: CheckEvent =
                  a.kind === 'submit'
                    ? { type: 'submit', on: today }
                    : a.kind === 'expire'
                      ? { type: 'expire' }
                      : {
                          type: 'respond',
                          answer: a.answer,
                          on: today,
                          furtherInvestigation: a.further,
                        };
                c = nextCheck(c, e);
              }
            } catch (error) {
              if (!(error instanceof CheckTransitionError)) throw error;
            }
            const d = transferDecision({
              check: c,
              transaction: tx,
              today,
              policy: p,
              calendar: cal,
            });
            if (!d.allowed) continue;
            // Allowed: never in these states, never after 30 days, never for another subject.
            expect(['denied', 'cancelled', 'expired', 'initiated', 'pending']).not.toContain(
              c.status,
            );
            expect(c.contactDate).not.toBeNull();
            expect(daysBetween(c.contactDate ?? today, today)).toBeLessThanOrEqual(30);
            expect(tx.buyer).toBe(c.buyer);
            expect([...tx.items].sort()).toEqual([...c.items].sort());
            if (c.status === 'delayed') {
              expect(strictState).toBe(false);
              const wait = under21 && c.furtherInvestigation ? 10 : 3;
              expect(
                businessDaysAfter(c.contactDate ?? today, addDays(today, -1)),
              ).toBeGreaterThanOrEqual(wait);
            } else expect(c.status).toBe('proceed');
          }
        },
      ),
      { numRuns: 2_000 },
    );
  });
});

const answered = (
  answer: 'proceed' | 'delayed' | 'denied' | 'cancelled',
  contact: IsoDate = '2026-10-01',
  o: Partial<Check> = {},
) =>
  nextCheck(nextCheck(check(o), { type: 'submit', on: contact }), {
    type: 'respond',
    answer,
    on: contact,
  });
/** A Texas permit issued a year before, qualifying under the rule data. */
const PERMIT = { state: 'TX' as const, issuedOn: '2025-10-01', qualifies: true };
/** Texas forbids default proceeds and allows a supervisor override, for the override cases. */
const overridable: NicsPolicy = {
  ...policy,
  noDefaultProceedStates: ['TX'],
  overrideAllowedStates: ['TX'],
};
const gate = (
  c: Check | null,
  today: IsoDate,
  o: { permit?: typeof PERMIT; override?: boolean; policy?: NicsPolicy } = {},
) =>
  transferDecision({
    check: c,
    permit: o.permit ?? null,
    override: o.override ?? false,
    transaction: SUBJECT,
    today,
    policy: o.policy ?? policy,
    calendar: cal,
  });

describe('a denial is final (18 U.S.C. 922(d); 27 CFR 478.102)', () => {
  it('refuses the transfer on a denied check even with a qualifying permit on file: a permit exempts from running a check, never from a denial received', () => {
    expect(gate(null, '2026-10-02', { permit: PERMIT })).toEqual({
      allowed: true,
      basis: 'permit',
    });
    expect(gate(answered('denied'), '2026-10-02', { permit: PERMIT })).toMatchObject({
      allowed: false,
      reason: 'denied',
      params: { deniedOn: '2026-10-01' },
    });
    // Denied after a Delayed, the permit recorded later still does not let it through.
    const late = nextCheck(delayed('2026-10-01'), {
      type: 'respond',
      answer: 'denied',
      on: '2026-10-05',
    });
    for (const today of ['2026-10-05', '2026-10-20', '2026-12-01'])
      expect(gate(late, today, { permit: PERMIT })).toMatchObject({
        allowed: false,
        reason: 'denied',
        params: { deniedOn: '2026-10-05' },
      });
  });

  it('refuses a denied check whatever a supervisor recorded: an override is for a state hold on a delayed check only', () => {
    const heldThenDenied = nextCheck(delayed('2026-10-01'), {
      type: 'respond',
      answer: 'denied',
      on: '2026-10-09',
    });
    expect(
      gate(heldThenDenied, '2026-10-20', { override: true, policy: overridable, permit: PERMIT }),
    ).toMatchObject({ allowed: false, reason: 'denied' });
    // The same override on the same check before the denial would have let it through.
    expect(
      gate(delayed('2026-10-01'), '2026-10-20', { override: true, policy: overridable }),
    ).toEqual({ allowed: true, basis: 'override' });
  });

  it('refuses a cancelled or expired check with a qualifying permit on file', () => {
    expect(gate(answered('cancelled'), '2026-10-02', { permit: PERMIT })).toMatchObject({
      allowed: false,
      reason: 'cancelled',
    });
    const expired = nextCheck(answered('proceed'), { type: 'expire' });
    expect(gate(expired, '2026-10-02', { permit: PERMIT })).toMatchObject({
      allowed: false,
      reason: 'expired',
    });
    // Past its 30 days a proceed is expired too, permit or not.
    expect(gate(answered('proceed'), '2026-11-01', { permit: PERMIT })).toMatchObject({
      allowed: false,
      reason: 'expired',
      params: { lastValidDay: '2026-10-31' },
    });
  });

  it('lets the transfer go ahead after NICS or the state overturns the denial, within the check’s 30 days', () => {
    const overturned = nextCheck(answered('denied'), {
      type: 'overturned',
      on: '2026-10-20',
      reference: 'APPEAL-2026-0042',
    });
    expect(overturned).toMatchObject({
      status: 'proceed',
      deniedOn: '2026-10-01',
      overturned: { on: '2026-10-20', reference: 'APPEAL-2026-0042' },
    });
    expect(gate(overturned, '2026-10-20')).toEqual({ allowed: true, basis: 'denial_overturned' });
    expect(gate(overturned, '2026-10-31')).toEqual({ allowed: true, basis: 'denial_overturned' });
    // After the 30 days the check is spent: a new check is needed.
    expect(gate(overturned, '2026-11-01')).toMatchObject({ allowed: false, reason: 'expired' });
  });

  it('takes an overturn only on a denied check, with its reference, not dated before the denial', () => {
    for (const c of [check(), answered('proceed'), delayed('2026-10-01'), answered('cancelled')])
      expect(() =>
        nextCheck(c, { type: 'overturned', on: '2026-10-02', reference: 'A-1' }),
      ).toThrow(/Only a denied check/);
    expect(() =>
      nextCheck(answered('denied'), { type: 'overturned', on: '2026-10-02', reference: '  ' }),
    ).toThrow(/reference/);
    const denied = nextCheck(delayed('2026-10-01'), {
      type: 'respond',
      answer: 'denied',
      on: '2026-10-05',
    });
    expect(() =>
      nextCheck(denied, { type: 'overturned', on: '2026-10-04', reference: 'A-1' }),
    ).toThrow(/cannot be overturned before that/);
    const once = nextCheck(denied, { type: 'overturned', on: '2026-10-06', reference: 'A-1' });
    expect(() =>
      nextCheck(once, { type: 'overturned', on: '2026-10-07', reference: 'A-2' }),
    ).toThrow(/already overturned on 2026-10-06/);
  });

  it('does not expire a denied or cancelled check over its answer: it already refuses', () => {
    for (const answer of ['denied', 'cancelled'] as const)
      expect(() => nextCheck(answered(answer), { type: 'expire' })).toThrow(
        `This check is ${answer}: it cannot expire.`,
      );
  });
});

describe('the contact day is recorded once (27 CFR 478.102: the wait and the 30 days run from it)', () => {
  it('refuses a second submission on a pending, delayed or answered check', () => {
    const pending = nextCheck(check(), { type: 'submit', on: '2026-10-01' });
    for (const c of [pending, delayed('2026-10-01'), answered('proceed'), answered('denied')]) {
      expect(() => nextCheck(c, { type: 'submit', on: '2026-10-05' })).toThrow(
        'This check was already submitted on 2026-10-01: record the answer instead.',
      );
    }
  });
});

describe('under 21: a further-investigation notice after the Delayed (18 U.S.C. 922(t)(1)(C))', () => {
  it('is kept, and the wait becomes 10 business days instead of 3', () => {
    const young = delayed('2026-10-01', { buyerUnder21: true });
    expect(defaultProceedOn(young, policy, cal)).toBe('2026-10-07');
    const notice = nextCheck(young, {
      type: 'respond',
      answer: 'delayed',
      on: '2026-10-02',
      furtherInvestigation: true,
    });
    expect(notice).toMatchObject({ status: 'delayed', furtherInvestigation: true });
    expect(defaultProceedOn(notice, policy, cal)).toBe('2026-10-17');
    expect(gate({ ...notice, buyer: SUBJECT.buyer }, '2026-10-07')).toMatchObject({
      allowed: false,
      reason: 'delayed_wait',
      mayProceedOn: '2026-10-17',
      params: { mayProceedOn: '2026-10-17' },
    });
    // A later plain Delayed does not take the notice back.
    expect(() =>
      nextCheck(notice, { type: 'respond', answer: 'delayed', on: '2026-10-03' }),
    ).toThrow(/proceed or denied/);
  });
});

describe('a state calendar that does not cover the wait (28 CFR 25.2)', () => {
  /** A NICS calendar with no state-office holidays shipped for 2027. */
  const partial: NicsCalendar = {
    isBusinessDay: (d) => {
      if (d.startsWith('2027')) throw new StateCalendarMissing('TX', 2027);
      return cal.isBusinessDay(d);
    },
    nthBusinessDayAfter(d, n) {
      let date = d;
      for (let counted = 0; counted < n;) {
        date = addDays(date, 1);
        if (this.isBusinessDay(date)) counted++;
      }
      return date;
    },
    businessDaysBetween: (from, to) => cal.businessDaysBetween(from, to),
  };

  it('refuses the default proceed with the state and year, never guessing a shorter wait', () => {
    const c = delayed('2026-12-30');
    for (const today of ['2026-12-31', '2027-01-06', '2027-01-20']) {
      const d = transferDecision({
        check: c,
        transaction: SUBJECT,
        today,
        policy,
        calendar: partial,
      });
      expect(d).toMatchObject({
        allowed: false,
        reason: 'calendar_missing',
        params: { state: 'TX', year: 2027 },
      });
      expect(d.allowed === false && d.message).toMatch(/confirm the date .* by hand/);
    }
    // Inside the shipped year the same calendar answers.
    expect(
      transferDecision({
        check: delayed('2026-10-01'),
        transaction: SUBJECT,
        today: '2026-10-07',
        policy,
        calendar: partial,
      }),
    ).toEqual({ allowed: true, basis: 'default_proceed' });
  });
});

describe('refusals carry a reason and its parameters for the screens', () => {
  it('gives the date a delayed check may proceed, the last valid day, and the state', () => {
    expect(gate(delayed('2026-10-01'), '2026-10-02')).toMatchObject({
      reason: 'delayed_wait',
      params: { mayProceedOn: '2026-10-07' },
    });
    expect(gate(answered('proceed'), '2026-11-02')).toMatchObject({
      reason: 'expired',
      params: { lastValidDay: '2026-10-31' },
    });
    expect(
      gate(delayed('2026-10-01'), '2026-10-20', {
        policy: { ...policy, noDefaultProceedStates: ['TX'] },
      }),
    ).toMatchObject({ reason: 'no_default_proceed', params: { state: 'TX' } });
    expect(gate(null, '2026-10-02')).toMatchObject({ reason: 'no_check', params: {} });
  });
});
