// The store's own check rules for its state: they replace the shipped values for that state
// from their effective date, are kept append-only, and the gate follows them (a permit that
// qualifies, a state with no default proceed, a supervisor's override).
import { describe, expect, it } from 'vitest';
import { servicesForTest } from '../testing/fixtures.ts';
import { GLOCK, LIPSEYS, thrown } from '../testing/firearms.ts';
import type { UsState } from '../integrations/model.ts';
import { policyOn } from './model.ts';
import { nicsPolicies } from './policy.ts';
import { withStateRules, type StateRule } from './state-rules.ts';

const shipped = policyOn(nicsPolicies, '2026-01-05');
const rule = (o: Partial<StateRule> = {}): StateRule => ({
  state: 'TX',
  effective: '2026-01-01',
  noDefaultProceed: false,
  overrideAllowed: false,
  qualifyingPermits: [],
  source: 'ATF Brady permit chart, 2026',
  ...o,
});

describe('the shipped policy with the store’s rules', () => {
  it('replaces the shipped values for the ruled state only', () => {
    const base = {
      ...shipped,
      noDefaultProceedStates: ['NJ', 'NY'] as UsState[],
      overrideAllowedStates: ['NJ'] as UsState[],
      qualifyingPermits: { NJ: ['Permit to Purchase'], TX: ['Old permit'] },
    };
    const p = withStateRules(base, [
      rule({ state: 'NJ', noDefaultProceed: false, overrideAllowed: false }),
      rule({ state: 'TX', noDefaultProceed: true, qualifyingPermits: ['License to Carry'] }),
    ]);
    expect(p.noDefaultProceedStates.toSorted()).toEqual(['NY', 'TX']);
    expect(p.overrideAllowedStates).toEqual([]);
    expect(p.qualifyingPermits).toEqual({ NJ: [], TX: ['License to Carry'] });
    expect(withStateRules(base, [])).toEqual(base);
  });
});

async function store(state: UsState) {
  const s = await servicesForTest();
  s.clock.set(Date.parse('2026-01-08T15:00:00Z')); // a Thursday
  s.profile.update('owner', { name: 'Main Street Outfitters', state });
  const [glock] = s.firearms.acquire('carlos', {
    receivedOn: '2026-01-08',
    source: LIPSEYS,
    firearms: [GLOCK],
  });
  const itemId = glock?.itemId ?? 0;
  const dispose = (checkId?: number) =>
    s.firearms.startDisposition('carlos', itemId, {
      kind: 'non_licensee',
      form4473: 'T-1',
      transfereeName: 'Pat Buyer',
      transfereeAddress: '1 Main St',
      buyerKey: 'buyer-1',
      ...(checkId ? { checkId } : {}),
    });
  return { s, itemId, dispose };
}

describe('the store’s state rules', () => {
  it('apply from their effective date, newest first, and are never changed or removed', async () => {
    const { s } = await store('TX');
    const r = s.stateRules;
    r.record('maria', rule({ effective: '2026-02-01', qualifyingPermits: ['License to Carry'] }));
    r.record('maria', rule({ effective: '2026-01-01', overrideAllowed: true }));
    expect(r.inForce('2025-12-31')).toEqual([]);
    expect(r.inForce('2026-01-15')).toMatchObject([{ overrideAllowed: true }]);
    expect(r.inForce('2026-02-01')).toMatchObject([
      { qualifyingPermits: ['License to Carry'], overrideAllowed: false },
    ]);
    expect(r.history('TX').map((h) => h.effective)).toEqual(['2026-02-01', '2026-01-01']);
    expect(s.audit.query({ action: 'checks.state_rule' }).entries).toHaveLength(2);
    const db = s.store.db;
    expect(() => db.prepare('UPDATE check_state_rules SET override_allowed = 0').run()).toThrow(
      /never changed/,
    );
    expect(() => db.prepare('DELETE FROM check_state_rules').run()).toThrow(/never removed/);
  });

  it('refuses a rule without a source or with a permit type twice', async () => {
    const { s } = await store('TX');
    expect(() => s.stateRules.record('maria', rule({ source: '' }))).toThrow(/where the rule/);
    expect(() => s.stateRules.record('maria', rule({ qualifyingPermits: ['LTC', 'ltc'] }))).toThrow(
      /listed twice/,
    );
  });

  it('let a permit the store recorded as qualifying stand in for the check', async () => {
    const { s, dispose } = await store('TX');
    const permit = {
      form4473: 'T-1',
      buyerKey: 'buyer-1',
      permitType: 'license to carry',
      permitNumber: 'LTC-1',
      issuedOn: '2025-06-01',
    };
    expect(s.compliance.recordPermit('carlos', permit).qualifies).toBe(false);
    s.stateRules.record('maria', rule({ qualifyingPermits: ['License to Carry'] }));
    expect(s.compliance.recordPermit('carlos', permit).qualifies).toBe(true);
    const d = dispose();
    expect(s.firearms.commitDisposition('carlos', d.id)).toMatchObject({ state: 'committed' });
  });

  it('hold a delayed check past the federal wait where the state forbids default proceed, until a supervisor overrides', async () => {
    const { s, dispose } = await store('NJ');
    s.stateRules.record(
      'maria',
      rule({ state: 'NJ', noDefaultProceed: true, overrideAllowed: true }),
    );
    const check = s.checks.start('carlos', {
      form4473: 'T-1',
      buyerKey: 'buyer-1',
      itemIds: [1],
      itemTypes: ['pistol'],
      state: 'NJ',
      buyerUnder21: false,
    });
    s.checks.record('carlos', check.id, { kind: 'submit', on: '2026-01-08' });
    s.checks.record('carlos', check.id, { kind: 'delayed', on: '2026-01-08' });
    expect(s.checks.get(check.id).mayProceedOn).toBeNull();
    const d = dispose(check.id);
    s.clock.set(Date.parse('2026-01-20T15:00:00Z'));
    expect(thrown(() => s.firearms.commitDisposition('carlos', d.id)).reason).toMatch(/^check_/);
    s.checks.override('maria', check.id, 'Called the state; the buyer is cleared.');
    expect(s.firearms.commitDisposition('carlos', d.id)).toMatchObject({ state: 'committed' });
  });
});
