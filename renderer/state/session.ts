// Who is at the screen. The token lives in sessionStorage so a reload keeps the session and
// closing the window ends it; everything else comes from the store server (auth.me).
import { createStore, type StoreApi } from 'zustand/vanilla';
import { useStore } from 'zustand';
import type { Permission, SessionView } from '../../core/auth/model.ts';

export type Phase = 'starting' | 'unreachable' | 'setup' | 'signedOut' | 'signedIn';

/** A message for the sign-in screen: a catalogue key, or a sentence from the server. */
export type Notice =
  | { kind: 'setupDone' }
  | { kind: 'signedOut' }
  | { kind: 'sessionEnded'; reason: string | null; message: string };

export interface SessionState {
  phase: Phase;
  token: string | null;
  session: SessionView | null;
  notice: Notice | null;
  /** Prefilled on the sign-in screen after setup or a sign-out. */
  lastUsername: string;

  needsSetup(): void;
  unreachable(): void;
  setupDone(username: string): void;
  signedIn(token: string, session: SessionView): void;
  /** A fresh view from the server (auth.me, unlock, lock). */
  update(session: SessionView): void;
  /** The server or the idle timer locked the session: show the lock screen. */
  locked(): void;
  signedOut(notice?: Notice): void;
}

export interface TokenStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

const TOKEN_KEY = 'backroom.session';

export function createSessionStore(storage: TokenStorage | null): StoreApi<SessionState> {
  const save = (token: string | null) => {
    try {
      if (token) storage?.setItem(TOKEN_KEY, token);
      else storage?.removeItem(TOKEN_KEY);
    } catch {
      // Storage disabled: the session lasts until reload.
    }
  };
  let initialToken: string | null = null;
  try {
    initialToken = storage?.getItem(TOKEN_KEY) ?? null;
  } catch {
    initialToken = null;
  }

  return createStore<SessionState>()((set, get) => ({
    phase: 'starting',
    token: initialToken,
    session: null,
    notice: null,
    lastUsername: '',

    needsSetup: () => set({ phase: 'setup', session: null }),
    unreachable: () => set({ phase: 'unreachable' }),
    setupDone: (username) =>
      set({ phase: 'signedOut', notice: { kind: 'setupDone' }, lastUsername: username }),
    signedIn: (token, session) => {
      save(token);
      set({ phase: 'signedIn', token, session, notice: null, lastUsername: session.user.username });
    },
    update: (session) => {
      if (get().phase === 'signedIn') set({ session });
    },
    locked: () => {
      const s = get();
      if (s.phase === 'signedIn' && s.session && !s.session.locked) {
        set({ session: { ...s.session, locked: true } });
      }
    },
    signedOut: (notice) => {
      save(null);
      const s = get();
      set({
        phase: 'signedOut',
        token: null,
        session: null,
        notice: notice ?? null,
        lastUsername: s.session?.user.username ?? s.lastUsername,
      });
    },
  }));
}

const browserStorage = (): TokenStorage | null => {
  try {
    return globalThis.sessionStorage ?? null;
  } catch {
    return null;
  }
};

/** The window's one session. */
export const sessionStore = createSessionStore(browserStorage());

export function useSession<T>(select: (s: SessionState) => T): T {
  return useStore(sessionStore, select);
}

export const can = (session: SessionView | null, permission: Permission | null): boolean =>
  permission === null || (session?.permissions.includes(permission) ?? false);
