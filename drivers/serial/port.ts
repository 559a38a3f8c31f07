// One serial port per device, opened on first use and reopened after it fails or closes (a
// USB-serial adapter unplugged and plugged back), with failures turned into DeviceErrors a
// clerk can act on. Shared by the scale, pole display and serial scanner drivers.
import { SerialPort } from 'serialport';
// The package's "exports" hide its typings from nodenext's import resolution; its CommonJS
// entry point carries them.
import type { BindingInterface } from '@serialport/bindings-interface' with {
  'resolution-mode': 'require',
};
import { DeviceError, type Probe } from '../../core/devices/ports.ts';

/** How serialport reaches the hardware; tests pass @serialport/binding-mock's MockBinding. */
export type SerialBinding = BindingInterface;

export interface SerialTarget {
  path: string;
  baudRate: number;
}

export interface SerialPortOptions {
  binding?: SerialBinding;
}

/** "The scale “Deli” on COM3": who failed, in the words of the device manager. */
export function deviceLabel(kind: string, name: string, path: string): string {
  return `The ${kind} “${name}” on ${path}`;
}

function whyNotOpen(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/no such file|ENOENT|cannot find/i.test(message)) return 'there is no such port';
  if (/permission denied|EACCES/i.test(message)) {
    return 'this user may not open it (on Linux, add the user to the dialout group)';
  }
  if (/lock|temporarily unavailable|busy|access denied/i.test(message)) {
    return 'another program is using it';
  }
  return message;
}

export function openSerialPort(
  target: SerialTarget,
  label: string,
  o: SerialPortOptions = {},
): Promise<SerialPort> {
  // serialport 13's SerialPort spreads our options over its auto-detected binding
  // (serialport/dist/serialport.js), so a test binding replaces the real one; its types omit
  // `binding`, hence the widened options object.
  const options: ConstructorParameters<typeof SerialPort>[0] & { binding?: SerialBinding } = {
    path: target.path,
    baudRate: target.baudRate,
    autoOpen: false,
    ...(o.binding ? { binding: o.binding } : {}),
  };
  const port = new SerialPort(options);
  return new Promise((resolve, reject) => {
    port.open((error) => {
      if (!error) return resolve(port);
      reject(
        new DeviceError(
          'offline',
          `${label} cannot be opened: ${whyNotOpen(error)}. Check the cable and the port in the device settings.`,
          { cause: error },
        ),
      );
    });
  });
}

export function closeSerialPort(port: SerialPort): Promise<void> {
  if (!port.isOpen) return Promise.resolve();
  return new Promise((resolve) => port.close(() => resolve()));
}

/**
 * A port opened on first use. Each time it (re)opens, the `onOpen` hooks run so a driver can
 * attach its parser to the new port; a port that errors or closes is forgotten, and the next
 * use opens it again.
 */
export class LazySerialPort {
  readonly target: SerialTarget;
  readonly label: string;
  readonly #options: SerialPortOptions;
  readonly #hooks: ((port: SerialPort) => void)[] = [];
  #port: SerialPort | undefined;
  #opening: Promise<SerialPort> | undefined;

  constructor(target: SerialTarget, label: string, o: SerialPortOptions = {}) {
    this.target = target;
    this.label = label;
    this.#options = o;
  }

  /** Runs on every newly opened port (attach parsers and listeners here). */
  onOpen(hook: (port: SerialPort) => void): void {
    this.#hooks.push(hook);
  }

  get isOpen(): boolean {
    return this.#port?.isOpen ?? false;
  }

  /** The open port, opening it if needed; concurrent callers share one open. */
  get(): Promise<SerialPort> {
    if (this.#port?.isOpen) return Promise.resolve(this.#port);
    this.#opening ??= openSerialPort(this.target, this.label, this.#options)
      .then((port) => {
        this.#port = port;
        const forget = () => {
          if (this.#port === port) this.#port = undefined;
        };
        port.once('close', forget);
        // An error on an open port (a failed write, a yanked adapter): drop it and reopen
        // on the next use rather than keep talking to a dead handle.
        port.on('error', () => {
          forget();
          void closeSerialPort(port);
        });
        for (const hook of this.#hooks) hook(port);
        return port;
      })
      .finally(() => {
        this.#opening = undefined;
      });
    return this.#opening;
  }

  /**
   * For a device that never answers (a pole display, a scanner): a port that opens is as
   * connected as it can tell; one that does not says why.
   */
  async probe(): Promise<Probe> {
    try {
      await this.get();
      return { connected: true };
    } catch (error) {
      if (!(error instanceof DeviceError)) throw error;
      return { connected: false, problem: { code: error.code, message: error.message } };
    }
  }

  /** Writes every byte and waits until the OS has sent them. */
  async write(bytes: Uint8Array): Promise<void> {
    const port = await this.get();
    try {
      await new Promise<void>((resolve, reject) => {
        port.write(Buffer.from(bytes), (error) => (error ? reject(error) : resolve()));
      });
      await new Promise<void>((resolve, reject) => {
        port.drain((error) => (error ? reject(error) : resolve()));
      });
    } catch (error) {
      if (this.#port === port) this.#port = undefined;
      await closeSerialPort(port);
      throw new DeviceError(
        'offline',
        `${this.label} stopped taking data. Check the cable, then try again.`,
        { cause: error },
      );
    }
  }

  /** Discards whatever the device sent that nobody has read yet. */
  async discardInput(): Promise<void> {
    const port = this.#port;
    if (!port?.isOpen) return;
    await new Promise<void>((resolve) => port.flush(() => resolve()));
  }

  async close(): Promise<void> {
    const port = this.#port ?? (await this.#opening?.catch(() => undefined));
    this.#port = undefined;
    if (port) await closeSerialPort(port);
  }
}
