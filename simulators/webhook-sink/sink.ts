// A webhook receiver on 127.0.0.1 for tests, benchmarks and the demo: it verifies each
// delivery with the README's recipe, de-duplicates by Idempotency-Key, counts what it
// accepted, and can be told to fail (5xx, 429 with Retry-After, 400, slow answers, hangs,
// connection resets) — per request, so a test can script any mix.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { verifyBackroomWebhook } from './verify.ts';

export const faultSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }),
  /** Answer with this status (and Retry-After for a 429) without accepting. */
  z.object({
    kind: z.literal('status'),
    status: z.number().int().min(400).max(599),
    retryAfterSeconds: z.number().int().min(0).optional(),
    message: z.string().optional(),
  }),
  /** Accept, but answer only after this long (the sender may time out and retry). */
  z.object({ kind: z.literal('slow'), ms: z.number().int().min(0) }),
  /** Never answer (the sender times out); nothing is accepted. */
  z.object({ kind: z.literal('hang') }),
  /** Drop the connection without an answer; nothing is accepted. */
  z.object({ kind: z.literal('reset') }),
]);
export type SinkFault = z.infer<typeof faultSchema>;

export interface AcceptedDelivery {
  key: string;
  eventId: string;
  type: string;
  body: unknown;
}

/** Chooses a fault per request: by its number, its idempotency key and how often it came. */
export type FaultPicker = (r: { requestNumber: number; key: string; attempt: number }) => SinkFault;

export interface WebhookSink {
  url: string;
  /** Deliveries accepted, in the order they were accepted, once per key. */
  accepted(): AcceptedDelivery[];
  stats(): {
    requests: number;
    accepted: number;
    duplicates: number;
    rejected: number;
    failedOnPurpose: number;
    pings: number;
    /** The most requests it was handling at one time. */
    maxInFlight: number;
    /** Event ids accepted under two different keys: a double delivery. Must stay empty. */
    eventsAcceptedTwice: string[];
  };
  /** A fault for every request from now on, or a function choosing one per request. */
  setFault(f: SinkFault | FaultPicker): void;
  /** Forgets what it accepted (between benchmark rounds). */
  reset(): void;
  close(): Promise<void>;
}

const zeroCounts = () => ({
  requests: 0,
  accepted: 0,
  duplicates: 0,
  rejected: 0,
  failedOnPurpose: 0,
  pings: 0,
  maxInFlight: 0,
});

export async function startWebhookSink(o: {
  secret: string;
  port?: number;
  toleranceSeconds?: number;
  /** The receiver's clock, in ms (tests move it to check the replay window). */
  now?: () => number;
  /** Skip signature checks (the raw keep-alive baseline of the benchmark). */
  verify?: boolean;
}): Promise<WebhookSink> {
  let fault: SinkFault | FaultPicker = { kind: 'none' };
  let attempts = new Map<string, number>();
  let accepted = new Map<string, AcceptedDelivery>();
  let byEvent = new Map<string, string>();
  let twice: string[] = [];
  let counts = zeroCounts();
  let inFlight = 0;
  const hanging = new Set<http.ServerResponse>();
  const now = o.now ?? (() => Date.now());

  const reply = (
    res: http.ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  const server = http.createServer((req, res) => {
    inFlight++;
    counts.maxInFlight = Math.max(counts.maxInFlight, inFlight);
    res.on('close', () => inFlight--);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const url = req.url ?? '/';
      if (url === '/_sink/stats' && req.method === 'GET') return reply(res, 200, sink.stats());
      if (url === '/_sink/fault' && req.method === 'POST') {
        const parsed = faultSchema.safeParse(JSON.parse(raw || '{}'));
        if (!parsed.success) return reply(res, 400, { error: parsed.error.message });
        sink.setFault(parsed.data);
        return reply(res, 200, { ok: true });
      }
      if (req.method !== 'POST') return reply(res, 405, { error: 'POST deliveries here.' });
      counts.requests++;
      const key = req.headers['idempotency-key'];
      const keyText = typeof key === 'string' ? key : '';
      const attempt = (attempts.get(keyText) ?? 0) + 1;
      attempts.set(keyText, attempt);
      const f =
        typeof fault === 'function'
          ? fault({ requestNumber: counts.requests, key: keyText, attempt })
          : fault;
      if (f.kind === 'reset') {
        counts.failedOnPurpose++;
        req.socket.destroy();
        return;
      }
      if (f.kind === 'hang') {
        counts.failedOnPurpose++;
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return;
      }
      if (f.kind === 'status') {
        counts.failedOnPurpose++;
        const headers: Record<string, string> =
          f.retryAfterSeconds !== undefined ? { 'retry-after': String(f.retryAfterSeconds) } : {};
        return reply(
          res,
          f.status,
          { error: f.message ?? `Failing on purpose with ${f.status}.` },
          headers,
        );
      }
      if (o.verify !== false) {
        const verdict = verifyBackroomWebhook({
          secret: o.secret,
          rawBody: raw,
          timestamp: req.headers['backroom-timestamp'] as string | undefined,
          signature: req.headers['backroom-signature'] as string | undefined,
          ...(o.toleranceSeconds !== undefined ? { toleranceSeconds: o.toleranceSeconds } : {}),
          nowSeconds: Math.floor(now() / 1000),
        });
        if (!verdict.ok) {
          counts.rejected++;
          return reply(res, 401, { error: `Refused: ${verdict.reason}.` });
        }
      }
      if (typeof key !== 'string' || key === '') {
        counts.rejected++;
        return reply(res, 400, { error: 'Missing Idempotency-Key header.' });
      }
      const answer = () => {
        if (f.kind === 'slow') setTimeout(() => reply(res, 200, { status: 'accepted' }), f.ms);
        else reply(res, 200, { status: 'accepted' });
      };
      if (accepted.has(key)) {
        counts.duplicates++;
        return reply(res, 200, { status: 'duplicate' });
      }
      let body: { id?: string; type?: string };
      try {
        body = JSON.parse(raw) as typeof body;
      } catch {
        counts.rejected++;
        return reply(res, 400, { error: 'The body is not JSON.' });
      }
      if (body.type === 'backroom.connection_test') {
        counts.pings++;
        return answer();
      }
      const eventId = String(body.id);
      const seenUnder = byEvent.get(eventId);
      if (seenUnder !== undefined && seenUnder !== key) twice.push(eventId);
      byEvent.set(eventId, key);
      accepted.set(key, { key, eventId, type: String(body.type), body });
      counts.accepted++;
      answer();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  const sink: WebhookSink = {
    url: `http://127.0.0.1:${port}/hooks/backroom`,
    accepted: () => [...accepted.values()],
    stats: () => ({ ...counts, eventsAcceptedTwice: [...twice] }),
    setFault: (f) => {
      fault = f;
    },
    reset: () => {
      accepted = new Map();
      attempts = new Map();
      byEvent = new Map();
      twice = [];
      counts = zeroCounts();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.socket?.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return sink;
}
