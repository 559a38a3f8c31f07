// A pole display on the device end of a serial line (a socat pty pair): it decodes what the
// store sends into the 2 x width screen a customer would see.
import { SerialPort } from 'serialport';
import { startOnPty, type OnPty, type PtyPairOptions } from '../serial/pty.ts';
import { PoleDisplayScreen, type PoleDisplayModel } from './screen.ts';

export interface PoleDisplaySimulatorOptions {
  model: PoleDisplayModel;
  /** The device end of the line (a pty). */
  path: string;
  width?: number;
  baudRate?: number;
}

export class PoleDisplaySimulator {
  readonly path: string;
  readonly #screen: PoleDisplayScreen;
  readonly #baudRate: number;
  #port: SerialPort | undefined;
  #waiters = new Set<() => void>();
  #history: [string, string][] = [];

  constructor(o: PoleDisplaySimulatorOptions) {
    this.path = o.path;
    this.#screen = new PoleDisplayScreen(o.model, o.width ?? 20);
    this.#baudRate = o.baudRate ?? 9600;
  }

  async open(): Promise<void> {
    const port = new SerialPort({ path: this.path, baudRate: this.#baudRate, autoOpen: false });
    await new Promise<void>((resolve, reject) =>
      port.open((error) => (error ? reject(error) : resolve())),
    );
    port.on('data', (chunk: Buffer) => {
      this.#screen.feed(chunk);
      const now = this.#screen.screen();
      const last = this.#history.at(-1);
      if (!last || last[0] !== now[0] || last[1] !== now[1]) this.#history.push(now);
      for (const wake of this.#waiters) wake();
    });
    this.#port = port;
  }

  /** The two lines as shown, each exactly `width` characters. */
  screen(): [string, string] {
    return this.#screen.screen();
  }

  /** Every screen shown so far, in order (each change once). */
  history(): [string, string][] {
    return [...this.#history];
  }

  /** Bytes that were not a command of the display's model. */
  unknownBytes(): number[] {
    return this.#screen.unknown();
  }

  /** Resolves once the screen shows `lines` (padded to the width), or rejects after `timeoutMs`. */
  until(lines: [string, string] | [string], timeoutMs = 2_000): Promise<void> {
    const width = this.#screen.width;
    const want = [lines[0], lines[1] ?? ''].map((l) => l.padEnd(width));
    const shown = () => {
      const [a, b] = this.screen();
      return a === want[0] && b === want[1];
    };
    if (shown()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(check);
      };
      const check = () => {
        if (!shown()) return;
        done();
        resolve();
      };
      const timer = setTimeout(() => {
        done();
        const [a, b] = this.screen();
        reject(
          new Error(
            `The display shows [${a}|${b}], not [${want[0]}|${want[1]}] (after ${timeoutMs} ms)`,
          ),
        );
      }, timeoutMs);
      this.#waiters.add(check);
    });
  }

  async close(): Promise<void> {
    const port = this.#port;
    this.#port = undefined;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }
}

export type RunningPoleDisplaySimulator = OnPty<PoleDisplaySimulator>;

/** A pty pair with a pole display simulator on its device end. */
export async function startPoleDisplaySimulator(o: {
  model: PoleDisplayModel;
  width?: number;
  links?: PtyPairOptions['links'];
}): Promise<RunningPoleDisplaySimulator> {
  return startOnPty(
    (path) =>
      new PoleDisplaySimulator({
        model: o.model,
        path,
        ...(o.width ? { width: o.width } : {}),
      }),
    o.links,
  );
}
