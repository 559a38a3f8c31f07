// Which check rules are in force for the store's state, where each comes from, and which are
// assumptions: the shipped data with its sources, or the store's own recorded rule over it.
import { describe, expect, it } from 'vitest';
import { ipcTransport } from '../api/testing.ts';
import { OWNER, servicesForTest } from '../testing/fixtures.ts';
import { rulesInForce, type RuleInForce, type RuleName } from './rules-in-force.ts';
import type { RecordedStateRule } from './state-rules.ts';

const rule = <K extends RuleName>(r: { rules: RuleInForce[] }, name: K) => {
  const found = r.rules.find((x) => x.rule === name);
  if (!found) throw new Error(`no ${name} rule`);
  return found as Extract<RuleInForce, { rule: K }>;
};

const storeRule = (o: Partial<RecordedStateRule> = {}): RecordedStateRule => ({
  id: 7,
  state: 'NY',
  effective: '2026-12-07',
  noDefaultProceed: false,
  overrideAllowed: true,
  qualifyingPermits: ['Pistol license'],
  source: 'N.Y. Penal Law § 400.00, read by our counsel 2026-12-01',
  recordedBy: 'maria',
  recordedAt: Date.parse('2026-12-07T16:00:00Z'),
  ...o,
});

describe('the rules in force for a state', () => {
  it('lists every rule once, in order, with the policy version and the day it was checked', () => {
    const r = rulesInForce('TX', '2026-12-08');
    expect(r.rules.map((x) => x.rule)).toEqual([
      'route',
      'defaultProceed',
      'override',
      'qualifyingPermits',
      'form3310_12',
      'multipleSale',
    ]);
    expect(r).toMatchObject({ policyEffective: '2026-12-07', checkedOn: '2026-12-07' });
    expect(rulesInForce('TX', '2026-12-06').policyEffective).toBe('2026-01-01');
  });

  it('gives the route with the ATF Permanent Brady State Lists as its source', () => {
    const route = rule(rulesInForce('NY', '2026-12-08'), 'route');
    expect(route.value).toBe('full_poc');
    expect(route.assumption).toBe(false);
    expect(route.origin).toMatchObject({ kind: 'shipped', checkedOn: '2026-12-07' });
    if (route.origin.kind !== 'shipped') throw new Error('shipped');
    expect(route.origin.sources.map((s) => s.name)).toContain('ATF, Permanent Brady State Lists');
    expect(route.origin.sources[0]?.url).toMatch(/^https:\/\/www\.atf\.gov\//);
  });

  it('marks a default proceed in an FBI state an assumption: federal law allows it (18 U.S.C. 922(t)(1)(B)(ii)), the state law was not checked', () => {
    const proceed = rule(rulesInForce('TX', '2026-12-08'), 'defaultProceed');
    expect(proceed.value).toEqual({
      allowed: true,
      waitBusinessDays: 3,
      under21WaitBusinessDays: 10,
    });
    expect(proceed).toMatchObject({ assumption: true, why: 'state_law_not_checked' });
    if (proceed.origin.kind !== 'shipped') throw new Error('shipped');
    expect(proceed.origin.sources.map((s) => s.id)).toContain('usc-922t');
  });

  it('holds a delayed check in a point-of-contact state whose law is unchecked, as an assumption', () => {
    const proceed = rule(rulesInForce('NJ', '2026-12-08'), 'defaultProceed');
    expect(proceed.value.allowed).toBe(false);
    expect(proceed).toMatchObject({ assumption: true, why: 'poc_state_law' });
  });

  it('backs Washington’s hold with its statute, not an assumption (RCW 9.41.090(1)(b))', () => {
    const proceed = rule(rulesInForce('WA', '2026-12-08'), 'defaultProceed');
    expect(proceed).toMatchObject({ value: { allowed: false }, assumption: false, why: null });
    if (proceed.origin.kind !== 'shipped') throw new Error('shipped');
    expect(proceed.origin.sources.map((s) => s.id)).toEqual(['usc-922t', 'rcw-9.41.090']);
  });

  it('refuses overrides by default and says it is an assumption', () => {
    const override = rule(rulesInForce('NY', '2026-12-08'), 'override');
    expect(override).toMatchObject({
      value: false,
      assumption: true,
      why: 'no_source_allows_override',
    });
  });

  it('lists the permits from the dated ATF Brady permit chart, and marks a state whose entry was not read', () => {
    const iowa = rule(rulesInForce('IA', '2026-12-08'), 'qualifyingPermits');
    expect(iowa.value.map((p) => p.name)).toEqual(['Permit to acquire', 'Permit to carry weapons']);
    expect(iowa.assumption).toBe(false);
    if (iowa.origin.kind !== 'shipped') throw new Error('shipped');
    expect(iowa.origin.sources).toMatchObject([{ id: 'atf-permit-chart', asOf: '2023-08-10' }]);
    const texas = rule(rulesInForce('TX', '2026-12-08'), 'qualifyingPermits');
    expect(texas).toMatchObject({
      value: [],
      assumption: true,
      why: 'permit_chart_entry_not_read',
    });
  });

  it('applies 3310.12 to AZ, CA, NM and TX dealers only (ATF F 3310.12 demand letter) and the 3310.4 window everywhere (27 CFR 478.126a)', () => {
    expect(rule(rulesInForce('TX', '2026-12-08'), 'form3310_12').value).toBe(true);
    expect(rule(rulesInForce('NY', '2026-12-08'), 'form3310_12').value).toBe(false);
    const ms = rule(rulesInForce('NY', '2026-12-08'), 'multipleSale');
    expect(ms).toMatchObject({
      value: { businessDays: 5, types: ['pistol', 'revolver'] },
      assumption: false,
    });
  });

  it('reports the store’s recorded rule over the shipped one, with who recorded it, when and its source', () => {
    const r = rulesInForce('NY', '2026-12-08', { storeRule: storeRule() });
    expect(r.storeRuleId).toBe(7);
    const origin = {
      kind: 'store',
      ruleId: 7,
      recordedBy: 'maria',
      recordedAt: Date.parse('2026-12-07T16:00:00Z'),
      source: 'N.Y. Penal Law § 400.00, read by our counsel 2026-12-01',
      effective: '2026-12-07',
    };
    for (const name of ['defaultProceed', 'override', 'qualifyingPermits'] as const)
      expect(rule(r, name)).toMatchObject({ origin, assumption: false, why: null });
    expect(rule(r, 'defaultProceed').value.allowed).toBe(true);
    expect(rule(r, 'override').value).toBe(true);
    expect(rule(r, 'qualifyingPermits').value).toEqual([{ name: 'Pistol license', note: null }]);
    // The route is not the store's to change: it stays the shipped one.
    expect(rule(r, 'route').origin.kind).toBe('shipped');
  });

  it('ignores a store rule for another state or not yet in force', () => {
    for (const other of [storeRule({ state: 'NJ' }), storeRule({ effective: '2026-12-09' })]) {
      const r = rulesInForce('NY', '2026-12-08', { storeRule: other });
      expect(r.storeRuleId).toBeNull();
      expect(rule(r, 'override').origin.kind).toBe('shipped');
    }
  });
});

describe('checks.rulesInForce over the API', () => {
  it('returns the rules in force today for the store’s state, with the store’s rule, and says when no state is set', async () => {
    const s = await servicesForTest();
    const api = ipcTransport(s);
    try {
      s.clock.set(Date.parse('2026-12-08T15:00:00Z'));
      await s.auth.setupOwner(OWNER);
      const { token } = await s.auth.login(OWNER, 'test');
      const call = async () =>
        (await api.call({ path: 'checks.rulesInForce', type: 'query' }, undefined, token)).body;
      expect(await call()).toMatchObject({ result: { data: { state: null, inForce: null } } });

      s.profile.update('owner', { name: 'Empire Arms', state: 'NY' });
      const first = (await call()) as { result: { data: { inForce: { rules: RuleInForce[] } } } };
      expect(first.result.data).toMatchObject({ state: 'NY', today: '2026-12-08' });
      expect(rule(first.result.data.inForce, 'route').value).toBe('full_poc');
      expect(rule(first.result.data.inForce, 'override').assumption).toBe(true);

      s.stateRules.record('owner', {
        state: 'NY',
        effective: '2026-12-08',
        noDefaultProceed: true,
        overrideAllowed: true,
        qualifyingPermits: [],
        source: 'NYSP dealer guidance, 2026',
      });
      const second = (await call()) as typeof first;
      expect(rule(second.result.data.inForce, 'override')).toMatchObject({
        value: true,
        assumption: false,
        origin: { kind: 'store', recordedBy: 'owner', source: 'NYSP dealer guidance, 2026' },
      });
    } finally {
      await api.close();
    }
  });
});
