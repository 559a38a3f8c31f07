import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
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

const policy = policyOn(nicsPolicies, '2026-11-21');
const cal = federalCalendar;
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
    expect(() =>
      nextCheck(denied, { type: 'respond', answer: 'proceed', on: '2026-10-02' }),
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
