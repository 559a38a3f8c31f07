// The renderer's API client over the desktop transport: renderer/api/client.ts +
// renderer/api/ipc-fetch.ts against the real IPC bridge of core/api (the one electron/ wires
// to ipcMain) and real store services. Only Electron's pipe is stood in for: messages are
// structured-cloned and stream chunks arrive asynchronously, as they do over IPC.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHandler } from '../core/api/handler.ts';
import {
  createIpcBridge,
  type IpcStreamMessage,
  type SenderFrame,
} from '../core/api/ipc-bridge.ts';
import { OWNER, makeServices } from '../core/testing/fixtures.ts';
import { createApiClient, type ApiClient } from '../renderer/api/client.ts';
import { problemOf, type ApiProblem } from '../renderer/api/errors.ts';
import { createIpcFetch, type BackroomIpc } from '../renderer/api/ipc-fetch.ts';

const APP_ORIGIN = 'app://backroom';
const WINDOW: SenderFrame = {
  url: `${APP_ORIGIN}/dashboard`,
  isMainFrame: true,
  fromOurWindow: true,
};
const IDLE_MS = 60_000;

type Services = Awaited<ReturnType<typeof makeServices>>;

/** What preload/ exposes, over the real bridge, for a window showing `frame`. */
function fakePreload(services: Services, frame: SenderFrame) {
  const refused: { frame: SenderFrame; why: string }[] = [];
  const handle = createApiHandler(services);
  let handled = 0;
  const bridge = createIpcBridge({
    handle: (request, caller) => {
      handled += 1;
      return handle(request, caller);
    },
    appOrigin: APP_ORIGIN,
    onRefused: (f, why) => refused.push({ frame: f, why }),
  });
  const listeners = new Set<(m: IpcStreamMessage) => void>();
  const cancelled: string[] = [];
  const sent: string[] = [];
  const ipc: BackroomIpc = {
    request: (message) => {
      sent.push(message.path);
      return bridge.call(frame, structuredClone(message), (m) => {
        const copy = structuredClone(m);
        setImmediate(() => listeners.forEach((l) => l(copy)));
      });
    },
    onStream: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    cancel: (id) => {
      cancelled.push(id);
      bridge.cancel(frame, id);
    },
  };
  return { ipc, bridge, cancelled, listeners, sent, refused, handled: () => handled };
}

function windowClient(services: Services, frame = WINDOW) {
  const preload = fakePreload(services, frame);
  let token: string | null = null;
  const problems: ApiProblem[] = [];
  const api: ApiClient = createApiClient({
    url: `${APP_ORIGIN}/api`,
    fetch: createIpcFetch(preload.ipc, { baseUrl: () => `${APP_ORIGIN}/dashboard` }),
    getToken: () => token,
    onProblem: (p) => problems.push(p),
  });
  return {
    api,
    preload,
    problems,
    setToken: (t: string | null) => {
      token = t;
    },
  };
}

describe('the renderer’s API client over the desktop IPC transport', () => {
  let services: Services;
  let owner: ReturnType<typeof windowClient>;

  beforeAll(async () => {
    services = await makeServices({ idleTimeoutMs: IDLE_MS });
    owner = windowClient(services);
  });
  afterAll(() => services.close());

  it('runs first-run setup and sign-in, and sends the session token on later calls', async () => {
    expect(await owner.api.system.setupStatus.query()).toEqual({ needsSetup: true });
    await owner.api.setup.createOwner.mutate(OWNER);
    const { token, session } = await owner.api.auth.login.mutate({
      username: OWNER.username,
      password: OWNER.password,
    });
    expect(session.user.username).toBe(OWNER.username);
    expect(session.idleTimeoutMs).toBe(IDLE_MS);
    owner.setToken(token);
    const me = await owner.api.auth.me.query();
    expect(me.permissions).toContain('users:manage');
    const users = await owner.api.users.list.query();
    expect(users.map((u) => u.username)).toEqual([OWNER.username]);
  });

  it('batches several calls into one IPC message and answers each', async () => {
    const before = owner.preload.sent.length;
    const [summary, facets, list] = await Promise.all([
      owner.api.dashboard.summary.query(),
      owner.api.audit.facets.query(),
      owner.api.users.list.query(),
    ]);
    expect(summary.auditChain.head).toBeGreaterThan(0);
    expect(facets.actions).toContain('auth.login');
    expect(list).toHaveLength(1);
    expect(owner.preload.sent.slice(before)).toEqual([
      '/api/dashboard.summary,audit.facets,users.list?batch=1',
    ]);
  });

  it('carries validation errors with their fields and clerk-readable message', async () => {
    const failure = await owner.api.users.create
      .mutate({ username: 'x', displayName: 'X', role: 'cashier', password: 'short' })
      .catch((e: unknown) => e);
    const problem = problemOf(failure);
    expect(problem.reason).toBe('invalid_input');
    expect(problem.fields?.map((f) => f.path).sort()).toEqual(['password', 'username']);
    expect(problem.message).toMatch(/^Please correct:/);
  });

  it('streams live changes (dashboard.changes) and ends the stream on the bridge when unsubscribed', async () => {
    const topics: string[] = [];
    let sub: { unsubscribe(): void } | undefined;
    await new Promise<void>((resolve, reject) => {
      sub = owner.api.dashboard.changes.subscribe(undefined, {
        onStarted: () => resolve(),
        onData: (d) => topics.push(d.topic),
        onError: reject,
      });
    });
    await owner.api.users.create.mutate({
      username: 'clerk',
      displayName: 'Carla Clerk',
      role: 'compliance_clerk',
      password: 'temporary-pass-1',
    });
    await expect.poll(() => topics, { timeout: 5_000 }).toContain('audit');

    const cancelledBefore = owner.preload.cancelled.length;
    sub?.unsubscribe();
    await expect
      .poll(() => owner.preload.cancelled.length, { timeout: 5_000 })
      .toBe(cancelledBefore + 1);
    await expect.poll(() => owner.preload.listeners.size, { timeout: 5_000 }).toBe(0);
  });

  it('is refused what the role does not allow, with the reason the screens act on', async () => {
    const clerk = windowClient(services);
    const { token } = await clerk.api.auth.login.mutate({
      username: 'clerk',
      password: 'temporary-pass-1',
    });
    clerk.setToken(token);
    const failure = await clerk.api.users.list.query().catch((e: unknown) => e);
    expect(problemOf(failure)).toMatchObject({ reason: 'missing_permission', network: false });
    expect(clerk.problems.map((p) => p.reason)).toContain('missing_permission');
  });

  it('reports a session locked by inactivity to the window (session_locked), and unlocks with the PIN', async () => {
    services.clock.advance(IDLE_MS + 1);
    const locked = await owner.api.users.list.query().then(
      () => 'answered',
      (e: unknown) => e,
    );
    expect(problemOf(locked)).toMatchObject({ reason: 'session_locked', network: false });
    expect(owner.problems.at(-1)?.reason).toBe('session_locked');
    expect((await owner.api.auth.me.query()).locked).toBe(true);
    const view = await owner.api.auth.unlock.mutate({ pin: OWNER.pin });
    expect(view.locked).toBe(false);
    expect(await owner.api.users.list.query()).toHaveLength(2);
  });

  it.each([
    ['a sub-frame of our window', { ...WINDOW, isMainFrame: false }],
    ['a window we did not create', { ...WINDOW, fromOurWindow: false }],
    ['a page from another origin', { ...WINDOW, url: 'https://example.com/dashboard' }],
    ['a frame with no URL', { ...WINDOW, url: null }],
  ] satisfies [string, SenderFrame][])(
    'fails like an unreachable server when the bridge refuses the sender (%s)',
    async (_, frame) => {
      const intruder = windowClient(services, frame);
      let failure: unknown = 'the call succeeded';
      try {
        await intruder.api.system.setupStatus.query();
      } catch (e) {
        failure = e;
      }
      const refusal: ApiProblem = {
        message: 'Refused: this message did not come from the Backroom window.',
        reason: null,
        fields: null,
        network: true,
      };
      expect(failure).toBeInstanceOf(Error);
      expect(problemOf(failure)).toEqual(refusal);
      expect(intruder.problems).toEqual([refusal]);
      expect(intruder.preload.refused).toEqual([{ frame, why: 'unexpected sender frame' }]);
      // The request never reached the API handler.
      expect(intruder.preload.handled()).toBe(0);
    },
  );
});
