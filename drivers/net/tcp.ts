// Raw TCP to a network printer (port 9100, "JetDirect"): connect with a time limit, write the
// job, and resolve only when the printer has taken every byte and the connection closed
// cleanly. Any failure is a DeviceError a clerk can act on.
import net from 'node:net';
import { DeviceError } from '../../core/devices/ports.ts';

export interface TcpTarget {
  host: string;
  port: number;
}

export interface TcpOptions {
  /** How long to wait for the printer to accept the connection. */
  connectTimeoutMs?: number;
  /** How long the whole exchange may take once connected. */
  ioTimeoutMs?: number;
}

const where = (t: TcpTarget) => `${t.host}:${t.port}`;

function offline(t: TcpTarget, cause: unknown): DeviceError {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  const why =
    code === 'ECONNREFUSED'
      ? 'refused the connection'
      : code === 'EHOSTUNREACH' || code === 'ENETUNREACH'
        ? 'cannot be reached on the network'
        : code === 'ENOTFOUND'
          ? 'has an address this PC cannot find'
          : cause instanceof DeviceError
            ? cause.message
            : 'did not answer';
  return new DeviceError(
    'offline',
    `The printer at ${where(t)} ${why}. Check that it is on, connected, and at that address.`,
    { cause },
  );
}

/** Opens a connection, or fails with `offline` within the connect time limit. */
export function connect(t: TcpTarget, o: TcpOptions = {}): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: t.host, port: t.port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(offline(t, new DeviceError('timeout', 'did not answer in time')));
    }, o.connectTimeoutMs ?? 3_000);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.setNoDelay(true);
      resolve(socket);
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(offline(t, error));
    });
  });
}

/** Sends one job: every byte written and the connection closed by us, or a DeviceError. */
export async function sendJob(t: TcpTarget, bytes: Uint8Array, o: TcpOptions = {}): Promise<void> {
  const socket = await connect(t, o);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.destroy();
      reject(offline(t, new DeviceError('timeout', 'stopped taking data')));
    }, o.ioTimeoutMs ?? 10_000);
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(offline(t, error));
    });
    socket.once('close', (hadError) => {
      clearTimeout(timer);
      if (!hadError) resolve();
    });
    // The printer may close first once it has the job; our end() then just completes.
    socket.end(bytes);
  });
}

/**
 * Sends `request` and collects the reply until `complete(reply)` says it is whole, or the
 * time runs out (then resolves with what came, possibly nothing: a printer that does not
 * answer status requests is not offline for that).
 */
export async function exchange(
  t: TcpTarget,
  request: Uint8Array,
  complete: (reply: Buffer) => boolean,
  o: TcpOptions & { replyTimeoutMs?: number } = {},
): Promise<Buffer> {
  const socket = await connect(t, o);
  return new Promise<Buffer>((resolve, reject) => {
    let reply = Buffer.alloc(0);
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(reply);
    };
    const timer = setTimeout(done, o.replyTimeoutMs ?? 1_000);
    socket.on('data', (chunk: Buffer) => {
      reply = Buffer.concat([reply, chunk]);
      if (complete(reply)) done();
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(offline(t, error));
    });
    socket.once('end', done);
    socket.write(request);
  });
}
