import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AUTO_PAUSE_AFTER,
  ESCALATE_AFTER,
  JITTER,
  LifecycleError,
  RETRY_DELAYS_MS,
  classifyFailure,
  healthOf,
  nextStatus,
  retryDecision,
  type ConnectionEvent,
  type ConnectionStatus,
  type ErrorClass,
  type HealthInput,
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

  it('is paused and resumed by hand, keeping what it had', () => {
    const active = run([{ type: 'test_passed' }, fail()]);
    const paused = nextStatus(active, { type: 'pause' });
    expect(paused).toEqual({ ...active, state: 'paused' });
    expect(nextStatus(paused, { type: 'resume' })).toEqual(active);
    expect(() => nextStatus(paused, { type: 'pause' })).toThrow(/Only an active connection/);
  });

  it('takes a connection test only while being set up or after a failed test', () => {
    const failed = nextStatus(fresh, { type: 'test_failed', message: 'no route to host' });
    expect(nextStatus(failed, { type: 'test_failed', message: 'certificate expired' })).toEqual({
      ...failed,
      attention: 'The connection test failed: certificate expired',
    });
    const active = run([{ type: 'test_passed' }]);
    const paused = nextStatus(active, { type: 'pause' });
    for (const s of [active, paused]) {
      expect(() => nextStatus(s, { type: 'test_passed' })).toThrow(
        /Only a connection being set up is tested/,
      );
      expect(() => nextStatus(s, { type: 'test_failed', message: 'x' })).toThrow(
        /Only a connection being set up is tested/,
      );
    }
  });

  it('keeps a pause and its reason until a person resumes it, whatever a late job reports', () => {
    const refused = run([{ type: 'test_passed' }, fail('auth')]);
    expect(refused).toEqual({
      state: 'paused',
      consecutiveFailures: 1,
      attention: 'The provider refused our sign-in. Reconnect the account to resume.',
      escalated: false,
    });
    // a job already on its way when the pause came succeeds, or fails for another reason
    expect(nextStatus(refused, { type: 'job_succeeded' })).toEqual(refused);
    const stillDown = run([fail('network'), fail('timeout'), fail('rate_limit')], refused);
    expect(stillDown).toEqual({ ...refused, consecutiveFailures: 4 });
    const tired = run([{ type: 'test_passed' }, fail(), fail(), fail()]);
    expect(nextStatus(tired, { type: 'job_succeeded' })).toEqual(tired);
    // resuming would not help once the sign-in is refused: the reason says to reconnect
    expect(nextStatus(tired, fail('auth'))).toEqual({
      ...tired,
      consecutiveFailures: 4,
      attention: 'The provider refused our sign-in. Reconnect the account to resume.',
    });
  });

  it('is never enabled by a job failure: only a passing test enables it', () => {
    const failedTest = nextStatus(fresh, { type: 'test_failed', message: 'no route to host' });
    for (const from of [fresh, failedTest]) {
      for (const errorClass of ['auth', 'network'] as const) {
        let s = from;
        for (let n = 1; n <= AUTO_PAUSE_AFTER; n++) s = nextStatus(s, fail(errorClass));
        expect(s.state).toBe(from.state);
        expect(s.attention).toBe(from.attention);
        expect(() => nextStatus(s, { type: 'resume' })).toThrow(/Only a paused connection/);
      }
    }
  });

  it('refuses everything but setting it up again once disconnected, and starts afresh', () => {
    const flagged = run([
      { type: 'test_passed' },
      ...Array.from({ length: ESCALATE_AFTER }, () => fail('auth')),
    ]);
    expect(flagged).toMatchObject({ state: 'paused', escalated: true });
    const gone = nextStatus(flagged, { type: 'disconnect' });
    expect(gone).toEqual({
      state: 'disconnected',
      consecutiveFailures: 0,
      attention: null,
      escalated: false,
    });
    const events: ConnectionEvent[] = [
      { type: 'test_passed' },
      { type: 'test_failed', message: 'x' },
      { type: 'job_succeeded' },
      fail('auth'),
      fail('network'),
      { type: 'pause' },
      { type: 'disconnect' },
    ];
    for (const e of events) {
      let caught: unknown;
      try {
        nextStatus(gone, e);
      } catch (error) {
        caught = error;
      }
      expect(caught, e.type).toBeInstanceOf(LifecycleError);
      expect((caught as Error).name).toBe('LifecycleError');
      expect((caught as Error).message).toBe(
        'This connection is disconnected. Set it up again to use it.',
      );
    }
    expect(nextStatus(gone, { type: 'reconfigure' })).toEqual(fresh);
    expect(nextStatus(flagged, { type: 'reconfigure' })).toEqual(fresh);
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

  // README: network, timeout and 429 are retried; a refused sign-in (401 Unauthorized,
  // 403 Forbidden) pauses and asks to reconnect; 400/409/422 go straight to the dead letters.
  const whatHappens = (failure: { status?: number; code?: string }) =>
    retryDecision({ errorClass: classifyFailure(failure), attempt: 1, random: 0.5 }).action;

  it('pauses on a refused sign-in, 401 or 403, instead of dead-lettering it', () => {
    expect(classifyFailure({ status: 403 })).toBe('auth');
    expect(whatHappens({ status: 401 })).toBe('pause_connection');
    expect(whatHappens({ status: 403 })).toBe('pause_connection');
  });

  it('retries a timeout, whether the provider says so (408) or the request runs out', () => {
    expect(classifyFailure({ status: 408 })).toBe('timeout');
    expect(classifyFailure({ code: 'UND_ERR_HEADERS_TIMEOUT' })).toBe('timeout');
    expect(whatHappens({ status: 408 })).toBe('retry');
    expect(whatHappens({ code: 'UND_ERR_HEADERS_TIMEOUT' })).toBe('retry');
  });

  it('retries every server error from 500 up as the network, and what never got an answer', () => {
    for (const status of [500, 502, 503, 504, 599]) {
      expect(classifyFailure({ status }), String(status)).toBe('network');
      expect(whatHappens({ status })).toBe('retry');
    }
    for (const code of ['ECONNRESET', 'ECONNREFUSED', 'ENOTFOUND'])
      expect(whatHappens({ code })).toBe('retry');
    expect(whatHappens({})).toBe('retry');
  });

  it('sends 400, 409 and 422 straight to the dead letters, as business or validation', () => {
    expect(classifyFailure({ status: 409 })).toBe('business');
    expect(classifyFailure({ status: 404 })).toBe('validation');
    for (const status of [400, 404, 409, 422, 499])
      expect(whatHappens({ status }), String(status)).toBe('dead_letter');
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

  it('says why, in words, when the provider gave no message', () => {
    const auth = retryDecision({ errorClass: 'auth', attempt: 3, random: 0 });
    expect(auth).toEqual({ action: 'pause_connection', reason: expect.stringMatching(/sign-in/) });
    for (const errorClass of ['validation', 'business'] as const) {
      expect(retryDecision({ errorClass, attempt: 1, random: 0 })).toEqual({
        action: 'dead_letter',
        reason: expect.stringMatching(/refused the data/),
      });
    }
    expect(
      retryDecision({ errorClass: 'business', attempt: 1, random: 0, message: 'duplicate name' }),
    ).toEqual({ action: 'dead_letter', reason: 'duplicate name' });
  });
});

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2026, 2, 10, 12, 0, 0);
const healthy: HealthInput = {
  state: 'active',
  attention: null,
  escalated: false,
  deadLetters: 0,
  retrying: 0,
  oldestWaitingAt: null,
  tokenExpiresAt: null,
  now: NOW,
};
const health = (h: Partial<HealthInput>) => healthOf({ ...healthy, ...h });

describe('the health badge', () => {
  it('is green, with nothing to say, when an active connection has nothing wrong', () => {
    expect(health({})).toEqual({ level: 'green', reasons: [] });
    expect(health({ oldestWaitingAt: NOW - 5 * 60_000, tokenExpiresAt: NOW + 90 * DAY })).toEqual({
      level: 'green',
      reasons: [],
    });
  });

  it('is off, with the reason, when the connection is not enabled', () => {
    const troubles = { deadLetters: 2, retrying: 1, escalated: true, tokenExpiresAt: NOW - DAY };
    expect(health({ state: 'configuring', ...troubles })).toEqual({
      level: 'off',
      reasons: [expect.stringMatching(/Not enabled/)],
    });
    expect(health({ state: 'disconnected', ...troubles })).toEqual({
      level: 'off',
      reasons: [expect.stringMatching(/Disconnected/)],
    });
  });

  it('is red for a failed test or a pause, giving the reason the connection holds', () => {
    expect(health({ state: 'error', attention: 'The connection test failed: DNS' })).toEqual({
      level: 'red',
      reasons: ['The connection test failed: DNS'],
    });
    expect(health({ state: 'error' })).toEqual({
      level: 'red',
      reasons: [expect.stringMatching(/test failed/)],
    });
    expect(health({ state: 'paused', attention: 'Paused after 3 failures in a row.' })).toEqual({
      level: 'red',
      reasons: ['Paused after 3 failures in a row.'],
    });
    expect(health({ state: 'paused' })).toEqual({
      level: 'red',
      reasons: [expect.stringMatching(/Paused/)],
    });
  });

  it('is red while anything sits in the dead letters', () => {
    expect(health({ deadLetters: 1 })).toEqual({
      level: 'red',
      reasons: [expect.stringMatching(/^1 in the dead-letter queue/)],
    });
    expect(health({ deadLetters: 0 }).level).toBe('green');
  });

  it('is red when records have waited more than an hour, not at the hour itself', () => {
    expect(health({ oldestWaitingAt: NOW - HOUR }).level).toBe('green');
    expect(health({ oldestWaitingAt: NOW - HOUR - 1 })).toEqual({
      level: 'red',
      reasons: [expect.stringMatching(/waiting more than an hour/)],
    });
    expect(health({ oldestWaitingAt: NOW - 3 * HOUR }).level).toBe('red');
    expect(health({ oldestWaitingAt: NOW }).level).toBe('green');
  });

  it('is yellow while records wait for a retry, or when ten failures flagged it for support', () => {
    expect(health({ retrying: 2 })).toEqual({
      level: 'yellow',
      reasons: [expect.stringMatching(/^2 waiting to be retried/)],
    });
    expect(health({ retrying: 0 }).level).toBe('green');
    expect(health({ escalated: true })).toEqual({
      level: 'yellow',
      reasons: [expect.stringMatching(/flagged for support/)],
    });
  });

  it('warns of a sign-in expiring within seven days, and is red once it has expired', () => {
    expect(health({ tokenExpiresAt: NOW + 7 * DAY + 1 }).level).toBe('green');
    expect(health({ tokenExpiresAt: NOW + 7 * DAY })).toEqual({
      level: 'yellow',
      reasons: [expect.stringMatching(/expires in 7 day/)],
    });
    expect(health({ tokenExpiresAt: NOW + 3 * DAY })).toEqual({
      level: 'yellow',
      reasons: [expect.stringMatching(/expires in 3 day/)],
    });
    // the last hours of a token are still a day to reconnect in, not "0 days"
    expect(health({ tokenExpiresAt: NOW + 1 })).toEqual({
      level: 'yellow',
      reasons: [expect.stringMatching(/expires in 1 day/)],
    });
    expect(health({ tokenExpiresAt: NOW })).toEqual({
      level: 'red',
      reasons: [expect.stringMatching(/has expired: reconnect/)],
    });
    expect(health({ tokenExpiresAt: NOW - 30 * DAY }).level).toBe('red');
  });

  it('is red over yellow, giving the errors first and then the warnings', () => {
    const attention = 'The provider refused our sign-in. Reconnect the account to resume.';
    const h = health({ state: 'paused', attention, retrying: 4, escalated: true, deadLetters: 3 });
    expect(h.level).toBe('red');
    expect(h.reasons).toHaveLength(4);
    expect(h.reasons.slice(0, 2)).toEqual([attention, expect.stringMatching(/^3 in the dead/)]);
    expect(h.reasons.slice(2)).toEqual([
      expect.stringMatching(/^4 waiting/),
      expect.stringMatching(/support/),
    ]);
  });
});
