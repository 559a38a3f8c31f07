// The shape of the shipped NICS policy data (resources/firearms/nics-policy.json), validated at
// load: rule values change (ATF, FBI, state law), so they are data with an effective date, and
// every value says where it comes from. A version lists its sources (name, URL, the source's own
// date) and the day it was checked against them; each state records its route and qualifying
// permits with the sources behind them, or is marked an assumption with why. The flat lists the
// gate reads (routes, noDefaultProceedStates, …) are derived from the per-state records, so the
// two can never disagree. How to update the data: docs/rules/state-policy.md.
import { z } from 'zod';
import { US_STATES, type UsState } from '../integrations/model.ts';
import { isoDateSchema } from './calendar.ts';

const state = z.enum(US_STATES);

export const POLICY_ROUTES = [
  /** The FBI runs every check (no point of contact). */
  'federal_nics',
  /** The state agency runs every check (full point of contact). */
  'full_poc',
  /** The state checks handguns, the FBI long guns. */
  'partial_poc_handguns',
  /** A state permit covers handguns (the state checks at issue), the FBI long guns. */
  'partial_poc_permits',
] as const;
export type PolicyRoute = (typeof POLICY_ROUTES)[number];

/** Why a value is an assumption rather than read from a checked source. */
export const ASSUMPTION_REASONS = [
  /** Federal law allows it; this state's own law was not checked. */
  'state_law_not_checked',
  /** The state runs its own check under its own law: held until its final answer. */
  'poc_state_law',
  /** No checked source says this state allows a supervisor override. */
  'no_source_allows_override',
  /** The state's entry in the ATF permit chart could not be read: no permit ships. */
  'permit_chart_entry_not_read',
  /** ATF revised the permit chart after the dated chart shipped; the revision is not in. */
  'permit_chart_revised',
  /** Not taken from the ATF permit chart (data shipped before permits were sourced). */
  'not_from_chart',
  /** The sources disagree or are ambiguous for this state; the note says how it was read. */
  'sources_disagree',
] as const;
export type AssumptionReason = (typeof ASSUMPTION_REASONS)[number];

export const policySourceSchema = z
  .object({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]*$/, 'A source id is lower-case, like "atf-state-lists".'),
    name: z.string().trim().min(3),
    url: z.url({ protocol: /^https$/ }),
    /** The source's own date ("last reviewed", "last updated"), where it shows one. */
    asOf: isoDateSchema.optional(),
  })
  .strict();
export type PolicySource = z.infer<typeof policySourceSchema>;

/**
 * A value with where it comes from: the ids of its sources, or `assumption: true` with why
 * (a value no checked source backs). A note says more, for the dealer and the docs.
 */
const based = <T extends z.ZodType>(value: T) =>
  z
    .object({
      value,
      sources: z.array(z.string()).default([]),
      assumption: z.literal(true).optional(),
      why: z.enum(ASSUMPTION_REASONS).optional(),
      note: z.string().trim().min(3).optional(),
    })
    .strict()
    .superRefine((b, ctx) => {
      if (b.assumption && !b.why)
        ctx.addIssue({ code: 'custom', message: 'An assumption says why (the "why" field).' });
      if (!b.assumption && b.why)
        ctx.addIssue({ code: 'custom', message: '"why" is only for an assumption.' });
      if (!b.assumption && b.sources.length === 0)
        ctx.addIssue({
          code: 'custom',
          message: 'A value names its sources, or is marked "assumption": true with why.',
        });
    });

const permitSchema = z
  .object({
    /** The permit as the ATF Brady permit chart names it. */
    name: z.string().trim().min(3).max(80),
    /** The chart's conditions (issued on or after a date, a marking). */
    note: z.string().trim().min(3).optional(),
  })
  .strict();

const stateEntrySchema = z
  .object({
    route: based(z.enum(POLICY_ROUTES)),
    permits: based(z.array(permitSchema)),
    /** Only where a source says more than the route's default (see `defaults`). */
    defaultProceed: based(z.boolean()).optional(),
    overrideAllowed: based(z.boolean()).optional(),
  })
  .strict();
export type StatePolicyEntry = z.infer<typeof stateEntrySchema>;
export type Based<T> = {
  value: T;
  sources: string[];
  assumption?: true;
  why?: AssumptionReason;
  note?: string;
};

const versionSchema = z
  .object({
    effective: isoDateSchema,
    /** The day every state was checked against the sources. */
    checkedOn: isoDateSchema,
    note: z.string().trim().min(3).optional(),
    sources: z.array(policySourceSchema).min(1, 'A policy version lists its sources.'),
    /** 18 U.S.C. 922(t)(1)(B)(ii): a delayed transfer may proceed after 3 business days. */
    delayedWaitBusinessDays: z.number().int().min(1),
    /** 18 U.S.C. 922(t)(1)(C): under 21, further investigation extends it up to 10. */
    under21WaitBusinessDays: z.number().int().min(1),
    /** 27 CFR 478.102(c): valid 30 days from the day after first contact. */
    validityDays: z.number().int().min(1),
    permitMaxAgeYears: z.number().int().min(1),
    /** Where the federal values come from. */
    federalSources: z
      .object({
        delayedWait: z.array(z.string()).min(1),
        validity: z.array(z.string()).min(1),
        permitMaxAge: z.array(z.string()).min(1),
        multipleSale: z.array(z.string()).min(1),
        form3310_12: z.array(z.string()).min(1),
      })
      .strict(),
    /** The values for a state the data says nothing more about: chosen to be safe. */
    defaults: z
      .object({
        /** Per route: may a delayed transfer proceed after the federal wait? */
        defaultProceed: z.record(z.enum(POLICY_ROUTES), based(z.boolean())),
        overrideAllowed: based(z.boolean()),
      })
      .strict(),
    multipleSale: z
      .object({ businessDays: z.number().int().min(1), types: z.array(z.string()).min(1) })
      .strict(),
    form3310_12States: z.array(state),
    /** Every state and DC, each with its route and permits and their sources. */
    states: z.record(state, stateEntrySchema),
  })
  .strict()
  .superRefine((v, ctx) => {
    const ids = v.sources.map((s) => s.id);
    if (new Set(ids).size !== ids.length)
      ctx.addIssue({ code: 'custom', message: 'A source id is listed twice.', path: ['sources'] });
    const known = new Set(ids);
    const check = (list: readonly string[], path: (string | number)[]) => {
      for (const id of list)
        if (!known.has(id))
          ctx.addIssue({ code: 'custom', message: `Unknown source "${id}".`, path });
    };
    for (const [k, list] of Object.entries(v.federalSources)) check(list, ['federalSources', k]);
    for (const [route, b] of Object.entries(v.defaults.defaultProceed))
      check(b.sources, ['defaults', 'defaultProceed', route]);
    check(v.defaults.overrideAllowed.sources, ['defaults', 'overrideAllowed']);
    for (const [s, e] of Object.entries(v.states))
      for (const k of ['route', 'permits', 'defaultProceed', 'overrideAllowed'] as const) {
        const b = e[k];
        if (b) check(b.sources, ['states', s, k]);
      }
    if (v.checkedOn < v.sources.reduce((d, s) => (s.asOf && s.asOf > d ? s.asOf : d), ''))
      ctx.addIssue({
        code: 'custom',
        message: 'checkedOn is before the date of one of the sources.',
        path: ['checkedOn'],
      });
  })
  .transform((v) => {
    const states = US_STATES.filter((s) => v.states[s] !== undefined);
    const entry = (s: UsState) => v.states[s];
    const on = (route: PolicyRoute) => states.filter((s) => entry(s).route.value === route);
    const proceed = (s: UsState) =>
      entry(s).defaultProceed ?? v.defaults.defaultProceed[entry(s).route.value];
    const override = (s: UsState) => entry(s).overrideAllowed ?? v.defaults.overrideAllowed;
    const qualifyingPermits: Partial<Record<UsState, string[]>> = {};
    for (const s of states) {
      const names = entry(s).permits.value.map((p) => p.name);
      if (names.length > 0) qualifyingPermits[s] = names;
    }
    return {
      ...v,
      // What the gate reads (core/checks/rules.ts), derived from the per-state records.
      routes: {
        fullPoc: on('full_poc'),
        partialPocHandguns: on('partial_poc_handguns'),
        partialPocPermits: on('partial_poc_permits'),
      },
      /** States whose data does not let a delayed transfer proceed by default. */
      noDefaultProceedStates: states.filter((s) => !proceed(s).value),
      /** States whose data allows a supervisor to override a hold (with a reason). */
      overrideAllowedStates: states.filter((s) => override(s).value),
      /** Permit types per state that stand in for a check (ATF Brady permit chart). */
      qualifyingPermits,
    };
  });

export const nicsPolicySchema = versionSchema;
export type NicsPolicy = z.output<typeof nicsPolicySchema>;
/** A version as written in the data file (before the gate's lists are derived). */
export type NicsPolicyData = z.input<typeof nicsPolicySchema>;

export const nicsPolicyFileSchema = z
  .object({ source: z.string(), versions: z.array(nicsPolicySchema).min(1) })
  .strict()
  .superRefine((f, ctx) => {
    const dates = f.versions.map((v) => v.effective);
    if (new Set(dates).size !== dates.length)
      ctx.addIssue({ code: 'custom', message: 'Two policy versions share an effective date.' });
  });
