// What the network simulators share: a TCP server on 127.0.0.1 that can be switched off and
// on again on the same port (a printer unplugged, Rx30 down for a while).
import net from 'node:net';

/** Listens on 127.0.0.1 (port 0: any free one); the server and the port it got. */
export async function listenLocal(
  port: number,
  onSocket: (socket: net.Socket) => void,
): Promise<{ server: net.Server; port: number }> {
  const server = net.createServer(onSocket);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return { server, port: (server.address() as net.AddressInfo).port };
}

/** Stops listening after dropping the connections still open. */
export async function closeLocal(
  server: net.Server,
  sockets: Iterable<net.Socket | null>,
): Promise<void> {
  for (const socket of sockets) socket?.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
