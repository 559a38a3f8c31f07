// Pure rules of the integration platform: how a connection moves through its lifecycle, and
// what happens to a failed job. Functions of their inputs only (no clock, no randomness of
// their own), so tests can drive them exhaustively.

export type ConnectionState = 'configuring' | 'active' | 'paused' | 'error' | 'disconnected';

export type ConnectionEvent =
  | { type: 'test_passed' }
  | { type: 'test_failed'; message: string }
  | { type: 'job_succeeded' }
  | { type: 'job_failed'; errorClass: ErrorClass }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'disconnect' }
  | { type: 'reconfigure' };

export interface ConnectionStatus {
  state: ConnectionState;
  consecutiveFailures: number;
  /** Set when the connection needs a person: why, in words a store manager can act on. */
  attention: string | null;
  /** Ten or more failures in a row: flagged for support to look at. */
  escalated: boolean;
}

export const AUTO_PAUSE_AFTER = 3;
export const ESCALATE_AFTER = 10;

export class LifecycleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LifecycleError';
  }
}

/** The next status of a connection after an event; refuses moves that make no sense. */
export function nextStatus(s: ConnectionStatus, e: ConnectionEvent): ConnectionStatus {
  const refuse = (why: string): never => {
    throw new LifecycleError(why);
  };
  if (s.state === 'disconnected' && e.type !== 'reconfigure') {
    refuse('This connection is disconnected. Set it up again to use it.');
  }
  switch (e.type) {
    case 'test_passed':
      if (s.state !== 'configuring' && s.state !== 'error')
        refuse('Only a connection being set up is tested before it is enabled.');
      return { state: 'active', consecutiveFailures: 0, attention: null, escalated: false };
    case 'test_failed':
      if (s.state !== 'configuring' && s.state !== 'error')
        refuse('Only a connection being set up is tested before it is enabled.');
      return { ...s, state: 'error', attention: `The connection test failed: ${e.message}` };
    case 'job_succeeded':
      return s.state === 'active'
        ? { ...s, consecutiveFailures: 0, escalated: false, attention: null }
        : s;
    case 'job_failed': {
      const failures = s.consecutiveFailures + 1;
      const escalated = s.escalated || failures >= ESCALATE_AFTER;
      // Only a connection in use pauses. One being set up, or whose test failed, stays where it
      // is: it is enabled by a passing test, never by resuming a pause.
      if (s.state !== 'active' && s.state !== 'paused')
        return { ...s, consecutiveFailures: failures, escalated };
      if (e.errorClass === 'auth') {
        return {
          state: 'paused',
          consecutiveFailures: failures,
          escalated,
          attention: 'The provider refused our sign-in. Reconnect the account to resume.',
        };
      }
      if (s.state === 'active' && failures >= AUTO_PAUSE_AFTER) {
        return {
          state: 'paused',
          consecutiveFailures: failures,
          escalated,
          attention: `Paused after ${failures} failures in a row. Check the provider, then resume.`,
        };
      }
      return { ...s, consecutiveFailures: failures, escalated };
    }
    case 'pause':
      if (s.state !== 'active') refuse('Only an active connection can be paused.');
      return { ...s, state: 'paused' };
    case 'resume':
      if (s.state !== 'paused') refuse('Only a paused connection can be resumed.');
      // The failure count carries over: only a success clears it, so a provider that is
      // still down pauses again at its next failure, and ten in a row escalate.
      return { ...s, state: 'active', attention: null };
    case 'disconnect':
      return { state: 'disconnected', consecutiveFailures: 0, attention: null, escalated: false };
    case 'reconfigure':
      return { state: 'configuring', consecutiveFailures: 0, attention: null, escalated: false };
  }
}

export type ErrorClass = 'network' | 'timeout' | 'rate_limit' | 'auth' | 'validation' | 'business';

/** What a provider's answer means for the job: by HTTP status, or by a transport failure. */
export function classifyFailure(f: { status?: number; code?: string }): ErrorClass {
  if (f.status === 429) return 'rate_limit';
  if (f.status === 401 || f.status === 403) return 'auth';
  if (f.status === 408 || f.code === 'ETIMEDOUT' || f.code === 'UND_ERR_HEADERS_TIMEOUT')
    return 'timeout';
  if (f.status !== undefined && f.status >= 500) return 'network';
  if (f.status === 409 || f.status === 422) return 'business';
  if (f.status !== undefined && f.status >= 400) return 'validation';
  return 'network'; // resets, refused connections, DNS: the network, try again
}

/** Delays before retries 1–5 (minutes): together about two hours (ARCHITECTURE.md). */
export const RETRY_DELAYS_MS = [60_000, 5 * 60_000, 15 * 60_000, 30 * 60_000, 60 * 60_000] as const;
/** Jitter spreads retries of many jobs: each delay is scaled by 0.8–1.2. */
export const JITTER = 0.2;

export type RetryDecision =
  | { action: 'retry'; delayMs: number }
  | { action: 'dead_letter'; reason: string }
  | { action: 'pause_connection'; reason: string };

/**
 * What to do after attempt number `attempt` (1 for the first try) failed. `random` is a
 * number in [0, 1) supplied by the caller (jitter); `retryAfterMs` is the provider's own
 * Retry-After, honoured when it asks for longer than our backoff.
 */
export function retryDecision(o: {
  errorClass: ErrorClass;
  attempt: number;
  random: number;
  retryAfterMs?: number;
  message?: string;
}): RetryDecision {
  if (o.errorClass === 'auth')
    return { action: 'pause_connection', reason: 'The provider refused our sign-in.' };
  if (o.errorClass === 'validation' || o.errorClass === 'business') {
    return { action: 'dead_letter', reason: o.message ?? 'The provider refused the data.' };
  }
  const base = RETRY_DELAYS_MS[o.attempt - 1];
  if (base === undefined) {
    return {
      action: 'dead_letter',
      reason: `Gave up after ${RETRY_DELAYS_MS.length} retries: ${o.message ?? o.errorClass}.`,
    };
  }
  const jittered = Math.round(base * (1 - JITTER + 2 * JITTER * o.random));
  return { action: 'retry', delayMs: Math.max(jittered, o.retryAfterMs ?? 0) };
}

export type HealthLevel = 'green' | 'yellow' | 'red' | 'off';

export interface HealthInput {
  state: ConnectionState;
  attention: string | null;
  escalated: boolean;
  deadLetters: number;
  retrying: number;
  oldestWaitingAt: number | null;
  tokenExpiresAt: number | null;
  now: number;
}

/** Jobs waiting longer than this make a connection stale (red). */
export const STALE_AFTER_MS = 60 * 60_000;
/** A token expiring within this many days is a warning (yellow). */
export const TOKEN_WARN_DAYS = 7;
const DAY_MS = 86_400_000;

/**
 * The health badge: red for errors, a pause, dead letters or a stale queue; yellow for
 * retries and warnings; green when all is well; off when not enabled. With the reasons.
 */
export function healthOf(h: HealthInput): { level: HealthLevel; reasons: string[] } {
  const red: string[] = [];
  const yellow: string[] = [];
  if (h.state === 'disconnected') return { level: 'off', reasons: ['Disconnected.'] };
  if (h.state === 'configuring') return { level: 'off', reasons: ['Not enabled yet.'] };
  if (h.state === 'error') red.push(h.attention ?? 'The connection test failed.');
  if (h.state === 'paused') red.push(h.attention ?? 'Paused.');
  if (h.deadLetters > 0) red.push(`${h.deadLetters} in the dead-letter queue.`);
  if (h.oldestWaitingAt !== null && h.now - h.oldestWaitingAt > STALE_AFTER_MS)
    red.push('Records have been waiting more than an hour.');
  if (h.retrying > 0) yellow.push(`${h.retrying} waiting to be retried.`);
  if (h.escalated) yellow.push('Ten or more failures in a row: flagged for support.');
  if (h.tokenExpiresAt !== null) {
    // A token is good until its expiry instant, not at it (RFC 7519 §4.1.4); the warning counts
    // whole days still left, so the last hours read "1 day(s)", never "0".
    const left = h.tokenExpiresAt - h.now;
    if (left <= 0) red.push('The sign-in has expired: reconnect the account.');
    else if (left <= TOKEN_WARN_DAYS * DAY_MS)
      yellow.push(`The sign-in expires in ${Math.ceil(left / DAY_MS)} day(s): reconnect soon.`);
  }
  if (red.length) return { level: 'red', reasons: [...red, ...yellow] };
  if (yellow.length) return { level: 'yellow', reasons: yellow };
  return { level: 'green', reasons: [] };
}
