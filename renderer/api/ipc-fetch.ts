// A `fetch` over the desktop window's IPC transport. The preload exposes window.backroomIpc;
// this turns it back into the fetch/Response shape both tRPC links expect, so the window
// runs the very same client code as a browser on the LAN.
import type { IpcRequest, IpcResponse, IpcStreamMessage } from '../../core/api/ipc-bridge.ts';

export interface BackroomIpc {
  request(message: IpcRequest): Promise<IpcResponse>;
  /** Registers a listener for streamed bodies; returns the function that removes it. */
  onStream(listener: (message: IpcStreamMessage) => void): () => void;
  cancel(id: string): void;
}

export interface IpcFetchOptions {
  /** The page's address, to resolve relative URLs such as `/api/auth.me`. */
  baseUrl: () => string;
  /** A request id unique within the window. */
  newId?: () => string;
}

const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);

const abortError = () => new DOMException('The request was cancelled.', 'AbortError');

let counter = 0;
const defaultId = () => `r${Date.now().toString(36)}-${(++counter).toString(36)}`;

async function bodyText(body: BodyInit | null | undefined): Promise<string | null> {
  if (body === null || body === undefined) return null;
  if (typeof body === 'string') return body;
  return new Response(body).text();
}

export function createIpcFetch(ipc: BackroomIpc, options: IpcFetchOptions): typeof fetch {
  const newId = options.newId ?? defaultId;

  return async function ipcFetch(
    input: RequestInfo | URL,
    init: RequestInit = {},
  ): Promise<Response> {
    const request = input instanceof Request ? input : null;
    const url = new URL(request ? request.url : String(input), options.baseUrl());
    const method = (init.method ?? request?.method ?? 'GET').toUpperCase();
    if (method !== 'GET' && method !== 'POST') {
      throw new TypeError(`The desktop transport carries GET and POST only (got ${method}).`);
    }
    const headers: Record<string, string> = {};
    new Headers(init.headers ?? request?.headers).forEach((value, key) => {
      headers[key] = value;
    });
    const body =
      method === 'POST'
        ? ((await bodyText(init.body)) ?? (request ? await request.text() : null))
        : null;
    const signal = init.signal ?? request?.signal ?? null;
    if (signal?.aborted) throw abortError();

    const id = newId();
    // Stream chunks may overtake the reply to `request`: keep them until the stream is set up.
    const early: IpcStreamMessage[] = [];
    let deliver: ((m: IpcStreamMessage) => void) | null = null;
    const unsubscribe = ipc.onStream((m) => {
      if (m.id !== id) return;
      if (deliver) deliver(m);
      else early.push(m);
    });

    let response: IpcResponse;
    try {
      response = await new Promise<IpcResponse>((resolve, reject) => {
        const onAbort = () => reject(abortError());
        signal?.addEventListener('abort', onAbort, { once: true });
        ipc.request({ id, path: url.pathname + url.search, method, headers, body }).then(
          (r) => {
            signal?.removeEventListener('abort', onAbort);
            resolve(r);
          },
          (error: unknown) => {
            signal?.removeEventListener('abort', onAbort);
            reject(
              error instanceof Error ? new TypeError(error.message) : new TypeError(String(error)),
            );
          },
        );
      });
    } catch (error) {
      unsubscribe();
      // If it turns into a stream after all, the bridge must end it: it only knows the id then.
      if (signal?.aborted) ipc.cancel(id);
      throw error;
    }

    const responseHeaders = new Headers(response.headers);
    if (response.body !== null) {
      unsubscribe();
      const status = response.status;
      return new Response(NULL_BODY_STATUS.has(status) ? null : response.body, {
        status,
        headers: responseHeaders,
      });
    }

    // A server-sent event stream: chunks arrive on the stream channel until `end` or `error`.
    const encoder = new TextEncoder();
    let finished = false;
    let controllerRef: ReadableStreamDefaultController<Uint8Array> | null = null;
    const onAbort = () => {
      if (finished) return;
      finish();
      ipc.cancel(id);
      controllerRef?.error(abortError());
    };
    const finish = () => {
      finished = true;
      unsubscribe();
      signal?.removeEventListener('abort', onAbort);
    };
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controllerRef = controller;
        deliver = (m) => {
          if (finished) return;
          if ('chunk' in m) controller.enqueue(encoder.encode(m.chunk));
          else if ('end' in m) {
            finish();
            controller.close();
          } else {
            finish();
            controller.error(new TypeError(`The store server stream failed: ${m.error}`));
          }
        };
        for (const m of early.splice(0)) deliver(m);
      },
      cancel() {
        if (finished) return;
        finish();
        ipc.cancel(id);
      },
    });
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) onAbort();
    return new Response(stream, { status: response.status, headers: responseHeaders });
  };
}
