// The receipt printer driver: ESC/POS (Epson) or Star Line Mode bytes over raw TCP (port 9100)
// or a serial port. Before a receipt it asks the printer for its real-time status, so a clerk
// hears "out of paper" instead of the receipt silently waiting in the printer's buffer.
import { SerialPort } from 'serialport';
import type { Receipt, ReceiptPrinterConfig } from '../../core/devices/model.ts';
import { DeviceError, type Probe, type ReceiptPrinter } from '../../core/devices/ports.ts';
import { exchange, sendJob, type TcpOptions } from '../net/tcp.ts';
import {
  encodeDrawerKick,
  encodeReceipt,
  encodeTestPage,
  readStatus,
  statusRequest,
} from './escpos.ts';

export interface ReceiptPrinterOptions extends TcpOptions {
  /**
   * How long to wait for the answer to a status request. A printer that takes the connection
   * but says nothing in this time (many do, and Star printers in Star mode never answer
   * DLE EOT) counts as connected.
   */
  statusTimeoutMs?: number;
}

/** How bytes reach the printer: a TCP connection per job, or the serial port. */
interface Link {
  send(bytes: Uint8Array): Promise<void>;
  /** Sends `request` and resolves with whatever came back in time (maybe nothing). */
  ask(request: Uint8Array, replyLength: number, timeoutMs: number): Promise<Buffer>;
}

type SerialConnection = Extract<ReceiptPrinterConfig['connection'], { type: 'serial' }>;

function tcpLink(target: { host: string; port: number }, o: TcpOptions): Link {
  return {
    send: (bytes) => sendJob(target, bytes, o),
    ask: (request, replyLength, timeoutMs) =>
      exchange(target, request, (reply) => reply.length >= replyLength, {
        ...o,
        replyTimeoutMs: timeoutMs,
      }),
  };
}

function serialError(c: SerialConnection, cause: unknown): DeviceError {
  const text = cause instanceof Error ? cause.message : String(cause);
  const why = /no such file|file not found|cannot find/i.test(text)
    ? 'is not there. Check that the printer’s cable is plugged in and the port name is right'
    : /access denied|permission denied/i.test(text)
      ? 'cannot be opened by Backroom (access denied). Close any other program using it'
      : /busy|locked/i.test(text)
        ? 'is in use by another program. Close it and try again'
        : `stopped working (${text}). Check the cable and that the printer is on`;
  return new DeviceError('offline', `The printer port ${c.path} ${why}.`, { cause });
}

function serialLink(c: SerialConnection, o: TcpOptions): Link {
  /** Opens the port, runs `use`, and always closes it again (another program may need it). */
  const withPort = async <T>(use: (port: SerialPort) => Promise<T>): Promise<T> => {
    const port = new SerialPort({ path: c.path, baudRate: c.baudRate, autoOpen: false });
    // Failures reach us through the callbacks below; an unheard 'error' event would crash.
    port.on('error', () => undefined);
    await new Promise<void>((resolve, reject) =>
      port.open((error) => (error ? reject(serialError(c, error)) : resolve())),
    );
    try {
      return await use(port);
    } finally {
      if (port.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
    }
  };
  return {
    send: (bytes) =>
      withPort(
        (port) =>
          new Promise<void>((resolve, reject) => {
            // A printer holding flow control (off, or out of paper) would make drain wait forever.
            const timer = setTimeout(
              () =>
                reject(
                  new DeviceError(
                    'offline',
                    `The printer on ${c.path} stopped taking data. Check that it is on and has paper.`,
                  ),
                ),
              o.ioTimeoutMs ?? 10_000,
            );
            port.write(Buffer.from(bytes), (error) => {
              if (error) {
                clearTimeout(timer);
                reject(serialError(c, error));
              }
            });
            port.drain((error) => {
              clearTimeout(timer);
              if (error) reject(serialError(c, error));
              else resolve();
            });
          }),
      ),
    ask: (request, replyLength, timeoutMs) =>
      withPort(
        (port) =>
          new Promise<Buffer>((resolve, reject) => {
            let reply = Buffer.alloc(0);
            const done = () => {
              clearTimeout(timer);
              port.off('data', onData);
              resolve(reply);
            };
            const onData = (chunk: Buffer) => {
              reply = Buffer.concat([reply, chunk]);
              if (reply.length >= replyLength) done();
            };
            const timer = setTimeout(done, timeoutMs);
            port.on('data', onData);
            port.write(Buffer.from(request), (error) => {
              if (!error) return;
              clearTimeout(timer);
              port.off('data', onData);
              reject(serialError(c, error));
            });
          }),
      ),
  };
}

/** A receipt printer as the device manager configured it. */
export function createReceiptPrinter(
  config: ReceiptPrinterConfig,
  o: ReceiptPrinterOptions = {},
): ReceiptPrinter {
  const connection = config.connection;
  const link =
    connection.type === 'tcp'
      ? tcpLink({ host: connection.host, port: connection.port }, o)
      : serialLink(connection, o);
  const printerName = `The receipt printer “${config.name}”`;

  const probe = async (): Promise<Probe> => {
    let reply: Buffer;
    try {
      reply = await link.ask(statusRequest, 2, o.statusTimeoutMs ?? 500);
    } catch (error) {
      if (!(error instanceof DeviceError)) throw error;
      return { connected: false, problem: { code: error.code, message: error.message } };
    }
    const status = readStatus(reply);
    if (status?.paperOut) {
      const message = `${printerName} is out of paper. Put in a new roll, close the cover, and print again.`;
      return { connected: true, problem: { code: 'paper_out', message } };
    }
    if (status?.coverOpen) {
      const message = `${printerName} has its cover open. Close it until it clicks, then print again.`;
      return { connected: true, problem: { code: 'cover_open', message } };
    }
    return { connected: true };
  };

  /** Sends a job only to a printer that is there and ready. */
  const print = async (bytes: Buffer) => {
    const found = await probe();
    if (found.problem) throw new DeviceError(found.problem.code, found.problem.message);
    await link.send(bytes);
  };

  return {
    probe,
    printReceipt: (receipt: Receipt) => print(encodeReceipt(receipt, config)),
    printTestPage: (title: string) => print(encodeTestPage(title, config)),
    // The drawer opens even when the paper is out: the sale is already paid.
    openDrawer: () => link.send(encodeDrawerKick(config.model, config.drawerPin)),
  };
}
