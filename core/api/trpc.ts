import { initTRPC, TRPCError } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';
import { z } from 'zod';
import type { Permission, UserSummary } from '../auth/model.ts';
import type { Session } from '../auth/service.ts';
import { DomainError, type DomainErrorKind } from '../errors.ts';
import type { StoreServices } from '../app/services.ts';

/**
 * Every procedure declares who may call it:
 * - a Permission from resources/roles.json,
 * - 'public' (health, first-run setup, sign-in),
 * - 'signed_in' (any user with an unlocked session),
 * - 'signed_in_even_locked' (unlock, sign out, who-am-I: usable from the lock screen).
 * A procedure without one is refused at run time and fails the router test.
 */
export type Access = Permission | 'public' | 'signed_in' | 'signed_in_even_locked';
export interface Meta {
  access: Access;
}

export interface Context {
  services: StoreServices;
  token: string | null;
  /** The caller's network address (rate limiting, audit), or 'ipc' for the desktop window. */
  address: string;
  transport: 'http' | 'ipc';
}

const statusOf: Record<DomainErrorKind, TRPC_ERROR_CODE_KEY> = {
  not_found: 'NOT_FOUND',
  conflict: 'CONFLICT',
  invalid: 'BAD_REQUEST',
  unauthenticated: 'UNAUTHORIZED',
  forbidden: 'FORBIDDEN',
  locked: 'FORBIDDEN',
  rate_limited: 'TOO_MANY_REQUESTS',
  unavailable: 'SERVICE_UNAVAILABLE',
};

export interface ApiErrorData {
  /** Stable reason a screen can act on (`session_locked`, `username_taken`, …). */
  reason: string | null;
  /** Field-level validation messages, for forms. */
  fields: { path: string; message: string }[] | null;
}

const t = initTRPC
  .context<Context>()
  .meta<Meta>()
  .create({
    errorFormatter({ shape, error }) {
      const cause = error.cause;
      let reason: string | null = null;
      let fields: ApiErrorData['fields'] = null;
      let message = shape.message;
      if (cause instanceof DomainError) {
        reason = cause.reason;
        fields = cause.fields;
      }
      if (cause instanceof z.ZodError) {
        reason = 'invalid_input';
        fields = cause.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
        message = `Please correct: ${fields.map((f) => (f.path ? `${f.path}: ${f.message}` : f.message)).join('; ')}`;
      }
      if (error.code === 'INTERNAL_SERVER_ERROR' && !(cause instanceof DomainError)) {
        message =
          'Something went wrong on the store server. The error was logged; try again, and call support if it repeats.';
      }
      const data: ApiErrorData = { reason, fields };
      return {
        message,
        code: shape.code,
        data: {
          ...data,
          code: shape.data.code,
          httpStatus: shape.data.httpStatus,
          path: shape.data.path,
        },
      };
    },
  });

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Turns domain errors into API errors with the clerk-facing message kept. */
const mapErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof DomainError) {
    const cause = result.error.cause;
    throw new TRPCError({ code: statusOf[cause.kind], message: cause.message, cause });
  }
  return result;
});

const guard = mapErrors.unstable_pipe(async ({ ctx, meta, path, type, next }) => {
  // A damaged store is read-only: every write is refused with how to restore (issue 14 §3).
  ctx.services.integrity.refuseWrites(type, path);
  const access = meta?.access;
  if (!access) {
    throw new TRPCError({
      code: 'INTERNAL_SERVER_ERROR',
      message: `The procedure ${path} declares no permission, so it is refused.`,
    });
  }
  if (access === 'public') return next({ ctx: { ...ctx, session: null, user: null } });
  const auth = ctx.services.auth;
  // Only actions count as activity for the idle lock: screens refetch and listen on their own,
  // and that must not keep an unattended session open (HIPAA automatic log-off).
  const { session, user } = auth.authenticate(ctx.token, {
    allowLocked: access === 'signed_in_even_locked',
    touch: type === 'mutation',
  });
  if (access === 'signed_in' || access === 'signed_in_even_locked') {
    auth.refuseUntilPasswordChanged(user, path, access);
    return next({ ctx: { ...ctx, session, user } });
  }
  const grant = auth.sessionCan(session, user, access);
  if (!grant) {
    ctx.services.audit.record({
      actor: user.username,
      action: 'access.denied',
      entity: 'procedure',
      entityId: path,
      outcome: 'denied',
      payload: { permission: access },
    });
    throw new DomainError(
      'forbidden',
      'missing_permission',
      `Your role (${user.role}) does not allow this. Ask a store manager if you need it.`,
    );
  }
  // After the role's own limits, so a refusal for a missing permission reads the same.
  auth.refuseUntilPasswordChanged(user, path, access);
  if (grant.by === 'emergency') {
    // Every step taken only under emergency access is on record, with the reason given
    // (HIPAA 45 CFR 164.312(b), audit controls), before the step runs.
    ctx.services.audit.record({
      actor: user.username,
      action: 'access.break_glass',
      entity: 'procedure',
      entityId: path,
      payload: { reason: grant.reason },
    });
  }
  return next({ ctx: { ...ctx, session, user } });
});

export interface SignedInContext extends Context {
  session: Session;
  user: UserSummary;
}

/** Every procedure starts here: `procedure.meta({ access: '...' })`. */
export const procedure = t.procedure.use(guard);

/** Procedures that take no input refuse any that is sent. */
export const noInput = z.undefined({ error: 'This request takes no input.' });

/** Narrows ctx for procedures whose access requires a signed-in user. */
export function signedIn(
  ctx: Context & { session: Session | null; user: UserSummary | null },
): SignedInContext {
  if (!ctx.session || !ctx.user)
    throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in to continue.' });
  return { ...ctx, session: ctx.session, user: ctx.user };
}
