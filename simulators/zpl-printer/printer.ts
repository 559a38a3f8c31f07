// A network Zebra printer on 127.0.0.1 for tests and the demo: it keeps every job's ZPL,
// answers ~HS host status as a real printer would for its state (ready, out of labels, head
// open, paused), and can be switched off and on again on the same port.
import { EventEmitter } from 'node:events';
import type net from 'node:net';
import { closeLocal, listenLocal } from '../net.ts';

export interface ZplPrinterState {
  paperOut: boolean;
  headOpen: boolean;
  paused: boolean;
}

/** The three ~HS strings, STX … ETX CR LF each (ZPL II guide, "~HS Host Status Return"). */
export function hostStatus(s: ZplPrinterState): Buffer {
  const frame = (body: string) => `\x02${body}\x03\r\n`;
  return Buffer.from(
    frame(`030,${s.paperOut ? 1 : 0},${s.paused ? 1 : 0},0254,000,0,0,0,000,0,0,0`) +
      frame(`001,0,${s.headOpen ? 1 : 0},0,0,2,4,0,00000000,1,000`) +
      frame('1234,0'),
    'ascii',
  );
}

/** One printed label: the format between ^XA and ^XZ, once per ^PQ copy. */
export function labelsOf(zpl: string): string[] {
  const out: string[] = [];
  for (const m of zpl.matchAll(/\^XA([\s\S]*?)\^XZ/g)) {
    const body = m[1] ?? '';
    const copies = Number(/\^PQ(\d+)/.exec(body)?.[1] ?? 1);
    for (let i = 0; i < copies; i++) out.push(body);
  }
  return out;
}

/**
 * The text of each ^FD field of a label, as printed: ^FH hex escapes decoded where ^FH
 * precedes the field, and Code 128 invocation codes for `>`, `^`, `~` read back in ^BC fields.
 */
export function fieldsOf(label: string): string[] {
  const fields: string[] = [];
  for (const m of label.matchAll(/\^FO[^^]*((?:\^(?!FD)[^^]*)*)\^FD([\s\S]*?)\^FS/g)) {
    const commands = m[1] ?? '';
    let data = m[2] ?? '';
    if (commands.includes('^FH')) {
      data = data.replace(/_([0-9A-Fa-f]{2})/g, (_, hex: string) =>
        String.fromCharCode(parseInt(hex, 16)),
      );
    }
    if (commands.includes('^BC')) {
      data = data.replace(/>([0<=])/g, (_, c: string) => (c === '0' ? '>' : c === '<' ? '^' : '~'));
    }
    fields.push(data);
  }
  return fields;
}

export class ZplPrinterSimulator {
  /** Every print job's ZPL (status requests excluded), in arrival order. */
  readonly jobs: string[] = [];
  readonly state: ZplPrinterState = { paperOut: false, headOpen: false, paused: false };
  /** False: ignores ~HS, as newer firmware does while out of media or with the head open. */
  answersStatus = true;
  /** How many ~HS requests it has been sent. */
  statusRequests = 0;
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  private readonly events = new EventEmitter();
  private boundPort: number;

  constructor(o: { port?: number } = {}) {
    this.boundPort = o.port ?? 0;
  }

  get port(): number {
    return this.boundPort;
  }

  async start(): Promise<this> {
    const { server, port } = await listenLocal(this.boundPort, (socket) => this.accept(socket));
    this.boundPort = port;
    this.server = server;
    return this;
  }

  /** Switched off: connections are refused until online(). */
  async offline(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await closeLocal(server, this.sockets);
    else for (const s of this.sockets) s.destroy();
  }

  async online(): Promise<void> {
    if (!this.server) await this.start();
  }

  stop(): Promise<void> {
    return this.offline();
  }

  /** Every label printed so far (copies counted), as its ZPL body. */
  labels(): string[] {
    return this.jobs.flatMap(labelsOf);
  }

  waitForLabels(count: number, timeoutMs = 2_000): Promise<string[]> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.labels().length < count) return;
        clearTimeout(timer);
        this.events.off('job', check);
        resolve(this.labels());
      };
      const timer = setTimeout(() => {
        this.events.off('job', check);
        reject(
          new Error(
            `Expected ${count} labels within ${timeoutMs} ms, got ${this.labels().length}.`,
          ),
        );
      }, timeoutMs);
      this.events.on('job', check);
      check();
    });
  }

  private accept(socket: net.Socket): void {
    this.sockets.add(socket);
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      text += chunk;
      // ~HS is answered at once, as a printer does, wherever it sits in the stream.
      while (text.includes('~HS')) {
        text = text.replace('~HS', '');
        this.statusRequests++;
        if (this.answersStatus) socket.write(hostStatus(this.state));
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.sockets.delete(socket);
      if (text.includes('^XA')) {
        this.jobs.push(text);
        this.events.emit('job');
      }
    });
    socket.on('end', () => socket.end());
  }
}

export async function startZplPrinter(o: { port?: number } = {}): Promise<ZplPrinterSimulator> {
  return new ZplPrinterSimulator(o).start();
}
