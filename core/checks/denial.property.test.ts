// A denial is final (18 U.S.C. 922(d): no transfer to a person the licensee knows or has
// reasonable cause to believe is prohibited; ATF: a licensee who receives a denied response at
// any time before the transfer may not transfer). A permit exempts from running a check
// (27 CFR 478.102(d)(1)), never from a denial received; a supervisor override is for a state
// hold on a delayed check. Only a denial overturned by NICS or the state lifts it.
// For any sequence of check events, permits and overrides: once a denial is recorded and not
// overturned, no hand-over commits. First over the pure rules, then through the real services.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { servicesForTest } from '../testing/fixtures.ts';
import { GLOCK, LIPSEYS, thrown } from '../testing/firearms.ts';
import { DomainError } from '../errors.ts';
import { addDays, type IsoDate } from './calendar.ts';
import { policyOn, type Check, type CheckSubject, type NicsPolicy } from './model.ts';
import { federalCalendar, nicsPolicies } from './policy.ts';
import {
  checkDateProblem,
  CheckTransitionError,
  lastValidDay,
  nextCheck,
  transferDecision,
  type CheckEvent,
} from './rules.ts';

const shipped = policyOn(nicsPolicies, '2026-01-05');
const SUBJECT: CheckSubject = { buyer: 'buyer-1', items: ['1'] };

/** What a clerk (or NICS) can do next, with dates relative to the store's today. */
const step = fc.oneof(
  fc.record({ kind: fc.constant('submit' as const), back: fc.integer({ min: 0, max: 3 }) }),
  fc.record({
    kind: fc.constant('respond' as const),
    answer: fc.constantFrom('proceed', 'delayed', 'denied', 'cancelled'),
    further: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('overturn' as const), reference: fc.constantFrom('A-1', ' ') }),
  fc.constant({ kind: 'expire' as const }),
  fc.record({ kind: fc.constant('wait' as const), days: fc.integer({ min: 0, max: 9 }) }),
  fc.record({
    kind: fc.constant('permit' as const),
    ageDays: fc.integer({ min: -10, max: 2_200 }),
    qualifies: fc.boolean(),
  }),
  fc.constant({ kind: 'override' as const }),
);

describe('once a denial is recorded, no hand-over: the pure rules', () => {
  it('refuses every transfer after a denial until NICS or the state overturns it, for any events, permits and overrides', () => {
    fc.assert(
      fc.property(
        fc.record({
          start: fc.integer({ min: 0, max: 900 }).map((n) => addDays('2025-01-01', n)),
          under21: fc.boolean(),
          noDefaultProceed: fc.boolean(),
          overrideAllowed: fc.boolean(),
          steps: fc.array(step, { maxLength: 30 }),
        }),
        ({ start, under21, noDefaultProceed, overrideAllowed, steps }) => {
          const policy: NicsPolicy = {
            ...shipped,
            noDefaultProceedStates: noDefaultProceed ? ['TX'] : [],
            overrideAllowedStates: overrideAllowed ? ['TX'] : [],
          };
          let c: Check = {
            ...SUBJECT,
            status: 'initiated',
            state: 'TX',
            route: 'federal_nics',
            buyerUnder21: under21,
            contactDate: null,
            delayedOn: null,
            furtherInvestigation: false,
            lastEventOn: null,
            deniedOn: null,
            overturned: null,
          };
          let today: IsoDate = start;
          let permit: { state: 'TX'; issuedOn: IsoDate; qualifies: boolean } | null = null;
          let override = false;
          // The model: a denial recorded and not overturned, tracked from what was accepted.
          let denialStands = false;
          for (const a of steps) {
            if (a.kind === 'wait') today = addDays(today, a.days);
            else if (a.kind === 'permit')
              permit = {
                state: 'TX',
                issuedOn: addDays(today, -a.ageDays),
                qualifies: a.qualifies,
              };
            else if (a.kind === 'override') override = c.status === 'delayed' || override;
            else {
              const e: CheckEvent =
                a.kind === 'submit'
                  ? { type: 'submit', on: addDays(today, -a.back) }
                  : a.kind === 'expire'
                    ? { type: 'expire' }
                    : a.kind === 'overturn'
                      ? { type: 'overturned', on: today, reference: a.reference }
                      : {
                          type: 'respond',
                          answer: a.answer,
                          on: today,
                          furtherInvestigation: a.further,
                        };
              try {
                const next = nextCheck(c, e);
                // The desk refuses these dates too (the 4473 was started on `start`).
                if (!checkDateProblem(c, e, { today, form4473StartedOn: start })) {
                  c = next;
                  if (e.type === 'respond' && e.answer === 'denied') denialStands = true;
                  if (e.type === 'overturned') denialStands = false;
                }
              } catch (error) {
                if (!(error instanceof CheckTransitionError)) throw error;
              }
            }
            const d = transferDecision({
              check: c,
              permit,
              override,
              transaction: SUBJECT,
              today,
              policy,
              calendar: federalCalendar,
            });
            if (denialStands) expect(d).toMatchObject({ allowed: false, reason: 'denied' });
            if (d.allowed && c.overturned) {
              // After an overturn: only within the check's 30 days (permit or not).
              expect(['denial_overturned', 'permit']).toContain(d.basis);
              expect(today <= (lastValidDay(c, policy) ?? '')).toBe(true);
            }
          }
        },
      ),
      { numRuns: 3_000 },
    );
  });
});

describe('Denied, then a qualifying permit recorded for the same 4473 and buyer (18 U.S.C. 922(d))', () => {
  async function deniedWithPermit() {
    const s = await servicesForTest();
    s.clock.set(Date.parse('2026-01-08T17:00:00Z'));
    s.profile.update('owner', { name: 'Main Street Outfitters', state: 'TX' });
    s.stateRules.record('maria', {
      state: 'TX',
      effective: '2026-01-01',
      noDefaultProceed: false,
      overrideAllowed: false,
      qualifyingPermits: ['License to Carry'],
      source: 'Test data: a Texas permit that stands in for a check',
    });
    const [a, b] = s.firearms.acquire('carlos', {
      receivedOn: '2026-01-08',
      source: LIPSEYS,
      firearms: [GLOCK, { ...GLOCK, serial: 'ABC124' }],
    });
    const check = s.checks.start('carlos', {
      form4473: 'T-9',
      buyerKey: 'buyer-9',
      itemIds: [a?.itemId ?? 0],
      itemTypes: ['pistol'],
      state: 'TX',
      buyerUnder21: false,
    });
    s.checks.record('carlos', check.id, { kind: 'submit', on: '2026-01-08' });
    s.firearms.transfer('carlos', check.id, {
      transfereeName: 'Pat Buyer',
      transfereeAddress: '1 Main St, Austin TX',
    });
    s.checks.record('carlos', check.id, { kind: 'denied', on: '2026-01-08', ntn: '100DEN' });
    const permit = s.compliance.recordPermit('carlos', {
      form4473: 'T-9',
      buyerKey: 'buyer-9',
      permitType: 'License to Carry',
      permitNumber: 'LTC-9',
      issuedOn: '2025-06-01',
    });
    expect(permit.qualifies).toBe(true);
    return { s, check, other: b?.itemId ?? 0 };
  }

  it('refuses the hand-over on the denied check, with the reason', async () => {
    const { s, check } = await deniedWithPermit();
    // The denied check stays on the desk while a firearm is reserved on its 4473, refusing.
    expect(s.checks.list({ limit: 10, openOnly: true }).map((c) => c.id)).toEqual([check.id]);
    expect(s.checks.handOverDecision(s.checks.get(check.id))).toMatchObject({
      allowed: false,
      reason: 'denied',
      params: { deniedOn: '2026-01-08' },
    });
    expect(thrown(() => s.firearms.handOver('carlos', 'T-9'))).toMatchObject({
      kind: 'forbidden',
      reason: 'check_denied',
      message: expect.stringContaining('The check was denied: do not transfer.') as string,
    });
  });

  it('refuses a hand-over on the same 4473 that rests on the permit alone', async () => {
    const { s, other } = await deniedWithPermit();
    // A second firearm reserved on the 4473 with no check, on the strength of the permit.
    const d = s.firearms.startDisposition('carlos', other, {
      kind: 'non_licensee',
      form4473: 'T-9',
      buyerKey: 'buyer-9',
      transfereeName: 'Pat Buyer',
      transfereeAddress: '1 Main St, Austin TX',
    });
    expect(thrown(() => s.firearms.commitDisposition('carlos', d.id))).toMatchObject({
      reason: 'check_denied',
    });
  });
});

describe('once a denial is recorded, no hand-over: through the check desk and the bound book', () => {
  it('never commits a hand-over while a denial stands, for any answers, permits, overrides and new checks', async () => {
    const s = await servicesForTest();
    s.clock.set(Date.parse('2026-01-05T17:00:00Z'));
    s.profile.update('owner', { name: 'Main Street Outfitters', state: 'TX' });
    // A permit that qualifies, and a supervisor override allowed, so both are really on offer.
    s.stateRules.record('maria', {
      state: 'TX',
      effective: '2026-01-01',
      noDefaultProceed: true,
      overrideAllowed: true,
      qualifyingPermits: ['License to Carry'],
      source: 'Test data: the rules that offer the most ways past a check',
    });
    let run = 0;
    const DAY = 86_400_000;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 14 }), async (steps) => {
        run++;
        const form4473 = `P-${run}`;
        const buyerKey = `buyer-${run}`;
        const [firearm] = s.firearms.acquire('carlos', {
          receivedOn: s.checks.today(),
          source: LIPSEYS,
          firearms: [{ ...GLOCK, serial: `DENY-${run}` }],
        });
        const itemId = firearm?.itemId ?? 0;
        const check = s.checks.start('carlos', {
          form4473,
          buyerKey,
          itemIds: [itemId],
          itemTypes: ['pistol'],
          state: 'TX',
          buyerUnder21: false,
        });
        s.firearms.transfer('carlos', check.id, {
          transfereeName: 'Pat Buyer',
          transfereeAddress: '1 Main St, Austin TX',
        });
        let denialStands = false;
        let committed = false;
        const attempt = (what: () => unknown) => {
          try {
            what();
          } catch (error) {
            if (!(error instanceof DomainError)) throw error;
          }
        };
        for (const a of steps) {
          const today = s.checks.today();
          if (a.kind === 'wait') s.clock.advance(a.days * DAY);
          else if (a.kind === 'permit')
            attempt(() =>
              s.compliance.recordPermit('carlos', {
                form4473,
                buyerKey,
                permitType: a.qualifies ? 'License to Carry' : 'Hunting license',
                permitNumber: `LTC-${run}`,
                issuedOn: addDays(today, -Math.max(a.ageDays, 0)),
              }),
            );
          else if (a.kind === 'override')
            attempt(() => s.checks.override('maria', check.id, 'Called the state; cleared.'));
          else if (a.kind === 'submit')
            attempt(() =>
              s.checks.record('carlos', check.id, { kind: 'submit', on: addDays(today, -a.back) }),
            );
          else if (a.kind === 'expire')
            attempt(() => s.checks.record('carlos', check.id, { kind: 'expire' }));
          else if (a.kind === 'overturn')
            attempt(() => {
              s.checks.record('maria', check.id, {
                kind: 'overturned',
                on: today,
                reference: a.reference,
              });
              denialStands = false;
            });
          else
            attempt(() => {
              s.checks.record('carlos', check.id, {
                kind: a.answer,
                on: today,
                ...(a.answer === 'delayed' ? { furtherInvestigation: a.further } : {}),
              });
              if (a.answer === 'denied') denialStands = true;
            });
          if (denialStands) {
            // A new check on the same 4473 cannot clear the denial either.
            expect(
              thrown(() =>
                s.checks.start('carlos', {
                  form4473,
                  buyerKey,
                  itemIds: [itemId],
                  itemTypes: ['pistol'],
                  state: 'TX',
                  buyerUnder21: false,
                }),
              ),
            ).toMatchObject({ reason: 'denial_stands' });
            if (!committed)
              expect(thrown(() => s.firearms.handOver('carlos', form4473))).toMatchObject({
                kind: 'forbidden',
                reason: 'check_denied',
              });
          } else if (!committed) {
            try {
              s.firearms.handOver('carlos', form4473);
              committed = true;
            } catch (error) {
              if (!(error instanceof DomainError)) throw error;
            }
          }
        }
        // Nothing left the store but the hand-over the gate allowed (never one under a denial).
        const history = s.firearms.history(itemId);
        expect(history.dispositions.filter((d) => d.state === 'committed')).toHaveLength(
          committed ? 1 : 0,
        );
        // The next run starts on a later day.
        s.clock.advance(DAY);
      }),
      {
        numRuns: 25,
        // Always among the runs: Denied, then a qualifying permit, an override and a wait.
        examples: [
          [
            [
              { kind: 'submit', back: 0 },
              { kind: 'respond', answer: 'denied', further: false },
              { kind: 'permit', ageDays: 365, qualifies: true },
              { kind: 'override' },
              { kind: 'wait', days: 7 },
              { kind: 'respond', answer: 'proceed', further: false },
            ],
          ],
        ],
      },
    );
  });
});
