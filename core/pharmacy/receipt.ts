// The pickup's receipt, on the store's receipt printer through the print queue (one per
// sale, however often asked). Minimum necessary: Rx numbers and amounts, no names or drugs.
import type { ReceiptInput } from '../devices/model.ts';
import type { DeviceService } from '../devices/service.ts';
import type { SaleResult } from './pickups.ts';

const tenderLabel: Record<string, string> = {
  cash: 'Cash',
  check: 'Check',
  charge: 'Charge account',
  card: 'Card',
};

export function pickupReceipt(storeName: string, date: string, sale: SaleResult): ReceiptInput {
  const several = sale.pickups.length > 1;
  // Several patients: each invoice numbered, its Rx marked with that number and subtotalled,
  // so the bags stay apart on paper too (still no names).
  const mark = (i: number) => (several ? `#${i + 1} ` : '');
  return {
    header: [storeName || 'Pharmacy', 'Pharmacy pickup'],
    meta: [...sale.pickups.map((p, i) => `${mark(i)}Invoice ${p.invoice}`), date],
    lines: sale.pickups.flatMap((p, i) =>
      p.lines.map((l) => ({
        description: `${mark(i)}Rx ${l.rxNumber}-${String(l.fillNumber).padStart(2, '0')}`,
        amount: l.amount,
      })),
    ),
    totals: [
      ...(several
        ? sale.pickups.map((p, i) => ({ label: `Subtotal #${i + 1}`, amount: p.total }))
        : []),
      ...(sale.fsaHsaTotal > 0 ? [{ label: 'FSA/HSA eligible', amount: sale.fsaHsaTotal }] : []),
      { label: 'Total', amount: sale.total },
    ],
    tenders: sale.tenders.map((t) => ({ label: tenderLabel[t.type] ?? t.type, amount: t.amount })),
    // The first invoice: the void and return screen finds the whole sale from it.
    barcode: sale.pickups[0]?.invoice,
    footer: sale.fsaHsaTotal > 0 ? ['Keep this receipt for your FSA/HSA records.'] : [],
  };
}

/** Queues the receipt on the first receipt printer; says so, or that there is none set up. */
export function printPickupReceipt(
  devices: DeviceService,
  actor: string,
  o: { storeName: string; date: string; sale: SaleResult },
): 'queued' | 'no_printer' {
  const printer = devices.list().find((d) => d.kind === 'receipt_printer');
  if (!printer) return 'no_printer';
  devices.printReceipt(
    actor,
    printer.id,
    `pickup:${o.sale.saleKey}`,
    pickupReceipt(o.storeName, o.date, o.sale),
  );
  return 'queued';
}
