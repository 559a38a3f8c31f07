import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { z } from 'zod';
import type { StoreServices } from '../app/services.ts';
import type { OffsetClock } from '../clock.ts';
import { API_PREFIX, createApiHandler } from './handler.ts';
import { healthOf } from './health.ts';
import { CONTENT_SECURITY_POLICY, resolveRendererFile } from './static-files.ts';

const isFile = (file: string): boolean => {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
};

const MAX_BODY = 1_048_576;

// No CORS headers at all: other origins cannot call the API from a browser.
const SECURITY_HEADERS = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
};

export interface HttpServerOptions {
  services: StoreServices;
  host: string;
  port: number;
  /** Folder with the built renderer (index.html + assets), or null to serve only the API. */
  rendererDir: string | null;
  /** Tests only (--test-clock): POST /__test__/clock {"advanceDays": n} moves the store's time. */
  testClock?: OffsetClock;
}

export interface RunningHttpServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const isLoopback = (host: string) => host === '127.0.0.1' || host === '::1' || host === 'localhost';

export async function startHttpServer(o: HttpServerOptions): Promise<RunningHttpServer> {
  const api = createApiHandler(o.services);
  const rendererDir = o.rendererDir ? path.resolve(o.rendererDir) : null;
  const sockets = new Set<Socket>();

  const server = http.createServer((req, res) => {
    void route(req, res).catch((error: unknown) => {
      o.services.log.error('HTTP request failed', {
        // The path only: a query string may carry input.
        path: (req.url ?? '').split('?')[0],
        error: error instanceof Error ? error.stack : String(error),
      });
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('The store server hit an error. It was logged.');
    });
  });
  // Oversized URLs or headers never reach route(): answer them in the API's own shape.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return;
    const status =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? '431 Request Header Fields Too Large'
        : '400 Bad Request';
    const body = JSON.stringify({
      error: {
        message: 'The request is too large or malformed. Send large input in the request body.',
      },
    });
    socket.end(
      `HTTP/1.1 ${status}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  async function route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    // A loopback-only server answers only to loopback host names (DNS-rebinding guard).
    const hostHeader = (req.headers.host ?? '').replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
    if (isLoopback(o.host) && !isLoopback(hostHeader)) {
      res
        .writeHead(421, { 'content-type': 'text/plain' })
        .end('Wrong host name for this store server.');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://store.local');
    if (o.testClock && url.pathname === '/__test__/clock' && req.method === 'POST') {
      await moveTestClock(req, res, o.testClock);
      return;
    }
    if (url.pathname === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(healthOf(o.services)));
      return;
    }
    if (url.pathname === API_PREFIX || url.pathname.startsWith(`${API_PREFIX}/`)) {
      await serveApi(req, res, url);
      return;
    }
    serveStatic(url.pathname, res);
  }

  async function serveApi(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    url: URL,
  ): Promise<void> {
    const method = req.method ?? 'GET';
    let body: Buffer | undefined;
    if (method === 'POST') {
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of req as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > MAX_BODY) {
          res.writeHead(413, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { message: 'The request is too large (over 1 MB).' } }));
          req.destroy();
          return;
        }
        chunks.push(chunk);
      }
      body = Buffer.concat(chunks);
    }
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
    const init: RequestInit = { method, headers, signal: abort.signal };
    if (body) init.body = new Uint8Array(body);
    const response = await api(new Request(url, init), {
      transport: 'http',
      address: req.socket.remoteAddress ?? 'unknown',
    });
    const out: Record<string, string> = { ...SECURITY_HEADERS, 'cache-control': 'no-store' };
    response.headers.forEach((v, k) => {
      out[k] = v;
    });
    res.writeHead(response.status, out);
    if (!response.body) {
      res.end();
      return;
    }
    const stream = Readable.fromWeb(response.body as NodeReadableStream);
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  }

  function serveStatic(pathname: string, res: http.ServerResponse): void {
    if (!rendererDir) {
      res
        .writeHead(404, { 'content-type': 'text/plain' })
        .end('This store server has no screens built. Run: npm run build:renderer');
      return;
    }
    const found = resolveRendererFile(pathname, { rendererDir, isFile });
    if (found.kind === 'refused') {
      const text =
        found.status === 404 && pathname === '/'
          ? 'The store screens are not built. Run: npm run build:renderer'
          : `Not served: ${found.reason}.`;
      res.writeHead(found.status, { 'content-type': 'text/plain' }).end(text);
      return;
    }
    const isAsset = found.file.includes(`${path.sep}assets${path.sep}`);
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': found.contentType,
      'cache-control': isAsset ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    fs.createReadStream(found.file).pipe(res);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(
              `Port ${o.port} on ${o.host} is already in use. Is Backroom already running? Choose another with --port.`,
            )
          : error,
      );
    });
    server.listen(o.port, o.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  // Said here, so every way of starting a server off the loopback (headless, desktop LAN) says it.
  if (!isLoopback(o.host)) {
    o.services.log.warn(
      `The store server is listening on ${o.host}:${port}: other computers on the network can reach the sign-in page. Make sure this network is the store's private LAN.`,
    );
  }
  const shownHost = o.host.includes(':')
    ? `[${o.host}]`
    : o.host === '0.0.0.0'
      ? '127.0.0.1'
      : o.host;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Open event streams would keep close() waiting; end them.
        for (const s of sockets) s.destroy();
      }),
  };
}

const testClockMove = z.object({ advanceDays: z.number().int().min(0).max(3650) }).strict();

/** Moves a --test-clock server's time forward; it answers with the new time. */
async function moveTestClock(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  clock: OffsetClock,
): Promise<void> {
  let text = '';
  for await (const chunk of req as AsyncIterable<Buffer>) text += chunk.toString('utf8');
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    // answered below
  }
  const move = testClockMove.safeParse(body);
  if (!move.success) {
    res.writeHead(400, { 'content-type': 'text/plain' }).end('Send {"advanceDays": n}.');
    return;
  }
  clock.advance(move.data.advanceDays * 86_400_000);
  res
    .writeHead(200, { 'content-type': 'application/json' })
    .end(JSON.stringify({ now: new Date(clock.now()).toISOString() }));
}
