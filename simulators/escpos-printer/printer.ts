// A network receipt printer on 127.0.0.1 for tests and the demo: it takes raw jobs on its
// port (one connection = one job, like port 9100 on an Epson TM-T88), answers DLE EOT status
// requests from its state, and can be switched off (connections refused), run out of paper
// or have its cover opened.
import { EventEmitter } from 'node:events';
import type net from 'node:net';
import { closeLocal, listenLocal } from '../net.ts';
import { decodeEscPos, isStatusOnly, type DecodedJob, type EscPosDialect } from './decode.ts';

export interface EscPosPrinterOptions {
  /** 0 (the default) picks a free port; `.port` says which once started. */
  port?: number;
  /** How its print jobs are read back: Epson ESC/POS (default) or Star Line Mode. */
  model?: EscPosDialect;
  /** Answer DLE EOT status requests (true by default; many network printers stay silent). */
  answersStatus?: boolean;
}

export interface PrinterState {
  paperOut: boolean;
  coverOpen: boolean;
}

/** The answer to DLE EOT n, as an Epson gives it (bits 1 and 4 always set). */
export function statusByte(state: PrinterState, n: number): number {
  const { paperOut, coverOpen } = state;
  switch (n) {
    case 1: // printer: bit 3 offline
      return 0x12 | (paperOut || coverOpen ? 0x08 : 0);
    case 2: // offline cause: bit 2 cover open, bit 5 stopped at paper end
      return 0x12 | (coverOpen ? 0x04 : 0) | (paperOut ? 0x20 : 0);
    case 4: // roll paper sensor: bits 5-6 paper end
      return 0x12 | (paperOut ? 0x60 : 0);
    default: // 3: no errors
      return 0x12;
  }
}

export class EscPosPrinterSimulator {
  /** Every connection's bytes, in the order the connections closed (probes included). */
  readonly jobs: Buffer[] = [];
  readonly model: EscPosDialect;
  private readonly answersStatus: boolean;
  private readonly events = new EventEmitter();
  private readonly sockets = new Set<net.Socket>();
  private server: net.Server | undefined;
  private readonly state: PrinterState = { paperOut: false, coverOpen: false };
  private boundPort: number;

  constructor(o: EscPosPrinterOptions = {}) {
    this.boundPort = o.port ?? 0;
    this.model = o.model ?? 'epson';
    this.answersStatus = o.answersStatus ?? true;
  }

  /** The port it listens on (kept while offline, so it comes back at the same address). */
  get port(): number {
    return this.boundPort;
  }

  get listening(): boolean {
    return this.server !== undefined;
  }

  async start(): Promise<this> {
    if (this.server) return this;
    const { server, port } = await listenLocal(this.boundPort, (socket) => this.serve(socket));
    this.boundPort = port;
    this.server = server;
    return this;
  }

  /** Stops listening and drops open connections. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await closeLocal(server, this.sockets);
  }

  /** Switched off or unplugged: connections to its port are refused until `online()`. */
  offline(): Promise<void> {
    return this.stop();
  }

  /** Back on the network, on the same port. */
  async online(): Promise<void> {
    await this.start();
  }

  /** Out of paper (status says so); true until `paperOut(false)`. */
  paperOut(out: boolean): void {
    this.state.paperOut = out;
  }

  coverOpen(open: boolean): void {
    this.state.coverOpen = open;
  }

  /** The jobs that printed something (status-only connections left out), raw. */
  printJobs(): Buffer[] {
    return this.jobs.filter((job) => !isStatusOnly(job));
  }

  /** The print jobs read back as lines, barcodes, QR codes, drawer kicks and cuts. */
  receipts(): DecodedJob[] {
    return this.printJobs().map((job) => decodeEscPos(job, this.model));
  }

  /** Resolves with the receipts once there are at least `count` print jobs. */
  waitForJobs(count: number, timeoutMs = 2_000): Promise<DecodedJob[]> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.printJobs().length < count) return;
        clearTimeout(timer);
        this.events.off('job', check);
        resolve(this.receipts());
      };
      const timer = setTimeout(() => {
        this.events.off('job', check);
        reject(
          new Error(
            `The printer simulator got ${this.printJobs().length} print jobs in ${timeoutMs} ms, not ${count}.`,
          ),
        );
      }, timeoutMs);
      this.events.on('job', check);
      check();
    });
  }

  /** Calls `listener` with each job's bytes as it arrives (the demo prints them). */
  onJob(listener: (job: Buffer) => void): () => void {
    const handler = (job: Buffer) => listener(job);
    this.events.on('job', handler);
    return () => this.events.off('job', handler);
  }

  /** Forgets the jobs received so far. */
  clear(): void {
    this.jobs.length = 0;
  }

  private serve(socket: net.Socket): void {
    this.sockets.add(socket);
    const chunks: Buffer[] = [];
    let received = Buffer.alloc(0);
    let scanned = 0;
    let recorded = false;
    const record = () => {
      if (recorded) return;
      recorded = true;
      this.sockets.delete(socket);
      if (received.length === 0) return;
      this.jobs.push(received);
      this.events.emit('job', received);
    };
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      received = Buffer.concat(chunks);
      // Real-time commands are answered the moment they arrive, wherever they are in a job.
      for (; scanned + 2 < received.length; scanned++) {
        if (received[scanned] !== 0x10 || received[scanned + 1] !== 0x04) continue;
        if (this.answersStatus)
          socket.write(Buffer.from([statusByte(this.state, received[scanned + 2] ?? 0)]));
        scanned += 2;
      }
    });
    // Recorded when the sender has finished (before our side closes), so a job is on the
    // list by the time the driver's send resolves.
    socket.on('end', record);
    socket.on('close', record);
    socket.on('error', () => socket.destroy());
  }
}

/** Starts a simulator; the tests' shorthand. */
export async function startEscPosPrinter(
  o: EscPosPrinterOptions = {},
): Promise<EscPosPrinterSimulator> {
  return new EscPosPrinterSimulator(o).start();
}
