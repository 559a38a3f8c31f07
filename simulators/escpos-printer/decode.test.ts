import { describe, expect, it } from 'vitest';
import { decodeEscPos, EscPosDecodeError, isStatusOnly } from './decode.ts';

const bytes = (...parts: (number[] | string)[]) =>
  Buffer.concat(
    parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))),
  );

/** The error a decode throws, for looking at its offset. */
function decodeError(data: Buffer, dialect: 'epson' | 'star' = 'epson'): EscPosDecodeError {
  try {
    decodeEscPos(data, dialect);
  } catch (error) {
    if (error instanceof EscPosDecodeError) return error;
    throw error;
  }
  throw new Error('It decoded.');
}

describe('reading Epson ESC/POS', () => {
  it('gives the printed lines with styles dropped', () => {
    const job = decodeEscPos(
      bytes(
        [0x1b, 0x40, 0x1b, 0x74, 0x00, 0x1b, 0x61, 0x01, 0x1b, 0x21, 0x30, 0x1b, 0x45, 0x01],
        'Big\n',
        [0x1b, 0x45, 0x00, 0x1d, 0x21, 0x00, 0x1b, 0x4d, 0x01],
        'Caf',
        [0x82],
        '\n\n',
        [0x1b, 0x64, 0x04, 0x1d, 0x56, 0x00],
      ),
    );
    expect(job.lines).toEqual(['Big', 'Café', '']);
    expect(job.cuts).toBe(1);
  });

  it('gives Code 128 barcodes, QR codes, drawer kicks and status requests', () => {
    const qrData = 'https://example.com';
    const store = [0x1d, 0x28, 0x6b, qrData.length + 3, 0, 0x31, 0x50, 0x30];
    const job = decodeEscPos(
      bytes(
        [0x1d, 0x48, 0x02, 0x1d, 0x66, 0x00, 0x1d, 0x77, 0x02, 0x1d, 0x68, 0x50],
        [0x1d, 0x6b, 73, 8, 0x7b, 0x42],
        'S-{{41',
        [0x1d, 0x28, 0x6b, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00],
        store,
        qrData,
        [0x1d, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x51, 0x30],
        [0x1b, 0x70, 0x01, 0x19, 0xfa, 0x10, 0x04, 0x04],
      ),
    );
    expect(job).toMatchObject({
      barcodes: ['S-{41'],
      qr: [qrData],
      drawerKicks: [{ pin: 5, t1: 25, t2: 250 }],
      statusRequests: [4],
    });
  });

  it('throws at the offset of a command it does not know', () => {
    const error = decodeError(bytes([0x1b, 0x40], 'OK', [0x1b, 0x99]));
    expect(error.offset).toBe(4);
    expect(error.message).toBe('At byte 4: unknown command ESC 0x99');
  });

  it('throws on a stray control byte', () => {
    expect(decodeError(bytes('A', [0x13], 'B')).offset).toBe(1);
  });

  it('throws on a command cut short', () => {
    expect(decodeError(bytes([0x1b, 0x70, 0x00, 0x19])).message).toMatch(/cut short/);
  });

  it('throws on a parameter the driver never sends', () => {
    expect(decodeError(bytes([0x1b, 0x74, 0x10])).message).toMatch(/code page 0x10/);
  });
});

describe('reading Star Line Mode', () => {
  it('gives lines, barcode, QR code, drawer kicks and the cut', () => {
    const job = decodeEscPos(
      bytes(
        [0x1b, 0x40, 0x1b, 0x1d, 0x74, 0x01, 0x1b, 0x69, 0x01, 0x01, 0x1b, 0x45],
        'Big\n',
        [0x1b, 0x46, 0x1b, 0x69, 0x00, 0x00, 0x1b, 0x1d, 0x61, 0x01],
        [0x1b, 0x62, 0x36, 0x02, 0x32, 0x50],
        'S-4411',
        [0x1e],
        [0x1b, 0x1d, 0x79, 0x53, 0x30, 0x02, 0x1b, 0x1d, 0x79, 0x44, 0x31, 0x00, 0x03, 0x00],
        'abc',
        [0x1b, 0x1d, 0x79, 0x50],
        [0x1b, 0x07, 0x0b, 0x37, 0x07, 0x1a, 0x0b, 0x1b, 0x64, 0x02],
      ),
      'star',
    );
    expect(job).toEqual({
      lines: ['Big'],
      barcodes: ['S-4411'],
      qr: ['abc'],
      drawerKicks: [
        { pin: 2, t1: 11, t2: 55 },
        { pin: 5, t1: 20, t2: 20 },
      ],
      cuts: 1,
      statusRequests: [],
    });
  });

  it('does not take ESC/POS commands for Star ones', () => {
    expect(decodeError(bytes([0x1d, 0x56, 0x00]), 'star').offset).toBe(0);
  });
});

describe('a status-only connection', () => {
  it('is one that sent nothing but DLE EOT requests', () => {
    expect(isStatusOnly(bytes([0x10, 0x04, 0x04, 0x10, 0x04, 0x02]))).toBe(true);
    expect(isStatusOnly(bytes([0x10, 0x04, 0x04], 'A'))).toBe(false);
    expect(isStatusOnly(Buffer.alloc(0))).toBe(false);
  });
});
