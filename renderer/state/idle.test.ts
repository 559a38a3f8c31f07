import { describe, expect, it } from 'vitest';
import { startIdleTracker, stillHereInterval, type IdleTimers } from './idle.ts';

/** A clock and timers that move only when told to. */
function fakeTimers() {
  let now = 0;
  let next = 1;
  const pending = new Map<number, { at: number; fn: () => void }>();
  const timers: IdleTimers = {
    now: () => now,
    setTimeout: (fn, ms) => {
      const id = next++;
      pending.set(id, { at: now + ms, fn });
      return id;
    },
    clearTimeout: (id) => {
      pending.delete(id as number);
    },
  };
  const advance = (ms: number) => {
    const end = now + ms;
    for (;;) {
      const due = [...pending.entries()]
        .filter(([, t]) => t.at <= end)
        .sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      pending.delete(due[0]);
      now = due[1].at;
      due[1].fn();
    }
    now = end;
  };
  return { timers, advance, pending };
}

function setup(idleTimeoutMs: number) {
  const clock = fakeTimers();
  const calls = { stillHere: [] as number[], idle: [] as number[] };
  const tracker = startIdleTracker({
    idleTimeoutMs,
    timers: clock.timers,
    onStillHere: () => calls.stillHere.push(clock.timers.now()),
    onIdle: () => calls.idle.push(clock.timers.now()),
  });
  return { ...clock, calls, tracker };
}

describe('idle tracker', () => {
  it('locks when the local idle time reaches the server’s timeout', () => {
    const { advance, calls } = setup(3000);
    advance(2999);
    expect(calls.idle).toEqual([]);
    advance(1);
    expect(calls.idle).toEqual([3000]);
  });

  it('counts the timeout from the last activity', () => {
    const { advance, calls, tracker } = setup(3000);
    advance(2000);
    tracker.activity();
    advance(2999);
    expect(calls.idle).toEqual([]);
    advance(1);
    expect(calls.idle).toEqual([5000]);
  });

  it('locks once, and ignores activity after locking', () => {
    const { advance, calls, tracker } = setup(1000);
    advance(5000);
    tracker.activity();
    advance(5000);
    expect(calls.idle).toEqual([1000]);
    expect(calls.stillHere).toEqual([]);
  });

  it('tells the server at most every 30 s while someone is active (10-minute timeout)', () => {
    const { advance, calls, tracker } = setup(600_000);
    for (let t = 0; t < 120_000; t += 1000) {
      tracker.activity();
      advance(1000);
    }
    expect(calls.stillHere.length).toBeGreaterThanOrEqual(3);
    expect(calls.stillHere.length).toBeLessThanOrEqual(4);
    const gaps = calls.stillHere.slice(1).map((t, i) => t - (calls.stillHere[i] ?? 0));
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(30_000);
    expect(calls.idle).toEqual([]);
  });

  it('sends a trailing report so the server never sees less activity than the window did', () => {
    const { advance, calls, tracker } = setup(600_000);
    advance(10_000);
    tracker.activity(); // 10 s after sign-in: inside the 30 s window, so deferred
    expect(calls.stillHere).toEqual([]);
    advance(20_000);
    expect(calls.stillHere).toEqual([30_000]);
    advance(100_000);
    expect(calls.stillHere).toEqual([30_000]); // no activity, no report
  });

  it('reports often enough for a short timeout that the server does not lock an active user', () => {
    const { advance, calls, tracker } = setup(3000);
    for (let t = 0; t < 10_000; t += 200) {
      tracker.activity();
      advance(200);
    }
    const reports = [0, ...calls.stillHere];
    const gaps = reports.slice(1).map((t, i) => t - (reports[i] ?? 0));
    expect(gaps.length).toBeGreaterThan(3);
    for (const gap of gaps) expect(gap).toBeLessThan(3000);
    expect(calls.idle).toEqual([]);
  });

  it('does nothing after stop', () => {
    const { advance, calls, tracker, pending } = setup(1000);
    tracker.activity();
    tracker.stop();
    advance(10_000);
    expect(calls).toEqual({ stillHere: [], idle: [] });
    expect(pending.size).toBe(0);
  });

  it('keeps the report interval between a quarter second and 30 s', () => {
    expect(stillHereInterval(600_000)).toBe(30_000);
    expect(stillHereInterval(3000)).toBe(1000);
    expect(stillHereInterval(100)).toBe(250);
  });
});
