// The simulator over real TCP, driven with plain sockets (no driver involved).
import net from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startEscPosPrinter } from './printer.ts';

async function started(o: Parameters<typeof startEscPosPrinter>[0] = {}) {
  const printer = await startEscPosPrinter(o);
  onTestFinished(() => printer.stop());
  return printer;
}

/** Connects, sends `bytes`, ends, and resolves with whatever came back. */
function exchange(port: number, bytes: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect({ host: '127.0.0.1', port }, () => socket.end(bytes));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('close', () => resolve(Buffer.concat(chunks)));
    socket.on('error', reject);
  });
}

const statusRequest = Buffer.from([0x10, 0x04, 0x04, 0x10, 0x04, 0x02, 0x10, 0x04, 0x01]);

describe('the receipt printer simulator', () => {
  it('records each connection as one job and reads it back', async () => {
    const printer = await started();
    await exchange(printer.port, Buffer.from('\x1b@Hello\nWorld\n\x1dV\x00', 'latin1'));
    await exchange(printer.port, Buffer.from('Second\n'));
    const receipts = await printer.waitForJobs(2);
    expect(receipts.map((r) => r.lines)).toEqual([['Hello', 'World'], ['Second']]);
    expect(receipts[0]?.cuts).toBe(1);
  });

  it('answers status requests from its state, and leaves them out of the receipts', async () => {
    const printer = await started();
    expect([...(await exchange(printer.port, statusRequest))]).toEqual([0x12, 0x12, 0x12]);
    printer.paperOut(true);
    expect([...(await exchange(printer.port, statusRequest))]).toEqual([0x72, 0x32, 0x1a]);
    printer.paperOut(false);
    printer.coverOpen(true);
    expect([...(await exchange(printer.port, statusRequest))]).toEqual([0x12, 0x16, 0x1a]);
    expect(printer.jobs).toHaveLength(3);
    expect(printer.receipts()).toEqual([]);
  });

  it('can stay silent, as many network printers do', async () => {
    const printer = await started({ answersStatus: false });
    expect(await exchange(printer.port, statusRequest)).toHaveLength(0);
  });

  it('refuses connections while offline and comes back on the same port', async () => {
    const printer = await started();
    const port = printer.port;
    await printer.offline();
    await expect(exchange(port, Buffer.from('lost\n'))).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
    await printer.online();
    expect(printer.port).toBe(port);
    await exchange(port, Buffer.from('back\n'));
    expect((await printer.waitForJobs(1))[0]?.lines).toEqual(['back']);
  });

  it('says how many jobs came when the wait runs out', async () => {
    const printer = await started();
    await expect(printer.waitForJobs(1, 50)).rejects.toThrow(
      'The printer simulator got 0 print jobs in 50 ms, not 1.',
    );
  });

  it('reads its jobs as Star Line Mode when it is a Star', async () => {
    const printer = await started({ model: 'star' });
    await exchange(printer.port, Buffer.from('\x1bEBold\n\x1bF\x1bd\x02', 'latin1'));
    expect(await printer.waitForJobs(1)).toMatchObject([{ lines: ['Bold'], cuts: 1 }]);
  });
});
