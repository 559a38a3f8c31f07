// A retail scale on the device end of a serial line (a socat pty pair in tests and the demo),
// speaking MT-SICS or Toledo 8213 the way the manuals describe (see drivers/scale/mt-sics.ts
// and toledo-8213.ts for the sources). Tests script it: a weight, motion for N requests, over
// capacity, under zero, and faults (garbage instead of a reply, no reply, a late reply).
import { randomInt } from 'node:crypto';
import { SerialPort } from 'serialport';
import type { WeightUnit } from '../../core/devices/model.ts';
import { startOnPty, type OnPty, type PtyPairOptions } from '../serial/pty.ts';

export type ScaleSimulatorProtocol = 'mt-sics' | 'toledo-8213';

export interface ScaleSimulatorOptions {
  protocol: ScaleSimulatorProtocol;
  /** The device end of the line (a pty). */
  path: string;
  baudRate?: number;
}

const STX = '\x02';
const CR = '\r';
const CRLF = '\r\n';
const decimals: Record<WeightUnit, number> = { kg: 3, g: 1, lb: 3, oz: 2 };
const poundsPer: Record<WeightUnit, number> = {
  kg: 2.2046226218,
  g: 0.0022046226,
  lb: 1,
  oz: 1 / 16,
};

// Toledo 8213 status byte: B5 and B6 always set; B0 motion, B1 over, B2 under zero,
// B3 outside zero capture range, B4 centre of zero.
const status = (bits: number) => `${STX}?${String.fromCharCode(0x60 | bits)}${CR}`;

export class ScaleSimulator {
  readonly protocol: ScaleSimulatorProtocol;
  readonly path: string;
  readonly #baudRate: number;
  #port: SerialPort | undefined;
  #input = '';
  #weight = 0;
  #unit: WeightUnit = 'kg';
  #range: 'normal' | 'over' | 'under' = 'normal';
  #movingFor = 0;
  #garbage = 0;
  #drops = 0;
  #delays: number[] = [];
  #received: string[] = [];
  #timers = new Set<NodeJS.Timeout>();

  constructor(o: ScaleSimulatorOptions) {
    this.protocol = o.protocol;
    this.path = o.path;
    this.#baudRate = o.baudRate ?? 9600;
  }

  async open(): Promise<void> {
    const port = new SerialPort({ path: this.path, baudRate: this.#baudRate, autoOpen: false });
    await new Promise<void>((resolve, reject) =>
      port.open((error) => (error ? reject(error) : resolve())),
    );
    port.on('data', (chunk: Buffer) => this.#onBytes(chunk.toString('latin1')));
    this.#port = port;
  }

  /** A settled weight on the platter (clears over/under range and motion). */
  setWeight(value: number, unit: WeightUnit = 'kg'): this {
    this.#weight = value;
    this.#unit = unit;
    this.#range = 'normal';
    this.#movingFor = 0;
    return this;
  }

  /** In motion for the next `readsUntilStable` weight requests, then settled. */
  moving(readsUntilStable: number): this {
    this.#movingFor = readsUntilStable;
    return this;
  }

  /** In motion for good (a customer leaning on the platter). */
  unstable(): this {
    this.#movingFor = Infinity;
    return this;
  }

  overRange(): this {
    this.#range = 'over';
    return this;
  }

  underZero(): this {
    this.#range = 'under';
    return this;
  }

  /** Random non-protocol bytes instead of the next `nextReplies` replies. */
  garbage(nextReplies = 1): this {
    this.#garbage = nextReplies;
    return this;
  }

  /** No answer at all to the next `n` requests. */
  dropReplies(n = 1): this {
    this.#drops = n;
    return this;
  }

  /** The next reply comes only after `ms` (late, if the driver has given up). */
  delayNextReply(ms: number): this {
    this.#delays.push(ms);
    return this;
  }

  /** The commands received so far, in order ("SI", "Z", "W" …). */
  received(): string[] {
    return [...this.#received];
  }

  async close(): Promise<void> {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    const port = this.#port;
    this.#port = undefined;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }

  #onBytes(text: string): void {
    if (this.protocol === 'toledo-8213') {
      // Single-character commands; the scale ignores anything else (CR, LF, noise).
      for (const c of text) if (c === 'W' || c === 'Z') this.#command(c);
      return;
    }
    // MT-SICS: commands end in CR LF (a lone CR or LF is taken too).
    this.#input += text;
    const parts = this.#input.split(/\r\n|\r|\n/);
    this.#input = parts.pop() ?? '';
    for (const line of parts) if (line) this.#command(line);
  }

  #command(command: string): void {
    this.#received.push(command);
    if (this.#drops > 0) {
      this.#drops -= 1;
      return;
    }
    if (this.#garbage > 0) {
      this.#garbage -= 1;
      this.#send(
        Buffer.from(Array.from({ length: randomInt(6, 17) }, () => randomInt(0xa0, 0xff))),
      );
      return;
    }
    const reply = this.protocol === 'mt-sics' ? this.#sics(command) : this.#toledo(command);
    if (reply !== undefined) this.#send(Buffer.from(reply, 'latin1'));
  }

  #send(bytes: Buffer): void {
    const delay = this.#delays.shift() ?? 0;
    const write = () => this.#port?.write(bytes);
    if (delay === 0) return void write();
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      write();
    }, delay);
    this.#timers.add(timer);
  }

  /** Counts one weight request against the motion; true while still moving. */
  #stillMoving(): boolean {
    if (this.#movingFor <= 0) return false;
    this.#movingFor -= 1;
    return true;
  }

  #zero(): void {
    this.#weight = 0;
    this.#range = 'normal';
  }

  #sics(command: string): string {
    const value = `${this.#weight.toFixed(decimals[this.#unit]).padStart(10)} ${this.#unit}`;
    switch (command) {
      case 'S':
      case 'SI': {
        if (this.#range === 'over') return `S +${CRLF}`;
        if (this.#range === 'under') return `S -${CRLF}`;
        if (this.#stillMoving()) {
          // S waits for stability and gives up with "S I"; SI reports the moving weight.
          return command === 'S' ? `S I${CRLF}` : `S D ${value}${CRLF}`;
        }
        return `S S ${value}${CRLF}`;
      }
      case 'Z':
        if (this.#movingFor > 0) return `Z I${CRLF}`;
        if (this.#range === 'over') return `Z +${CRLF}`;
        this.#zero();
        return `Z A${CRLF}`;
      case '@':
        return `I4 A "0123456789"${CRLF}`;
      default:
        return `ES${CRLF}`;
    }
  }

  #toledo(command: string): string {
    if (command === 'Z') {
      if (this.#movingFor > 0) return status(0x01);
      if (this.#range === 'over') return status(0x02 | 0x08);
      this.#zero();
      return status(0x10);
    }
    if (this.#range === 'over') return status(0x02);
    // A negative weight has no 8213 weight record: the scale reports under zero instead.
    if (this.#range === 'under' || this.#weight < 0) return status(0x04);
    if (this.#stillMoving()) return status(0x01);
    // Pounds with two decimals, no unit on the wire: `<STX>001.25<CR>`.
    const pounds = this.#weight * poundsPer[this.#unit];
    return `${STX}${pounds.toFixed(2).padStart(6, '0')}${CR}`;
  }
}

export type RunningScaleSimulator = OnPty<ScaleSimulator>;

/** A pty pair with a scale simulator on its device end. */
export async function startScaleSimulator(o: {
  protocol: ScaleSimulatorProtocol;
  baudRate?: number;
  links?: PtyPairOptions['links'];
}): Promise<RunningScaleSimulator> {
  return startOnPty(
    (path) =>
      new ScaleSimulator({
        protocol: o.protocol,
        path,
        ...(o.baudRate ? { baudRate: o.baudRate } : {}),
      }),
    o.links,
  );
}
