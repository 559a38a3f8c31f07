// The relay's TCP link to the Rx30 server (drivers/rx30/PROTOCOL.md): frames and the default
// codec on one connection, every inbound message answered ACK or NAK by its id, outbound
// messages resolved by Rx30's ACK, a heartbeat to notice a dead line, and reconnection with
// backoff until stopped.
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import type { Rx30Message } from '../../core/pharmacy/messages.ts';
import { Rx30Refused, type Rx30Link, type Rx30LinkHandlers } from '../../core/pharmacy/ports.ts';
import { defaultCodec, readBatch, type Codec } from './codec.ts';
import { framers, type Framer } from './framing.ts';

export interface SocketLinkOptions {
  host: string;
  port: number;
  framer?: Framer;
  codec?: Codec;
  /** A HEARTBEAT this often while connected; no ACK within ackTimeoutMs means a dead line. */
  heartbeatMs?: number;
  ackTimeoutMs?: number;
  /** Reconnect waits: first, doubling up to max. */
  backoff?: { firstMs: number; maxMs: number };
}

interface Pending {
  resolve: () => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

export { Rx30Refused };

export function createSocketLink(o: SocketLinkOptions): Rx30Link {
  const framer = o.framer ?? framers['stx-etx'];
  const codec = o.codec ?? defaultCodec;
  const ackTimeoutMs = o.ackTimeoutMs ?? 5_000;
  const heartbeatMs = o.heartbeatMs ?? 15_000;
  const backoff = o.backoff ?? { firstMs: 500, maxMs: 30_000 };
  const pending = new Map<string, Pending>();
  let handlers: Rx30LinkHandlers | null = null;
  let socket: net.Socket | null = null;
  let connected = false;
  let stopped = true;
  let wait = backoff.firstMs;
  let retry: NodeJS.Timeout | null = null;
  let heartbeat: NodeJS.Timeout | null = null;

  const newId = () => `B${randomUUID().replaceAll('-', '').slice(0, 20)}`;
  const write = (m: Rx30Message) => socket?.write(framer.encode(codec.encode(m)));
  const failPending = (why: string) => {
    for (const [id, p] of pending) {
      clearTimeout(p.timer);
      p.reject(new Error(why));
      pending.delete(id);
    }
  };

  const send = (m: Rx30Message): Promise<void> =>
    new Promise((resolve, reject) => {
      if (!connected || !socket) {
        reject(new Error('Rx30 is not connected; the message waits for the link.'));
        return;
      }
      const timer = setTimeout(() => {
        pending.delete(m.id);
        reject(new Error(`Rx30 did not answer message ${m.id} within ${ackTimeoutMs} ms.`));
      }, ackTimeoutMs);
      pending.set(m.id, { resolve, reject, timer });
      write(m);
    });

  const connect = () => {
    if (stopped) return;
    handlers?.onState('connecting');
    const s = net.connect({ host: o.host, port: o.port });
    socket = s;
    const decoder = framer.createDecoder();
    s.setNoDelay(true);
    s.on('connect', () => {
      connected = true;
      wait = backoff.firstMs;
      handlers?.onState('connected');
      heartbeat = setInterval(() => {
        send({ type: 'HEARTBEAT', id: newId() }).catch(() => s.destroy());
      }, heartbeatMs);
    });
    s.on('data', (chunk: Buffer) => {
      for (const r of readBatch(decoder.push(chunk), codec)) {
        if (!r.ok) {
          handlers?.onBadInput({ ...(r.id ? { id: r.id } : {}), error: r.error });
          if (r.id && r.type !== 'ACK' && r.type !== 'NAK')
            write({ type: 'NAK', id: newId(), of: r.id, reason: r.error.slice(0, 200) });
          continue;
        }
        const m = r.message;
        if (m.type === 'ACK' || m.type === 'NAK') {
          const p = pending.get(m.of);
          if (!p) continue; // an answer to something that already timed out
          pending.delete(m.of);
          clearTimeout(p.timer);
          if (m.type === 'ACK') p.resolve();
          else p.reject(new Rx30Refused(m.reason));
          continue;
        }
        const answer = handlers?.onMessage(m) ?? { ack: false, reason: 'The relay is stopping.' };
        write(
          answer.ack
            ? { type: 'ACK', id: newId(), of: m.id }
            : { type: 'NAK', id: newId(), of: m.id, reason: answer.reason.slice(0, 200) },
        );
      }
    });
    s.on('error', () => undefined); // 'close' follows and says what happened
    s.on('close', () => {
      if (heartbeat) clearInterval(heartbeat);
      heartbeat = null;
      const wasConnected = connected;
      connected = false;
      if (socket === s) socket = null;
      failPending('The connection to Rx30 closed before it answered.');
      for (const r of readBatch(decoder.end(), codec))
        if (!r.ok) handlers?.onBadInput({ error: r.error });
      if (stopped) return;
      handlers?.onState(
        'down',
        wasConnected
          ? 'The connection to Rx30 dropped; reconnecting.'
          : `Rx30 at ${o.host}:${o.port} is not answering; trying again in ${Math.round(wait / 1000)} s.`,
      );
      retry = setTimeout(connect, wait);
      wait = Math.min(backoff.maxMs, wait * 2);
    });
  };

  return {
    start(h) {
      handlers = h;
      stopped = false;
      connect();
    },
    send,
    async stop() {
      stopped = true;
      if (retry) clearTimeout(retry);
      if (heartbeat) clearInterval(heartbeat);
      failPending('The relay stopped.');
      const s = socket;
      socket = null;
      connected = false;
      if (s && !s.destroyed)
        await new Promise<void>((resolve) => {
          s.once('close', () => resolve());
          s.destroy();
        });
    },
  };
}
