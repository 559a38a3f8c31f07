import { useEffect } from 'react';
import { api } from '../api/app-client.ts';
import { ACTIVITY_EVENTS, startIdleTracker } from '../state/idle.ts';
import { lockNow } from '../state/session-actions.ts';

/**
 * While the shell shows, watches for someone at the keyboard: tells the server now and then
 * (auth.stillHere) and locks the screen when the local idle time reaches the server's timeout.
 */
export function IdleGuard({ idleTimeoutMs }: { idleTimeoutMs: number }) {
  useEffect(() => {
    const tracker = startIdleTracker({
      idleTimeoutMs,
      timers: {
        now: () => performance.now(),
        setTimeout: (fn, ms) => window.setTimeout(fn, ms),
        clearTimeout: (h) => window.clearTimeout(h as number),
      },
      onStillHere: () => {
        // A `session_locked` answer locks the screen through the client's error watch.
        api.auth.stillHere.mutate().catch(() => undefined);
      },
      onIdle: () => void lockNow(),
    });
    const onActivity = () => tracker.activity();
    const options = { capture: true, passive: true } as const;
    for (const e of ACTIVITY_EVENTS) window.addEventListener(e, onActivity, options);
    return () => {
      for (const e of ACTIVITY_EVENTS) window.removeEventListener(e, onActivity, options);
      tracker.stop();
    };
  }, [idleTimeoutMs]);
  return null;
}
