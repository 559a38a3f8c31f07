// The compliance reports over the API: multiple-sale reports (3310.4 / 3310.12) and their
// filings, the overdue list, marking privately made firearms, correcting a firearm's flags,
// and the review list. Spread into firearmsRouter.
import { z } from 'zod';
import { isoDateSchema } from '../checks/calendar.ts';
import { noInput, procedure, signedIn } from '../api/trpc.ts';
import { flagCorrectionFields } from './flags.ts';
import { filingSchema } from './reports.ts';

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
          filedOn: isoDateSchema,
          note: z.string().trim().max(300).optional(),
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
    .input(z.object({ itemId: id, uniqueId: z.string(), markedOn: isoDateSchema }).strict())
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
    .input(flagCorrectionFields.extend({ itemId: id }))
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
