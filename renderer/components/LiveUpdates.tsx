import { useEffect } from 'react';
import { api } from '../api/app-client.ts';
import { liveStore } from '../state/live.ts';

/** One subscription to dashboard.changes for the whole shell; screens reload on each change. */
export function LiveUpdates() {
  useEffect(() => {
    let pending: number | null = null;
    const subscription = api.dashboard.changes.subscribe(undefined, {
      onStarted: () => liveStore.getState().setConnected(true),
      onData: () => {
        // Several changes in a burst (a user created + its audit entry) become one reload.
        if (pending !== null) return;
        pending = window.setTimeout(() => {
          pending = null;
          liveStore.getState().changed();
        }, 150);
      },
      onConnectionStateChange: (state) => {
        liveStore.getState().setConnected(state.state === 'pending');
      },
      onError: () => liveStore.getState().setConnected(false),
      onStopped: () => liveStore.getState().setConnected(false),
    });
    return () => {
      subscription.unsubscribe();
      if (pending !== null) window.clearTimeout(pending);
      liveStore.getState().setConnected(false);
    };
  }, []);
  return null;
}
