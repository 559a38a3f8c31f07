// The pickup screen's API (pharmacy:pickup): find the patient by a scanned Rx label or by
// name and date of birth, then, with the date of birth checked, their ready prescriptions.
import { z } from 'zod';
import { procedure, router, signedIn } from '../api/trpc.ts';

const who = (ctx: Parameters<typeof signedIn>[0]) => signedIn(ctx).user.username;
const dateOfBirth = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Enter the date of birth.');

export const pharmacyRouter = router({
  byLabel: procedure
    .meta({ access: 'pharmacy:pickup' })
    .input(z.object({ code: z.string().trim().min(1).max(60) }).strict())
    .query(({ ctx, input }) => ctx.services.pharmacy.desk.byLabel(who(ctx), input.code)),
  search: procedure
    .meta({ access: 'pharmacy:pickup' })
    .input(
      z
        .object({
          lastName: z.string().trim().min(2, 'Two letters of the last name.').max(60),
          firstName: z.string().trim().min(2, 'Two letters of the first name.').max(60),
          dateOfBirth,
        })
        .strict(),
    )
    .query(({ ctx, input }) => ctx.services.pharmacy.desk.search(who(ctx), input)),
  verify: procedure
    .meta({ access: 'pharmacy:pickup' })
    .input(z.object({ patientId: z.string().min(1).max(20), dateOfBirth }).strict())
    .mutation(({ ctx, input }) =>
      ctx.services.pharmacy.desk.verify(who(ctx), input.patientId, input.dateOfBirth),
    ),
});
