// The store's check rules for its state, over the API: what is in force, its history and the
// shipped values, and recording a new rule. Spread into the checks router (router.ts).
import { noInput, procedure, signedIn } from '../api/trpc.ts';
import { conflict } from '../errors.ts';
import { policyOn } from './model.ts';
import { nicsPolicies } from './policy.ts';
import { rulesInForce } from './rules-in-force.ts';
import { stateRuleSchema } from './state-rules.ts';

const who = (ctx: Parameters<typeof signedIn>[0]) => signedIn(ctx).user.username;

export const stateRulesProcedures = {
  /** The check rules for the store's state: the store's own in force, its history, the shipped ones. */
  stateRules: procedure
    .meta({ access: 'firearms:ledger:write' })
    .input(noInput)
    .query(({ ctx }) => {
      const state = ctx.services.profile.get().state;
      const today = ctx.services.checks.today();
      if (!state) return { state: null, today, inForce: null, history: [], shipped: null };
      const shipped = policyOn(nicsPolicies, today);
      return {
        state,
        today,
        inForce: ctx.services.stateRules.inForce(today).find((r) => r.state === state) ?? null,
        history: ctx.services.stateRules.history(state),
        shipped: {
          noDefaultProceed: shipped.noDefaultProceedStates.includes(state),
          overrideAllowed: shipped.overrideAllowedStates.includes(state),
          qualifyingPermits: shipped.qualifyingPermits[state] ?? [],
        },
      };
    }),
  /**
   * Every check rule in force today for the store's state, where each comes from (the shipped
   * data with its sources, or the store's recorded rule) and which are assumptions.
   */
  rulesInForce: procedure
    .meta({ access: 'firearms:ledger:write' })
    .input(noInput)
    .query(({ ctx }) => {
      const state = ctx.services.profile.get().state;
      const today = ctx.services.checks.today();
      if (!state) return { state: null, today, inForce: null };
      const storeRule =
        ctx.services.stateRules.inForce(today).find((r) => r.state === state) ?? null;
      return { state, today, inForce: rulesInForce(state, today, { storeRule }) };
    }),
  recordStateRule: procedure
    .meta({ access: 'store:manage' })
    .input(stateRuleSchema)
    .mutation(({ ctx, input }) => {
      const state = ctx.services.profile.get().state;
      if (input.state !== state)
        throw conflict(
          'not_store_state',
          `The store is in ${state ?? 'no state yet'}: record rules for its own state only.`,
        );
      return ctx.services.stateRules.record(who(ctx), input);
    }),
};
