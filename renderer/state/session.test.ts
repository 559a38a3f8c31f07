import { describe, expect, it } from 'vitest';
import type { SessionView } from '../../core/auth/model.ts';
import { can, createSessionStore, type TokenStorage } from './session.ts';

function memoryStorage(): TokenStorage & { data: () => Record<string, string> } {
  const data = new Map<string, string>();
  return {
    data: () => Object.fromEntries(data),
    getItem: (k) => data.get(k) ?? null,
    setItem: (k, v) => {
      data.set(k, v);
    },
    removeItem: (k) => {
      data.delete(k);
    },
  };
}

const view = (over: Partial<SessionView> = {}): SessionView => ({
  user: {
    id: 1,
    username: 'maria',
    displayName: 'Maria Lopez',
    role: 'owner',
    disabled: false,
    hasPin: true,
    mustChangePassword: false,
    lockedUntil: null,
    createdAt: '2026-01-01T00:00:00.000Z',
  },
  permissions: ['store:view', 'users:manage'],
  locked: false,
  idleTimeoutMs: 600_000,
  emergencyUntil: null,
  ...over,
});

describe('session store', () => {
  it('keeps the token in the tab’s storage so a reload resumes the session', () => {
    const storage = memoryStorage();
    const store = createSessionStore(storage);
    store.getState().signedIn('tok', view());
    expect(storage.data()).toEqual({ 'backroom.session': 'tok' });
    expect(createSessionStore(storage).getState().token).toBe('tok');
  });

  it('forgets the token on sign-out and remembers who it was for the sign-in screen', () => {
    const storage = memoryStorage();
    const store = createSessionStore(storage);
    store.getState().signedIn('tok', view());
    store.getState().signedOut({ kind: 'signedOut' });
    expect(storage.data()).toEqual({});
    expect(store.getState()).toMatchObject({
      phase: 'signedOut',
      token: null,
      session: null,
      lastUsername: 'maria',
    });
  });

  it('locks only a signed-in session, and an unlock view replaces it', () => {
    const store = createSessionStore(memoryStorage());
    store.getState().locked();
    expect(store.getState().session).toBeNull();
    store.getState().signedIn('tok', view());
    store.getState().locked();
    expect(store.getState().session?.locked).toBe(true);
    store.getState().update(view({ locked: false }));
    expect(store.getState().session?.locked).toBe(false);
  });

  it('ignores a late session view after sign-out', () => {
    const store = createSessionStore(memoryStorage());
    store.getState().signedIn('tok', view());
    store.getState().signedOut();
    store.getState().update(view());
    expect(store.getState().session).toBeNull();
  });

  it('after setup, offers sign-in with the owner’s username', () => {
    const store = createSessionStore(memoryStorage());
    store.getState().setupDone('maria');
    expect(store.getState()).toMatchObject({
      phase: 'signedOut',
      notice: { kind: 'setupDone' },
      lastUsername: 'maria',
    });
  });

  it('works without storage (disabled by policy)', () => {
    const throwing: TokenStorage = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('denied');
      },
      removeItem: () => {
        throw new Error('denied');
      },
    };
    const store = createSessionStore(throwing);
    store.getState().signedIn('tok', view());
    expect(store.getState().token).toBe('tok');
  });

  it('answers permission questions from the server’s list', () => {
    expect(can(view(), 'users:manage')).toBe(true);
    expect(can(view(), 'backup:manage')).toBe(false);
    expect(can(view(), null)).toBe(true);
    expect(can(null, 'store:view')).toBe(false);
  });
});
