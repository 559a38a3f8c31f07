// The pickup screen's API (pharmacy:pickup): find the patient by a scanned Rx label or by
// name and date of birth, then, with the date of birth checked, their ready prescriptions.
import { z } from 'zod';
import { noInput, procedure, router, signedIn } from '../api/trpc.ts';
import { isoDateSchema } from '../checks/calendar.ts';
import { printPickupReceipt } from './receipt.ts';
import { checkoutSchema } from './rules.ts';

const who = (ctx: Parameters<typeof signedIn>[0]) => signedIn(ctx).user.username;
const reason = z.string().trim().min(3, 'Say why (a few words).').max(200);
// The one date schema every procedure shares: a day that exists (no 2026-02-30, no month 13).
const dateOfBirth = isoDateSchema;
const day = isoDateSchema;

export const pharmacyRouter = router({
  /** The will-call queue and how the relay runs (file mode: Rx30 is not told of pickups). */
  queue: procedure
    .meta({ access: 'pharmacy:pickup' })
    .input(noInput)
    .query(({ ctx }) => ({
      ready: ctx.services.pharmacy.desk.queue(),
      relay: ctx.services.pharmacy.relay.mode(),
    })),
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
  /**
   * A patient's address and phone, asked of Rx30 now (minimum necessary: only when someone
   * needs them, the date of birth given again, the view audited, nothing kept).
   */
  contact: procedure
    .meta({ access: 'pharmacy:pickup' })
    .input(z.object({ patientId: z.string().min(1).max(20), dateOfBirth }).strict())
    .mutation(async ({ ctx, input }) => {
      const { storeId } = ctx.services.pharmacy.desk.contactAllowed(
        who(ctx),
        input.patientId,
        input.dateOfBirth,
      );
      return ctx.services.pharmacy.relay.askPatient({ storeId, patientId: input.patientId });
    }),
  /** Completes a sale (every rule checked again here); the same saleKey completes once. */
  complete: procedure
    .meta({ access: 'pharmacy:pickup' })
    .input(checkoutSchema)
    .mutation(({ ctx, input }) => {
      const sale = ctx.services.pharmacy.pickups.complete(who(ctx), input);
      const receipt = printPickupReceipt(ctx.services.devices, who(ctx), {
        storeName: ctx.services.profile.get().name ?? '',
        date: ctx.services.checks.today(),
        sale,
      });
      return { ...sale, receipt };
    }),
  /** A pharmacist signs off the consultation a prescription in this sale requires. */
  signOffConsult: procedure
    .meta({ access: 'pharmacy:consult' })
    .input(
      z
        .object({
          saleKey: z.string().regex(/^[A-Za-z0-9-]{8,60}$/),
          patientId: z.string().min(1).max(20),
          note: z.string().trim().max(300).optional(),
        })
        .strict(),
    )
    .mutation(({ ctx, input }) => {
      ctx.services.pharmacy.pickups.signOffConsult(who(ctx), {
        saleKey: input.saleKey,
        patientId: input.patientId,
        ...(input.note ? { note: input.note } : {}),
      });
      return { ok: true as const };
    }),
  voidPickup: procedure
    .meta({ access: 'pharmacy:pickup' })
    .input(z.object({ invoice: z.string().min(1).max(40), reason }).strict())
    .mutation(({ ctx, input }) => {
      ctx.services.pharmacy.pickups.voidPickup(who(ctx), input.invoice, input.reason);
      return { ok: true as const };
    }),
  returnRx: procedure
    .meta({ access: 'pharmacy:pickup' })
    .input(
      z
        .object({
          invoice: z.string().min(1).max(40),
          rxNumber: z.string().min(1).max(20),
          fillNumber: z.number().int().min(0).max(99),
          reason,
        })
        .strict(),
    )
    .mutation(({ ctx, input }) => {
      ctx.services.pharmacy.pickups.returnRx(
        who(ctx),
        input.invoice,
        { rxNumber: input.rxNumber, fillNumber: input.fillNumber },
        input.reason,
      );
      return { ok: true as const };
    }),
  /** The day's pickups (today unless a date is given), for voids and returns; no patient data. */
  pickupsOfDay: procedure
    .meta({ access: 'pharmacy:pickup' })
    .input(z.object({ date: day.optional() }).strict())
    .query(({ ctx, input }) =>
      ctx.services.pharmacy.pickups.day(input.date ?? ctx.services.checks.today()),
    ),
  /** A pickup and the rest of its sale, by any of its invoices (the receipt's barcode). */
  findPickup: procedure
    .meta({ access: 'pharmacy:pickup' })
    .input(z.object({ invoice: z.string().trim().min(1).max(40) }).strict())
    .query(({ ctx, input }) => ctx.services.pharmacy.pickups.find(who(ctx), input.invoice)),
  /** What waits for Rx30 (invoices and message types, no patient data) and what is stuck. */
  waitingForRx30: procedure
    .meta({ access: 'pharmacy:pickup' })
    .input(noInput)
    .query(({ ctx }) => ({
      waiting: ctx.services.pharmacy.outbox.list(),
      stuck: ctx.services.pharmacy.outbox.stuck(),
    })),
  /** A manager sets aside a message Rx30 keeps refusing, once settled in Rx30 by hand. */
  setAsideForRx30: procedure
    .meta({ access: 'integration:manage' })
    .input(z.object({ messageId: z.string().min(1).max(40), reason }).strict())
    .mutation(({ ctx, input }) => {
      ctx.services.pharmacy.outbox.setAside(who(ctx), input.messageId, input.reason);
      return { ok: true as const };
    }),
  /** Ready prescriptions past the payer's window: return them to stock. */
  pastWindow: procedure
    .meta({ access: 'pharmacy:pickup' })
    .input(noInput)
    .query(({ ctx }) => ctx.services.pharmacy.pickups.pastWindow()),
});
