import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AUTO_PAUSE_AFTER,
  ESCALATE_AFTER,
  JITTER,
  LifecycleError,
  RETRY_DELAYS_MS,
  classifyFailure,
  nextStatus,
  retryDecision,
  type ConnectionEvent,
  type ConnectionStatus,
  type ErrorClass,
} from './rules.ts';

const fresh: ConnectionStatus = {
  state: 'configuring',
  consecutiveFailures: 0,
  attention: null,
  escalated: false,
};
const run = (events: ConnectionEvent[], from = fresh) =>
  events.reduce((s, e) => {
    try {
      return nextStatus(s, e);
    } catch (error) {
      if (error instanceof LifecycleError) return s; // refused moves change nothing
      throw error;
    }
  }, from);
const fail = (errorClass: ErrorClass = 'network'): ConnectionEvent => ({
  type: 'job_failed',
  errorClass,
});

describe('the connection lifecycle', () => {
  it('is enabled only by a passing connection test', () => {
    expect(nextStatus(fresh, { type: 'test_passed' }).state).toBe('active');
    const failed = nextStatus(fresh, { type: 'test_failed', message: 'no route to host' });
    expect(failed).toMatchObject({
      state: 'error',
      attention: 'The connection test failed: no route to host',
    });
    expect(nextStatus(failed, { type: 'test_passed' }).state).toBe('active');
  });

  it('pauses itself after three failures in a row and asks for attention', () => {
    const s = run([{ type: 'test_passed' }, fail(), fail(), fail()]);
    expect(s).toMatchObject({ state: 'paused', consecutiveFailures: AUTO_PAUSE_AFTER });
    expect(s.attention).toMatch(/Paused after 3 failures/);
    expect(
      run([{ type: 'test_passed' }, fail(), fail(), { type: 'job_succeeded' }, fail(), fail()])
        .state,
    ).toBe('active');
  });

  it('pauses at once when the provider refuses our sign-in', () => {
    expect(run([{ type: 'test_passed' }, fail('auth')])).toMatchObject({
      state: 'paused',
      attention: expect.stringMatching(/Reconnect/),
    });
  });

  it('pauses again at the next failure after a resume, and flags ten in a row for escalation', () => {
    let s = run([{ type: 'test_passed' }, fail(), fail(), fail()]);
    expect(s.state).toBe('paused');
    for (let n = AUTO_PAUSE_AFTER + 1; n <= ESCALATE_AFTER; n++) {
      s = nextStatus(s, { type: 'resume' });
      expect(s).toMatchObject({ state: 'active', attention: null });
      s = nextStatus(s, fail());
      expect(s).toMatchObject({
        state: 'paused',
        consecutiveFailures: n,
        escalated: n >= ESCALATE_AFTER,
      });
    }
    s = nextStatus(nextStatus(s, { type: 'resume' }), { type: 'job_succeeded' });
    expect(s).toMatchObject({ state: 'active', consecutiveFailures: 0, escalated: false });
  });

  it('refuses moves that make no sense, with a reason', () => {
    expect(() => nextStatus(fresh, { type: 'pause' })).toThrow(/Only an active connection/);
    expect(() => nextStatus(run([{ type: 'test_passed' }]), { type: 'resume' })).toThrow(
      /Only a paused connection/,
    );
    const gone = run([{ type: 'test_passed' }, { type: 'disconnect' }]);
    expect(() => nextStatus(gone, { type: 'resume' })).toThrow(/disconnected/);
    expect(nextStatus(gone, { type: 'reconfigure' }).state).toBe('configuring');
  });

  it('never stays active after a failure that makes three or more in a row (property)', () => {
    const event = fc.oneof(
      fc.constant<ConnectionEvent>({ type: 'test_passed' }),
      fc.constant<ConnectionEvent>({ type: 'job_succeeded' }),
      fc
        .constantFrom<ErrorClass>('network', 'timeout', 'rate_limit', 'auth', 'validation')
        .map(fail),
      fc.constant<ConnectionEvent>({ type: 'pause' }),
      fc.constant<ConnectionEvent>({ type: 'resume' }),
      fc.constant<ConnectionEvent>({ type: 'disconnect' }),
      fc.constant<ConnectionEvent>({ type: 'reconfigure' }),
    );
    fc.assert(
      fc.property(fc.array(event, { maxLength: 60 }), (events) => {
        let s = fresh;
        for (const e of events) {
          const before = s;
          s = run([e], s);
          if (e.type === 'job_failed' && before.state === 'active') {
            expect(s.state === 'paused' || s.consecutiveFailures < AUTO_PAUSE_AFTER).toBe(true);
          }
          if (s.consecutiveFailures >= ESCALATE_AFTER) expect(s.escalated).toBe(true);
        }
      }),
    );
  });
});

describe('the retry policy', () => {
  it('classifies provider answers', () => {
    expect(classifyFailure({ status: 503 })).toBe('network');
    expect(classifyFailure({ status: 429 })).toBe('rate_limit');
    expect(classifyFailure({ status: 401 })).toBe('auth');
    expect(classifyFailure({ status: 400 })).toBe('validation');
    expect(classifyFailure({ status: 422 })).toBe('business');
    expect(classifyFailure({ code: 'ECONNRESET' })).toBe('network');
    expect(classifyFailure({ code: 'ETIMEDOUT' })).toBe('timeout');
  });

  it('retries at most five times over about two hours, with jitter', () => {
    const total = RETRY_DELAYS_MS.reduce((a, b) => a + b, 0);
    expect(RETRY_DELAYS_MS).toHaveLength(5);
    expect(total / 3_600_000).toBeGreaterThan(1.5);
    expect(total / 3_600_000).toBeLessThan(2.5);
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, random) => {
          const d = retryDecision({ errorClass: 'network', attempt, random });
          const base = RETRY_DELAYS_MS[attempt - 1] ?? 0;
          expect(d.action).toBe('retry');
          if (d.action === 'retry') {
            expect(d.delayMs).toBeGreaterThanOrEqual(Math.floor(base * (1 - JITTER)));
            expect(d.delayMs).toBeLessThanOrEqual(Math.ceil(base * (1 + JITTER)));
          }
        },
      ),
    );
    expect(
      retryDecision({ errorClass: 'timeout', attempt: 6, random: 0.5, message: 'timed out' }),
    ).toEqual({
      action: 'dead_letter',
      reason: 'Gave up after 5 retries: timed out.',
    });
  });

  it('honours a longer Retry-After', () => {
    expect(
      retryDecision({ errorClass: 'rate_limit', attempt: 1, random: 0.5, retryAfterMs: 600_000 }),
    ).toEqual({ action: 'retry', delayMs: 600_000 });
    expect(
      retryDecision({ errorClass: 'rate_limit', attempt: 1, random: 0.5, retryAfterMs: 1_000 }),
    ).toEqual({ action: 'retry', delayMs: 60_000 });
  });

  it('sends refused data to the dead letters at once, and pauses on a refused sign-in', () => {
    expect(
      retryDecision({
        errorClass: 'validation',
        attempt: 1,
        random: 0,
        message: 'amount must be positive',
      }),
    ).toEqual({ action: 'dead_letter', reason: 'amount must be positive' });
    expect(retryDecision({ errorClass: 'auth', attempt: 1, random: 0 }).action).toBe(
      'pause_connection',
    );
  });
});
