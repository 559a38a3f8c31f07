import { on } from 'node:events';
import { z } from 'zod';
import { hasControlCharacter } from '../audit/chain.ts';
import { auditQuerySchema } from '../audit/model.ts';
import {
  breakGlassReasonSchema,
  displayNameSchema,
  passwordSchema,
  pinSchema,
  roleSchema,
  usernameSchema,
} from '../auth/model.ts';
import { backupNameSchema, backupSettingsSchema, stageRestoreSchema } from '../backup/model.ts';
import type { ChangeTopic } from '../app/change-feed.ts';
import { healthOf } from './health.ts';
import { integrationsRouter } from '../integrations/router.ts';
import { checksRouter } from '../checks/router.ts';
import { firearmsRouter } from '../firearms/router.ts';
import { devicesRouter } from '../devices/router.ts';
import { pharmacyRouter } from '../pharmacy/router.ts';
import { storeProfileSchema } from '../store/model.ts';
import { noInput, procedure, router, signedIn } from './trpc.ts';

const userId = z.number().int().positive();

const system = router({
  health: procedure
    .meta({ access: 'public' })
    .input(noInput)
    .query(({ ctx }) => healthOf(ctx.services)),
  setupStatus: procedure
    .meta({ access: 'public' })
    .input(noInput)
    .query(({ ctx }) => ({ needsSetup: ctx.services.auth.needsSetup() })),
});

const setup = router({
  createOwner: procedure
    .meta({ access: 'public' })
    .input(
      z
        .object({
          username: usernameSchema,
          displayName: displayNameSchema,
          password: passwordSchema,
          pin: pinSchema.optional(),
        })
        .strict(),
    )
    .mutation(({ ctx, input }) => ctx.services.auth.setupOwner(input)),
});

const auth = router({
  login: procedure
    .meta({ access: 'public' })
    // Sign-in accepts any printable name the right length: a wrong one is a failed attempt.
    .input(
      z
        .object({
          username: z
            .string()
            .trim()
            .toLowerCase()
            .min(1)
            .max(64)
            .refine((v) => !hasControlCharacter(v), 'A username has no line breaks or tabs.'),
          password: z.string().min(1).max(200),
        })
        .strict(),
    )
    .mutation(({ ctx, input }) => ctx.services.auth.login(input, ctx.address)),
  me: procedure
    .meta({ access: 'signed_in_even_locked' })
    .input(noInput)
    .query(({ ctx }) => ctx.services.auth.view(signedIn(ctx).session)),
  /** Activity in the window without any other request still counts as activity. */
  stillHere: procedure
    .meta({ access: 'signed_in' })
    .input(noInput)
    .mutation(() => ({ ok: true as const })),
  lock: procedure
    .meta({ access: 'signed_in_even_locked' })
    .input(noInput)
    .mutation(({ ctx }) => {
      const s = signedIn(ctx);
      ctx.services.auth.lock(s.session, s.user.username);
      return ctx.services.auth.view(s.session);
    }),
  unlock: procedure
    .meta({ access: 'signed_in_even_locked' })
    .input(
      z.union([
        z.object({ pin: z.string().min(1).max(8) }).strict(),
        z.object({ password: z.string().min(1).max(200) }).strict(),
      ]),
    )
    .mutation(({ ctx, input }) => ctx.services.auth.unlock(signedIn(ctx).session, input)),
  logout: procedure
    .meta({ access: 'signed_in_even_locked' })
    .input(noInput)
    .mutation(({ ctx }) => {
      const s = signedIn(ctx);
      ctx.services.auth.logout(s.session, s.user.username);
      return { ok: true as const };
    }),
  /**
   * Emergency access to the pickup screen; the service refuses roles without
   * pharmacy:break_glass (and audits the refusal), so any signed-in user may ask.
   */
  breakGlass: procedure
    .meta({ access: 'signed_in' })
    .input(z.object({ reason: breakGlassReasonSchema }).strict())
    .mutation(({ ctx, input }) => {
      const s = signedIn(ctx);
      return ctx.services.auth.breakGlass(s.session, s.user.username, input.reason);
    }),
  endBreakGlass: procedure
    .meta({ access: 'signed_in' })
    .input(noInput)
    .mutation(({ ctx }) => {
      const s = signedIn(ctx);
      return ctx.services.auth.endBreakGlass(s.session, s.user.username);
    }),
  setPin: procedure
    .meta({ access: 'signed_in' })
    .input(z.object({ pin: pinSchema, currentPassword: z.string().min(1).max(200) }).strict())
    .mutation(async ({ ctx, input }) => {
      await ctx.services.auth.setPin(signedIn(ctx).session, input);
      return { ok: true as const };
    }),
  changePassword: procedure
    .meta({ access: 'signed_in' })
    .input(
      z
        .object({ currentPassword: z.string().min(1).max(200), newPassword: passwordSchema })
        .strict(),
    )
    .mutation(async ({ ctx, input }) => {
      await ctx.services.auth.changePassword(signedIn(ctx).session, input);
      return { ok: true as const };
    }),
});

const actorOf = (ctx: Parameters<typeof signedIn>[0]) => {
  const { user } = signedIn(ctx);
  return { userId: user.id, username: user.username };
};

const users = router({
  list: procedure
    .meta({ access: 'users:manage' })
    .input(noInput)
    .query(({ ctx }) => ctx.services.auth.listUsers()),
  create: procedure
    .meta({ access: 'users:manage' })
    .input(
      z
        .object({
          username: usernameSchema,
          displayName: displayNameSchema,
          role: roleSchema,
          password: passwordSchema,
        })
        .strict(),
    )
    .mutation(({ ctx, input }) => ctx.services.auth.createUser(actorOf(ctx), input)),
  setDisabled: procedure
    .meta({ access: 'users:manage' })
    .input(z.object({ userId, disabled: z.boolean() }).strict())
    .mutation(({ ctx, input }) =>
      ctx.services.auth.setDisabled(actorOf(ctx), input.userId, input.disabled),
    ),
  resetPassword: procedure
    .meta({ access: 'users:manage' })
    .input(z.object({ userId, newPassword: passwordSchema }).strict())
    .mutation(({ ctx, input }) =>
      ctx.services.auth.resetPassword(actorOf(ctx), input.userId, input.newPassword),
    ),
  changeRole: procedure
    .meta({ access: 'users:manage' })
    .input(z.object({ userId, role: roleSchema }).strict())
    .mutation(({ ctx, input }) =>
      ctx.services.auth.changeRole(actorOf(ctx), input.userId, input.role),
    ),
});

const audit = router({
  query: procedure
    .meta({ access: 'audit:view' })
    .input(auditQuerySchema)
    .query(({ ctx, input }) => ctx.services.audit.query(input)),
  facets: procedure
    .meta({ access: 'audit:view' })
    .input(noInput)
    .query(({ ctx }) => ctx.services.audit.facets()),
  verify: procedure
    .meta({ access: 'audit:view' })
    .input(noInput)
    .mutation(({ ctx }) => ctx.services.chain.verify()),
  /** Emergency access periods with their reasons in words (the audit log keeps only hashes). */
  emergencyAccess: procedure
    .meta({ access: 'audit:view' })
    .input(noInput)
    .query(({ ctx }) => ctx.services.auth.emergencyLog()),
});

const backup = router({
  history: procedure
    .meta({ access: 'backup:manage' })
    .input(noInput)
    .query(({ ctx }) => ctx.services.backups.history()),
  settings: procedure
    .meta({ access: 'backup:manage' })
    .input(noInput)
    .query(({ ctx }) => ({
      ...ctx.services.backups.settings(),
      effectiveFolder: ctx.services.backups.folder(),
      nextRun: ctx.services.backups.nextScheduledRun(),
    })),
  updateSettings: procedure
    .meta({ access: 'backup:manage' })
    .input(backupSettingsSchema)
    .mutation(({ ctx, input }) =>
      ctx.services.backups.updateSettings(signedIn(ctx).user.username, input),
    ),
  runNow: procedure
    .meta({ access: 'backup:manage' })
    .input(noInput)
    .mutation(({ ctx }) => ctx.services.backups.run('manual', signedIn(ctx).user.username)),
  /** Restore, owner only: check a backup (chain shown first), stage it for the next start. */
  restorable: procedure
    .meta({ access: 'backup:restore' })
    .input(noInput)
    .query(({ ctx }) => ({
      backups: ctx.services.backups.restorable(),
      pending: ctx.services.backups.pendingRestore(),
    })),
  checkRestore: procedure
    .meta({ access: 'backup:restore' })
    .input(z.object({ name: backupNameSchema }).strict())
    .mutation(({ ctx, input }) =>
      ctx.services.backups.checkRestore(signedIn(ctx).user.username, input.name),
    ),
  stageRestore: procedure
    .meta({ access: 'backup:restore' })
    .input(stageRestoreSchema)
    .mutation(({ ctx, input }) =>
      ctx.services.backups.stageRestore(signedIn(ctx).user.username, input),
    ),
  cancelRestore: procedure
    .meta({ access: 'backup:restore' })
    .input(noInput)
    .mutation(({ ctx }) => ctx.services.backups.cancelRestore(signedIn(ctx).user.username)),
});

const dashboard = router({
  summary: procedure
    .meta({ access: 'store:view' })
    .input(noInput)
    .query(({ ctx }) => {
      const s = ctx.services;
      const [lastBackup] = s.backups.history(1);
      return {
        databaseBytes: s.store.sizeBytes(),
        schemaVersion: s.store.schemaVersion,
        lastBackup: lastBackup ?? null,
        nextBackup: s.backups.nextScheduledRun(),
        auditChain: s.chain.status(),
        // Keychain or a file on this PC: the dashboard's SecretsWarning says what a file means.
        secrets: s.secrets.location,
        activeUsers: s.auth.activeUsers(),
        // Connections that need someone: paused, failing, dead letters or a stale queue.
        integrationAlerts: s.integrations
          .overview()
          .filter((c) => c.health.level === 'red')
          .map((c) => ({ id: c.id, providerName: c.providerName, reasons: c.health.reasons })),
        // Every device with its health: the dashboard's devices card (and, later, the cloud's).
        devices: s.devices.list().map((d) => ({
          id: d.id,
          name: d.name,
          kind: d.kind,
          connected: d.health.connected,
          lastSeenAt: d.health.lastSeenAt,
          lastError: d.health.lastError,
          held: d.queue.held,
        })),
        // Bound book deadlines missed and multiple-sale reports due: for who keeps the book.
        compliance: s.auth.can(signedIn(ctx).user, 'firearms:ledger:write')
          ? s.bookReports.complianceSummary()
          : null,
      };
    }),
  /** Live updates: a topic each time something changes; screens refetch what they show. */
  changes: procedure
    .meta({ access: 'store:view' })
    .input(noInput)
    .subscription(async function* ({ ctx, signal }) {
      for await (const [topic] of on(ctx.services.changes.emitter, 'change', { signal })) {
        // Signing out, locking or disabling is itself audited, so it arrives here as a change:
        // a stream whose session no longer stands ends instead of telling a closed screen.
        try {
          ctx.services.auth.authenticate(ctx.token, { touch: false });
        } catch {
          return;
        }
        yield { topic: topic as ChangeTopic };
      }
    }),
});

const store = router({
  profile: procedure
    .meta({ access: 'store:view' })
    .input(noInput)
    .query(({ ctx }) => ctx.services.profile.get()),
  updateProfile: procedure
    .meta({ access: 'store:manage' })
    .input(storeProfileSchema)
    .mutation(({ ctx, input }) => ctx.services.profile.update(signedIn(ctx).user.username, input)),
});

export const appRouter = router({
  system,
  setup,
  auth,
  users,
  audit,
  backup,
  dashboard,
  store,
  integrations: integrationsRouter,
  firearms: firearmsRouter,
  checks: checksRouter,
  devices: devicesRouter,
  pharmacy: pharmacyRouter,
});
export type AppRouter = typeof appRouter;
