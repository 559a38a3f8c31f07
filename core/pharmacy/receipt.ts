// The pickup's receipt, on the store's receipt printer through the print queue (one per
// invoice, however often asked). Minimum necessary: Rx numbers and amounts, no names or drugs.
import type { ReceiptInput } from '../devices/model.ts';
import type { DeviceService } from '../devices/service.ts';
import type { PickupResult } from './pickups.ts';

const tenderLabel: Record<string, string> = {
  cash: 'Cash',
  check: 'Check',
  charge: 'Charge account',
  card: 'Card',
};

export function pickupReceipt(storeName: string, date: string, p: PickupResult): ReceiptInput {
  return {
    header: [storeName || 'Pharmacy', 'Pharmacy pickup'],
    meta: [`Invoice ${p.invoice}`, date],
    lines: p.lines.map((l) => ({
      description: `Rx ${l.rxNumber}-${String(l.fillNumber).padStart(2, '0')}`,
      amount: l.amount,
    })),
    totals: [
      ...(p.fsaHsaTotal > 0 ? [{ label: 'FSA/HSA eligible', amount: p.fsaHsaTotal }] : []),
      { label: 'Total', amount: p.total },
    ],
    tenders: p.tenders.map((t) => ({ label: tenderLabel[t.type] ?? t.type, amount: t.amount })),
    barcode: p.invoice,
    footer: p.fsaHsaTotal > 0 ? ['Keep this receipt for your FSA/HSA records.'] : [],
  };
}

/** Queues the receipt on the first receipt printer; says so, or that there is none set up. */
export function printPickupReceipt(
  devices: DeviceService,
  actor: string,
  o: { storeName: string; date: string; pickup: PickupResult },
): 'queued' | 'no_printer' {
  const printer = devices.list().find((d) => d.kind === 'receipt_printer');
  if (!printer) return 'no_printer';
  devices.printReceipt(
    actor,
    printer.id,
    `pickup:${o.pickup.invoice}`,
    pickupReceipt(o.storeName, o.date, o.pickup),
  );
  return 'queued';
}
