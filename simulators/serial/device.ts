// The device end of a pty pair opened as a bare serial port: for a test that plays a simple
// device (a serial scanner sending codes) without a simulator of its own.
import { SerialPort } from 'serialport';

export interface SerialDevice {
  /** Sends bytes to the host and waits until they are written. */
  send(bytes: string | Uint8Array): Promise<void>;
  /** Everything the host sent so far. */
  received(): Buffer;
  close(): Promise<void>;
}

export async function openSerialDevice(path: string, baudRate = 9600): Promise<SerialDevice> {
  const port = new SerialPort({ path, baudRate, autoOpen: false });
  await new Promise<void>((resolve, reject) =>
    port.open((error) => (error ? reject(error) : resolve())),
  );
  const chunks: Buffer[] = [];
  port.on('data', (chunk: Buffer) => chunks.push(chunk));
  return {
    send: (bytes) =>
      new Promise((resolve, reject) => {
        port.write(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes);
        port.drain((error) => (error ? reject(error) : resolve()));
      }),
    received: () => Buffer.concat(chunks),
    close: () =>
      port.isOpen ? new Promise<void>((resolve) => port.close(() => resolve())) : Promise.resolve(),
  };
}
