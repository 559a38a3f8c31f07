// How a rule in force reads: its line, where it comes from, and why it is an assumption.
import { describe, expect, it } from 'vitest';
import { en } from '../../i18n/en.ts';
import {
  assumptionText,
  ruleOriginText,
  ruleValueText,
  sourceLinks,
  type RuleLine,
} from './rules-in-force-text.ts';

const ATF = {
  id: 'atf-state-lists',
  name: 'ATF, Permanent Brady State Lists',
  url: 'https://www.atf.gov/x',
  asOf: '2025-03-14',
};
const shipped = {
  kind: 'shipped' as const,
  policyEffective: '2026-12-07',
  checkedOn: '2026-12-07',
  sources: [ATF, { id: 'usc-922t', name: '18 U.S.C. 922(t)', url: 'https://law.example/922' }],
  note: null,
};
const line = (r: Partial<RuleLine> & Pick<RuleLine, 'rule' | 'value'>): RuleLine =>
  ({ origin: shipped, assumption: false, why: null, ...r }) as RuleLine;

/** The catalogue entry a key points at, so a wrong key fails here and not on screen. */
const lookup = (key: string): unknown =>
  key.split('.').reduce<unknown>((n, k) => (n as Record<string, unknown> | undefined)?.[k], en);

describe('the text of a rule in force', () => {
  it('says who runs the check, by route, with a key that exists in the catalogue', () => {
    for (const value of [
      'federal_nics',
      'full_poc',
      'partial_poc_handguns',
      'partial_poc_permits',
    ] as const) {
      const text = ruleValueText(line({ rule: 'route', value }));
      expect(text.key).toBe(`firearms.statePolicy.route.${value}`);
      expect(typeof lookup(text.key)).toBe('string');
    }
  });

  it('gives the wait for a default proceed (18 U.S.C. 922(t)(1)(B)(ii): 3 business days; under 21 up to 10) or says it is held', () => {
    const wait = { waitBusinessDays: 3, under21WaitBusinessDays: 10 };
    expect(
      ruleValueText(line({ rule: 'defaultProceed', value: { allowed: true, ...wait } })),
    ).toEqual({
      key: 'firearms.statePolicy.defaultProceed.allowed',
      values: { days: 3, under21: 10 },
    });
    expect(
      ruleValueText(line({ rule: 'defaultProceed', value: { allowed: false, ...wait } })),
    ).toEqual({
      key: 'firearms.statePolicy.defaultProceed.held',
      values: { days: 3 },
    });
  });

  it('lists permits with the chart’s conditions, or says none qualifies', () => {
    expect(ruleValueText(line({ rule: 'qualifyingPermits', value: [] })).key).toBe(
      'firearms.statePolicy.permits.none',
    );
    expect(
      ruleValueText(
        line({
          rule: 'qualifyingPermits',
          value: [
            { name: 'Concealed handgun license', note: 'Issued on or after 2010-07-01.' },
            { name: 'Permit to acquire', note: null },
          ],
        }),
      ).values,
    ).toEqual({
      permits: 'Concealed handgun license (Issued on or after 2010-07-01.); Permit to acquire',
    });
  });

  it('names the shipped sources with their own dates and the day the data was checked', () => {
    expect(ruleOriginText(line({ rule: 'override', value: false }), String)).toEqual({
      key: 'firearms.statePolicy.origin.shipped',
      values: {
        sources: 'ATF, Permanent Brady State Lists (2025-03-14); 18 U.S.C. 922(t)',
        checkedOn: '2026-12-07',
      },
    });
    expect(
      ruleOriginText(
        line({ rule: 'override', value: false, origin: { ...shipped, sources: [] } }),
        String,
      ).key,
    ).toBe('firearms.statePolicy.origin.shippedNoSource');
    expect(sourceLinks(line({ rule: 'override', value: false }))).toEqual([
      { name: ATF.name, url: ATF.url },
      { name: '18 U.S.C. 922(t)', url: 'https://law.example/922' },
    ]);
  });

  it('names who recorded the store’s rule, when, from when, and its source', () => {
    const r = line({
      rule: 'override',
      value: true,
      origin: {
        kind: 'store',
        ruleId: 3,
        effective: '2026-12-08',
        recordedBy: 'maria',
        recordedAt: 1_796_000_000_000,
        source: 'NYSP dealer guidance, 2026',
      },
    });
    expect(ruleOriginText(r, (ms) => `at ${ms}`)).toEqual({
      key: 'firearms.statePolicy.origin.store',
      values: {
        who: 'maria',
        when: 'at 1796000000000',
        effective: '2026-12-08',
        source: 'NYSP dealer guidance, 2026',
      },
    });
    expect(sourceLinks(r)).toEqual([]);
  });

  it('says why a value is an assumption, and nothing for a sourced one', () => {
    const assumed = line({
      rule: 'override',
      value: false,
      assumption: true,
      why: 'no_source_allows_override',
    });
    const why = assumptionText(assumed);
    expect(why?.key).toBe('firearms.statePolicy.why.no_source_allows_override');
    expect(typeof lookup(why?.key ?? '')).toBe('string');
    expect(assumptionText(line({ rule: 'override', value: false }))).toBeNull();
  });

  it('has a catalogue entry for every rule label, value and reason it can produce', () => {
    for (const name of [
      'route',
      'defaultProceed',
      'override',
      'qualifyingPermits',
      'form3310_12',
      'multipleSale',
    ])
      expect(typeof lookup(`firearms.statePolicy.rule.${name}`), name).toBe('string');
    for (const k of [
      'override.allowed',
      'override.refused',
      'form3310_12.applies',
      'form3310_12.notApplies',
      'multipleSale.window',
      'permits.some',
    ])
      expect(typeof lookup(`firearms.statePolicy.${k}`), k).toBe('string');
    for (const why of [
      'state_law_not_checked',
      'poc_state_law',
      'no_source_allows_override',
      'permit_chart_entry_not_read',
      'permit_chart_revised',
      'not_from_chart',
      'sources_disagree',
    ])
      expect(typeof lookup(`firearms.statePolicy.why.${why}`), why).toBe('string');
  });
});
