// The compliance reports over the API: multiple-sale reports (3310.4 / 3310.12) and their
// filings, the overdue list, marking privately made firearms, correcting a firearm's flags,
// and the review list. Spread into firearmsRouter.
import { z } from 'zod';
import { recordDateSchema } from '../dates.ts';
import { regulatedText } from '../text.ts';
import { noInput, procedure, signedIn } from '../api/trpc.ts';
import { flagCorrectionFields, flagCorrectionSchema } from './flags.ts';
import { filingSchema } from './reports.ts';
import { pmfUniqueIdSchema } from './rules.ts';

const id = z.number().int().positive();
const who = (ctx: Parameters<typeof signedIn>[0]) => signedIn(ctx).user.username;

export const reportProcedures = {
  multipleSales: procedure
    .meta({ access: 'firearms:ledger:write' })
    .input(z.object({ includeFiled: z.boolean().default(false) }).strict())
    .query(({ ctx, input }) => ctx.services.bookReports.multipleSales(input)),
  /** The report to ATF ("Mark filed"); recordFiling records either copy. */
  markFiled: procedure
    .meta({ access: 'firearms:ledger:write' })
    .input(
      z
        .object({
          dispositionId: id,
          filedOn: recordDateSchema,
          note: regulatedText({ what: 'note', max: 300, min: 0, lineBreaks: true }).optional(),
        })
        .strict(),
    )
    .mutation(({ ctx, input }) => {
      ctx.services.bookReports.markFiled(who(ctx), input.dispositionId, {
        filedOn: input.filedOn,
        ...(input.note ? { note: input.note } : {}),
      });
      return { ok: true as const };
    }),
  recordFiling: procedure
    .meta({ access: 'firearms:ledger:write' })
    .input(filingSchema.extend({ dispositionId: id }))
    .mutation(({ ctx, input }) => {
      const { dispositionId, ...filing } = input;
      return ctx.services.bookReports.recordFiling(who(ctx), dispositionId, filing);
    }),
  overdue: procedure
    .meta({ access: 'firearms:ledger:write' })
    .input(noInput)
    .query(({ ctx }) => ctx.services.bookReports.overdue()),
  markPmf: procedure
    .meta({ access: 'firearms:ledger:write' })
    .input(
      z.object({ itemId: id, uniqueId: pmfUniqueIdSchema, markedOn: recordDateSchema }).strict(),
    )
    .mutation(({ ctx, input }) =>
      ctx.services.compliance.markPmf(who(ctx), input.itemId, {
        uniqueId: input.uniqueId,
        markedOn: input.markedOn,
      }),
    ),
  /** A firearm's PMF and 3310.12 flags as they stand, with their corrections. */
  flags: procedure
    .meta({ access: 'firearms:ledger:write' })
    .input(z.object({ itemId: id }).strict())
    .query(({ ctx, input }) => ctx.services.flags.flagsOf(input.itemId)),
  correctFlags: procedure
    .meta({ access: 'firearms:ledger:write' })
    .input(
      // The service's own rule (which flag is corrected) checked here too: a 400, not a 500.
      flagCorrectionFields.extend({ itemId: id }).superRefine(({ itemId: _, ...fields }, ctx) => {
        for (const issue of flagCorrectionSchema.safeParse(fields).error?.issues ?? [])
          ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
      }),
    )
    .mutation(({ ctx, input }) => {
      const { itemId, ...correction } = input;
      return ctx.services.flags.correctFlags(who(ctx), itemId, correction);
    }),
  /** Firearms entered with no serial (NSN) and not marked privately made, to review. */
  reviewList: procedure
    .meta({ access: 'firearms:ledger:write' })
    .input(noInput)
    .query(({ ctx }) => ctx.services.flags.reviewList()),
};
