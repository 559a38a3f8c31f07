// A supervisor's override of a state hold on a delayed check: refused wherever the rule data
// does not allow one (the shipped data allows none), and in the pure gate only for a delayed
// check, only after the federal wait, only where the state allows it. And the check desk's list.
import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.ts';
import { servicesForTest } from '../testing/fixtures.ts';
import { thrown } from '../testing/firearms.ts';
import type { IsoDate } from './calendar.ts';
import { policyOn, type Check, type CheckSubject, type NicsPolicy } from './model.ts';
import { federalCalendar, nicsPolicies } from './policy.ts';
import { nextCheck, transferDecision } from './rules.ts';

const shipped = policyOn(nicsPolicies, '2026-01-05');
/** A state with no default proceed whose policy lets a supervisor override (NJ here). */
const overridable: NicsPolicy = {
  ...shipped,
  noDefaultProceedStates: ['NJ', 'NY'],
  overrideAllowedStates: ['NJ'],
};
const SUBJECT: CheckSubject = { buyer: 'buyer-1', items: ['1', '2'] };

const initiated = (o: Partial<Check> = {}): Check => ({
  ...SUBJECT,
  status: 'initiated',
  state: 'NJ',
  route: 'full_poc',
  buyerUnder21: false,
  contactDate: null,
  delayedOn: null,
  furtherInvestigation: false,
  lastEventOn: null,
  deniedOn: null,
  overturned: null,
  ...o,
});

/** Submitted and delayed on Thursday 2026-01-08: the federal wait ends with Tuesday the 13th. */
const CONTACT = '2026-01-08';
const delayed = (o: Partial<Check> = {}, furtherInvestigation = false) =>
  nextCheck(nextCheck(initiated(o), { type: 'submit', on: CONTACT }), {
    type: 'respond',
    answer: 'delayed',
    on: CONTACT,
    furtherInvestigation,
  });

const decide = (
  check: Check,
  today: IsoDate,
  o: { override?: boolean; policy?: NicsPolicy; transaction?: CheckSubject } = {},
) =>
  transferDecision({
    check,
    override: o.override ?? true,
    transaction: o.transaction ?? SUBJECT,
    today,
    policy: o.policy ?? overridable,
    calendar: federalCalendar,
  });

describe('the gate with a supervisor’s override', () => {
  it('lets a delayed check in a state that allows it through once the federal wait is over', () => {
    expect(decide(delayed(), '2026-01-14')).toEqual({ allowed: true, basis: 'override' });
    // Up to the check's last valid day (30 days from the day after contact).
    expect(decide(delayed(), '2026-02-07')).toEqual({ allowed: true, basis: 'override' });
  });

  it('does not shorten the federal wait', () => {
    for (const today of ['2026-01-08', '2026-01-12', '2026-01-13'])
      expect(decide(delayed(), today)).toMatchObject({
        allowed: false,
        reason: 'no_default_proceed',
      });
    // Under 21 under further investigation, the wait is ten business days (MLK Day skipped).
    const young = delayed({ buyerUnder21: true }, true);
    expect(decide(young, '2026-01-14')).toMatchObject({ allowed: false });
    expect(decide(young, '2026-01-23')).toMatchObject({ allowed: false });
    expect(decide(young, '2026-01-24')).toEqual({ allowed: true, basis: 'override' });
  });

  it('is nothing without the override recorded, or in a state whose policy does not allow one', () => {
    expect(decide(delayed(), '2026-01-20', { override: false })).toMatchObject({
      allowed: false,
      reason: 'no_default_proceed',
      message:
        'NJ does not allow a delayed transfer to proceed by default: wait for the final answer.',
    });
    expect(decide(delayed({ state: 'NY' }), '2026-01-20')).toMatchObject({
      allowed: false,
      reason: 'no_default_proceed',
    });
    expect(decide(delayed(), '2026-01-20', { policy: shipped })).toMatchObject({
      allowed: true,
      basis: 'default_proceed',
    });
  });

  it('never lets a denied, cancelled, expired or changed check through', () => {
    const answered = (answer: 'denied' | 'cancelled') =>
      nextCheck(nextCheck(initiated(), { type: 'submit', on: CONTACT }), {
        type: 'respond',
        answer,
        on: CONTACT,
      });
    expect(decide(answered('denied'), '2026-01-20')).toMatchObject({ reason: 'denied' });
    expect(
      decide(
        nextCheck(delayed(), { type: 'respond', answer: 'denied', on: '2026-01-12' }),
        '2026-01-20',
      ),
    ).toMatchObject({ allowed: false, reason: 'denied' });
    expect(decide(answered('cancelled'), '2026-01-20')).toMatchObject({ reason: 'cancelled' });
    expect(decide(nextCheck(delayed(), { type: 'expire' }), '2026-01-20')).toMatchObject({
      allowed: false,
      reason: 'expired',
    });
    // Past the last valid day.
    expect(decide(delayed(), '2026-02-08')).toMatchObject({ allowed: false, reason: 'expired' });
    for (const transaction of [
      { buyer: 'buyer-2', items: SUBJECT.items },
      { buyer: SUBJECT.buyer, items: ['1', '2', '3'] },
    ])
      expect(decide(delayed(), '2026-01-20', { transaction })).toMatchObject({
        allowed: false,
        reason: 'subject_changed',
      });
  });

  it('only applies to a delayed check: one with no answer yet still waits', () => {
    const pending = nextCheck(initiated(), { type: 'submit', on: CONTACT });
    expect(decide(pending, '2026-01-20')).toMatchObject({ allowed: false, reason: 'waiting' });
    expect(decide(initiated(), '2026-01-20')).toMatchObject({ allowed: false, reason: 'waiting' });
    // A proceed goes through on its own, not as an override.
    const proceed = nextCheck(pending, { type: 'respond', answer: 'proceed', on: CONTACT });
    expect(decide(proceed, '2026-01-08')).toEqual({ allowed: true, basis: 'proceed' });
  });

  it('does not cut the wait where the state allows a default proceed', () => {
    const tx = delayed({ state: 'TX', route: 'federal_nics' });
    expect(decide(tx, '2026-01-13')).toMatchObject({
      allowed: false,
      reason: 'delayed_wait',
      mayProceedOn: '2026-01-14',
    });
    expect(decide(tx, '2026-01-14')).toEqual({ allowed: true, basis: 'default_proceed' });
  });
});

describe('the check desk', () => {
  async function desk() {
    const s = await servicesForTest();
    s.clock.set(Date.parse(`${CONTACT}T15:00:00Z`));
    const start = (form4473: string, state: Check['state'] = 'NJ') =>
      s.checks.start('carlos', {
        form4473,
        buyerKey: `buyer-${form4473}`,
        itemIds: [1],
        itemTypes: ['pistol'],
        state,
        buyerUnder21: false,
      });
    const answer = (id: number, kind: 'proceed' | 'delayed' | 'denied' | 'cancelled') => {
      s.checks.record('carlos', id, { kind: 'submit', on: CONTACT });
      return s.checks.record('carlos', id, { kind, on: CONTACT });
    };
    return { s, start, answer };
  }

  it('refuses a supervisor override where the shipped rule data allows none, recording nothing', async () => {
    const { s, start, answer } = await desk();
    for (const state of ['NJ', 'TX'] as const) {
      const c = start(`T-${state}`, state);
      answer(c.id, 'delayed');
      let error: unknown;
      try {
        s.checks.override('maria', c.id, 'Called the state; the buyer is cleared.');
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({
        kind: 'forbidden',
        reason: 'override_not_allowed',
        message: `${state}'s policy does not allow a supervisor override: wait for the final answer.`,
      });
      expect(s.checks.get(c.id)).toMatchObject({ status: 'delayed', overriddenBy: null });
      expect(s.checks.get(c.id).responses.map((r) => r.kind)).toEqual(['submit', 'delayed']);
    }
    expect(s.audit.query({ action: 'check.override' }).entries).toEqual([]);
  });

  it('lists checks newest first; open only leaves out the denied, cancelled and expired', async () => {
    const { s, start, answer } = await desk();
    const proceed = start('T-1');
    answer(proceed.id, 'proceed');
    const denied = start('T-2');
    answer(denied.id, 'denied');
    const cancelled = start('T-3');
    answer(cancelled.id, 'cancelled');
    const expired = start('T-4');
    answer(expired.id, 'delayed');
    s.checks.record('carlos', expired.id, { kind: 'expire' });
    const delayedCheck = start('T-5');
    answer(delayedCheck.id, 'delayed');
    const fresh = start('T-6');
    const ids = (o: { limit: number; openOnly: boolean }) => s.checks.list(o).map((c) => c.id);
    expect(ids({ limit: 50, openOnly: false })).toEqual(
      [fresh, delayedCheck, expired, cancelled, denied, proceed].map((c) => c.id),
    );
    expect(ids({ limit: 50, openOnly: true })).toEqual(
      [fresh, delayedCheck, proceed].map((c) => c.id),
    );
    expect(ids({ limit: 2, openOnly: true })).toEqual([fresh, delayedCheck].map((c) => c.id));
    expect(ids({ limit: 2, openOnly: false })).toEqual([fresh, delayedCheck].map((c) => c.id));
    expect(s.checks.list({ limit: 50, openOnly: true })[1]).toMatchObject({
      status: 'delayed',
      mayProceedOn: '2026-01-14',
      lastValidDay: '2026-02-07',
    });
  });

  it('keeps an older open check on the desk however many closed checks came after it', async () => {
    const { s, start, answer } = await desk();
    const waiting = start('T-1');
    answer(waiting.id, 'delayed');
    for (const form of ['T-2', 'T-3', 'T-4', 'T-5', 'T-6']) answer(start(form).id, 'denied');
    expect(s.checks.list({ limit: 1, openOnly: true }).map((c) => c.id)).toEqual([waiting.id]);
  });
});

describe('a denial overturned after an appeal (18 U.S.C. 922(d); 28 CFR 25.10)', () => {
  async function deniedCheck() {
    const s = await servicesForTest();
    s.clock.set(Date.parse(`${CONTACT}T15:00:00Z`));
    const c = s.checks.start('carlos', {
      form4473: 'T-1',
      buyerKey: 'buyer-1',
      itemIds: [1],
      itemTypes: ['pistol'],
      state: 'TX',
      buyerUnder21: false,
    });
    s.checks.record('carlos', c.id, { kind: 'submit', on: CONTACT });
    s.checks.record('carlos', c.id, { kind: 'denied', on: CONTACT, ntn: '100DEN' });
    return { s, c };
  }

  it('is recorded with its date, reference and who recorded it, and audited', async () => {
    const { s, c } = await deniedCheck();
    s.clock.set(Date.parse('2026-01-20T15:00:00Z'));
    const after = s.checks.record('maria', c.id, {
      kind: 'overturned',
      on: '2026-01-20',
      reference: ' APPEAL-77 ',
    });
    expect(after).toMatchObject({
      status: 'proceed',
      deniedOn: CONTACT,
      overturned: { on: '2026-01-20', reference: 'APPEAL-77' },
      ntn: '100DEN',
    });
    expect(after.responses.at(-1)).toMatchObject({
      kind: 'overturned',
      on: '2026-01-20',
      reference: 'APPEAL-77',
      recordedBy: 'maria',
    });
    expect(s.audit.query({ action: 'check.overturned' }).entries).toMatchObject([
      {
        actor: 'maria',
        entity: 'check',
        entityId: String(c.id),
        externalRef: 'APPEAL-77',
        outcome: 'success',
      },
    ]);
    // Back on the desk's open list, and the hand-over may go ahead within the 30 days.
    expect(s.checks.list({ limit: 10, openOnly: true }).map((x) => x.id)).toEqual([c.id]);
    expect(s.checks.handOverDecision(s.checks.get(c.id))).toEqual({
      allowed: true,
      basis: 'denial_overturned',
    });
  });

  it('is refused on a check that is not denied, and without a reference, recording nothing', async () => {
    const { s, c } = await deniedCheck();
    expect(
      thrown(() =>
        s.checks.record('maria', c.id, { kind: 'overturned', on: CONTACT, reference: '' }),
      ),
    ).toMatchObject({ kind: 'conflict', reason: 'check_transition' });
    s.checks.record('maria', c.id, { kind: 'overturned', on: CONTACT, reference: 'A-1' });
    expect(
      thrown(() =>
        s.checks.record('maria', c.id, { kind: 'overturned', on: CONTACT, reference: 'A-2' }),
      ),
    ).toMatchObject({ kind: 'conflict', reason: 'check_transition' });
    expect(s.checks.get(c.id).responses.map((r) => r.kind)).toEqual([
      'submit',
      'denied',
      'overturned',
    ]);
    expect(s.audit.query({ action: 'check.overturned' }).entries).toHaveLength(1);
  });

  it('is the only way past a denial: a new check on the same 4473 is refused while the denial stands', async () => {
    const { s, c } = await deniedCheck();
    const again = () =>
      s.checks.start('carlos', {
        form4473: 'T-1',
        buyerKey: 'buyer-1',
        itemIds: [1],
        itemTypes: ['pistol'],
        state: 'TX',
        buyerUnder21: false,
      });
    expect(thrown(again)).toMatchObject({
      kind: 'conflict',
      reason: 'denial_stands',
      message: `Check ${c.id} on 4473 T-1 was denied on ${CONTACT}: a new check cannot clear a denial. If NICS or the state overturned it after an appeal, record "Denial overturned" on check ${c.id}.`,
    });
    expect(s.checks.handOverDecision(s.checks.get(c.id))).toMatchObject({
      allowed: false,
      reason: 'denied',
    });
    s.checks.record('maria', c.id, { kind: 'overturned', on: CONTACT, reference: 'A-1' });
    expect(again().form4473).toBe('T-1');
  });
});
