// What went wrong, in a form screens can act on. The store server's errors carry a stable
// `reason`, per-field messages for bad input, and a message a clerk can read (English).
import type { TFunction } from 'i18next';
import { en } from '../i18n/en.ts';

export interface FieldProblem {
  path: string;
  message: string;
}

export interface ApiProblem {
  /** The server's clerk-readable message (English), or the transport's. */
  message: string;
  /** Stable reason such as `session_locked`, `username_taken`; null if none. */
  reason: string | null;
  fields: FieldProblem[] | null;
  /** The server could not be reached at all. */
  network: boolean;
}

interface ErrorData {
  reason?: unknown;
  fields?: unknown;
}

const isFieldList = (v: unknown): v is FieldProblem[] =>
  Array.isArray(v) &&
  v.every(
    (f) => typeof f === 'object' && f !== null && typeof (f as FieldProblem).path === 'string',
  );

/** Reads a TRPCClientError (or anything thrown) without trusting its shape. */
export function problemOf(error: unknown): ApiProblem {
  const e = (typeof error === 'object' && error !== null ? error : {}) as {
    message?: unknown;
    data?: ErrorData | null;
    shape?: unknown;
    name?: unknown;
  };
  const message = typeof e.message === 'string' && e.message ? e.message : String(error);
  const data = e.data ?? null;
  if (!data && !e.shape) {
    // No answer from the server: fetch failed, the IPC bridge refused, or the body was not ours.
    return { message, reason: null, fields: null, network: true };
  }
  return {
    message,
    reason: typeof data?.reason === 'string' ? data.reason : null,
    fields: isFieldList(data?.fields) ? data.fields : null,
    network: false,
  };
}

export type SessionEffect = 'lock' | 'signOut' | null;

/** What an error means for the session as a whole, whichever screen got it. */
export function sessionEffectOf(reason: string | null): SessionEffect {
  switch (reason) {
    case 'session_locked':
      return 'lock';
    case 'not_signed_in':
    case 'account_disabled':
    case 'too_many_unlock_attempts':
      return 'signOut';
    default:
      return null;
  }
}

type ErrorKey = keyof typeof en.errors;
/** Every reason the catalogue has words for (network and unknown are not server reasons). */
const knownReasons = new Set<string>(
  Object.keys(en.errors).filter((k) => k !== 'network' && k !== 'unknown'),
);

/**
 * The sentence to show. In English the server's own message is the most specific (it names
 * the user, the time a lock ends…). In another language, the translation for the reason;
 * the server's English only for a reason we have no words for yet.
 */
export function describeProblem(problem: ApiProblem, t: TFunction, language: string): string {
  if (problem.network) return t('errors.network');
  if (language === 'en') return problem.message || t('errors.unknown');
  if (problem.reason && knownReasons.has(problem.reason)) {
    return t(`errors.${problem.reason as ErrorKey}`);
  }
  return problem.message || t('errors.unknown');
}
