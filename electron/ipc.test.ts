// The desktop IPC transport as wired in electron/ipc.ts, with ipcMain replaced by a recorder
// and real store services behind it: which frames are answered, which are refused, and that
// every refusal is logged and audited.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { StoreServices } from '../core/app/services.ts';
import { IPC_CANCEL_CHANNEL, IPC_CHANNEL, IpcRefusedError } from '../core/api/ipc-bridge.ts';
import type { Logger } from '../core/log/logger.ts';
import { makeServices } from '../core/testing/fixtures.ts';
import { serveApiOverIpc, type IpcTransport } from './ipc.ts';
import { APP_ENTRY_URL } from './security.ts';

type Handler = (event: unknown, message: unknown) => unknown;

const ipcMain = vi.hoisted(() => ({
  handlers: new Map<string, Handler>(),
  listeners: new Map<string, Handler>(),
}));

vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, h: Handler) => ipcMain.handlers.set(channel, h),
    on: (channel: string, h: Handler) => ipcMain.listeners.set(channel, h),
    removeHandler: (channel: string) => ipcMain.handlers.delete(channel),
    removeAllListeners: (channel: string) => ipcMain.listeners.delete(channel),
  },
}));

interface FakeFrame {
  url: string;
  parent: FakeFrame | null;
  frameTreeNodeId: number;
}

const topFrame: FakeFrame = { url: APP_ENTRY_URL, parent: null, frameTreeNodeId: 1 };
const ourContents = { mainFrame: topFrame, isDestroyed: () => false, send: vi.fn() };
const otherContents = {
  mainFrame: { ...topFrame, frameTreeNodeId: 7 },
  isDestroyed: () => false,
  send: vi.fn(),
};

const health = { id: 'h1', path: '/api/system.health', method: 'GET', headers: {}, body: null };

describe('the desktop IPC transport', () => {
  let services: StoreServices;
  let transport: IpcTransport;
  const warnings: string[] = [];

  const invoke = (event: { senderFrame: FakeFrame | null; sender: unknown }, message: unknown) => {
    const handler = ipcMain.handlers.get(IPC_CHANNEL);
    if (!handler) throw new Error('no IPC handler registered');
    return Promise.resolve(handler(event, message));
  };

  beforeAll(async () => {
    const base = await makeServices();
    const log: Logger = { ...base.log, warn: (m) => warnings.push(m) };
    services = Object.assign(base, { log });
    transport = serveApiOverIpc({ services, isOurWindow: (c) => (c as unknown) === ourContents });
  });
  afterAll(() => services.close());

  it("answers our window's top frame on app://backroom", async () => {
    const reply = (await invoke({ senderFrame: topFrame, sender: ourContents }, health)) as {
      status: number;
      body: string;
    };
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toMatchObject({ result: { data: { status: 'ok' } } });
  });

  it.each([
    [
      'an iframe inside our window',
      { url: APP_ENTRY_URL, parent: topFrame, frameTreeNodeId: 2 },
      ourContents,
    ],
    [
      'our top frame after navigating away',
      { ...topFrame, url: 'https://evil.example/' },
      ourContents,
    ],
    ['another app:// host', { ...topFrame, url: 'app://evil/index.html' }, ourContents],
    ['a window we did not create', otherContents.mainFrame, otherContents],
    ['a frame that is already gone', null, ourContents],
  ])('refuses %s, and logs and audits the refusal', async (_name, senderFrame, sender) => {
    const before = services.audit.query({ action: 'ipc.refused' }).entries.length;
    await expect(invoke({ senderFrame, sender }, health)).rejects.toThrow(IpcRefusedError);
    const entries = services.audit.query({ action: 'ipc.refused' }).entries;
    expect(entries).toHaveLength(before + 1);
    expect(entries[0]).toMatchObject({ actor: 'system', entity: 'ipc', outcome: 'denied' });
    expect(warnings.at(-1)).toMatch(/Refused an IPC message: unexpected sender frame/);
  });

  it('refuses a message that is not an API request, from our own window too', async () => {
    await expect(
      invoke({ senderFrame: topFrame, sender: ourContents }, { ...health, path: '/etc/passwd' }),
    ).rejects.toThrow(IpcRefusedError);
    expect(warnings.at(-1)).toMatch(/malformed message/);
  });

  it('stops answering when the app quits', () => {
    expect(ipcMain.listeners.has(IPC_CANCEL_CHANNEL)).toBe(true);
    transport.close();
    expect(ipcMain.handlers.has(IPC_CHANNEL)).toBe(false);
    expect(ipcMain.listeners.has(IPC_CANCEL_CHANNEL)).toBe(false);
  });
});
