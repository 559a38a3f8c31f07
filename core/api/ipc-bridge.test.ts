import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoreServices } from '../app/services.ts';
import { OWNER, makeServices } from '../testing/fixtures.ts';
import { IpcRefusedError, isTrustedSender, type SenderFrame } from './ipc-bridge.ts';
import { APP_ORIGIN, TRUSTED_FRAME, ipcTransport } from './testing.ts';

const message = (token: string) => ({
  id: 'm1',
  path: '/api/users.list',
  method: 'POST',
  headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
  body: null,
});

const UNTRUSTED: [string, SenderFrame][] = [
  ['a page from another origin', { ...TRUSTED_FRAME, url: 'https://evil.example/index.html' }],
  ['a file:// page', { ...TRUSTED_FRAME, url: 'file:///tmp/index.html' }],
  ['a look-alike host', { ...TRUSTED_FRAME, url: 'app://backroom.evil/index.html' }],
  ['an iframe inside our window', { ...TRUSTED_FRAME, isMainFrame: false }],
  ['a window we did not create', { ...TRUSTED_FRAME, fromOurWindow: false }],
  ['a frame with no URL (destroyed)', { ...TRUSTED_FRAME, url: null }],
  ['a frame with a malformed URL', { ...TRUSTED_FRAME, url: 'not a url' }],
];

describe('the IPC transport', () => {
  let s: StoreServices;
  let token: string;
  const refusals: string[] = [];
  let api: ReturnType<typeof ipcTransport>;

  beforeAll(async () => {
    s = await makeServices();
    await s.auth.setupOwner(OWNER);
    token = (await s.auth.login(OWNER, 'ipc')).token;
    api = ipcTransport(s, (why) => refusals.push(why));
  });
  afterAll(() => s.close());

  it('answers our own window', async () => {
    const r = await api.bridge.call(TRUSTED_FRAME, message(token), () => {});
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body ?? '')).toMatchObject({ result: { data: [{ username: 'owner' }] } });
    expect(isTrustedSender(TRUSTED_FRAME, APP_ORIGIN)).toBe(true);
  });

  it.each(UNTRUSTED)(
    'refuses a message from %s, even with a valid session',
    async (_what, frame) => {
      const before = refusals.length;
      await expect(api.bridge.call(frame, message(token), () => {})).rejects.toBeInstanceOf(
        IpcRefusedError,
      );
      expect(refusals.length).toBe(before + 1);
      expect(refusals.at(-1)).toBe('unexpected sender frame');
    },
  );

  it('refuses a message that is not an API request', async () => {
    for (const bad of [
      null,
      'users.list',
      { ...message(token), path: '/etc/passwd' },
      { ...message(token), method: 'DELETE' },
      { ...message(token), extra: 1 },
    ]) {
      await expect(api.bridge.call(TRUSTED_FRAME, bad, () => {})).rejects.toThrow(
        /not a Backroom API request/,
      );
    }
  });

  it('ends a live-update stream once its session is signed out', async () => {
    const { token: own } = await s.auth.login(OWNER, 'stream');
    const messages: string[] = [];
    await api.bridge.call(
      TRUSTED_FRAME,
      {
        id: 'sub2',
        path: '/api/dashboard.changes',
        method: 'GET',
        headers: { authorization: `Bearer ${own}` },
        body: null,
      },
      (m) => messages.push('chunk' in m ? m.chunk : 'end' in m ? 'END' : `ERROR ${m.error}`),
    );
    await expect
      .poll(() => {
        s.audit.record({ actor: 'owner', action: 'test.ping', entity: 'test' });
        return messages.join('');
      })
      .toMatch(/"topic":"audit"/);
    const { session, user } = s.auth.authenticate(own);
    s.auth.logout(session, user.username); // audited, so the stream hears of it and re-checks
    await expect.poll(() => messages.at(-1)).toBe('END');
  });

  it('streams subscriptions and stops when cancelled', async () => {
    const chunks: string[] = [];
    const r = await api.bridge.call(
      TRUSTED_FRAME,
      {
        id: 'sub1',
        path: '/api/dashboard.changes',
        method: 'GET',
        headers: { authorization: `Bearer ${token}` },
        body: null,
      },
      (m) => {
        if ('chunk' in m) chunks.push(m.chunk);
      },
    );
    expect(r.body).toBeNull();
    // The subscription starts listening a moment after the stream opens; keep making changes.
    await expect
      .poll(() => {
        s.audit.record({ actor: 'owner', action: 'test.ping', entity: 'test' });
        return chunks.join('');
      })
      .toMatch(/"topic":"audit"/);
    api.bridge.cancel(TRUSTED_FRAME, 'sub1');
  });
});
