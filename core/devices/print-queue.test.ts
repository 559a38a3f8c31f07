// The print queue against a real printer: the ESC/POS driver over TCP to the simulated
// network printer on 127.0.0.1. Receipts wait while the printer is away and come out once
// each, in order, when it is back; the same receipt asked twice is queued once; a reprint
// is on purpose and audited; a job cut off by a stop waits for a person.
import { describe, expect, it, onTestFinished } from 'vitest';
import { createReceiptPrinter } from '../../drivers/receipt/printer.ts';
import { startEscPosPrinter } from '../../simulators/escpos-printer/printer.ts';
import type { DeviceDrivers } from './ports.ts';
import { makeServices, servicesForTest, tempDir, testKeychain } from '../testing/fixtures.ts';
import type { ReceiptInput } from './model.ts';

/** Only the receipt printer is needed here; the other kinds are not asked for. */
const drivers = {
  receiptPrinter: (c) => createReceiptPrinter(c, { connectTimeoutMs: 500, statusTimeoutMs: 200 }),
} as Pick<DeviceDrivers, 'receiptPrinter'> as DeviceDrivers;

const receipt = (sale: number): ReceiptInput => ({
  header: ['Main Street Outfitters'],
  meta: [`Sale ${sale}`],
  lines: [{ description: 'Ammunition, 9mm, 50 rounds', amount: 1899 }],
  totals: [{ label: 'Total', amount: 1899 }],
  tenders: [{ label: 'Cash', amount: 2000 }],
});

async function counter() {
  const sim = await startEscPosPrinter();
  onTestFinished(() => sim.stop());
  const s = await servicesForTest({
    deviceDrivers: drivers,
    deviceTiming: { probeEveryMs: 60_000, printBackoff: { firstMs: 20, maxMs: 100 } },
  });
  const printer = s.devices.add('maria', {
    kind: 'receipt_printer',
    name: 'Front counter',
    model: 'epson',
    connection: { type: 'tcp', host: '127.0.0.1', port: sim.port },
  });
  s.devices.queue.start();
  onTestFinished(() => s.devices.queue.stop());
  return { s, sim, printer };
}

/** The sale number on each receipt the printer printed, in the order it printed them. */
const salesPrinted = (sim: Awaited<ReturnType<typeof startEscPosPrinter>>) =>
  sim.receipts().map((r) => Number(/Sale (\d+)/.exec(r.lines.join('\n'))?.[1]));

/** Waits for `ok`, moving the store's (manual) clock on with real time so retries come due. */
const until = async (clock: { advance(ms: number): void }, ok: () => boolean, ms = 10_000) => {
  // eslint-disable-next-line no-restricted-syntax -- a poll deadline for a real socket
  const end = Date.now() + ms;
  while (!ok()) {
    // eslint-disable-next-line no-restricted-syntax -- a poll deadline for a real socket
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
    clock.advance(20);
  }
};

describe('the print queue', () => {
  it('holds 50 receipts while the printer is offline, then prints each exactly once, in order', async () => {
    const { s, sim, printer } = await counter();
    await sim.offline();
    for (let sale = 1; sale <= 50; sale++)
      s.devices.printReceipt('carlos', printer.id, `receipt:${sale}`, receipt(sale));
    // Asked again (a double tap, a retry from the till): nothing more is queued.
    for (let sale = 1; sale <= 50; sale += 7)
      expect(
        s.devices.printReceipt('carlos', printer.id, `receipt:${sale}`, receipt(sale)).queued,
      ).toBe(false);
    await until(s.clock, () =>
      s.devices.queue.jobs(printer.id, 100).some((j) => j.state === 'held'),
    );
    expect(s.devices.get(printer.id).queue).toEqual({ waiting: 50, held: 1 });
    const head = s.devices.queue.jobs(printer.id, 100).at(-1);
    expect(head).toMatchObject({ state: 'held', errorCode: 'offline' });
    expect(head?.error).toMatch(/refused the connection/);
    expect(sim.receipts()).toHaveLength(0);

    await sim.online();
    await until(s.clock, () => s.devices.get(printer.id).queue.waiting === 0);
    expect(salesPrinted(sim)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    // The printer back for a while longer: still 50, none twice.
    await new Promise((r) => setTimeout(r, 200));
    expect(sim.receipts()).toHaveLength(50);
    expect(s.devices.queue.jobs(printer.id, 100).map((j) => j.state)).toEqual(
      Array.from({ length: 50 }, () => 'printed'),
    );
  });

  it('holds a receipt while the printer is out of paper, and prints it once paper is in', async () => {
    const { s, sim, printer } = await counter();
    sim.paperOut(true);
    const { job } = s.devices.printReceipt('carlos', printer.id, 'receipt:7', receipt(7));
    await until(s.clock, () => s.devices.queue.get(job.id).state === 'held');
    expect(s.devices.queue.get(job.id)).toMatchObject({ errorCode: 'paper_out' });
    sim.paperOut(false);
    await until(s.clock, () => s.devices.queue.get(job.id).state === 'printed');
    expect(salesPrinted(sim)).toEqual([7]);
  });

  it('reprints only on purpose, audited, and cancels a waiting job (audited) so it never prints', async () => {
    const { s, sim, printer } = await counter();
    const { job } = s.devices.printReceipt('carlos', printer.id, 'receipt:1', receipt(1));
    await until(s.clock, () => s.devices.queue.get(job.id).state === 'printed');
    const again = s.devices.queue.reprint('maria', job.id, 'Customer lost the first copy');
    await until(s.clock, () => s.devices.queue.get(again.id).state === 'printed');
    expect(again).toMatchObject({ reprintOf: job.id });
    expect(salesPrinted(sim)).toEqual([1, 1]);
    expect(s.audit.query({ action: 'device.reprint' }).entries[0]).toMatchObject({
      actor: 'maria',
      entityId: String(job.id),
    });
    await sim.offline();
    const waiting = s.devices.printReceipt('carlos', printer.id, 'receipt:2', receipt(2)).job;
    await until(s.clock, () => s.devices.queue.get(waiting.id).state === 'held');
    s.devices.queue.cancel('maria', waiting.id, 'Sale voided');
    await sim.online();
    await new Promise((r) => setTimeout(r, 300));
    expect(salesPrinted(sim)).toEqual([1, 1]);
    expect(() => s.devices.queue.reprint('maria', waiting.id, 'try')).toThrow(/cancelled/);
    expect(s.audit.query({ action: 'device.print_cancel' }).entries).toHaveLength(1);
  });

  it('never resends a job a stop cut off mid-print: it waits for someone to decide', async () => {
    const dataDir = tempDir();
    const sim = await startEscPosPrinter();
    onTestFinished(() => sim.stop());
    const secrets = testKeychain();
    const first = await makeServices({ dataDir, secrets, deviceDrivers: drivers });
    const printer = first.devices.add('maria', {
      kind: 'receipt_printer',
      name: 'Front counter',
      model: 'epson',
      connection: { type: 'tcp', host: '127.0.0.1', port: sim.port },
    });
    const { job } = first.devices.printReceipt('carlos', printer.id, 'receipt:9', receipt(9));
    // The store server stops with the job on its way to the printer (state "printing").
    first.store.db.prepare("UPDATE print_jobs SET state = 'printing' WHERE id = ?").run(job.id);
    first.close();
    const again = await makeServices({
      dataDir,
      secrets,
      deviceDrivers: drivers,
      deviceTiming: { probeEveryMs: 60_000, printBackoff: { firstMs: 20, maxMs: 100 } },
    });
    onTestFinished(() => again.close());
    again.devices.queue.start();
    onTestFinished(() => again.devices.queue.stop());
    await new Promise((r) => setTimeout(r, 200));
    expect(again.devices.queue.get(job.id)).toMatchObject({
      state: 'held',
      errorCode: 'interrupted',
    });
    expect(sim.receipts()).toHaveLength(0);
    again.devices.queue.retryNow('maria', job.id);
    await until(again.clock, () => again.devices.queue.get(job.id).state === 'printed');
    expect(salesPrinted(sim)).toEqual([9]);
  });
});
