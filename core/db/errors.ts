export type DatabaseOpenReason =
  'wrong_key' | 'key_missing' | 'corrupt' | 'too_new' | 'not_encrypted' | 'unavailable';

/** Why the store database could not be opened, in words a store manager can act on. */
export class DatabaseOpenError extends Error {
  readonly reason: DatabaseOpenReason;
  constructor(reason: DatabaseOpenReason, message: string) {
    super(message);
    this.name = 'DatabaseOpenError';
    this.reason = reason;
  }
}
