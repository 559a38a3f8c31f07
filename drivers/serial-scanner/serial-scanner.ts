// A barcode scanner in serial mode (RS-232 or USB "virtual COM"): each code arrives as text
// ending in CR, LF or CR LF (Tab too, when it is set to end scans with Tab), sometimes after a
// configured prefix. While anyone listens, a port that fails or goes away (the scanner
// unplugged) is tried again until it is back.
import { RegexParser } from 'serialport';
import type { ScannerConfig } from '../../core/devices/model.ts';
import { DeviceError, type SerialScanner } from '../../core/devices/ports.ts';
import { deviceLabel, LazySerialPort, type SerialPortOptions } from '../serial/port.ts';

export interface SerialScannerOptions extends SerialPortOptions {
  /** How soon to try the port again after it failed or went away while listening. */
  retryMs?: number;
}

/** The code a scanner sent, without its configured prefix and surrounding blanks. */
export function scannedCode(raw: string, prefix: string): string {
  const code = prefix && raw.startsWith(prefix) ? raw.slice(prefix.length) : raw;
  return code.trim();
}

type Listener = { onScan: (code: string) => void; onError: (e: DeviceError) => void };

export function createSerialScanner(
  config: ScannerConfig,
  o: SerialScannerOptions = {},
): SerialScanner {
  const { connection } = config;
  if (config.model !== 'serial' || !connection) {
    throw new DeviceError(
      'unsupported',
      `The scanner “${config.name}” is a keyboard scanner: the screens read it, not a serial port.`,
    );
  }
  const label = deviceLabel('scanner', config.name, connection.path);
  const retryMs = o.retryMs ?? 2_000;
  const port = new LazySerialPort(
    { path: connection.path, baudRate: connection.baudRate },
    label,
    o,
  );
  const listeners = new Set<Listener>();
  let retry: NodeJS.Timeout | undefined;
  /** Set while an outage has been reported, so listeners hear of it once, not every retry. */
  let reported = false;
  let closing = false;

  const endings = config.suffix === 'tab' ? /[\r\n\t]+/ : /[\r\n]+/;
  port.onOpen((serial) => {
    reported = false;
    const parser = serial.pipe(new RegexParser({ regex: endings, encoding: 'latin1' }));
    parser.on('data', (raw: string) => {
      const code = scannedCode(raw, config.prefix);
      if (code) for (const l of listeners) l.onScan(code);
    });
    serial.once('close', () => {
      serial.unpipe(parser);
      parser.destroy();
      if (closing || listeners.size === 0) return;
      report(new DeviceError('offline', `${label} was disconnected. Check its cable.`));
      keepOpen();
    });
  });

  function report(error: DeviceError): void {
    if (reported) return;
    reported = true;
    for (const l of listeners) l.onError(error);
  }

  function keepOpen(): void {
    if (closing || listeners.size === 0 || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      void connect();
    }, retryMs);
    retry.unref();
  }

  async function connect(): Promise<void> {
    if (closing || listeners.size === 0) return;
    try {
      await port.get();
    } catch (error) {
      report(
        error instanceof DeviceError
          ? error
          : new DeviceError('offline', String(error), { cause: error }),
      );
      keepOpen();
    }
  }

  return {
    listen(onScan, onError) {
      closing = false;
      const listener = { onScan, onError };
      listeners.add(listener);
      void connect();
      // The port stays open until close(): a scan with nobody listening is simply dropped.
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) {
          clearTimeout(retry);
          retry = undefined;
        }
      };
    },
    probe: () => port.probe(),
    close: async () => {
      closing = true;
      listeners.clear();
      clearTimeout(retry);
      retry = undefined;
      await port.close();
    },
  };
}
