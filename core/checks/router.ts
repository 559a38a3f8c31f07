// The check desk API: a background check per Form 4473, its responses, overrides, and the
// desk's list. The state-rule procedures live in state-rules-router.ts.
import { z } from 'zod';
import { daysBetween } from './calendar.ts';
import { recordDateSchema } from '../dates.ts';
import { regulatedText } from '../text.ts';
import { stateRulesProcedures } from './state-rules-router.ts';
import { procedure, router, signedIn } from '../api/trpc.ts';
import { conflict } from '../errors.ts';
import { correctionReasonSchema } from '../firearms/model.ts';

const id = z.number().int().positive();
const who = (ctx: Parameters<typeof signedIn>[0]) => signedIn(ctx).user.username;

export const checksRouter = router({
  ...stateRulesProcedures,
  start: procedure
    .meta({ access: 'firearms:ledger:write' })
    .input(
      z
        .object({
          form4473: regulatedText({ what: 'Form 4473 number', max: 40 }),
          buyerKey: regulatedText({ what: 'buyer', max: 80 }),
          itemIds: z.array(id).min(1).max(50),
          buyerUnder21: z.boolean(),
          /** The day the buyer started the 4473 (default: the store's today). */
          form4473StartedOn: recordDateSchema.optional(),
        })
        .strict(),
    )
    .mutation(({ ctx, input }) => {
      const state = ctx.services.profile.get().state;
      if (!state)
        throw conflict(
          'store_state_missing',
          "Set the store's state first: it decides who runs the check.",
        );
      const types = ctx.services.firearms.typesOf(input.itemIds);
      return ctx.services.checks.start(who(ctx), { ...input, itemTypes: types, state });
    }),
  record: procedure
    .meta({ access: 'firearms:ledger:write' })
    .input(
      z
        .object({
          checkId: id,
          response: z.discriminatedUnion('kind', [
            z.object({ kind: z.literal('submit'), on: recordDateSchema }).strict(),
            z
              .object({
                kind: z.enum(['proceed', 'delayed', 'denied', 'cancelled']),
                on: recordDateSchema,
                ntn: regulatedText({ what: 'NTN', max: 40, min: 0 }).optional(),
                furtherInvestigation: z.boolean().optional(),
              })
              .strict(),
            z
              .object({
                kind: z.literal('overturned'),
                on: recordDateSchema,
                reference: regulatedText({ what: 'reference', max: 80, min: 0 }).min(
                  1,
                  'Enter the reference NICS or the state gave with the answer.',
                ),
              })
              .strict(),
            z.object({ kind: z.literal('expire') }).strict(),
          ]),
        })
        .strict(),
    )
    .mutation(({ ctx, input }) =>
      ctx.services.checks.record(who(ctx), input.checkId, input.response),
    ),
  get: procedure
    .meta({ access: 'firearms:ledger:write' })
    .input(z.object({ checkId: id }).strict())
    .query(({ ctx, input }) => ctx.services.checks.get(input.checkId)),
  override: procedure
    .meta({ access: 'checks:override' })
    .input(z.object({ checkId: id, reason: correctionReasonSchema }).strict())
    .mutation(({ ctx, input }) =>
      ctx.services.checks.override(who(ctx), input.checkId, input.reason),
    ),
  /** The desk: recent checks with the store's today, for the countdowns. */
  list: procedure
    .meta({ access: 'firearms:ledger:write' })
    .input(
      z
        .object({
          openOnly: z.boolean().default(true),
          limit: z.number().int().min(1).max(200).default(50),
        })
        .strict(),
    )
    .query(({ ctx, input }) => {
      const desk = ctx.services.checks;
      const today = desk.today();
      return {
        today,
        checks: desk.list(input).map((c) => ({
          ...c,
          pending: ctx.services.firearms.pendingOn(c.form4473).length,
          /** Business days left, in the NICS calendar of the check's state (28 CFR 25.2). */
          businessDaysToProceed: desk.businessDaysToProceed(c),
          daysToExpiry: c.lastValidDay ? daysBetween(today, c.lastValidDay) : null,
          /** What the gate says about a hand-over today, with its reason and parameters. */
          gate: desk.handOverDecision(c),
        })),
      };
    }),
});
