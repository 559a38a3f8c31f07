// The bytes, read back with the simulator's decoder: what the printer would print.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { receiptSchema } from '../../core/devices/model.ts';
import { decodeEscPos } from '../../simulators/escpos-printer/decode.ts';
import {
  encodeDrawerKick,
  encodeLayout,
  encodeReceipt,
  encodeTestPage,
  qrPayload,
  readStatus,
} from './escpos.ts';
import { layoutReceipt } from './layout.ts';
import {
  printerConfig,
  sampleReceipt,
  sampleReceiptLines32,
  sampleReceiptLines42,
} from './testing.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('the cash drawer kick', () => {
  it('is the full ESC p with pulse times on an Epson', () => {
    expect(hex(encodeDrawerKick('epson', 2))).toBe('1b700019fa');
    expect(hex(encodeDrawerKick('epson', 5))).toBe('1b700119fa');
  });

  it('is ESC BEL then BEL (drawer 1) or SUB (drawer 2) on a Star', () => {
    expect(hex(encodeDrawerKick('star', 2))).toBe('1b070b3707');
    expect(hex(encodeDrawerKick('star', 5))).toBe('1a');
    expect(decodeEscPos(encodeDrawerKick('star', 2), 'star').drawerKicks).toEqual([
      { pin: 2, t1: 11, t2: 55 },
    ]);
  });

  it('is never part of a receipt (the library’s short ESC p would eat two bytes)', () => {
    for (const model of ['epson', 'star'] as const) {
      expect(
        decodeEscPos(encodeReceipt(sampleReceipt, { model, width: 42 }), model).drawerKicks,
      ).toEqual([]);
    }
  });
});

describe('an Epson receipt', () => {
  const bytes = encodeReceipt(sampleReceipt, { model: 'epson', width: 42 });

  it('reads back line for line, with its barcode, QR code and one cut', () => {
    expect(decodeEscPos(bytes, 'epson')).toEqual({
      lines: sampleReceiptLines42,
      barcodes: ['S-4411'],
      qr: ['https://example.com/r/4411'],
      drawerKicks: [],
      cuts: 1,
      statusRequests: [],
    });
  });

  it('resets the printer and selects code page 437 first', () => {
    expect(hex(bytes.subarray(0, 5))).toBe('1b401b7400');
  });

  it('prints the store name double size and bold', () => {
    const name = bytes.indexOf('Backroom Liquors');
    expect(hex(bytes.subarray(name - 8, name))).toBe('1b21301b45012020');
  });

  it('writes a { in barcode data as {{ (code set B)', () => {
    const receipt = { ...sampleReceipt, barcode: 'A{1' };
    const encoded = encodeReceipt(receipt, { model: 'epson', width: 42 });
    expect(hex(encoded)).toContain(hex(Buffer.from('{BA{{1')));
    expect(decodeEscPos(encoded).barcodes).toEqual(['A{1']);
  });
});

describe('a Star receipt', () => {
  const bytes = encodeReceipt(sampleReceipt, { model: 'star', width: 32 });

  it('reads back line for line, with its barcode, QR code and one cut', () => {
    expect(decodeEscPos(bytes, 'star')).toEqual({
      lines: sampleReceiptLines32,
      barcodes: ['S-4411'],
      qr: ['https://example.com/r/4411'],
      drawerKicks: [],
      cuts: 1,
      statusRequests: [],
    });
  });

  it('uses Star Line Mode, not ESC/POS', () => {
    expect(hex(bytes.subarray(0, 6))).toBe('1b401b1d7401'); // ESC @, ESC GS t 1 (437)
    expect(bytes.includes(Buffer.from([0x1d, 0x56]))).toBe(false); // no GS V
    // The QR data goes in with its ESC GS y D 1 header (the library leaves it out).
    expect(hex(bytes)).toContain(
      `1b1d794431001a00${hex(Buffer.from('https://example.com/r/4411'))}`,
    );
  });

  it('cannot be read as ESC/POS', () => {
    expect(() => decodeEscPos(bytes, 'epson')).toThrow(/At byte \d+/);
  });
});

describe('encoding', () => {
  it('prints exactly the laid-out lines for any receipt, on both models', () => {
    const row = fc.record({
      label: fc.string({ minLength: 1, maxLength: 40, unit: 'binary' }),
      amount: fc.integer({ min: -1_000_000, max: 1_000_000 }),
    });
    const receipt = fc.record({
      header: fc.array(fc.string({ maxLength: 64, unit: 'binary' }), {
        minLength: 1,
        maxLength: 2,
      }),
      lines: fc.array(
        fc.record({
          description: fc.string({ minLength: 1, maxLength: 120, unit: 'binary' }),
          amount: fc.integer({ min: -1_000_000, max: 1_000_000 }),
        }),
        { maxLength: 4 },
      ),
      totals: fc.array(row, { minLength: 1, maxLength: 2 }),
      tenders: fc.array(row, { maxLength: 2 }),
      barcode: fc.option(fc.string({ minLength: 1, maxLength: 20, unit: 'binary-ascii' }), {
        nil: undefined,
      }),
      qr: fc.option(fc.string({ minLength: 1, maxLength: 300, unit: 'binary' }), {
        nil: undefined,
      }),
    });
    fc.assert(
      fc.property(
        receipt,
        fc.constantFrom(32, 42),
        fc.constantFrom('epson', 'star'),
        (input, width, model) => {
          const parsed = receiptSchema.safeParse(input);
          fc.pre(parsed.success);
          if (!parsed.success) return;
          const blocks = layoutReceipt(parsed.data, width);
          const decoded = decodeEscPos(encodeLayout(blocks, model, width), model);
          expect(decoded.lines).toEqual(blocks.flatMap((b) => (b.kind === 'text' ? [b.text] : [])));
          expect(decoded.barcodes).toEqual(parsed.data.barcode ? [parsed.data.barcode] : []);
          expect(decoded.qr).toEqual(parsed.data.qr ? [qrPayload(parsed.data.qr)] : []);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('sends QR text outside ASCII as percent-encoded UTF-8', () => {
    expect(qrPayload('https://example.com/café')).toBe('https://example.com/caf%C3%A9');
    expect(qrPayload('a\ud800')).toBe('a%EF%BF%BD');
  });

  it('prints a test page that reads back', () => {
    const config = printerConfig(
      { type: 'serial', path: '/dev/ttyUSB0', baudRate: 9600 },
      { model: 'star' },
    );
    const page = decodeEscPos(encodeTestPage('Test page', config), 'star');
    expect(page.lines).toContain('Connection: /dev/ttyUSB0 at 9600 baud');
    expect(page.barcodes).toEqual(['BACKROOM-TEST']);
    expect(page.cuts).toBe(1);
  });
});

describe('the printer’s status answer', () => {
  it('reads paper out, paper low and cover open', () => {
    expect(readStatus(Buffer.from([0x12, 0x12]))).toEqual({
      paperOut: false,
      paperLow: false,
      coverOpen: false,
    });
    expect(readStatus(Buffer.from([0x72, 0x32]))).toMatchObject({ paperOut: true });
    expect(readStatus(Buffer.from([0x1e, 0x12]))).toMatchObject({
      paperOut: false,
      paperLow: true,
    });
    expect(readStatus(Buffer.from([0x12, 0x16]))).toMatchObject({ coverOpen: true });
  });

  it('is no answer when nothing or something else came back', () => {
    expect(readStatus(Buffer.alloc(0))).toBeUndefined();
    expect(readStatus(Buffer.from('OK'))).toBeUndefined();
  });
});
