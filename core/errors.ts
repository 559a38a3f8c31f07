// Typed domain errors. Each carries a message a clerk can act on; the API maps the kind
// to a transport status (see core/api/trpc.ts). Nothing is swallowed: callers either
// handle a kind they expect or let it reach the API boundary.

export type DomainErrorKind =
  | 'not_found'
  | 'conflict'
  | 'invalid'
  | 'unauthenticated'
  | 'forbidden'
  | 'locked'
  | 'rate_limited'
  | 'unavailable';

export class DomainError extends Error {
  readonly kind: DomainErrorKind;
  /** Stable machine-readable reason, e.g. `session_locked`, `account_locked`. */
  readonly reason: string;
  /** Field-level messages for a form, when the problem is in particular fields. */
  readonly fields: { path: string; message: string }[] | null;

  constructor(
    kind: DomainErrorKind,
    reason: string,
    message: string,
    fields: { path: string; message: string }[] | null = null,
  ) {
    super(message);
    this.name = 'DomainError';
    this.kind = kind;
    this.reason = reason;
    this.fields = fields;
  }
}

export const notFound = (reason: string, message: string) =>
  new DomainError('not_found', reason, message);
export const conflict = (reason: string, message: string) =>
  new DomainError('conflict', reason, message);
export const invalid = (reason: string, message: string) =>
  new DomainError('invalid', reason, message);
export const forbidden = (reason: string, message: string) =>
  new DomainError('forbidden', reason, message);
