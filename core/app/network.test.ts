// Online means a real connection out could be made: a listening port on 127.0.0.1 answers
// online, a closed one offline.
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { NetworkStatus } from './network.ts';

describe('the store’s network status', () => {
  it('is online when the check target answers and offline when it does not', async () => {
    const server = net.createServer((s) => s.end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as net.AddressInfo).port;
    const status = new NetworkStatus({ host: '127.0.0.1', port });
    expect(status.online()).toBe(false);
    expect(await status.check()).toBe(true);
    expect(status.online()).toBe(true);
    await new Promise<void>((r) => server.close(() => r()));
    expect(await status.check()).toBe(false);
    expect(status.online()).toBe(false);
  });
});
