// The bound book and check desk API. Clerks need firearms:ledger:write; purchaser names and
// addresses are shown only with firearms:sensitive:view, and every such view is audited.
import { z } from 'zod';
import { recordDateSchema } from '../dates.ts';
import { regulatedText } from '../text.ts';
import { noInput, procedure, router, signedIn, type SignedInContext } from '../api/trpc.ts';
import {
  acquisitionSchema,
  correctionReasonSchema,
  dispositionCorrectionSchema,
  dispositionSchema,
  firearmSchema,
  ledgerSearchSchema,
  serialSchema,
  sourceSchema,
} from './model.ts';
import { serialFormatRuleSchema } from './rules.ts';
import { bookFilterSchema } from './export.ts';
import { storeHoursInputSchema } from './hours.ts';
import { bookPageSchema } from './search.ts';
import { reportProcedures } from './reports-router.ts';

const id = z.number().int().positive();
const form4473 = regulatedText({ what: 'Form 4473 number', max: 40 });
const who = (ctx: Parameters<typeof signedIn>[0]) => signedIn(ctx).user.username;

export const firearmsRouter = router({
  ...reportProcedures,
  acquire: procedure
    .meta({ access: 'firearms:ledger:write' })
    .input(acquisitionSchema)
    .mutation(({ ctx, input }) => ctx.services.firearms.acquire(who(ctx), input)),
  correctAcquisition: procedure
    .meta({ access: 'firearms:ledger:write' })
    .input(
      z
        .object({
          entryNo: id,
          firearm: firearmSchema,
          receivedOn: recordDateSchema,
          source: sourceSchema,
          reason: correctionReasonSchema,
        })
        .strict(),
    )
    .mutation(({ ctx, input }) =>
      ctx.services.firearms.correctAcquisition(who(ctx), input.entryNo, {
        firearm: input.firearm,
        receivedOn: input.receivedOn,
        source: input.source,
        reason: input.reason,
      }),
    ),
  acquisitions: procedure
    .meta({ access: 'firearms:ledger:write' })
    .input(
      z
        .object({
          view: z.enum(['original', 'corrected', 'both']).default('corrected'),
          afterEntry: z.number().int().min(0).optional(),
          limit: z.number().int().min(1).max(500).default(100),
        })
        .strict(),
    )
    .query(({ ctx, input }) =>
      ctx.services.firearms.acquisitions(input.view, {
        limit: input.limit,
        ...(input.afterEntry !== undefined ? { afterEntry: input.afterEntry } : {}),
      }),
    ),
  search: procedure
    .meta({ access: 'firearms:ledger:write' })
    .input(ledgerSearchSchema.extend(bookPageSchema.shape))
    .query(({ ctx, input }) => {
      const s = signedIn(ctx);
      const { afterEntry, ...search } = input;
      // The grid pages by key (after the last entry it holds): as fast on page 10,000 as on 1.
      const rows = ctx.services.firearms.search(
        search,
        afterEntry === undefined ? {} : { afterEntry },
      );
      if (!ctx.services.auth.can(s.user, 'firearms:sensitive:view'))
        return rows.map((r) => ({ ...r, transfereeName: null, redacted: true }));
      if (rows.some((r) => r.transfereeName))
        ctx.services.audit.record({
          actor: s.user.username,
          action: 'firearm.sensitive_view',
          entity: 'ledger',
          entityId: 'search',
          payload: input,
        });
      return rows.map((r) => ({ ...r, redacted: false }));
    }),
  history: procedure
    .meta({ access: 'firearms:ledger:write' })
    .input(z.object({ itemId: id }).strict())
    .query(({ ctx, input }) => {
      const s = signedIn(ctx);
      const h = ctx.services.firearms.history(input.itemId);
      return {
        ...h,
        dispositions: h.dispositions.map((d) => ({
          ...purchaserView(s, input.itemId, d),
          report: reportOf(ctx, d),
        })),
      };
    }),
  startDisposition: procedure
    .meta({ access: 'firearms:ledger:write' })
    .input(z.object({ itemId: id, disposition: dispositionSchema }).strict())
    .mutation(({ ctx, input }) =>
      ctx.services.firearms.startDisposition(who(ctx), input.itemId, input.disposition),
    ),
  /** The firearm left the store: on `disposedOn` (the hand-over day; default the store's today). */
  commitDisposition: procedure
    .meta({ access: 'firearms:ledger:write' })
    .input(z.object({ dispositionId: id, disposedOn: recordDateSchema.optional() }).strict())
    .mutation(({ ctx, input }) => {
      const d = ctx.services.firearms.commitDisposition(who(ctx), input.dispositionId, {
        ...(input.disposedOn ? { disposedOn: input.disposedOn } : {}),
      });
      return { ...d, report: reportOf(ctx, d) };
    }),
  correctDisposition: procedure
    .meta({ access: 'firearms:ledger:write' })
    .input(dispositionCorrectionSchema.extend({ dispositionId: id }))
    .mutation(({ ctx, input }) => {
      const { dispositionId, ...correction } = input;
      return ctx.services.firearms.correctDisposition(who(ctx), dispositionId, correction);
    }),
  dispositions: procedure
    .meta({ access: 'firearms:ledger:write' })
    .input(
      z
        .object({
          view: z.enum(['original', 'corrected', 'both']).default('corrected'),
          afterId: z.number().int().min(0).optional(),
          limit: z.number().int().min(1).max(500).default(100),
        })
        .strict(),
    )
    .query(({ ctx, input }) => {
      const s = signedIn(ctx);
      return ctx.services.firearms
        .dispositions(input.view, {
          limit: input.limit,
          ...(input.afterId !== undefined ? { afterId: input.afterId } : {}),
        })
        .map((d) => purchaserView(s, d.item_id, d));
    }),
  cancelDisposition: procedure
    .meta({ access: 'firearms:ledger:write' })
    .input(z.object({ dispositionId: id }).strict())
    .mutation(({ ctx, input }) => {
      ctx.services.firearms.cancelDisposition(who(ctx), input.dispositionId);
      return { ok: true as const };
    }),
  undispose: procedure
    .meta({ access: 'firearms:ledger:write' })
    .input(z.object({ dispositionId: id, reason: correctionReasonSchema }).strict())
    .mutation(({ ctx, input }) =>
      ctx.services.firearms.undispose(who(ctx), input.dispositionId, input.reason),
    ),
  flagSuspect: procedure
    .meta({ access: 'firearms:ledger:write' })
    .input(z.object({ itemId: id, reason: correctionReasonSchema }).strict())
    .mutation(({ ctx, input }) => {
      ctx.services.firearms.flagSuspect(who(ctx), input.itemId, input.reason);
      return { ok: true as const };
    }),
  reviewHold: procedure
    .meta({ access: 'firearms:holds:review' })
    .input(
      z
        .object({
          itemId: id,
          decision: z.enum(['release', 'escalate']),
          reason: correctionReasonSchema,
        })
        .strict(),
    )
    .mutation(({ ctx, input }) => {
      ctx.services.firearms.reviewHold(who(ctx), input.itemId, {
        decision: input.decision,
        reason: input.reason,
      });
      return { ok: true as const };
    }),
  inStore: procedure
    .meta({ access: 'firearms:ledger:write' })
    .input(z.object({ serial: serialSchema }).strict())
    .query(({ ctx, input }) => ctx.services.firearms.inStore(input.serial)),
  transfer: procedure
    .meta({ access: 'firearms:ledger:write' })
    .input(
      z
        .object({
          checkId: id,
          transfereeName: regulatedText({ what: 'buyer’s name', max: 120 }),
          transfereeAddress: regulatedText({ what: 'buyer’s address', max: 300 }),
        })
        .strict(),
    )
    .mutation(({ ctx, input }) =>
      ctx.services.firearms
        .transfer(who(ctx), input.checkId, input)
        .map((d) => ({ id: d.id, itemId: d.item_id, state: d.state })),
    ),
  handOver: procedure
    .meta({ access: 'firearms:ledger:write' })
    .input(
      z
        .object({
          form4473,
          disposedOn: recordDateSchema.optional(),
        })
        .strict(),
    )
    .mutation(({ ctx, input }) =>
      ctx.services.firearms
        .handOver(who(ctx), input.form4473, {
          ...(input.disposedOn ? { disposedOn: input.disposedOn } : {}),
        })
        .map((d) => ({
          id: d.id,
          itemId: d.item_id,
          disposedOn: d.disposed_on,
          report: reportOf(ctx, d),
        })),
    ),
  exports: procedure
    .meta({ access: 'firearms:ledger:write' })
    .input(noInput)
    .query(({ ctx }) => ({
      exports: ctx.services.bookReports.exports(),
      folder: ctx.services.backups.folder(),
      nextDaily: ctx.services.bookReports.nextDailyExport(),
    })),
  startExport: procedure
    .meta({ access: 'firearms:ledger:write' })
    .input(
      z
        .object({
          format: z.enum(['csv', 'ascii', 'pdf', 'corrections']),
          filter: bookFilterSchema.default({}),
        })
        .strict(),
    )
    .mutation(({ ctx, input }) => ({
      id: ctx.services.bookReports.startExport(who(ctx), input.format, 'manual', input.filter).id,
    })),
  consistency: procedure
    .meta({ access: 'firearms:ledger:write' })
    .input(noInput)
    .query(({ ctx }) => ctx.services.firearms.consistencyInBackground()),
  inventoryAudit: procedure
    .meta({ access: 'firearms:ledger:write' })
    .input(z.object({ serials: z.array(serialSchema).max(20_000) }).strict())
    .mutation(({ ctx, input }) =>
      ctx.services.firearms.inventoryAuditInBackground(who(ctx), input.serials),
    ),
  serialRules: procedure
    .meta({ access: 'firearms:ledger:write' })
    .input(noInput)
    .query(({ ctx }) => ctx.services.compliance.serialRules()),
  addSerialRule: procedure
    .meta({ access: 'store:manage' })
    .input(serialFormatRuleSchema)
    .mutation(({ ctx, input }) => ({ id: ctx.services.compliance.addSerialRule(who(ctx), input) })),
  retireSerialRule: procedure
    .meta({ access: 'store:manage' })
    .input(z.object({ id }).strict())
    .mutation(({ ctx, input }) => {
      ctx.services.compliance.retireSerialRule(who(ctx), input.id);
      return { ok: true as const };
    }),
  recordPermit: procedure
    .meta({ access: 'firearms:ledger:write' })
    .input(
      z
        .object({
          form4473,
          buyerKey: regulatedText({ what: 'buyer', max: 80 }),
          permitType: regulatedText({ what: 'permit type', max: 80 }),
          permitNumber: regulatedText({ what: 'permit number', max: 60 }),
          issuedOn: recordDateSchema,
        })
        .strict(),
    )
    .mutation(({ ctx, input }) => ctx.services.compliance.recordPermit(who(ctx), input)),
  recordReturn: procedure
    .meta({ access: 'firearms:ledger:write' })
    .input(z.object({ itemId: id, receivedOn: recordDateSchema }).strict())
    .mutation(({ ctx, input }) =>
      ctx.services.compliance.recordReturn(who(ctx), input.itemId, {
        receivedOn: input.receivedOn,
      }),
    ),
  holds: procedure
    .meta({ access: 'firearms:ledger:write' })
    .input(noInput)
    .query(({ ctx }) => ctx.services.firearms.holds()),
  /** The store's hours: the calendar late entries and the multiple-sale window count in. */
  storeHours: procedure
    .meta({ access: 'firearms:ledger:write' })
    .input(noInput)
    .query(({ ctx }) => ctx.services.storeHours.get()),
  setStoreHours: procedure
    .meta({ access: 'store:manage' })
    .input(storeHoursInputSchema)
    .mutation(({ ctx, input }) => ctx.services.storeHours.update(who(ctx), input)),
});

/** The multiple-sale form a disposition raised (3310.4, or 3310.12 where the state has it). */
function reportOf(
  ctx: { services: SignedInContext['services'] },
  d: { id: number; multiple_sale: number },
): '3310.4' | '3310.12' | null {
  return ctx.services.bookReports.flagOf(d.id) ?? (d.multiple_sale === 1 ? '3310.4' : null);
}

/** Purchaser details only for firearms:sensitive:view, and each such view on record. */
function purchaserView<
  T extends {
    transferee_name: string | null;
    transferee_address: string | null;
    officer_name: string | null;
    officer_badge: string | null;
  },
>(ctx: SignedInContext, itemId: number, d: T): T & { redacted: boolean } {
  if (!ctx.services.auth.can(ctx.user, 'firearms:sensitive:view'))
    return {
      ...d,
      transferee_name: null,
      transferee_address: null,
      officer_name: null,
      officer_badge: null,
      redacted: true,
    };
  if (d.transferee_name)
    ctx.services.audit.record({
      actor: ctx.user.username,
      action: 'firearm.sensitive_view',
      entity: 'firearm',
      entityId: itemId,
    });
  return { ...d, redacted: false };
}
