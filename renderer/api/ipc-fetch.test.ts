import { EventSource } from 'eventsource';
import { describe, expect, it } from 'vitest';
import type { IpcRequest, IpcResponse, IpcStreamMessage } from '../../core/api/ipc-bridge.ts';
import { createIpcFetch, type BackroomIpc } from './ipc-fetch.ts';

const BASE = 'app://backroom/dashboard';

function fakeIpc(answer: (m: IpcRequest) => Promise<IpcResponse>) {
  const listeners = new Set<(m: IpcStreamMessage) => void>();
  const requests: IpcRequest[] = [];
  const cancelled: string[] = [];
  const ipc: BackroomIpc = {
    request: (m) => {
      requests.push(m);
      return answer(m);
    },
    onStream: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    cancel: (id) => cancelled.push(id),
  };
  const emit = (m: IpcStreamMessage) => {
    for (const l of [...listeners]) l(m);
  };
  return { ipc, requests, cancelled, emit, listeners };
}

const ids = () => {
  let n = 0;
  return () => `id${++n}`;
};

const sse = { 'content-type': 'text/event-stream' };

async function readAll(body: ReadableStream<Uint8Array> | null): Promise<string> {
  if (!body) throw new Error('no body');
  return new Response(body).text();
}

function bodyOf(response: Response): ReadableStream<Uint8Array> {
  if (!response.body) throw new Error('no body');
  return response.body;
}

describe('ipc fetch', () => {
  it('sends a POST with its headers and body and returns the reply as a Response', async () => {
    const { ipc, requests, listeners } = fakeIpc(async () => ({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: '{"ok":true}',
    }));
    const fetch = createIpcFetch(ipc, { baseUrl: () => BASE, newId: ids() });
    const response = await fetch('/api/auth.login?batch=1', {
      method: 'POST',
      headers: { Authorization: 'Bearer abc', 'content-type': 'application/json' },
      body: '{"0":{}}',
    });
    expect(requests).toEqual([
      {
        id: 'id1',
        path: '/api/auth.login?batch=1',
        method: 'POST',
        headers: { authorization: 'Bearer abc', 'content-type': 'application/json' },
        body: '{"0":{}}',
      },
    ]);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ ok: true });
    expect(listeners.size).toBe(0);
  });

  it('resolves relative and absolute URLs to the API path and sends GET without a body', async () => {
    const { ipc, requests } = fakeIpc(async () => ({ status: 401, headers: {}, body: 'no' }));
    const fetch = createIpcFetch(ipc, { baseUrl: () => BASE, newId: ids() });
    const response = await fetch(new URL('app://backroom/api/auth.me?input=%7B%7D'), {
      body: 'ignored',
    });
    expect(requests[0]).toMatchObject({
      path: '/api/auth.me?input=%7B%7D',
      method: 'GET',
      body: null,
    });
    expect(response.status).toBe(401);
    expect(response.ok).toBe(false);
  });

  it('accepts a Request object', async () => {
    const { ipc, requests } = fakeIpc(async () => ({ status: 204, headers: {}, body: '' }));
    const fetch = createIpcFetch(ipc, { baseUrl: () => BASE, newId: ids() });
    const response = await fetch(
      new Request('app://backroom/api/x', { method: 'POST', body: 'hello', headers: { a: '1' } }),
    );
    expect(requests[0]).toMatchObject({
      path: '/api/x',
      method: 'POST',
      body: 'hello',
      headers: { a: '1' },
    });
    expect(response.status).toBe(204);
  });

  it('refuses methods the transport does not carry', async () => {
    const { ipc } = fakeIpc(async () => ({ status: 200, headers: {}, body: '' }));
    const fetch = createIpcFetch(ipc, { baseUrl: () => BASE });
    await expect(fetch('/api/x', { method: 'PUT' })).rejects.toThrow(/GET and POST only/);
  });

  it('turns a refused IPC call into a network-style TypeError', async () => {
    const { ipc } = fakeIpc(() => Promise.reject(new Error('Refused: not the Backroom window')));
    const fetch = createIpcFetch(ipc, { baseUrl: () => BASE });
    const failure = fetch('/api/x').catch((e: unknown) => e);
    expect(await failure).toBeInstanceOf(TypeError);
    expect(String(await failure)).toMatch(/Refused/);
  });

  it('builds a streaming body from chunks, including chunks that arrive before the reply', async () => {
    const { ipc, emit } = fakeIpc(async (m) => {
      emit({ id: m.id, chunk: 'data: one\n\n' });
      emit({ id: 'someone-else', chunk: 'not ours' });
      return { status: 200, headers: sse, body: null };
    });
    const fetch = createIpcFetch(ipc, { baseUrl: () => BASE, newId: ids() });
    const response = await fetch('/api/dashboard.changes');
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    emit({ id: 'id1', chunk: 'data: two\n\n' });
    emit({ id: 'id1', end: true });
    expect(await readAll(response.body)).toBe('data: one\n\ndata: two\n\n');
  });

  it('fails the body when the stream reports an error', async () => {
    const { ipc, emit } = fakeIpc(async () => ({ status: 200, headers: sse, body: null }));
    const fetch = createIpcFetch(ipc, { baseUrl: () => BASE, newId: ids() });
    const response = await fetch('/api/dashboard.changes');
    emit({ id: 'id1', chunk: 'data: one\n\n' });
    emit({ id: 'id1', error: 'window closed' });
    await expect(readAll(response.body)).rejects.toThrow(/window closed/);
  });

  it('cancels the stream on the bridge when the caller aborts', async () => {
    const { ipc, emit, cancelled, listeners } = fakeIpc(async () => ({
      status: 200,
      headers: sse,
      body: null,
    }));
    const fetch = createIpcFetch(ipc, { baseUrl: () => BASE, newId: ids() });
    const abort = new AbortController();
    const response = await fetch('/api/dashboard.changes', { signal: abort.signal });
    const reader = bodyOf(response).getReader();
    emit({ id: 'id1', chunk: 'data: one\n\n' });
    expect((await reader.read()).done).toBe(false);
    abort.abort();
    await expect(reader.read()).rejects.toMatchObject({ name: 'AbortError' });
    expect(cancelled).toEqual(['id1']);
    expect(listeners.size).toBe(0);
  });

  it('cancels on the bridge when the reader cancels the body', async () => {
    const { ipc, cancelled, listeners } = fakeIpc(async () => ({
      status: 200,
      headers: sse,
      body: null,
    }));
    const fetch = createIpcFetch(ipc, { baseUrl: () => BASE, newId: ids() });
    const response = await fetch('/api/dashboard.changes');
    await bodyOf(response).cancel();
    expect(cancelled).toEqual(['id1']);
    expect(listeners.size).toBe(0);
  });

  it('rejects at once when aborted before the reply, and still ends a stream that starts later', async () => {
    let reply: (r: IpcResponse) => void = () => {};
    const { ipc, cancelled, listeners } = fakeIpc(
      () => new Promise<IpcResponse>((resolve) => (reply = resolve)),
    );
    const fetch = createIpcFetch(ipc, { baseUrl: () => BASE, newId: ids() });
    const abort = new AbortController();
    const pending = fetch('/api/dashboard.changes', { signal: abort.signal });
    abort.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(cancelled).toEqual(['id1']);
    expect(listeners.size).toBe(0);
    reply({ status: 200, headers: sse, body: null });
  });

  it('refuses an already-aborted signal without calling the bridge', async () => {
    const { ipc, requests } = fakeIpc(async () => ({ status: 200, headers: {}, body: '' }));
    const fetch = createIpcFetch(ipc, { baseUrl: () => BASE });
    await expect(fetch('/api/x', { signal: AbortSignal.abort() })).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(requests).toHaveLength(0);
  });

  it('carries server-sent events to the eventsource ponyfill the subscription link uses', async () => {
    const { ipc, emit, cancelled } = fakeIpc(async (m) => {
      setTimeout(() => emit({ id: m.id, chunk: 'event: message\ndata: {"topic":"audit"}\n\n' }), 5);
      return { status: 200, headers: sse, body: null };
    });
    const fetch = createIpcFetch(ipc, { baseUrl: () => BASE, newId: ids() });
    const source = new EventSource('app://backroom/api/dashboard.changes', { fetch });
    const data = await new Promise<string>((resolve, reject) => {
      source.onmessage = (e) => resolve(String(e.data));
      source.onerror = (e) => reject(new Error(String(e.message)));
    });
    expect(JSON.parse(data)).toEqual({ topic: 'audit' });
    source.close();
    await new Promise((r) => setTimeout(r, 10));
    expect(cancelled).toEqual(['id1']);
  });
});
