// The window's API client: IPC in the desktop window, HTTP at /api in a browser.
import { sessionStore } from '../state/session.ts';
import { createApiClient } from './client.ts';
import { sessionEffectOf, type ApiProblem } from './errors.ts';
import { createIpcFetch } from './ipc-fetch.ts';

function transportFetch(): typeof fetch {
  const ipc = window.backroomIpc;
  if (ipc) return createIpcFetch(ipc, { baseUrl: () => window.location.href });
  return window.fetch.bind(window);
}

/** Any screen's call can find the session locked or ended: the whole window reacts. */
function onProblem(problem: ApiProblem): void {
  const session = sessionStore.getState();
  if (!session.token || session.phase !== 'signedIn') return;
  const effect = sessionEffectOf(problem.reason);
  if (effect === 'lock') session.locked();
  if (effect === 'signOut') {
    session.signedOut({ kind: 'sessionEnded', reason: problem.reason, message: problem.message });
  }
}

export const api = createApiClient({
  url: '/api',
  fetch: transportFetch(),
  getToken: () => sessionStore.getState().token,
  onProblem,
});
