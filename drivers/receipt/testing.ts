// A sale as the tests print it, and the printer settings they print it with.
import {
  receiptPrinterSchema,
  receiptSchema,
  type Receipt,
  type ReceiptPrinterConfig,
} from '../../core/devices/model.ts';

export const sampleReceipt: Receipt = receiptSchema.parse({
  header: ['Backroom Liquors', '120 Main Street', 'Springfield, IL 62701'],
  meta: ['2026-03-02 14:31  Register 1  Ann', 'Sale S-4411'],
  lines: [
    { description: 'Bourbon 750 ml', amount: 2999 },
    { description: 'Lime', quantity: 2, amount: 100 },
    { description: 'Craft beer variety pack, twelve 12 oz cans', amount: 2499 },
    { description: 'Member discount', amount: -500 },
  ],
  totals: [
    { label: 'Subtotal', amount: 5098 },
    { label: 'Tax', amount: 408 },
    { label: 'Total', amount: 5506 },
  ],
  tenders: [
    { label: 'Cash', amount: 10000 },
    { label: 'Change', amount: 4494 },
  ],
  barcode: 'S-4411',
  qr: 'https://example.com/r/4411',
  footer: ['Thank you!', 'Returns within 30 days with your receipt'],
});

/** `sampleReceipt` as printed on 80 mm paper (42 characters). */
export const sampleReceiptLines42 = [
  '  Backroom Liquors',
  '             120 Main Street',
  '          Springfield, IL 62701',
  '',
  '2026-03-02 14:31  Register 1  Ann',
  'Sale S-4411',
  '------------------------------------------',
  'Bourbon 750 ml                      $29.99',
  '2 x Lime                             $1.00',
  'Craft beer variety pack, twelve 12  $24.99',
  '  oz cans',
  'Member discount                     -$5.00',
  '------------------------------------------',
  '                          Subtotal  $50.98',
  '                               Tax   $4.08',
  '                             Total  $55.06',
  '',
  '                              Cash $100.00',
  '                            Change  $44.94',
  '',
  '                Thank you!',
  ' Returns within 30 days with your receipt',
];

/** `sampleReceipt` as printed on 58 mm paper (32 characters). */
export const sampleReceiptLines32 = [
  'Backroom Liquors',
  '        120 Main Street',
  '     Springfield, IL 62701',
  '',
  '2026-03-02 14:31 Register 1 Ann',
  'Sale S-4411',
  '--------------------------------',
  'Bourbon 750 ml            $29.99',
  '2 x Lime                   $1.00',
  'Craft beer variety pack,  $24.99',
  '  twelve 12 oz cans',
  'Member discount           -$5.00',
  '--------------------------------',
  '                Subtotal  $50.98',
  '                     Tax   $4.08',
  '                   Total  $55.06',
  '',
  '                    Cash $100.00',
  '                  Change  $44.94',
  '',
  '           Thank you!',
  'Returns within 30 days with your',
  '            receipt',
];

export function printerConfig(
  connection: ReceiptPrinterConfig['connection'],
  o: Partial<Pick<ReceiptPrinterConfig, 'model' | 'width' | 'drawerPin' | 'name'>> = {},
): ReceiptPrinterConfig {
  return receiptPrinterSchema.parse({
    kind: 'receipt_printer',
    name: o.name ?? 'Front counter',
    model: o.model ?? 'epson',
    connection,
    width: o.width ?? 42,
    drawerPin: o.drawerPin ?? 2,
  });
}
