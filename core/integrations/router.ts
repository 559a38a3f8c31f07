// The integrations API: catalog, connections and their health, settings, features,
// mappings, the sync log and the dead-letter queue. Reading needs integration:logs:view;
// changing needs integration:manage; running a provider by hand needs its own
// integration:sync:<provider> permission.
import { z } from 'zod';
import type { Permission } from '../auth/model.ts';
import { DomainError, notFound } from '../errors.ts';
import { noInput, procedure, router, signedIn, type SignedInContext } from '../api/trpc.ts';
import { featureUpdateSchema } from './features.ts';
import { settingsInputSchema, syncPermissionOf } from './model.ts';
import { partnerTemplateSchema } from './templates.ts';

const id = z.number().int().positive();
const byId = z.object({ id }).strict();
const who = (ctx: Parameters<typeof signedIn>[0]) => signedIn(ctx).user.username;

/** Running a provider by hand needs that provider's own sync permission (audited if missing). */
function requireSync(ctx: SignedInContext, connectionId: number): void {
  const i = ctx.services.integrations;
  const provider = i.connections.provider(i.connections.get(connectionId).provider);
  const permission = syncPermissionOf(provider.code) as Permission;
  if (ctx.services.auth.can(ctx.user, permission)) return;
  ctx.services.audit.record({
    actor: ctx.user.username,
    action: 'access.denied',
    entity: 'connection',
    entityId: connectionId,
    outcome: 'denied',
    payload: { permission },
  });
  throw new DomainError(
    'forbidden',
    'missing_permission',
    `Your role (${ctx.user.role}) may not run ${provider.name} by hand. Ask a store manager.`,
  );
}

export const integrationsRouter = router({
  catalog: procedure
    .meta({ access: 'integration:logs:view' })
    .input(noInput)
    .query(({ ctx }) => {
      const state = ctx.services.profile.get().state;
      return { state, entries: ctx.services.integrations.catalog(state) };
    }),
  list: procedure
    .meta({ access: 'integration:logs:view' })
    .input(noInput)
    .query(({ ctx }) => ctx.services.integrations.overview()),
  get: procedure
    .meta({ access: 'integration:logs:view' })
    .input(byId)
    .query(async ({ ctx, input }) => {
      const i = ctx.services.integrations;
      const detail = i.detail(input.id);
      const nextRuns = new Map(
        i.dispatcher
          .schedules()
          .filter((x) => x.connectionId === input.id)
          .map((x) => [x.feature, x.nextRun?.getTime() ?? null]),
      );
      return {
        ...detail,
        settings: await i.connections.settings(input.id),
        features: i.features.list(input.id, detail.definition).map((f) => ({
          ...f,
          nextRunAt: nextRuns.get(f.key) ?? null,
        })),
        templates: i.templates.list(detail.provider),
      };
    }),
  create: procedure
    .meta({ access: 'integration:manage' })
    .input(
      z
        .object({ provider: z.string().min(1).max(60), location: z.string().max(40).optional() })
        .strict(),
    )
    .mutation(({ ctx, input }) =>
      ctx.services.integrations.create(who(ctx), {
        provider: input.provider,
        ...(input.location ? { location: input.location } : {}),
      }),
    ),
  configure: procedure
    .meta({ access: 'integration:manage' })
    .input(z.object({ id, values: settingsInputSchema }).strict())
    .mutation(({ ctx, input }) =>
      ctx.services.integrations.connections.configure(who(ctx), input.id, input.values),
    ),
  setLimits: procedure
    .meta({ access: 'integration:manage' })
    .input(
      z
        .object({
          id,
          maxConcurrency: z.number().int().min(1).max(64).nullable(),
          maxPerSecond: z.number().int().min(1).max(10_000).nullable(),
        })
        .strict(),
    )
    .mutation(({ ctx, input }) =>
      ctx.services.integrations.connections.setLimits(who(ctx), input.id, {
        maxConcurrency: input.maxConcurrency,
        maxPerSecond: input.maxPerSecond,
      }),
    ),
  enable: procedure
    .meta({ access: 'integration:manage' })
    .input(byId)
    .mutation(({ ctx, input }) => ctx.services.integrations.enable(who(ctx), input.id)),
  pause: procedure
    .meta({ access: 'integration:manage' })
    .input(byId)
    .mutation(({ ctx, input }) => ctx.services.integrations.connections.pause(who(ctx), input.id)),
  resume: procedure
    .meta({ access: 'integration:manage' })
    .input(byId)
    .mutation(({ ctx, input }) => ctx.services.integrations.connections.resume(who(ctx), input.id)),
  disconnect: procedure
    .meta({ access: 'integration:manage' })
    .input(byId)
    .mutation(({ ctx, input }) =>
      ctx.services.integrations.connections.disconnect(who(ctx), input.id),
    ),
  retryAll: procedure
    .meta({ access: 'integration:manage' })
    .input(byId)
    .mutation(({ ctx, input }) => ctx.services.integrations.retryAll(who(ctx), input.id)),
  replay: procedure
    .meta({ access: 'integration:manage' })
    .input(z.object({ id, jobIds: z.array(id).min(1).max(1_000) }).strict())
    .mutation(({ ctx, input }) => ({
      replayed: ctx.services.integrations.replay(who(ctx), input.id, input.jobIds),
    })),
  dismiss: procedure
    .meta({ access: 'integration:manage' })
    .input(
      z
        .object({
          id,
          jobId: id,
          reason: z
            .string()
            .trim()
            .min(3, 'Say why this is dismissed (at least 3 characters).')
            .max(500),
        })
        .strict(),
    )
    .mutation(({ ctx, input }) => {
      const i = ctx.services.integrations;
      const job = i.jobs.get(input.jobId);
      if (!job || job.connectionId !== input.id)
        throw notFound(
          'dead_letter_not_found',
          `Job ${input.jobId} is not in this connection's dead letters.`,
        );
      i.jobs.dismiss(input.jobId, input.reason, who(ctx), ctx.services.clock.now());
      return { ok: true as const };
    }),
  deadLetters: procedure
    .meta({ access: 'integration:logs:view' })
    .input(byId)
    .query(({ ctx, input }) => ctx.services.integrations.jobs.deadLetters(input.id)),
  syncLog: procedure
    .meta({ access: 'integration:logs:view' })
    .input(
      z
        .object({
          id,
          before: z.number().int().positive().optional(),
          limit: z.number().int().min(1).max(200).default(50),
        })
        .strict(),
    )
    .query(({ ctx, input }) =>
      ctx.services.integrations.syncLog.list(input.id, {
        limit: input.limit,
        ...(input.before ? { before: input.before } : {}),
      }),
    ),
  runRecords: procedure
    .meta({ access: 'integration:logs:view' })
    .input(z.object({ runId: id }).strict())
    .query(({ ctx, input }) => ctx.services.integrations.syncLog.records(input.runId)),
  updateFeature: procedure
    .meta({ access: 'integration:manage' })
    .input(
      z.object({ id, feature: z.string().min(1).max(60), change: featureUpdateSchema }).strict(),
    )
    .mutation(({ ctx, input }) =>
      ctx.services.integrations.updateFeature(who(ctx), input.id, input.feature, input.change),
    ),
  mappings: procedure
    .meta({ access: 'integration:logs:view' })
    .input(byId)
    .query(({ ctx, input }) => ctx.services.integrations.mappingView(input.id)),
  mappingHistory: procedure
    .meta({ access: 'integration:logs:view' })
    .input(z.object({ id, group: z.string().min(1).max(60) }).strict())
    .query(({ ctx, input }) => ctx.services.integrations.mappings.history(input.id, input.group)),
  setMapping: procedure
    .meta({ access: 'integration:manage' })
    .input(
      z
        .object({
          id,
          group: z.string().min(1).max(60),
          internalCode: z.string().min(1).max(120),
          externalCode: z.string().max(120).nullable(),
        })
        .strict(),
    )
    .mutation(({ ctx, input }) =>
      ctx.services.integrations.setMapping(who(ctx), input.id, {
        group: input.group,
        internalCode: input.internalCode,
        externalCode: input.externalCode,
      }),
    ),
  receiveTemplate: procedure
    .meta({ access: 'integration:manage' })
    .input(partnerTemplateSchema)
    .mutation(({ ctx, input }) =>
      ctx.services.integrations.templates.receive(who(ctx), input, ctx.services.clock.now()),
    ),
  useTemplate: procedure
    .meta({ access: 'integration:manage' })
    .input(z.object({ id, code: z.string().min(1).max(64).nullable() }).strict())
    .mutation(({ ctx, input }) => {
      if (input.code) ctx.services.integrations.templates.get(input.code);
      return ctx.services.integrations.connections.useTemplate(who(ctx), input.id, input.code);
    }),
  syncNow: procedure
    .meta({ access: 'signed_in' })
    .input(z.object({ id, feature: z.string().min(1).max(60) }).strict())
    .mutation(({ ctx, input }) => {
      const s = signedIn(ctx);
      requireSync(s, input.id);
      return ctx.services.integrations.runNow(s.user.username, input.id, input.feature);
    }),
  sendTestEvent: procedure
    .meta({ access: 'signed_in' })
    .input(byId)
    .mutation(({ ctx, input }) => {
      const s = signedIn(ctx);
      requireSync(s, input.id);
      return ctx.services.integrations.sendTestEvent(s.user.username, input.id);
    }),
});
