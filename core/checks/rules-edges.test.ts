// The edges of the background-check rules, each written from the rule it guards (27 CFR
// 478.102; 28 CFR 25; 18 U.S.C. 922(t)): who runs the check, the contact day recorded once,
// the under-21 notice of further investigation, what may expire, the permit's five years
// counted in calendar years, and what a refusal tells the clerk.
import { describe, expect, it } from 'vitest';
import { addDays, type IsoDate } from './calendar.ts';
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
import type { NicsCalendar } from './state-calendars.ts';

const shipped = policyOn(nicsPolicies, '2026-01-05');
/** One state of each kind, so the tests do not follow the shipped POC map as it changes. */
const policy: NicsPolicy = {
  ...shipped,
  routes: { fullPoc: ['FL'], partialPocHandguns: ['MD'], partialPocPermits: ['NE'] },
  noDefaultProceedStates: [],
  overrideAllowedStates: [],
};
const cal = federalCalendar;
const SUBJECT: CheckSubject = { buyer: 'buyer-1', items: ['1', '23'] };

const initiated = (o: Partial<Check> = {}): Check => ({
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
const run = (c: Check, ...events: CheckEvent[]) => events.reduce(nextCheck, c);
const submit = (on: IsoDate): CheckEvent => ({ type: 'submit', on });
const respond = (
  answer: 'proceed' | 'delayed' | 'denied' | 'cancelled',
  on: IsoDate,
  furtherInvestigation?: boolean,
): CheckEvent => ({
  type: 'respond',
  answer,
  on,
  ...(furtherInvestigation === undefined ? {} : { furtherInvestigation }),
});
/** Submitted and answered on Thursday 2026-10-01 (the 3-business-day wait ends Tuesday the 6th). */
const CONTACT = '2026-10-01';
const answered = (answer: 'proceed' | 'delayed' | 'denied' | 'cancelled', o: Partial<Check> = {}) =>
  run(initiated(o), submit(CONTACT), respond(answer, CONTACT));

const gate = (
  check: Check | null,
  today: IsoDate,
  o: {
    permit?: { issuedOn: IsoDate; qualifies?: boolean };
    override?: boolean;
    policy?: NicsPolicy;
    transaction?: CheckSubject;
    calendar?: NicsCalendar;
  } = {},
) =>
  transferDecision({
    check,
    permit: o.permit ? { state: 'TX', qualifies: true, ...o.permit } : null,
    override: o.override ?? false,
    transaction: o.transaction ?? SUBJECT,
    today,
    policy: o.policy ?? policy,
    calendar: o.calendar ?? cal,
  });

describe('who runs the check (FBI NICS participation: full and partial point-of-contact states)', () => {
  const handguns = ['pistol', 'revolver', 'frame', 'receiver', 'pistol grip firearm'];

  it.each(handguns)(
    'a partial POC state checks a %s itself, whether it checks handguns or handgun permits',
    (type) => {
      expect(routeFor(policy, 'MD', [type])).toBe('partial_poc');
      expect(routeFor(policy, 'NE', [type])).toBe('partial_poc');
    },
  );

  it.each(['rifle', 'shotgun'])('a partial POC state leaves a %s to the FBI', (type) => {
    expect(routeFor(policy, 'MD', [type])).toBe('federal_nics');
    expect(routeFor(policy, 'NE', [type])).toBe('federal_nics');
  });

  it('sends a sale with a handgun among long guns to the state, in any order', () => {
    expect(routeFor(policy, 'MD', ['pistol', 'rifle'])).toBe('partial_poc');
    expect(routeFor(policy, 'MD', ['shotgun', 'rifle', 'revolver'])).toBe('partial_poc');
    expect(routeFor(policy, 'NE', ['rifle', 'pistol'])).toBe('partial_poc');
  });

  it('sends everything to the FBI in a state that is not a point of contact, handguns too', () => {
    for (const type of handguns) expect(routeFor(policy, 'TX', [type])).toBe('federal_nics');
    expect(routeFor(policy, 'TX', ['pistol', 'rifle'])).toBe('federal_nics');
  });

  it('sends everything to a full POC state, long guns too', () => {
    expect(routeFor(policy, 'FL', ['rifle'])).toBe('full_poc');
    expect(routeFor(policy, 'FL', ['pistol', 'shotgun'])).toBe('full_poc');
  });
});

describe('the contact day is recorded once: the wait and the 30 days run from it (27 CFR 478.102)', () => {
  it.each<[string, () => Check]>([
    ['pending', () => run(initiated(), submit(CONTACT))],
    ['delayed', () => answered('delayed')],
    ['proceed', () => answered('proceed')],
    ['denied', () => answered('denied')],
    ['cancelled', () => answered('cancelled')],
    ['expired after it was submitted', () => run(answered('proceed'), { type: 'expire' })],
  ])('refuses to submit a %s check again, keeping its contact day', (_name, made) => {
    const c = made();
    expect(() => nextCheck(c, submit('2026-10-06'))).toThrow(
      /^This check was already submitted on 2026-10-01: /,
    );
    // Had it been taken, a Delayed would wait from the 6th and stay good to 5 November.
    expect(lastValidDay(c, policy)).toBe('2026-10-31');
  });

  it('refuses to submit a check that expired before it was ever submitted: a new check is needed', () => {
    const expired = nextCheck(initiated(), { type: 'expire' });
    expect(expired).toMatchObject({ status: 'expired', contactDate: null });
    expect(() => nextCheck(expired, submit(CONTACT))).toThrow(
      'This check is expired: record a new check instead.',
    );
    // It refuses the transfer, with no last valid day to give since it never started.
    const d = gate(expired, CONTACT);
    expect(d).toEqual({
      allowed: false,
      reason: 'expired',
      message: 'The check expired: run a new check, recorded on the same 4473.',
      params: {},
    });
  });

  it('starts the wait and the 30 days from the one submission', () => {
    const c = run(initiated(), submit(CONTACT));
    expect(c).toMatchObject({ status: 'pending', contactDate: CONTACT, lastEventOn: CONTACT });
    expect(lastValidDay(c, policy)).toBe('2026-10-31');
    expect(lastValidDay(initiated(), policy)).toBeNull();
    // No contact, no wait to count.
    expect(defaultProceedOn(initiated({ status: 'delayed' }), policy, cal)).toBeNull();
  });
});

describe('under 21, further investigation (18 U.S.C. 922(t)(1)(C)): 10 business days, not 3', () => {
  it('keeps a notice that comes after the Delayed, and waits the longer wait', () => {
    const young = answered('delayed', { buyerUnder21: true });
    const notice = nextCheck(young, respond('delayed', '2026-10-02', true));
    expect(notice).toMatchObject({
      status: 'delayed',
      delayedOn: CONTACT,
      furtherInvestigation: true,
      lastEventOn: '2026-10-02',
    });
    // Ten business days after Thursday 1 October, Columbus Day (12 October) not counted:
    // the 10th is Friday 16 October, so the transfer may proceed on the 17th.
    expect(defaultProceedOn(notice, policy, cal)).toBe('2026-10-17');
    expect(gate(notice, '2026-10-07')).toMatchObject({
      allowed: false,
      reason: 'delayed_wait',
      mayProceedOn: '2026-10-17',
    });
    expect(gate(notice, '2026-10-16')).toMatchObject({ allowed: false, reason: 'delayed_wait' });
    expect(gate(notice, '2026-10-17')).toEqual({ allowed: true, basis: 'default_proceed' });
  });

  it('keeps the notice whether it comes with the Delayed or after it', () => {
    const withIt = run(
      initiated({ buyerUnder21: true }),
      submit(CONTACT),
      respond('delayed', CONTACT, true),
    );
    expect(withIt.furtherInvestigation).toBe(true);
    expect(defaultProceedOn(withIt, policy, cal)).toBe('2026-10-17');
  });

  it('does not apply to a buyer 21 or over: the wait stays 3 business days', () => {
    const adult = run(initiated(), submit(CONTACT), respond('delayed', CONTACT, true));
    expect(adult.furtherInvestigation).toBe(false);
    expect(defaultProceedOn(adult, policy, cal)).toBe('2026-10-07');
    // A notice after the Delayed is not an answer a check for an adult can take.
    expect(() => nextCheck(answered('delayed'), respond('delayed', '2026-10-02', true))).toThrow(
      CheckTransitionError,
    );
    // Even a record that says so (an older entry, an import) waits 3 days for an adult.
    expect(
      defaultProceedOn(
        { ...answered('delayed'), furtherInvestigation: true } satisfies Check,
        policy,
        cal,
      ),
    ).toBe('2026-10-07');
  });

  it('is a notice on a Delayed only: a cancellation flagged so is refused, not taken as a notice', () => {
    const young = answered('delayed', { buyerUnder21: true });
    expect(() => nextCheck(young, respond('cancelled', '2026-10-02', true))).toThrow(
      'A delayed check can only become proceed or denied, not cancelled.',
    );
  });
});

describe('what may expire (any open check → expired; a denial or a cancellation stays what it is)', () => {
  it.each(['denied', 'cancelled'] as const)('does not expire a %s check over its answer', (a) => {
    const c = answered(a);
    expect(() => nextCheck(c, { type: 'expire' })).toThrow(`This check is ${a}: it cannot expire.`);
    expect(gate(c, '2026-12-01')).toMatchObject({ allowed: false, reason: a });
  });

  it('does not expire a check twice', () => {
    const expired = nextCheck(answered('proceed'), { type: 'expire' });
    expect(() => nextCheck(expired, { type: 'expire' })).toThrow(
      'This check is expired: it cannot expire.',
    );
  });

  it.each<[string, () => Check]>([
    ['initiated', () => initiated()],
    ['pending', () => run(initiated(), submit(CONTACT))],
    ['delayed', () => answered('delayed')],
    ['proceed', () => answered('proceed')],
  ])('expires a %s check, keeping what it recorded', (_name, made) => {
    const c = made();
    expect(nextCheck(c, { type: 'expire' })).toEqual({ ...c, status: 'expired' });
  });
});

describe('responses in the order they came', () => {
  it('asks for the submission before any answer', () => {
    expect(() => nextCheck(initiated(), respond('proceed', CONTACT))).toThrow(
      'Submit the check before recording a response.',
    );
  });

  it('records a denial date only for a denial', () => {
    const c = run(initiated(), submit(CONTACT), respond('delayed', CONTACT));
    expect(c.deniedOn).toBeNull();
    expect(nextCheck(c, respond('proceed', '2026-10-05'))).toMatchObject({
      status: 'proceed',
      deniedOn: null,
    });
    expect(nextCheck(c, respond('denied', '2026-10-05')).deniedOn).toBe('2026-10-05');
  });

  it('keeps the latest date on the check when an answer is dated before an earlier one', () => {
    const c = run(initiated(), submit(CONTACT), respond('delayed', '2026-10-05'));
    const denied = nextCheck(c, respond('denied', '2026-10-03'));
    expect(denied).toMatchObject({
      status: 'denied',
      deniedOn: '2026-10-03',
      lastEventOn: '2026-10-05',
    });
  });
});

describe('a permit in place of a check: issued not more than 5 years earlier (27 CFR 478.102(d)(1))', () => {
  const permitted = (issuedOn: IsoDate, today: IsoDate) =>
    gate(null, today, { permit: { issuedOn } });

  it('stands in from the day it was issued, not before', () => {
    expect(permitted('2026-10-01', '2026-10-01')).toEqual({ allowed: true, basis: 'permit' });
    // A permit not yet issued on the transfer date cannot stand in for a check.
    expect(permitted('2026-10-02', '2026-10-01')).toMatchObject({
      allowed: false,
      reason: 'no_check',
    });
    expect(permitted('2027-01-01', '2026-10-01')).toMatchObject({ allowed: false });
  });

  it.each<[string, IsoDate, IsoDate, IsoDate]>([
    ['a fifth anniversary after one leap day', '2021-11-21', '2026-11-21', '2026-11-22'],
    ['a fifth anniversary after two leap days', '2023-03-01', '2028-03-01', '2028-03-02'],
    [
      'a permit issued on 29 February: through 28 February',
      '2024-02-29',
      '2029-02-28',
      '2029-03-01',
    ],
    ['a fifth anniversary on 29 February', '2023-02-28', '2028-02-28', '2028-02-29'],
  ])('stands in through its fifth anniversary: %s', (_name, issuedOn, lastDay, dayAfter) => {
    expect(permitted(issuedOn, lastDay)).toEqual({ allowed: true, basis: 'permit' });
    expect(permitted(issuedOn, addDays(lastDay, -1))).toEqual({ allowed: true, basis: 'permit' });
    expect(permitted(issuedOn, dayAfter)).toMatchObject({ allowed: false, reason: 'no_check' });
  });

  it('does not stand in when it does not qualify, however recent', () => {
    expect(
      gate(null, '2026-10-01', { permit: { issuedOn: '2026-09-01', qualifies: false } }),
    ).toMatchObject({ allowed: false, reason: 'no_check' });
  });
});

describe('the check is for one buyer and these items (27 CFR 478.102: a changed transaction needs a new check)', () => {
  it('is the same items in any order, on the check as on the transaction', () => {
    const c = answered('proceed', { items: ['23', '1'] });
    expect(
      gate(c, '2026-10-02', { transaction: { buyer: 'buyer-1', items: ['1', '23'] } }),
    ).toEqual({ allowed: true, basis: 'proceed' });
    expect(
      gate(c, '2026-10-02', { transaction: { buyer: 'buyer-1', items: ['23', '1'] } }),
    ).toEqual({ allowed: true, basis: 'proceed' });
  });

  it('tells items 1 and 23 from items 12 and 3', () => {
    const c = answered('proceed');
    expect(gate(c, '2026-10-02')).toEqual({ allowed: true, basis: 'proceed' });
    expect(
      gate(c, '2026-10-02', { transaction: { buyer: 'buyer-1', items: ['12', '3'] } }),
    ).toMatchObject({ allowed: false, reason: 'subject_changed' });
  });
});

describe('a default proceed and a supervisor override', () => {
  it('is a default proceed, not an override, where the state allows default proceeds', () => {
    const both: NicsPolicy = { ...policy, overrideAllowedStates: ['TX'] };
    const c = answered('delayed');
    expect(gate(c, '2026-10-06', { override: true, policy: both })).toMatchObject({
      allowed: false,
      reason: 'delayed_wait',
      mayProceedOn: '2026-10-07',
    });
    expect(gate(c, '2026-10-07', { override: true, policy: both })).toEqual({
      allowed: true,
      basis: 'default_proceed',
    });
  });
});

describe('a calendar that fails for another reason than a missing state year', () => {
  it('is not taken for a missing calendar, nor for a wait that is over', () => {
    const broken: NicsCalendar = {
      isBusinessDay: () => {
        throw new TypeError('holiday file unreadable');
      },
      nthBusinessDayAfter: () => {
        throw new TypeError('holiday file unreadable');
      },
      businessDaysBetween: () => {
        throw new TypeError('holiday file unreadable');
      },
    };
    expect(() => gate(answered('delayed'), '2026-10-20', { calendar: broken })).toThrow(
      new TypeError('holiday file unreadable'),
    );
  });
});

describe('what a refusal tells the clerk to do', () => {
  it.each<[string, () => ReturnType<typeof gate>, RegExp]>([
    ['cancelled', () => gate(answered('cancelled'), '2026-10-02'), /run a new check/],
    [
      'expired',
      () => gate(answered('proceed'), '2026-11-01'),
      /^The check expired after 2026-10-31: run a new check, recorded on the same 4473\.$/,
    ],
    ['no check', () => gate(null, '2026-10-02'), /background check .*qualifying permit/],
    [
      'subject changed',
      () =>
        gate(answered('proceed'), '2026-10-02', {
          transaction: { buyer: 'buyer-2', items: ['1'] },
        }),
      /changed since the check: run a new check/,
    ],
    [
      'waiting',
      () => gate(run(initiated(), submit(CONTACT)), '2026-10-02'),
      /no answer yet: record the response/,
    ],
  ])('%s', (_name, decide, message) => {
    const d = decide();
    expect(d.allowed).toBe(false);
    expect(d.allowed === false && d.message).toMatch(message);
  });
});
