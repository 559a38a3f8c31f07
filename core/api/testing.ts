// Test helpers that speak tRPC's wire format over either transport, the way the renderer does.
import type { AnyProcedure } from '@trpc/server';
import { startHttpServer, type RunningHttpServer } from './http.ts';
import { createApiHandler } from './handler.ts';
import { createIpcBridge, type IpcStreamMessage, type SenderFrame } from './ipc-bridge.ts';
import { appRouter } from './router.ts';
import type { Meta } from './trpc.ts';
import type { StoreServices } from '../app/services.ts';

export const APP_ORIGIN = 'app://backroom';
export const TRUSTED_FRAME: SenderFrame = {
  url: `${APP_ORIGIN}/index.html`,
  isMainFrame: true,
  fromOurWindow: true,
};

export interface ProcedureInfo {
  path: string;
  type: 'query' | 'mutation' | 'subscription';
  meta: Meta | undefined;
  hasInput: boolean;
}

export function listProcedures(): ProcedureInfo[] {
  const procs = appRouter._def.procedures as unknown as Record<string, AnyProcedure>;
  return Object.entries(procs).map(([path, p]) => ({
    path,
    type: p._def.type,
    meta: p._def.meta as Meta | undefined,
    hasInput: p._def.inputs.length > 0,
  }));
}

export interface ApiAnswer {
  status: number;
  body: unknown;
  /** tRPC error data, if the call failed. */
  error: { message: string; data: { reason: string | null; code: string; fields: unknown } } | null;
}

export interface Transport {
  name: 'http' | 'ipc';
  call(
    p: Pick<ProcedureInfo, 'path' | 'type'>,
    input: unknown,
    token?: string | null,
  ): Promise<ApiAnswer>;
  close(): Promise<void>;
}

function requestFor(
  p: Pick<ProcedureInfo, 'path' | 'type'>,
  input: unknown,
  token?: string | null,
) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers['authorization'] = `Bearer ${token}`;
  // Like the renderer: queries go as POST (method override), subscriptions as GET (SSE).
  const isGet = p.type === 'subscription';
  const query =
    isGet && input !== undefined ? `?input=${encodeURIComponent(JSON.stringify(input))}` : '';
  return {
    path: `/api/${p.path}${query}`,
    method: isGet ? ('GET' as const) : ('POST' as const),
    headers,
    body: !isGet && input !== undefined ? JSON.stringify(input) : null,
  };
}

/** The first server-sent event that carries news (not the connection notice or a ping). */
function firstEvent(text: string): { event: string; data: unknown } | null {
  for (const block of text.split('\n\n')) {
    const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
    const data = /^data: (.*)$/m.exec(block)?.[1];
    if (data === undefined || event === 'connected' || event === 'ping') continue;
    return { event, data: JSON.parse(data) as unknown };
  }
  return null;
}

/** Reads a whole answer; for an event stream, the first event that carries news. */
async function readAnswer(status: number, contentType: string, text: string): Promise<ApiAnswer> {
  if (contentType.includes('text/event-stream')) {
    const e = firstEvent(text);
    const isError = e?.event === 'serialized-error';
    return {
      status,
      body: e?.data ?? null,
      error: isError ? (e?.data as ApiAnswer['error']) : null,
    };
  }
  const body = JSON.parse(text) as { error?: ApiAnswer['error'] };
  return { status, body, error: body.error ?? null };
}

async function firstChunkOf(stream: ReadableStream<Uint8Array>): Promise<string> {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  const deadline = Date.now() + 3000;
  while (Date.now() < deadline && !firstEvent(text)) {
    const { done, value } = await reader.read();
    if (done) break;
    text += value;
  }
  await reader.cancel();
  return text;
}

export async function httpTransport(
  services: StoreServices,
): Promise<Transport & { server: RunningHttpServer }> {
  const server = await startHttpServer({ services, host: '127.0.0.1', port: 0, rendererDir: null });
  return {
    name: 'http',
    server,
    async call(p, input, token) {
      const r = requestFor(p, input, token);
      const init: RequestInit = { method: r.method, headers: r.headers };
      if (r.body !== null) init.body = r.body;
      const res = await fetch(`${server.url}${r.path}`, init);
      const ct = res.headers.get('content-type') ?? '';
      const text =
        ct.includes('event-stream') && res.body ? await firstChunkOf(res.body) : await res.text();
      return readAnswer(res.status, ct, text);
    },
    close: () => server.close(),
  };
}

export function ipcTransport(
  services: StoreServices,
  onRefused: (why: string) => void = () => {},
): Transport & { bridge: ReturnType<typeof createIpcBridge> } {
  const bridge = createIpcBridge({
    handle: createApiHandler(services),
    appOrigin: APP_ORIGIN,
    onRefused: (_f, why) => onRefused(why),
  });
  let n = 0;
  return {
    name: 'ipc',
    bridge,
    async call(p, input, token) {
      const id = `t${++n}`;
      let streamed = '';
      let ended!: () => void;
      const done = new Promise<void>((resolve) => (ended = resolve));
      const send = (m: IpcStreamMessage) => {
        if ('chunk' in m) streamed += m.chunk;
        if (firstEvent(streamed) || !('chunk' in m)) ended();
      };
      const res = await bridge.call(TRUSTED_FRAME, { id, ...requestFor(p, input, token) }, send);
      if (res.body === null) {
        await Promise.race([done, new Promise((r) => setTimeout(r, 3000))]);
        bridge.cancel(TRUSTED_FRAME, id);
        return readAnswer(res.status, res.headers['content-type'] ?? '', streamed);
      }
      return readAnswer(res.status, res.headers['content-type'] ?? '', res.body);
    },
    close: async () => bridge.closeAll(),
  };
}
