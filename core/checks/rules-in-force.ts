// Which background-check rules are in force for a state on a date, where each one comes from,
// and which are assumptions. Pure: the shipped policy versions and the store's recorded rule
// are inputs. A store's rule for its state (recorded with a source, by whom, when) replaces the
// shipped values it covers; everything else comes from the shipped data with its sources and
// the day it was checked, or is a default the data marks as an assumption (docs/rules/state-policy.md).
import type { UsState } from '../integrations/model.ts';
import type { IsoDate } from './calendar.ts';
import { policyOn } from './model.ts';
import type {
  AssumptionReason,
  Based,
  NicsPolicy,
  PolicyRoute,
  PolicySource,
} from './policy-schema.ts';
import { nicsPolicies } from './policy.ts';
import type { RecordedStateRule } from './state-rules.ts';

export type RuleOrigin =
  | {
      kind: 'shipped';
      /** The policy version the value comes from. */
      policyEffective: IsoDate;
      /** The day the shipped data was checked against its sources. */
      checkedOn: IsoDate;
      sources: PolicySource[];
      note: string | null;
    }
  | {
      kind: 'store';
      ruleId: number;
      effective: IsoDate;
      recordedBy: string;
      recordedAt: number;
      source: string;
    };

interface Rule<K extends string, V> {
  rule: K;
  value: V;
  origin: RuleOrigin;
  /** True where no checked source backs the value: a default chosen to be safe. */
  assumption: boolean;
  why: AssumptionReason | null;
}

export type RuleInForce =
  | Rule<'route', PolicyRoute>
  | Rule<
      'defaultProceed',
      { allowed: boolean; waitBusinessDays: number; under21WaitBusinessDays: number }
    >
  | Rule<'override', boolean>
  | Rule<'qualifyingPermits', { name: string; note: string | null }[]>
  | Rule<'form3310_12', boolean>
  | Rule<'multipleSale', { businessDays: number; types: string[] }>;
export type RuleName = RuleInForce['rule'];

export interface RulesInForce {
  state: UsState;
  date: IsoDate;
  /** The shipped policy version in force on the date. */
  policyEffective: IsoDate;
  checkedOn: IsoDate;
  /** The store's own rule in force for the state, if one is recorded. */
  storeRuleId: number | null;
  rules: RuleInForce[];
}

/**
 * The rules in force for `state` on `date`: one entry per rule, in a fixed order (route,
 * default proceed and the wait, override, qualifying permits, 3310.12, multiple-sale window).
 * `storeRule` is the store's rule in force for that state on that date (StateRules.inForce);
 * a rule for another state is ignored.
 */
export function rulesInForce(
  state: UsState,
  date: IsoDate,
  o: { policies?: readonly NicsPolicy[]; storeRule?: RecordedStateRule | null } = {},
): RulesInForce {
  const policy = policyOn(o.policies ?? nicsPolicies, date);
  const store =
    o.storeRule && o.storeRule.state === state && o.storeRule.effective <= date
      ? o.storeRule
      : null;
  const entry = policy.states[state];
  const shipped = (b: Pick<Based<unknown>, 'sources' | 'note'>, extra: readonly string[] = []) =>
    ({
      kind: 'shipped',
      policyEffective: policy.effective,
      checkedOn: policy.checkedOn,
      sources: sourcesOf(policy, [...extra, ...b.sources]),
      note: b.note ?? null,
    }) satisfies RuleOrigin;
  const fromStore = (r: RecordedStateRule) =>
    ({
      kind: 'store',
      ruleId: r.id,
      effective: r.effective,
      recordedBy: r.recordedBy,
      recordedAt: r.recordedAt,
      source: r.source,
    }) satisfies RuleOrigin;
  const flags = (b: Based<unknown>) => ({ assumption: b.assumption === true, why: b.why ?? null });
  const fed = (sources: string[]) => ({ sources });

  const proceed = entry.defaultProceed ?? policy.defaults.defaultProceed[entry.route.value];
  const override = entry.overrideAllowed ?? policy.defaults.overrideAllowed;
  const wait = {
    waitBusinessDays: policy.delayedWaitBusinessDays,
    under21WaitBusinessDays: policy.under21WaitBusinessDays,
  };
  const storeFlags = { assumption: false, why: null };

  const rules: RuleInForce[] = [
    {
      rule: 'route',
      value: entry.route.value,
      origin: shipped(entry.route),
      ...flags(entry.route),
    },
    store
      ? {
          rule: 'defaultProceed',
          value: { allowed: !store.noDefaultProceed, ...wait },
          origin: fromStore(store),
          ...storeFlags,
        }
      : {
          rule: 'defaultProceed',
          value: { allowed: proceed.value, ...wait },
          origin: shipped(proceed, policy.federalSources.delayedWait),
          ...flags(proceed),
        },
    store
      ? { rule: 'override', value: store.overrideAllowed, origin: fromStore(store), ...storeFlags }
      : { rule: 'override', value: override.value, origin: shipped(override), ...flags(override) },
    store
      ? {
          rule: 'qualifyingPermits',
          value: store.qualifyingPermits.map((name) => ({ name, note: null })),
          origin: fromStore(store),
          ...storeFlags,
        }
      : {
          rule: 'qualifyingPermits',
          value: entry.permits.value.map((p) => ({ name: p.name, note: p.note ?? null })),
          origin: shipped(entry.permits),
          ...flags(entry.permits),
        },
    {
      rule: 'form3310_12',
      value: policy.form3310_12States.includes(state),
      origin: shipped(fed(policy.federalSources.form3310_12)),
      ...storeFlags,
    },
    {
      rule: 'multipleSale',
      value: {
        businessDays: policy.multipleSale.businessDays,
        types: [...policy.multipleSale.types],
      },
      origin: shipped(fed(policy.federalSources.multipleSale)),
      ...storeFlags,
    },
  ];
  return {
    state,
    date,
    policyEffective: policy.effective,
    checkedOn: policy.checkedOn,
    storeRuleId: store?.id ?? null,
    rules,
  };
}

/** The sources a value names, in order, once each (ids were checked when the data loaded). */
function sourcesOf(policy: NicsPolicy, ids: readonly string[]): PolicySource[] {
  const out: PolicySource[] = [];
  for (const id of new Set(ids)) {
    const s = policy.sources.find((x) => x.id === id);
    if (s) out.push(s);
  }
  return out;
}
