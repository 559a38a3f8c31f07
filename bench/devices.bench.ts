// Store hardware: a receipt rendered to ESC/POS and sent over TCP to the simulated network
// printer on 127.0.0.1 (the printer's status asked first, as every receipt does), the print
// queue taking a receipt from "asked for" to "printed", and a settled weight read from the
// simulated MT-SICS scale over a real pseudo-terminal at 9600 baud.
import { createReceiptPrinter } from '../drivers/receipt/printer.ts';
import { createScale } from '../drivers/scale/scale.ts';
import path from 'node:path';
import { createStoreServices } from '../core/app/services.ts';
import { systemClock } from '../core/clock.ts';
import { FileSecretStore } from '../core/secrets/file.ts';
import type { DeviceDrivers } from '../core/devices/ports.ts';
import { receiptSchema } from '../core/devices/model.ts';
import { startEscPosPrinter } from '../simulators/escpos-printer/printer.ts';
import { startScaleSimulator } from '../simulators/serial-scale/simulator.ts';
import {
  atMost,
  nowMs,
  percentile,
  reported,
  round,
  type BenchContext,
  type BenchEntry,
} from './harness.ts';

const RECEIPT_P99_TARGET_MS = 50;
const QUEUE_P99_TARGET_MS = 100;
const SCALE_P99_TARGET_MS = 250;

const receipt = (sale: number) =>
  receiptSchema.parse({
    header: ['Main Street Outfitters', '12 Main St, Austin TX'],
    meta: [`Sale ${sale}`, 'Register 1 · Carlos'],
    lines: Array.from({ length: 12 }, (_, i) => ({
      description: `Item ${i + 1}, a description long enough to wrap on the paper`,
      quantity: (i % 3) + 1,
      amount: 199 * (i + 1),
    })),
    totals: [
      { label: 'Subtotal', amount: 15522 },
      { label: 'Tax', amount: 1281 },
      { label: 'Total', amount: 16803 },
    ],
    tenders: [{ label: 'Card ····4242', amount: 16803 }],
    barcode: `S-${sale}`,
    qr: 'https://example.com/r/abc',
    footer: ['Thank you'],
  });

export default async function devicesBench(ctx: BenchContext): Promise<BenchEntry[]> {
  const entries: BenchEntry[] = [];
  const sim = await startEscPosPrinter();
  try {
    const config = {
      kind: 'receipt_printer',
      name: 'Bench',
      model: 'epson',
      connection: { type: 'tcp', host: '127.0.0.1', port: sim.port },
      width: 42,
      drawerPin: 2,
    } as const;
    const printer = createReceiptPrinter(config);
    const N = 300;
    ctx.log(`receipt render + send × ${N}`);
    for (let i = 0; i < 20; i++) await printer.printReceipt(receipt(i)); // warm up
    const sends: number[] = [];
    for (let i = 0; i < N; i++) {
      const r = receipt(i);
      const start = nowMs();
      await printer.printReceipt(r);
      sends.push(nowMs() - start);
    }
    entries.push(
      atMost(
        {
          name: 'devices.receipt_send.p99_ms',
          value: round(percentile(sends, 99), 2),
          unit: 'ms',
          detail: `a 12-line receipt with barcode and QR laid out, encoded to ESC/POS and sent over TCP to the simulated printer on 127.0.0.1, its status asked first; ${N} receipts, p50 ${round(percentile(sends, 50), 2)} ms`,
        },
        RECEIPT_P99_TARGET_MS,
      ),
    );

    // The same through the print queue: asked for → printed (SQLite, the driver, the printer).
    // The bench machine may have no keychain: secrets in a file (as a headless store would).
    const s = await createStoreServices({
      dataDir: ctx.workDir,
      secrets: new FileSecretStore(path.join(ctx.workDir, 'secrets.json'), () => {}),
      log: { info: () => {}, warn: () => {}, error: () => {} },
      clock: systemClock,
      deviceDrivers: { receiptPrinter: (c) => createReceiptPrinter(c) } as Pick<
        DeviceDrivers,
        'receiptPrinter'
      > as DeviceDrivers,
    });
    try {
      const device = s.devices.add('bench', config);
      s.devices.queue.start();
      const queued: number[] = [];
      for (let i = 0; i < 100; i++) {
        const start = nowMs();
        const { job } = s.devices.printReceipt('bench', device.id, `bench:${i}`, receipt(i));
        await s.devices.queue.runUntilIdle();
        if (s.devices.queue.get(job.id).state !== 'printed')
          throw new Error(`job ${job.id} did not print`);
        queued.push(nowMs() - start);
      }
      entries.push(
        atMost(
          {
            name: 'devices.print_queue.p99_ms',
            value: round(percentile(queued, 99), 2),
            unit: 'ms',
            detail: `a receipt queued (encrypted SQLite, idempotency key) and printed through the queue to the simulated printer, asked → printed; 100 receipts, p50 ${round(percentile(queued, 50), 2)} ms`,
          },
          QUEUE_P99_TARGET_MS,
        ),
      );
      s.devices.queue.stop();
    } finally {
      s.close();
    }
  } finally {
    await sim.stop();
  }

  const scaleSim = await startScaleSimulator({ protocol: 'mt-sics' });
  const scale = createScale({
    kind: 'scale',
    name: 'Bench scale',
    model: 'mt-sics',
    connection: { type: 'serial', path: scaleSim.hostPath, baudRate: 9600 },
    stableWaitMs: 3000,
  });
  try {
    scaleSim.simulator.setWeight(1.234, 'kg');
    const N = 200;
    ctx.log(`scale reads × ${N}`);
    await scale.readStable(); // opens the port
    const reads: number[] = [];
    for (let i = 0; i < N; i++) {
      const start = nowMs();
      await scale.readStable();
      reads.push(nowMs() - start);
    }
    entries.push(
      atMost(
        {
          name: 'devices.scale_read.p99_ms',
          value: round(percentile(reads, 99), 2),
          unit: 'ms',
          detail: `a settled weight read from the simulated MT-SICS scale over a real pseudo-terminal pair (socat) at 9600 baud; ${N} reads, p50 ${round(percentile(reads, 50), 2)} ms`,
        },
        SCALE_P99_TARGET_MS,
      ),
    );
    // With the scale moving for two requests first: what a clerk waits for in practice.
    const settling: number[] = [];
    for (let i = 0; i < 20; i++) {
      scaleSim.simulator.moving(2);
      const start = nowMs();
      await scale.readStable();
      settling.push(nowMs() - start);
    }
    entries.push(
      reported({
        name: 'devices.scale_read_settling.median_ms',
        value: round(percentile(settling, 50), 1),
        unit: 'ms',
        detail:
          'the same read when the scale reports motion twice before it settles (the driver polls until stable)',
      }),
    );
  } finally {
    await scale.close();
    await scaleSim.close();
  }
  return entries;
}
