// A stand-in for the Rx30 server the relay connects to, speaking the default protocol
// (drivers/rx30/PROTOCOL.md): it sends READY and STATUS messages, answers what the store
// sends (SOLD, VOID, RETURN, HEARTBEAT) with ACK and a PATIENT_QUERY with its contacts, and
// can misbehave on cue: NAK the next messages, answer late or not at all, send garbage, cut
// a frame in the middle, duplicate a message, or be down for a while. It records everything for the tests and the demo.
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type net from 'node:net';
import { closeLocal, listenLocal } from '../net.ts';
import type { Rx30Message } from '../../core/pharmacy/messages.ts';
import { defaultCodec, readBatch, type Codec } from '../../drivers/rx30/codec.ts';
import { framers, type Framer } from '../../drivers/rx30/framing.ts';

export class Rx30Simulator {
  /** Messages the store sent (ACK/NAK excluded), in arrival order, duplicates included. */
  readonly received: Rx30Message[] = [];
  /** Ids of our messages the store ACKed / NAKed (with the reason). */
  readonly acked: string[] = [];
  readonly naked: { of: string; reason: string }[] = [];
  /** What the store sent that did not decode. */
  readonly badInput: string[] = [];
  private readonly framer: Framer;
  private readonly codec: Codec;
  private readonly events = new EventEmitter();
  private server: net.Server | null = null;
  private client: net.Socket | null = null;
  private boundPort: number;
  /** How many times the store has connected (a reconnect makes it grow). */
  connections = 0;
  private nakNext = 0;
  private silentNext = 0;
  private ackDelayMs = 0;
  /** Contact details it answers a PATIENT_QUERY with, by patient id (scripted by tests). */
  readonly contacts = new Map<string, { address?: string; phone?: string }>();

  constructor(o: { port?: number; framer?: Framer; codec?: Codec } = {}) {
    this.boundPort = o.port ?? 0;
    this.framer = o.framer ?? framers['stx-etx'];
    this.codec = o.codec ?? defaultCodec;
  }

  get port(): number {
    return this.boundPort;
  }

  get connected(): boolean {
    return this.client !== null;
  }

  async start(): Promise<this> {
    const { server, port } = await listenLocal(this.boundPort, (socket) => this.accept(socket));
    this.boundPort = port;
    this.server = server;
    return this;
  }

  /** Down: the connection is cut and new ones refused, until up(). */
  async down(): Promise<void> {
    const server = this.server;
    const client = this.client;
    this.server = null;
    this.client = null;
    if (server) await closeLocal(server, [client]);
    else client?.destroy();
  }

  async up(): Promise<void> {
    if (!this.server) await this.start();
  }

  stop(): Promise<void> {
    return this.down();
  }

  /** Sends a message to the store; resolves with the store's answer (ACK or NAK). */
  send(m: Rx30Message, timeoutMs = 3_000): Promise<'ACK' | { nak: string }> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.events.off('answer', onAnswer);
        reject(new Error(`The store did not answer ${m.id} within ${timeoutMs} ms.`));
      }, timeoutMs);
      const onAnswer = (of: string, answer: 'ACK' | { nak: string }) => {
        if (of !== m.id) return;
        clearTimeout(timer);
        this.events.off('answer', onAnswer);
        resolve(answer);
      };
      this.events.on('answer', onAnswer);
      this.raw(this.frame(m));
    });
  }

  /** The bytes of a message as framed on the wire. */
  frame(m: Rx30Message): Buffer {
    return this.framer.encode(this.codec.encode(m));
  }

  /** Writes bytes as they are: garbage, half a frame, two frames at once. */
  raw(bytes: Buffer): void {
    this.client?.write(bytes);
  }

  /** Sends the first part of a frame, then drops the connection (a cable pulled mid-message). */
  dropMidFrame(m: Rx30Message): void {
    const bytes = this.frame(m);
    this.client?.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () =>
      this.client?.destroy(),
    );
  }

  /** NAK the next `n` messages the store sends (it should send them again). */
  nak(n = 1): void {
    this.nakNext += n;
  }

  /** Back to answering every message with ACK (the NAKs and silences still to come are off). */
  behave(): void {
    this.nakNext = 0;
    this.silentNext = 0;
  }

  /** Say nothing to the next `n` messages (a lost ACK: the store times out and resends). */
  silent(n = 1): void {
    this.silentNext += n;
  }

  /** Answer every message this late. */
  slowAcks(ms: number): void {
    this.ackDelayMs = ms;
  }

  /** Waits until the store has sent `n` messages of `type`. */
  async until(type: Rx30Message['type'], n: number, timeoutMs = 5_000): Promise<Rx30Message[]> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const got = this.received.filter((m) => m.type === type);
      if (got.length >= n) return got;
      if (Date.now() > end) throw new Error(`Expected ${n} ${type}, got ${got.length}.`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Resolves when the store is connected for at least the `nth` time (default: any). */
  async connection(nth = 1, timeoutMs = 5_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!this.client || this.connections < nth) {
      if (Date.now() > end) throw new Error('The store did not connect.');
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  private accept(socket: net.Socket): void {
    // One relay per pharmacy: a second connection replaces the first.
    this.client?.destroy();
    this.client = socket;
    this.connections++;
    const decoder = this.framer.createDecoder();
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (this.client === socket) this.client = null;
    });
    socket.on('data', (chunk: Buffer) => {
      for (const r of readBatch(decoder.push(chunk), this.codec)) {
        if (!r.ok) {
          this.badInput.push(r.error);
          continue;
        }
        const m = r.message;
        if (m.type === 'ACK') {
          this.acked.push(m.of);
          this.events.emit('answer', m.of, 'ACK');
          continue;
        }
        if (m.type === 'NAK') {
          this.naked.push({ of: m.of, reason: m.reason });
          this.events.emit('answer', m.of, { nak: m.reason });
          continue;
        }
        this.received.push(m);
        if (this.silentNext > 0) {
          this.silentNext--;
          continue;
        }
        const answer: Rx30Message =
          this.nakNext > 0
            ? { type: 'NAK', id: newId(), of: m.id, reason: 'Simulated refusal' }
            : { type: 'ACK', id: newId(), of: m.id };
        if (this.nakNext > 0) this.nakNext--;
        const reply = () => {
          if (this.client === socket) socket.write(this.frame(answer));
        };
        if (this.ackDelayMs > 0) setTimeout(reply, this.ackDelayMs);
        else reply();
        // Asked for a patient's contact details: the answer follows the ACK, as its own message.
        const contact = m.type === 'PATIENT_QUERY' ? this.contacts.get(m.patientId) : undefined;
        if (m.type === 'PATIENT_QUERY' && contact && answer.type === 'ACK')
          setTimeout(() => {
            if (this.client !== socket) return;
            void this.send({
              type: 'PATIENT',
              id: newId(),
              storeId: m.storeId,
              patientId: m.patientId,
              ...contact,
            }).catch(() => undefined);
          }, this.ackDelayMs);
      }
    });
  }
}

const newId = () => `X${randomUUID().replaceAll('-', '').slice(0, 20)}`;

export async function startRx30Simulator(
  o: ConstructorParameters<typeof Rx30Simulator>[0] = {},
): Promise<Rx30Simulator> {
  return new Rx30Simulator(o).start();
}
