// The pickup receipt: Rx numbers and amounts (no names, no drugs), the FSA/HSA line when
// there is one, printed once per invoice on the store's receipt printer.
import { describe, expect, it, onTestFinished } from 'vitest';
import { createReceiptPrinter } from '../../drivers/receipt/printer.ts';
import { startEscPosPrinter } from '../../simulators/escpos-printer/printer.ts';
import type { DeviceDrivers } from '../devices/ports.ts';
import { servicesForTest } from '../testing/fixtures.ts';
import { pickupReceipt, printPickupReceipt } from './receipt.ts';

const pickup = {
  invoice: 'P20261121-0001-sale-0',
  total: 1750,
  fsaHsaTotal: 1250,
  lines: [
    { rxNumber: '600123', fillNumber: 0, amount: 1250 },
    { rxNumber: '600124', fillNumber: 1, amount: 500 },
  ],
  tenders: [{ type: 'cash', amount: 1750 }],
  toldRx30: true,
};

describe('the pickup receipt', () => {
  it('lists the Rx and amounts, the FSA/HSA eligible amount, and the invoice as a barcode', () => {
    expect(pickupReceipt('Main Street Pharmacy', '2026-11-21', pickup)).toEqual({
      header: ['Main Street Pharmacy', 'Pharmacy pickup'],
      meta: ['Invoice P20261121-0001-sale-0', '2026-11-21'],
      lines: [
        { description: 'Rx 600123-00', amount: 1250 },
        { description: 'Rx 600124-01', amount: 500 },
      ],
      totals: [
        { label: 'FSA/HSA eligible', amount: 1250 },
        { label: 'Total', amount: 1750 },
      ],
      tenders: [{ label: 'Cash', amount: 1750 }],
      barcode: 'P20261121-0001-sale-0',
      footer: ['Keep this receipt for your FSA/HSA records.'],
    });
  });

  it('prints once per invoice on the receipt printer, and says when there is none', async () => {
    const sim = await startEscPosPrinter();
    onTestFinished(() => sim.stop());
    const s = await servicesForTest({
      deviceDrivers: { receiptPrinter: (c) => createReceiptPrinter(c) } as Pick<
        DeviceDrivers,
        'receiptPrinter'
      > as DeviceDrivers,
    });
    const o = { storeName: 'Main Street Pharmacy', date: '2026-11-21', pickup };
    expect(printPickupReceipt(s.devices, 'lena', o)).toBe('no_printer');
    s.devices.add('owner', {
      kind: 'receipt_printer',
      name: 'Pharmacy counter',
      model: 'epson',
      connection: { type: 'tcp', host: '127.0.0.1', port: sim.port },
    });
    expect(printPickupReceipt(s.devices, 'lena', o)).toBe('queued');
    expect(printPickupReceipt(s.devices, 'lena', o)).toBe('queued');
    await s.devices.queue.runUntilIdle();
    const [printed] = await sim.waitForJobs(1);
    expect(sim.receipts()).toHaveLength(1);
    expect(printed?.lines.join('\n')).toContain('Rx 600123-00');
    expect(printed?.barcodes).toEqual(['P20261121-0001-sale-0']);
  });
});
