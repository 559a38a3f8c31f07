// The preload runs only inside Electron; here `electron` is replaced by a recorder so the test
// can check exactly what the window is given.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import * as core from '../core/api/ipc-bridge.ts';
import { isTrustedSender } from '../core/api/ipc-bridge.ts';
import * as preloadChannels from '../preload/channels.ts';
import type { BackroomIpc } from '../preload/index.ts';
import { APP_ENTRY_URL, APP_ORIGIN } from './security.ts';

type Listener = (event: unknown, message: unknown) => void;

const fake = vi.hoisted(() => {
  const exposed = new Map<string, unknown>();
  const listeners = new Map<string, Set<Listener>>();
  const sent: [string, unknown][] = [];
  const invoked: [string, unknown][] = [];
  return {
    exposed,
    listeners,
    sent,
    invoked,
    emit(channel: string, message: unknown) {
      for (const l of listeners.get(channel) ?? []) l({ sender: 'the ipcRenderer' }, message);
    },
  };
});

vi.mock('electron', () => ({
  contextBridge: {
    exposeInMainWorld: (key: string, api: unknown) => fake.exposed.set(key, api),
  },
  ipcRenderer: {
    invoke: (channel: string, message: unknown) => {
      fake.invoked.push([channel, message]);
      return Promise.resolve({ status: 200, headers: {}, body: '{}' });
    },
    send: (channel: string, message: unknown) => fake.sent.push([channel, message]),
    on: (channel: string, listener: Listener) => {
      const set = fake.listeners.get(channel) ?? new Set();
      set.add(listener);
      fake.listeners.set(channel, set);
    },
    removeListener: (channel: string, listener: Listener) =>
      fake.listeners.get(channel)?.delete(listener),
  },
}));

describe('the preload', () => {
  let api: BackroomIpc;
  beforeAll(async () => {
    await import('../preload/index.ts');
    api = fake.exposed.get('backroomIpc') as BackroomIpc;
  });

  it('uses the channel names of core/api/ipc-bridge.ts', () => {
    expect({ ...preloadChannels }).toEqual({
      IPC_CHANNEL: core.IPC_CHANNEL,
      IPC_STREAM_CHANNEL: core.IPC_STREAM_CHANNEL,
      IPC_CANCEL_CHANNEL: core.IPC_CANCEL_CHANNEL,
    });
  });

  it('exposes backroomIpc with request, onStream and cancel, and nothing else', () => {
    expect([...fake.exposed.keys()]).toEqual(['backroomIpc']);
    expect(Object.keys(api).sort()).toEqual(['cancel', 'onStream', 'request']);
    expect(Object.values(api).every((v) => typeof v === 'function')).toBe(true);
  });

  it('sends requests on the API channel', async () => {
    const message = {
      id: 'r1',
      path: '/api/auth.me',
      method: 'GET' as const,
      headers: {},
      body: null,
    };
    await expect(api.request(message)).resolves.toEqual({ status: 200, headers: {}, body: '{}' });
    expect(fake.invoked).toEqual([[core.IPC_CHANNEL, message]]);
  });

  it('hands stream listeners the message only, never the IPC event, and unsubscribes', () => {
    const got: unknown[] = [];
    const stop = api.onStream((m) => got.push(m));
    fake.emit(core.IPC_STREAM_CHANNEL, { id: 'r1', chunk: 'data: 1\n\n' });
    stop();
    fake.emit(core.IPC_STREAM_CHANNEL, { id: 'r1', end: true });
    expect(got).toEqual([{ id: 'r1', chunk: 'data: 1\n\n' }]);
    expect(fake.listeners.get(core.IPC_STREAM_CHANNEL)?.size).toBe(0);
  });

  it('cancels a stream on the cancel channel', () => {
    api.cancel('r1');
    expect(fake.sent).toEqual([[core.IPC_CANCEL_CHANNEL, 'r1']]);
  });
});

describe('the window origin the IPC bridge trusts', () => {
  const frame = { url: APP_ENTRY_URL, isMainFrame: true, fromOurWindow: true };

  it('is the origin the window loads its screens from', () => {
    expect(isTrustedSender(frame, APP_ORIGIN)).toBe(true);
    expect(isTrustedSender({ ...frame, url: `${APP_ORIGIN}/users/4?x=1` }, APP_ORIGIN)).toBe(true);
  });

  it('is not any other app:// host', () => {
    expect(isTrustedSender({ ...frame, url: 'app://evil/index.html' }, APP_ORIGIN)).toBe(false);
  });
});
