// The session's transitions that need the store server. Screens call these; the store
// (session.ts) holds the result.
import { api } from '../api/app-client.ts';
import { problemOf } from '../api/errors.ts';
import { sessionStore } from './session.ts';

/** On start: resume the tab's session if it is still valid, else setup or sign-in. */
export async function boot(): Promise<void> {
  const store = sessionStore.getState();
  try {
    const { needsSetup } = await api.system.setupStatus.query();
    if (needsSetup) {
      store.signedOut();
      sessionStore.getState().needsSetup();
      return;
    }
    const token = sessionStore.getState().token;
    if (token) {
      try {
        const session = await api.auth.me.query();
        sessionStore.getState().signedIn(token, session);
        return;
      } catch (error) {
        if (problemOf(error).network) throw error;
        // Expired or ended while the window was closed: sign in again.
        sessionStore
          .getState()
          .signedOut({ kind: 'sessionEnded', reason: problemOf(error).reason, message: '' });
        return;
      }
    }
    sessionStore.getState().signedOut(sessionStore.getState().notice ?? undefined);
  } catch {
    sessionStore.getState().unreachable();
  }
}

export async function signIn(username: string, password: string): Promise<void> {
  const { token, session } = await api.auth.login.mutate({ username, password });
  sessionStore.getState().signedIn(token, session);
}

export async function signOut(): Promise<void> {
  try {
    await api.auth.logout.mutate();
  } catch {
    // Signed out locally either way; the server ends idle sessions by itself.
  }
  sessionStore.getState().signedOut({ kind: 'signedOut' });
}

/** The lock button and the idle timer. The screen locks even if the server is unreachable. */
export async function lockNow(): Promise<void> {
  sessionStore.getState().locked();
  try {
    sessionStore.getState().update(await api.auth.lock.mutate());
  } catch {
    // The lock screen is showing; unlock re-checks with the server.
  }
}

export async function unlock(secret: { pin: string } | { password: string }): Promise<void> {
  const session = await api.auth.unlock.mutate(secret);
  sessionStore.getState().update(session);
}

export async function refreshSession(): Promise<void> {
  sessionStore.getState().update(await api.auth.me.query());
}
