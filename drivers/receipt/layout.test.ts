import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { receiptSchema } from '../../core/devices/model.ts';
import {
  formatMoney,
  formatQuantity,
  layoutReceipt,
  layoutTestPage,
  printableText,
  wrapWords,
  type ReceiptBlock,
} from './layout.ts';
import {
  printerConfig,
  sampleReceipt,
  sampleReceiptLines32,
  sampleReceiptLines42,
} from './testing.ts';

const textOf = (blocks: ReceiptBlock[]) =>
  blocks.flatMap((b) => (b.kind === 'text' ? [b.text] : []));
const texts = (blocks: ReceiptBlock[]) => blocks.filter((b) => b.kind === 'text');

describe('money on a receipt', () => {
  it('is dollars with thousands separators and two decimals', () => {
    expect(formatMoney(0)).toBe('$0.00');
    expect(formatMoney(5)).toBe('$0.05');
    expect(formatMoney(123_456)).toBe('$1,234.56');
    expect(formatMoney(100_000_000)).toBe('$1,000,000.00');
  });

  it('puts the minus sign before the dollar sign', () => {
    expect(formatMoney(-100)).toBe('-$1.00');
    expect(formatMoney(-123_456)).toBe('-$1,234.56');
  });

  it('shows quantities the way a clerk writes them', () => {
    expect(formatQuantity(2)).toBe('2');
    expect(formatQuantity(1.5)).toBe('1.5');
    expect(formatQuantity(0.3333333)).toBe('0.333');
  });
});

describe('text the printer can print', () => {
  it('turns typographic marks into ASCII and keeps accents code page 437 has', () => {
    expect(printableText('Café “Deluxe” — 12’')).toBe('Café "Deluxe" - 12\'');
  });

  it('drops accents the code page lacks and marks what it cannot print', () => {
    expect(printableText('Dvořák')).toBe('Dvorák');
    expect(printableText('寿司')).toBe('??');
  });

  it('never lets a control character through (it would be read as a command)', () => {
    expect(printableText('A\x1b@B\nC\tD')).toBe('A @B C D');
  });
});

describe('wrapping', () => {
  it('breaks at spaces and cuts a word longer than the line', () => {
    expect(wrapWords('Craft beer variety pack', 10)).toEqual(['Craft beer', 'variety', 'pack']);
    expect(wrapWords('SKU-1234567890123', 8)).toEqual(['SKU-1234', '56789012', '3']);
  });

  it('can give the lines after the first another width', () => {
    expect(wrapWords('one two three four', 9, 5)).toEqual(['one two', 'three', 'four']);
  });

  it('keeps the spacing of text that fits', () => {
    expect(wrapWords('14:31  Register 1', 20)).toEqual(['14:31  Register 1']);
  });
});

describe('a receipt laid out for the paper', () => {
  it('fills 42 columns on 80 mm paper', () => {
    expect(textOf(layoutReceipt(sampleReceipt, 42))).toEqual(sampleReceiptLines42);
  });

  it('fills 32 columns on 58 mm paper, wrapping long descriptions', () => {
    expect(textOf(layoutReceipt(sampleReceipt, 32))).toEqual(sampleReceiptLines32);
  });

  it('prints the store name double size and bold, and the total in bold', () => {
    const lines = texts(layoutReceipt(sampleReceipt, 42));
    expect(lines[0]).toMatchObject({ text: '  Backroom Liquors', bold: true, double: true });
    expect(lines.find((l) => l.text.includes('Total'))).toMatchObject({ bold: true });
    expect(lines.find((l) => l.text.includes('Subtotal'))).toMatchObject({ bold: false });
  });

  it('shows the barcode and QR code after the tenders, before the footer', () => {
    const kinds = layoutReceipt(sampleReceipt, 42).map((b) =>
      b.kind === 'text' ? b.text.trim() : b,
    );
    expect(kinds.slice(-5)).toEqual([
      '',
      { kind: 'barcode', data: 'S-4411' },
      { kind: 'qr', data: 'https://example.com/r/4411' },
      'Thank you!',
      'Returns within 30 days with your receipt',
    ]);
  });

  it('right-aligns a wrapped total label against its amount', () => {
    const receipt = receiptSchema.parse({
      header: ['Shop'],
      lines: [],
      totals: [{ label: 'Total after loyalty reward and coupon', amount: 1999 }],
      tenders: [],
    });
    expect(textOf(layoutReceipt(receipt, 24)).slice(-3)).toEqual([
      '      Total after',
      '   loyalty reward',
      '       and coupon $19.99',
    ]);
  });

  it('keeps every line inside the paper, amounts at the right edge', () => {
    const line = fc.record({
      description: fc.string({ minLength: 1, maxLength: 120, unit: 'binary' }),
      quantity: fc.constantFrom(1, 2, 0.5, 12.25),
      amount: fc.integer({ min: -10_000_000, max: 10_000_000 }),
    });
    const row = fc.record({
      label: fc.string({ minLength: 1, maxLength: 40 }),
      amount: fc.integer({ min: -10_000_000, max: 10_000_000 }),
    });
    const receipt = fc.record({
      header: fc.array(fc.string({ maxLength: 64, unit: 'binary' }), {
        minLength: 1,
        maxLength: 3,
      }),
      meta: fc.array(fc.string({ maxLength: 64 }), { maxLength: 3 }),
      lines: fc.array(line, { maxLength: 5 }),
      totals: fc.array(row, { minLength: 1, maxLength: 3 }),
      tenders: fc.array(row, { maxLength: 2 }),
      footer: fc.array(fc.string({ maxLength: 64 }), { maxLength: 2 }),
    });
    fc.assert(
      fc.property(receipt, fc.integer({ min: 24, max: 64 }), (input, width) => {
        const parsed = receiptSchema.safeParse(input);
        fc.pre(parsed.success);
        if (!parsed.success) return;
        const blocks = layoutReceipt(parsed.data, width);
        for (const b of texts(blocks)) {
          expect(b.text.length).toBeLessThanOrEqual(b.double ? Math.floor(width / 2) : width);
          expect(b.text).toBe(b.text.trimEnd());
          expect(b.text).not.toMatch(/\p{Cc}/u);
        }
        const all = textOf(blocks);
        for (const item of parsed.data.lines) {
          expect(all).toContainEqual(
            expect.stringMatching(`${formatMoney(item.amount).replace('$', '\\$')}$`),
          );
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe('the test page', () => {
  it('shows the settings, a ruler as wide as the paper, and every character', () => {
    const config = printerConfig({ type: 'tcp', host: '192.168.1.50', port: 9100 }, { width: 32 });
    const lines = textOf(layoutTestPage('Test page', config));
    expect(lines).toContain('Connection: 192.168.1.50:9100');
    expect(lines).toContain('Model: Epson (ESC/POS)');
    expect(lines).toContain('----+----1----+----2----+----3--');
    expect(lines.join('')).toContain('ABCDEFGHIJKLMNOPQRSTUVWXYZ');
    expect(lines.every((l) => l.length <= 32)).toBe(true);
  });
});
