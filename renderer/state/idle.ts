// Automatic lock after inactivity (HIPAA automatic log-off, 45 CFR 164.312(a)(2)(iii)).
// Pure timing logic with the clock and timers passed in, so it is tested without a browser.

export interface IdleTimers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface IdleTrackerOptions {
  /** From the server: the session locks after this long without activity. */
  idleTimeoutMs: number;
  /** Tell the server we are still here (auth.stillHere). */
  onStillHere: () => void;
  /** Local idle time reached the timeout: lock (auth.lock) and show the lock screen. */
  onIdle: () => void;
  timers: IdleTimers;
}

export interface IdleTracker {
  /** The user moved the pointer, typed, scrolled… */
  activity(): void;
  stop(): void;
}

/** At most every 30 s, and often enough that the server never sees a gap near its timeout. */
export function stillHereInterval(idleTimeoutMs: number): number {
  return Math.max(250, Math.min(30_000, Math.floor(idleTimeoutMs / 3)));
}

export function startIdleTracker(o: IdleTrackerOptions): IdleTracker {
  const { timers } = o;
  const heartbeatMs = stillHereInterval(o.idleTimeoutMs);
  let lastActivity = timers.now();
  // The session was just confirmed (signed in, unlocked or reloaded): that counts as a report.
  let lastReport = lastActivity;
  let unreported = false;
  let stopped = false;
  let idleTimer: unknown = null;
  let reportTimer: unknown = null;

  const report = () => {
    reportTimer = null;
    if (stopped || !unreported) return;
    unreported = false;
    lastReport = timers.now();
    o.onStillHere();
  };

  const checkIdle = () => {
    idleTimer = null;
    if (stopped) return;
    const idleFor = timers.now() - lastActivity;
    if (idleFor >= o.idleTimeoutMs) {
      stopped = true;
      if (reportTimer !== null) timers.clearTimeout(reportTimer);
      o.onIdle();
      return;
    }
    idleTimer = timers.setTimeout(checkIdle, o.idleTimeoutMs - idleFor);
  };

  idleTimer = timers.setTimeout(checkIdle, o.idleTimeoutMs);

  return {
    activity() {
      if (stopped) return;
      lastActivity = timers.now();
      unreported = true;
      const since = lastActivity - lastReport;
      if (since >= heartbeatMs) {
        if (reportTimer !== null) timers.clearTimeout(reportTimer);
        report();
      } else if (reportTimer === null) {
        // Trailing report, so the server's last activity is never older than ours.
        reportTimer = timers.setTimeout(report, heartbeatMs - since);
      }
    },
    stop() {
      stopped = true;
      if (idleTimer !== null) timers.clearTimeout(idleTimer);
      if (reportTimer !== null) timers.clearTimeout(reportTimer);
    },
  };
}

/** The window events that count as someone at the keyboard. */
export const ACTIVITY_EVENTS = [
  'pointerdown',
  'pointermove',
  'keydown',
  'wheel',
  'touchstart',
  'input',
] as const;
