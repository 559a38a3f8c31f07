// The compliance reports over the API: multiple-sale reports (3310.4 / 3310.12) and their
// filings, the overdue list, and marking privately made firearms. Spread into firearmsRouter.
import { z } from 'zod';
import { isoDateSchema } from '../checks/calendar.ts';
import { noInput, procedure, signedIn } from '../api/trpc.ts';

const id = z.number().int().positive();
const who = (ctx: Parameters<typeof signedIn>[0]) => signedIn(ctx).user.username;

export const reportProcedures = {
  multipleSales: procedure
    .meta({ access: 'firearms:ledger:write' })
    .input(z.object({ includeFiled: z.boolean().default(false) }).strict())
    .query(({ ctx, input }) => ctx.services.bookReports.multipleSales(input)),
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
  overdue: procedure
    .meta({ access: 'firearms:ledger:write' })
    .input(noInput)
    .query(({ ctx }) => ctx.services.firearms.overdue()),
  markPmf: procedure
    .meta({ access: 'firearms:ledger:write' })
    .input(z.object({ itemId: id, uniqueId: z.string(), markedOn: isoDateSchema }).strict())
    .mutation(({ ctx, input }) =>
      ctx.services.compliance.markPmf(who(ctx), input.itemId, {
        uniqueId: input.uniqueId,
        markedOn: input.markedOn,
      }),
    ),
};
