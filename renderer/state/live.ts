// Live updates: the shell listens to dashboard.changes once; screens reload when `tick` moves.
import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';

interface LiveState {
  tick: number;
  connected: boolean;
  changed(): void;
  setConnected(connected: boolean): void;
}

export const liveStore = createStore<LiveState>()((set) => ({
  tick: 0,
  connected: false,
  changed: () => set((s) => ({ tick: s.tick + 1 })),
  setConnected: (connected) => set({ connected }),
}));

export const useLiveTick = () => useStore(liveStore, (s) => s.tick);
export const useLiveConnected = () => useStore(liveStore, (s) => s.connected);
