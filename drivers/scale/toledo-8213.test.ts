// The Toledo 8213 codec: the weight record, the status byte's bits, and the rest.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse8213Weigh, parse8213Zero, status8213, toledo8213 } from './toledo-8213.ts';

const bytes = (s: string) => Buffer.from(s, 'latin1');
const status = (bits: number) => bytes(`\x02?${String.fromCharCode(0x60 | bits)}\r`);

describe('Toledo 8213 replies', () => {
  it('reads the weight record in pounds', () => {
    expect(parse8213Weigh(bytes('\x02001.25\r'))).toEqual({
      kind: 'weight',
      reading: { weight: 1.25, unit: 'lb' },
    });
    expect(parse8213Weigh(bytes('\x02 12.50\r'))).toMatchObject({ reading: { weight: 12.5 } });
  });

  it('reads the status byte: motion, over capacity, under zero', () => {
    expect(parse8213Weigh(status(status8213.motion))).toEqual({ kind: 'moving' });
    expect(parse8213Weigh(status(status8213.overCapacity))).toEqual({ kind: 'over_range' });
    expect(parse8213Weigh(status(status8213.underZero))).toEqual({ kind: 'under_zero' });
    // Over capacity wins over the motion that usually comes with it.
    expect(parse8213Weigh(status(status8213.overCapacity | status8213.motion))).toEqual({
      kind: 'over_range',
    });
    expect(parse8213Weigh(status(0))).toEqual({ kind: 'busy' });
  });

  it('reads the status record that answers Z', () => {
    expect(parse8213Zero(status(status8213.centreOfZero))).toEqual({ kind: 'zeroed' });
    expect(parse8213Zero(status(status8213.motion))).toEqual({ kind: 'moving' });
    expect(parse8213Zero(status(status8213.outsideZeroCapture))).toEqual({ kind: 'over_range' });
    expect(parse8213Zero(bytes('\x02001.25\r'))).toMatchObject({ kind: 'garbled' });
  });

  it('calls a status byte without its always-set bits, or a broken frame, garbled', () => {
    for (const text of ['\x02?\x01\r', '\x02001.25', '001.25\r', '\x02abc\r', 'x\x02001.25\r']) {
      expect(parse8213Weigh(bytes(text))).toMatchObject({ kind: 'garbled' });
    }
  });

  it('ignores the parity bit in bit 7', () => {
    const withBit7 = Buffer.from([...bytes('\x02002.00\r')].map((b) => b | 0x80));
    expect(parse8213Weigh(withBit7)).toMatchObject({ reading: { weight: 2, unit: 'lb' } });
    expect(toledo8213.isComplete(withBit7)).toBe(true);
  });

  it('reads back any weight the scale can show (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99_999 }), (hundredths) => {
        const record = `\x02${(hundredths / 100).toFixed(2).padStart(6, '0')}\r`;
        expect(parse8213Weigh(bytes(record))).toEqual({
          kind: 'weight',
          reading: { weight: hundredths / 100, unit: 'lb' },
        });
      }),
    );
  });

  it('never throws on random bytes (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 32 }), (random) => {
        expect(parse8213Weigh(Buffer.from(random)).kind).toBeTypeOf('string');
        expect(parse8213Zero(Buffer.from(random)).kind).toBeTypeOf('string');
      }),
    );
  });
});
