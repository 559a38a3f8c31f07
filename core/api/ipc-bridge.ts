// The desktop window's transport: Electron IPC carries a serialized fetch request to the
// same API handler the HTTP server uses. Electron itself is wired in electron/; this module
// holds the rules (who may send, what a message looks like) so they are tested in Node.
import { z } from 'zod';
import { API_PREFIX, type Caller } from './handler.ts';

export const IPC_CHANNEL = 'backroom:api';
export const IPC_STREAM_CHANNEL = 'backroom:api-stream';
export const IPC_CANCEL_CHANNEL = 'backroom:api-cancel';

export const ipcRequestSchema = z
  .object({
    id: z.string().min(1).max(64),
    path: z.string().startsWith(`${API_PREFIX}/`).max(16_384),
    method: z.enum(['GET', 'POST']),
    headers: z
      .record(z.string().max(100), z.string().max(8_192))
      .refine((h) => Object.keys(h).length <= 32, 'too many headers'),
    body: z.string().max(1_048_576).nullable(),
  })
  .strict();
export type IpcRequest = z.infer<typeof ipcRequestSchema>;

export interface IpcResponse {
  status: number;
  headers: Record<string, string>;
  /** The whole body, or null when it streams (server-sent events) on IPC_STREAM_CHANNEL. */
  body: string | null;
}

export type IpcStreamMessage =
  { id: string; chunk: string } | { id: string; end: true } | { id: string; error: string };

/** What Electron tells us about the frame that sent a message. */
export interface SenderFrame {
  url: string | null;
  isMainFrame: boolean;
  /** The BrowserWindow that the frame belongs to is one we created. */
  fromOurWindow: boolean;
}

/** Only our own window's top frame, showing our own packaged pages, may call the API. */
export function isTrustedSender(frame: SenderFrame, appOrigin: string): boolean {
  if (!frame.fromOurWindow || !frame.isMainFrame || !frame.url) return false;
  try {
    // Custom schemes (app://) have an opaque URL.origin, so compare scheme and host.
    const u = new URL(frame.url);
    return `${u.protocol}//${u.host}` === appOrigin;
  } catch {
    return false;
  }
}

export class IpcRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IpcRefusedError';
  }
}

export function createIpcBridge(o: {
  handle: (request: Request, caller: Caller) => Promise<Response>;
  appOrigin: string;
  onRefused: (frame: SenderFrame, why: string) => void;
}) {
  const streams = new Map<string, AbortController>();
  return {
    async call(
      frame: SenderFrame,
      message: unknown,
      send: (m: IpcStreamMessage) => void,
    ): Promise<IpcResponse> {
      if (!isTrustedSender(frame, o.appOrigin)) {
        o.onRefused(frame, 'unexpected sender frame');
        throw new IpcRefusedError('Refused: this message did not come from the Backroom window.');
      }
      const parsed = ipcRequestSchema.safeParse(message);
      if (!parsed.success) {
        o.onRefused(frame, 'malformed message');
        throw new IpcRefusedError('Refused: the message is not a Backroom API request.');
      }
      const m = parsed.data;
      const abort = new AbortController();
      const init: RequestInit = { method: m.method, headers: m.headers, signal: abort.signal };
      if (m.method === 'POST' && m.body !== null) init.body = m.body;
      const response = await o.handle(new Request(`${o.appOrigin}${m.path}`, init), {
        transport: 'ipc',
        address: 'ipc',
      });
      const headers = Object.fromEntries(response.headers.entries());
      const body = response.body;
      if (!response.headers.get('content-type')?.includes('text/event-stream') || !body) {
        return { status: response.status, headers, body: await response.text() };
      }
      streams.set(m.id, abort);
      void (async () => {
        const reader = body.pipeThrough(new TextDecoderStream()).getReader();
        try {
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            send({ id: m.id, chunk: value });
          }
          send({ id: m.id, end: true });
        } catch (error) {
          if (!abort.signal.aborted)
            send({ id: m.id, error: error instanceof Error ? error.message : String(error) });
        } finally {
          streams.delete(m.id);
        }
      })();
      return { status: response.status, headers, body: null };
    },
    cancel(frame: SenderFrame, id: unknown): void {
      if (!isTrustedSender(frame, o.appOrigin) || typeof id !== 'string') return;
      streams.get(id)?.abort();
      streams.delete(id);
    },
    /** Ends every open stream (window closed, app quitting). */
    closeAll(): void {
      for (const a of streams.values()) a.abort();
      streams.clear();
    },
  };
}
