// Request and reply over a serial line with no message ids (a scale answering "S" or "W"):
// one request at a time, the reply framed by its terminator or by a silence, a time limit on
// every answer, and a resync after anything went wrong so a late or broken reply is never
// taken for the answer to the next request.
import { InterByteTimeoutParser } from 'serialport';
import type { TransformCallback } from 'node:stream';
import { DeviceError } from '../../core/devices/ports.ts';
import type { LazySerialPort } from './port.ts';

/**
 * serialport's InterByteTimeoutParser (a packet is what arrived before a silence), which also
 * emits as soon as the packet is complete: a whole reply is handled at once, and only a broken
 * one (bytes without their terminator) waits out the silence.
 */
export class ReplyParser extends InterByteTimeoutParser {
  readonly #isComplete: (packet: Buffer) => boolean;

  constructor(o: {
    interval: number;
    maxBufferSize: number;
    isComplete: (packet: Buffer) => boolean;
  }) {
    super({ interval: o.interval, maxBufferSize: o.maxBufferSize });
    this.#isComplete = o.isComplete;
  }

  override _transform(chunk: Buffer, encoding: BufferEncoding, cb: TransformCallback): void {
    super._transform(chunk, encoding, (error) => {
      if (!error && this.currentPacket.length > 0) {
        if (this.#isComplete(Buffer.from(this.currentPacket))) this.emitPacket();
      }
      cb(error);
    });
  }

  /** Drops a partial packet and its timer (the port closed under it). */
  discard(): void {
    clearTimeout(this.intervalID);
    this.currentPacket = [];
  }
}

export interface ReplyTiming {
  /** How long a device may take to answer a request. */
  replyTimeoutMs?: number;
  /** A silence this long inside a reply ends it (the rest is lost or never came). */
  interByteMs?: number;
  /** After a failed exchange, the line must be silent this long before the next request. */
  quietMs?: number;
}

type Ask = (request: Uint8Array, o?: { timeoutMs?: number }) => Promise<Buffer>;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class ReplyChannel {
  readonly #port: LazySerialPort;
  readonly #replyTimeoutMs: number;
  readonly #interByteMs: number;
  readonly #quietMs: number;
  readonly #noAnswer: (waitedMs: number) => string;
  readonly #keepsTalking: () => string;
  readonly #unfinished: (bytes: Buffer) => string;
  #parser: ReplyParser | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #pending: { resolve: (reply: Buffer) => void; reject: (e: DeviceError) => void } | undefined;
  #lastByteAt = 0;
  #needsResync = false;
  /** When the last exchange failed: a late reply may come up to `quietMs` after it. */
  #failedAt = 0;
  #freshPort = false;

  constructor(
    port: LazySerialPort,
    o: ReplyTiming & {
      isComplete: (packet: Buffer) => boolean;
      /** The message when the device does not answer in time. */
      noAnswer: (waitedMs: number) => string;
      /** The message when the line never goes quiet (a device sending unasked, or noise). */
      keepsTalking: () => string;
      /** The message when bytes came but never made a whole reply in time. */
      unfinished: (bytes: Buffer) => string;
    },
  ) {
    this.#port = port;
    this.#replyTimeoutMs = o.replyTimeoutMs ?? 1_000;
    this.#interByteMs = o.interByteMs ?? 50;
    // Quiet must outlast the inter-byte silence, or a broken packet could still be pending.
    this.#quietMs = Math.max(o.quietMs ?? 200, this.#interByteMs * 2);
    this.#noAnswer = o.noAnswer;
    this.#keepsTalking = o.keepsTalking;
    this.#unfinished = o.unfinished;
    port.onOpen((serial) => {
      const parser = new ReplyParser({
        interval: this.#interByteMs,
        maxBufferSize: 256,
        isComplete: o.isComplete,
      });
      this.#freshPort = true;
      this.#parser = parser;
      serial.on('data', () => {
        this.#lastByteAt = performance.now();
      });
      serial.pipe(parser);
      parser.on('data', (packet: Buffer) => this.#onPacket(packet));
      serial.once('close', () => {
        serial.unpipe(parser);
        parser.discard();
        parser.destroy();
        this.#pending?.reject(
          new DeviceError('offline', `${port.label} was disconnected. Check its cable.`),
        );
      });
    });
  }

  /** After a reply that made no sense: the next request first waits for the line to settle. */
  resync(): void {
    this.#needsResync = true;
    this.#failedAt = performance.now();
  }

  /** Runs `fn` with exclusive use of the line; `ask` sends a request and returns its reply. */
  session<T>(fn: (ask: Ask) => Promise<T>): Promise<T> {
    const run = this.#queue.then(() => fn((request, o) => this.#exchange(request, o?.timeoutMs)));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  #onPacket(packet: Buffer): void {
    const pending = this.#pending;
    // Nobody asked: a reply that came after its request timed out. Dropped, never kept for
    // the next request.
    if (!pending) return;
    this.#pending = undefined;
    pending.resolve(packet);
  }

  async #exchange(request: Uint8Array, timeoutMs = this.#replyTimeoutMs): Promise<Buffer> {
    await this.#port.get();
    if (this.#needsResync) {
      // A late reply may still be on its way: wait until the line has been silent for a
      // while since the failure and since the last byte, then throw away whatever came.
      // A line that never goes quiet is a fault of its own, not a reason to wait forever.
      const giveUpAt = performance.now() + Math.max(5 * this.#quietMs, this.#replyTimeoutMs);
      for (;;) {
        const silentFor = performance.now() - Math.max(this.#lastByteAt, this.#failedAt);
        if (silentFor >= this.#quietMs) break;
        if (performance.now() >= giveUpAt) throw new DeviceError('garbled', this.#keepsTalking());
        await sleep(this.#quietMs - silentFor);
      }
    }
    if (this.#needsResync || this.#freshPort) await this.#port.discardInput();
    this.#needsResync = false;
    this.#freshPort = false;

    let timer: NodeJS.Timeout | undefined;
    const reply = new Promise<Buffer>((resolve, reject) => {
      const settle = () => {
        clearTimeout(timer);
        this.#pending = undefined;
      };
      timer = setTimeout(() => {
        settle();
        this.resync();
        // Bytes that never made a whole reply are a broken answer, not a missing one.
        const partial = Buffer.from(this.#parser?.currentPacket ?? []);
        reject(
          partial.length > 0
            ? new DeviceError('garbled', this.#unfinished(partial))
            : new DeviceError('timeout', this.#noAnswer(timeoutMs)),
        );
      }, timeoutMs);
      this.#pending = {
        resolve: (packet) => {
          settle();
          resolve(packet);
        },
        reject: (error) => {
          settle();
          this.resync();
          reject(error);
        },
      };
    });
    try {
      await this.#port.write(request);
    } catch (error) {
      clearTimeout(timer);
      this.#pending = undefined;
      this.resync();
      throw error;
    }
    return reply;
  }
}
