// The store's own check rules for its state: they replace the shipped values for that state
// from their effective date, are kept append-only, and the gate follows them (a permit that
// qualifies, a state with no default proceed, a supervisor's override).
import { describe, expect, it } from 'vitest';
import policyData from '../../resources/firearms/nics-policy.json' with { type: 'json' };
import { servicesForTest } from '../testing/fixtures.ts';
import { GLOCK, LIPSEYS, thrown } from '../testing/firearms.ts';
import { US_STATES, type UsState } from '../integrations/model.ts';
import { nicsPolicySchema, policyOn } from './model.ts';
import { nicsPolicies } from './policy.ts';
import { routeFor } from './rules.ts';
import { withStateRules, type StateRule } from './state-rules.ts';

const shipped = policyOn(nicsPolicies, '2026-01-05');
/** The version that brought the point-of-contact map up to date (ATF Permanent Brady State Lists, reviewed 2025-03-14). */
const CURRENT = '2026-12-07';
const before = policyOn(nicsPolicies, '2026-12-06');
const current = policyOn(nicsPolicies, CURRENT);
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

describe('the shipped point-of-contact map (28 CFR 25.2 "POC"; ATF Permanent Brady State Lists; FBI NICS POC list)', () => {
  it('routes New York and Washington to the state for every firearm from 2026-12-07, and not before', () => {
    // N.Y. Exec. Law § 228: the State Police are the point of contact for all firearm checks.
    // RCW 43.43.580: the Washington State Patrol is the single point of contact.
    expect(current.effective).toBe(CURRENT);
    expect(before.effective).toBe('2026-01-01');
    for (const st of ['NY', 'WA'] as const) {
      expect(routeFor(current, st, ['rifle'])).toBe('full_poc');
      expect(routeFor(current, st, ['pistol'])).toBe('full_poc');
    }
    expect(routeFor(before, 'NY', ['pistol'])).toBe('federal_nics');
    expect(routeFor(before, 'WA', ['rifle'])).toBe('federal_nics');
    expect(routeFor(before, 'WA', ['pistol'])).toBe('partial_poc');
  });

  it('no longer treats North Carolina as a handgun-permit state from 2026-12-07 (S.B. 41, 2023, repealed pistol purchase permits)', () => {
    expect(current.routes.partialPocPermits).not.toContain('NC');
    expect(routeFor(current, 'NC', ['pistol'])).toBe('federal_nics');
    expect(current.qualifyingPermits.NC ?? []).toEqual([]);
    // The old version stays as it was, for checks started under it.
    expect(before.routes.partialPocPermits).toContain('NC');
    expect(routeFor(before, 'NC', ['pistol'])).toBe('partial_poc');
  });

  it('keeps the version effective 2026-01-01 exactly as it was first shipped (provenance added, no rule changed)', () => {
    expect(before.routes).toEqual({
      fullPoc: ['CA', 'CO', 'CT', 'FL', 'HI', 'IL', 'NV', 'NJ', 'OR', 'PA', 'TN', 'UT', 'VA'],
      partialPocHandguns: ['MD', 'NH', 'WA', 'WI'],
      partialPocPermits: ['IA', 'NE', 'NC'],
    });
    expect(before.noDefaultProceedStates).toEqual([]);
    expect(before.overrideAllowedStates).toEqual([]);
    expect(before.qualifyingPermits).toEqual({});
    expect(before.sources.map((x) => x.id)).toContain('fbi-poc-map');
  });

  it('keeps the route a check was started with: a check opened before 2026-12-07 stays on the old route', async () => {
    const s = await servicesForTest();
    s.profile.update('owner', { name: 'Empire Arms', state: 'NY' });
    const open = (form4473: string) =>
      s.checks.start('carlos', {
        form4473,
        buyerKey: `buyer-${form4473}`,
        itemIds: [1],
        itemTypes: ['pistol'],
        state: 'NY',
        buyerUnder21: false,
      });
    s.clock.set(Date.parse('2026-12-04T15:00:00Z'));
    const old = open('T-OLD');
    s.clock.set(Date.parse('2026-12-08T15:00:00Z'));
    const fresh = open('T-NEW');
    expect(s.checks.get(old.id).route).toBe('federal_nics');
    expect(fresh.route).toBe('full_poc');
  });

  it('records every state and DC with its route, the sources behind it and the day it was checked', () => {
    for (const v of nicsPolicies) {
      expect(Object.keys(v.states).toSorted()).toEqual([...US_STATES].toSorted());
      expect(v.checkedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      const ids = new Set(v.sources.map((x) => x.id));
      for (const st of US_STATES) {
        const { route, permits } = v.states[st];
        for (const b of [route, permits]) {
          if (b.assumption) expect(b.why, st).toBeTruthy();
          else expect(b.sources.length, st).toBeGreaterThan(0);
          for (const id of b.sources) expect(ids.has(id), `${st}: ${id}`).toBe(true);
        }
      }
    }
    expect(current.sources.find((x) => x.id === 'atf-state-lists')?.asOf).toBe('2025-03-14');
    expect(current.states.NY.route.sources).toContain('atf-state-lists');
  });

  it('lets a permit stand in for a check only where the dated ATF Brady permit chart lists it (18 U.S.C. 922(t)(3))', () => {
    const chart = current.sources.find((x) => x.id === 'atf-permit-chart');
    expect(chart?.asOf).toBe('2023-08-10');
    for (const st of US_STATES) {
      const p = current.states[st].permits;
      if (p.value.length > 0) expect(p.sources, st).toContain('atf-permit-chart');
      expect(current.qualifyingPermits[st] ?? []).toEqual(p.value.map((x) => x.name));
    }
    expect(current.qualifyingPermits.IA).toEqual(['Permit to acquire', 'Permit to carry weapons']);
    // No state's entry that could not be read ships a permit.
    expect(current.qualifyingPermits.TX).toBeUndefined();
  });

  it('refuses a policy version without sources or a check date, an assumption without why, an unknown source', () => {
    const raw = policyData.versions.find((v) => v.effective === CURRENT);
    if (!raw) throw new Error(`no version effective ${CURRENT} in the data`);
    expect(nicsPolicySchema.safeParse(raw).success).toBe(true);
    const { sources: _s, ...noSources } = raw;
    const { checkedOn: _c, ...noCheckedOn } = raw;
    expect(nicsPolicySchema.safeParse(noSources).success).toBe(false);
    expect(nicsPolicySchema.safeParse(noCheckedOn).success).toBe(false);
    expect(nicsPolicySchema.safeParse({ ...raw, sources: [] }).success).toBe(false);
    const { WY: _w, ...noWyoming } = raw.states;
    expect(nicsPolicySchema.safeParse({ ...raw, states: noWyoming }).success).toBe(false);
    const texasRoute = (route: Record<string, unknown>) =>
      nicsPolicySchema.safeParse({
        ...raw,
        states: { ...raw.states, TX: { ...raw.states.TX, route } },
      }).success;
    expect(texasRoute({ value: 'federal_nics', sources: ['atf-state-lists'] })).toBe(true);
    expect(texasRoute({ value: 'federal_nics', sources: [] })).toBe(false);
    expect(texasRoute({ value: 'federal_nics', assumption: true })).toBe(false);
    expect(texasRoute({ value: 'federal_nics', sources: ['somebody-said-so'] })).toBe(false);
  });

  it('holds a delayed check where the state is its own point of contact, and refuses overrides, unless a source says otherwise', () => {
    // 18 U.S.C. 922(t)(1)(B)(ii) lets a delayed FBI check proceed after 3 business days; a POC
    // state runs the check under its own law (RCW 9.41.090(1)(b): no delivery until WSP says eligible).
    for (const st of [...current.routes.fullPoc, ...current.routes.partialPocHandguns])
      expect(current.noDefaultProceedStates).toContain(st);
    expect(current.noDefaultProceedStates).not.toContain('TX');
    expect(current.overrideAllowedStates).toEqual([]);
    expect(current.states.WA.defaultProceed).toMatchObject({
      value: false,
      sources: ['rcw-9.41.090'],
    });
    expect(current.states.WA.defaultProceed?.assumption).toBeUndefined();
  });
});
