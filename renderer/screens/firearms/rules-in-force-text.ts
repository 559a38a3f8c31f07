// What each background-check rule in force reads as on screen: the catalogue key and values for
// its line, and where it comes from. Pure, so the wording rules are tested without a browser.
import type { Outputs } from '../../api/client.ts';
import type { enStatePolicy } from '../../i18n/en-state-policy.ts';

export type RulesInForceAnswer = Outputs['checks']['rulesInForce'];
export type InForce = NonNullable<RulesInForceAnswer['inForce']>;
export type RuleLine = InForce['rules'][number];

type Leaves<T, Prefix extends string> = {
  [K in keyof T & string]: T[K] extends string ? `${Prefix}${K}` : Leaves<T[K], `${Prefix}${K}.`>;
}[keyof T & string];
/** Every key of the firearms.statePolicy catalogue fragment. */
export type StatePolicyKey = Leaves<typeof enStatePolicy, 'firearms.statePolicy.'>;

/** A catalogue key under firearms.statePolicy and its interpolation values. */
export interface Text {
  key: StatePolicyKey;
  values: Record<string, string | number>;
}

const K = 'firearms.statePolicy.';

/** The rule's value, as one line: "Who runs the check: the state (full point of contact)". */
export function ruleValueText(r: RuleLine): Text {
  switch (r.rule) {
    case 'route':
      return { key: `${K}route.${r.value}` as const, values: {} };
    case 'defaultProceed':
      return r.value.allowed
        ? {
            key: `${K}defaultProceed.allowed` as const,
            values: { days: r.value.waitBusinessDays, under21: r.value.under21WaitBusinessDays },
          }
        : { key: `${K}defaultProceed.held` as const, values: { days: r.value.waitBusinessDays } };
    case 'override':
      return { key: `${K}override.${r.value ? 'allowed' : 'refused'}` as const, values: {} };
    case 'qualifyingPermits':
      return r.value.length === 0
        ? { key: `${K}permits.none` as const, values: {} }
        : {
            key: `${K}permits.some` as const,
            values: {
              permits: r.value.map((p) => (p.note ? `${p.name} (${p.note})` : p.name)).join('; '),
            },
          };
    case 'form3310_12':
      return { key: `${K}form3310_12.${r.value ? 'applies' : 'notApplies'}` as const, values: {} };
    case 'multipleSale':
      return {
        key: `${K}multipleSale.window` as const,
        values: { days: r.value.businessDays, types: r.value.types.join(', ') },
      };
  }
}

/**
 * Where the value comes from: the shipped sources (each with its own date) and the day the
 * data was checked, or the store's rule with who recorded it, from when, and its source.
 */
export function ruleOriginText(r: RuleLine, formatInstant: (ms: number) => string): Text {
  const o = r.origin;
  if (o.kind === 'store')
    return {
      key: `${K}origin.store` as const,
      values: {
        who: o.recordedBy,
        when: formatInstant(o.recordedAt),
        effective: o.effective,
        source: o.source,
      },
    };
  const sources = o.sources.map((s) => (s.asOf ? `${s.name} (${s.asOf})` : s.name)).join('; ');
  return sources
    ? { key: `${K}origin.shipped` as const, values: { sources, checkedOn: o.checkedOn } }
    : { key: `${K}origin.shippedNoSource` as const, values: { checkedOn: o.checkedOn } };
}

/** Why a value is an assumption, or null when a checked source (or the store) backs it. */
export function assumptionText(r: RuleLine): Text | null {
  return r.assumption && r.why ? { key: `${K}why.${r.why}` as const, values: {} } : null;
}

/** The web addresses of the shipped sources behind a value (for links), once each. */
export function sourceLinks(r: RuleLine): { name: string; url: string }[] {
  return r.origin.kind === 'shipped'
    ? r.origin.sources.map((s) => ({ name: s.name, url: s.url }))
    : [];
}
