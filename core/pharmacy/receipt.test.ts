// The pickup receipt: Rx numbers and amounts (no names, no drugs), the FSA/HSA line when
// there is one, printed once per sale on the store's receipt printer.
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
};
const sale = {
  saleKey: 'sale-0001-abcdef',
  pickups: [pickup],
  total: 1750,
  fsaHsaTotal: 1250,
  tenders: [{ type: 'cash', amount: 1750 }],
  toldRx30: true,
};

describe('the pickup receipt', () => {
  it('lists the Rx and amounts, the FSA/HSA eligible amount, and the invoice as a barcode', () => {
    expect(pickupReceipt('Main Street Pharmacy', '2026-11-21', sale)).toEqual({
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

  it('keeps several patients apart: each invoice numbered, its Rx marked and subtotalled', () => {
    const second = {
      invoice: 'P20261121-0002-abcdef',
      total: 300,
      fsaHsaTotal: 0,
      lines: [{ rxNumber: '700001', fillNumber: 0, amount: 300 }],
      tenders: [{ type: 'card', amount: 300 }],
    };
    const r = pickupReceipt('Main Street Pharmacy', '2026-11-21', {
      ...sale,
      pickups: [pickup, second],
      total: 2050,
      tenders: [
        { type: 'cash', amount: 1750 },
        { type: 'card', amount: 300 },
      ],
    });
    expect(r.meta).toEqual([
      '#1 Invoice P20261121-0001-sale-0',
      '#2 Invoice P20261121-0002-abcdef',
      '2026-11-21',
    ]);
    expect(r.lines.map((l) => l.description)).toEqual([
      '#1 Rx 600123-00',
      '#1 Rx 600124-01',
      '#2 Rx 700001-00',
    ]);
    expect(r.totals).toEqual([
      { label: 'Subtotal #1', amount: 1750 },
      { label: 'Subtotal #2', amount: 300 },
      { label: 'FSA/HSA eligible', amount: 1250 },
      { label: 'Total', amount: 2050 },
    ]);
    expect(r.tenders).toEqual([
      { label: 'Cash', amount: 1750 },
      { label: 'Card', amount: 300 },
    ]);
  });

  it('prints once per sale on the receipt printer, and says when there is none', async () => {
    const sim = await startEscPosPrinter();
    onTestFinished(() => sim.stop());
    const s = await servicesForTest({
      deviceDrivers: { receiptPrinter: (c) => createReceiptPrinter(c) } as Pick<
        DeviceDrivers,
        'receiptPrinter'
      > as DeviceDrivers,
    });
    const o = { storeName: 'Main Street Pharmacy', date: '2026-11-21', sale };
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
