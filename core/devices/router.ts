// The device manager's API: devices and their health, tests, and the print queue. Setting
// devices up needs devices:manage; printing, reprinting, cancelling and the drawer need
// devices:print. A device that cannot be reached answers with the driver's own words.
import { on } from 'node:events';
import { z } from 'zod';
import { noInput, procedure, router, signedIn } from '../api/trpc.ts';
import { deviceConfigSchema, labelSchema, poleTextSchema, receiptSchema } from './model.ts';

const id = z.number().int().positive();
const reason = z.string().trim().min(3, 'Say why (a few words).').max(200);
const who = (ctx: Parameters<typeof signedIn>[0]) => signedIn(ctx).user.username;

export const devicesRouter = router({
  list: procedure
    .meta({ access: 'store:view' })
    .input(noInput)
    .query(({ ctx }) => ctx.services.devices.list()),
  add: procedure
    .meta({ access: 'devices:manage' })
    .input(deviceConfigSchema)
    .mutation(({ ctx, input }) => ctx.services.devices.add(who(ctx), input)),
  update: procedure
    .meta({ access: 'devices:manage' })
    .input(z.object({ id, config: deviceConfigSchema }).strict())
    .mutation(({ ctx, input }) => ctx.services.devices.update(who(ctx), input.id, input.config)),
  retire: procedure
    .meta({ access: 'devices:manage' })
    .input(z.object({ id }).strict())
    .mutation(({ ctx, input }) => {
      ctx.services.devices.retire(who(ctx), input.id);
      return { ok: true as const };
    }),
  /** Checks a device now (the "Check now" button), rather than waiting for the next round. */
  probe: procedure
    .meta({ access: 'devices:manage' })
    .input(z.object({ id }).strict())
    .mutation(({ ctx, input }) => ctx.services.devices.probe(input.id)),
  testPrint: procedure
    .meta({ access: 'devices:manage' })
    .input(z.object({ id }).strict())
    .mutation(({ ctx, input }) => ctx.services.devices.printTestPage(who(ctx), input.id)),
  openDrawer: procedure
    .meta({ access: 'devices:print' })
    .input(z.object({ id }).strict())
    .mutation(async ({ ctx, input }) => {
      await ctx.services.devices.openDrawer(who(ctx), input.id);
      return { ok: true as const };
    }),
  readWeight: procedure
    .meta({ access: 'devices:manage' })
    .input(z.object({ id }).strict())
    .mutation(({ ctx, input }) => ctx.services.devices.readWeight(input.id)),
  zeroScale: procedure
    .meta({ access: 'devices:manage' })
    .input(z.object({ id }).strict())
    .mutation(async ({ ctx, input }) => {
      await ctx.services.devices.zeroScale(who(ctx), input.id);
      return { ok: true as const };
    }),
  showText: procedure
    .meta({ access: 'devices:manage' })
    .input(z.object({ id, text: poleTextSchema.nullable() }).strict())
    .mutation(async ({ ctx, input }) => {
      await ctx.services.devices.showText(input.id, input.text);
      return { ok: true as const };
    }),
  /** The label rendered to PNG (a data URL) and its ZPL, before anything is printed. */
  labelPreview: procedure
    .meta({ access: 'devices:print' })
    .input(z.object({ id, label: labelSchema }).strict())
    .mutation(async ({ ctx, input }) => {
      const { zpl, png } = await ctx.services.devices.labelPreview(input.id, input.label);
      return { zpl, png: `data:image/png;base64,${png.toString('base64')}` };
    }),
  printLabel: procedure
    .meta({ access: 'devices:print' })
    .input(
      z
        .object({
          id,
          label: labelSchema,
          copies: z.number().int().min(1).max(100).default(1),
          /** Same key, same job: a double click prints once. */
          key: z.string().trim().min(8).max(120),
        })
        .strict(),
    )
    .mutation(
      ({ ctx, input }) =>
        ctx.services.devices.printLabel(who(ctx), input.id, input.key, input.label, input.copies)
          .job,
    ),
  printReceipt: procedure
    .meta({ access: 'devices:print' })
    .input(
      z.object({ id, key: z.string().trim().min(8).max(120), receipt: receiptSchema }).strict(),
    )
    .mutation(({ ctx, input }) =>
      ctx.services.devices.printReceipt(who(ctx), input.id, input.key, input.receipt),
    ),
  jobs: procedure
    .meta({ access: 'store:view' })
    .input(z.object({ id, limit: z.number().int().min(1).max(200).default(30) }).strict())
    .query(({ ctx, input }) => ctx.services.devices.queue.jobs(input.id, input.limit)),
  reprint: procedure
    .meta({ access: 'devices:print' })
    .input(z.object({ jobId: id, reason }).strict())
    .mutation(({ ctx, input }) =>
      ctx.services.devices.queue.reprint(who(ctx), input.jobId, input.reason),
    ),
  cancelJob: procedure
    .meta({ access: 'devices:print' })
    .input(z.object({ jobId: id, reason }).strict())
    .mutation(({ ctx, input }) =>
      ctx.services.devices.queue.cancel(who(ctx), input.jobId, input.reason),
    ),
  retryJob: procedure
    .meta({ access: 'devices:print' })
    .input(z.object({ jobId: id }).strict())
    .mutation(({ ctx, input }) => ctx.services.devices.queue.retryNow(who(ctx), input.jobId)),
  /** What serial scanners read, as they read it: the screens take each code as a scan. */
  scans: procedure
    .meta({ access: 'store:view' })
    .input(noInput)
    .subscription(async function* ({ ctx, signal }) {
      for await (const [scan] of on(ctx.services.devices.scans, 'scan', { signal }))
        yield scan as { deviceId: number; code: string };
    }),
  /** How the screens tell a keyboard-wedge scan from typing (the store's scanner settings). */
  scannerSettings: procedure
    .meta({ access: 'store:view' })
    .input(noInput)
    .query(({ ctx }) => ctx.services.devices.scannerSettings()),
});
