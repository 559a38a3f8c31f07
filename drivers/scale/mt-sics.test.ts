// The MT-SICS codec: every documented reply, and whatever else arrives, as a reply kind.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mtSics, parseSicsWeigh, parseSicsZero } from './mt-sics.ts';

const bytes = (s: string) => Buffer.from(s, 'latin1');

describe('MT-SICS replies', () => {
  it('reads stable, dynamic, busy, overload and underload answers', () => {
    expect(parseSicsWeigh(bytes('S S      1.234 kg\r\n'))).toEqual({
      kind: 'weight',
      reading: { weight: 1.234, unit: 'kg' },
    });
    expect(parseSicsWeigh(bytes('S S     -0.012 g\r\n'))).toEqual({
      kind: 'weight',
      reading: { weight: -0.012, unit: 'g' },
    });
    expect(parseSicsWeigh(bytes('S D      1.230 kg\r\n'))).toEqual({ kind: 'moving' });
    expect(parseSicsWeigh(bytes('S I\r\n'))).toEqual({ kind: 'busy' });
    expect(parseSicsWeigh(bytes('S +\r\n'))).toEqual({ kind: 'over_range' });
    expect(parseSicsWeigh(bytes('S -\r\n'))).toEqual({ kind: 'under_zero' });
  });

  it('reads the general errors ES, ET and EL', () => {
    for (const code of ['ES', 'ET', 'EL'] as const) {
      expect(parseSicsWeigh(bytes(`${code}\r\n`))).toEqual({ kind: 'refused', code });
      expect(parseSicsZero(bytes(`${code}\r\n`))).toEqual({ kind: 'refused', code });
    }
  });

  it('reads the answers to Z', () => {
    expect(parseSicsZero(bytes('Z A\r\n'))).toEqual({ kind: 'zeroed' });
    expect(parseSicsZero(bytes('Z I\r\n'))).toEqual({ kind: 'moving' });
    expect(parseSicsZero(bytes('Z +\r\n'))).toEqual({ kind: 'over_range' });
    expect(parseSicsZero(bytes('Z -\r\n'))).toEqual({ kind: 'under_zero' });
  });

  it('normalizes units: lbs is lb, mg becomes g, and carats are not sold by', () => {
    expect(parseSicsWeigh(bytes('S S      2.500 lbs\r\n'))).toMatchObject({
      reading: { weight: 2.5, unit: 'lb' },
    });
    expect(parseSicsWeigh(bytes('S S    250.000 mg\r\n'))).toMatchObject({
      reading: { weight: 0.25, unit: 'g' },
    });
    expect(parseSicsWeigh(bytes('S S     12.000 ct\r\n'))).toEqual({
      kind: 'unsupported_unit',
      unit: 'ct',
    });
  });

  it('calls a reply without its CR LF, or with a line it does not know, garbled', () => {
    for (const text of ['S S      1.234 kg', 'S S      1.234 kg\r', 'hello\r\n', 'S X 1 kg\r\n']) {
      expect(parseSicsWeigh(bytes(text))).toMatchObject({ kind: 'garbled' });
    }
    expect(parseSicsWeigh(bytes('junk\r\nS S      1.000 kg\r\n'))).toMatchObject({
      kind: 'garbled',
    });
  });

  it('reads back any weight formatted as the manual shows it (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 99_999_999 }),
        fc.constantFrom('kg', 'g', 'lb', 'oz'),
        fc.boolean(),
        (thousandths, unit, stable) => {
          const value = (thousandths / 1000).toFixed(3);
          const reply = parseSicsWeigh(
            bytes(`S ${stable ? 'S' : 'D'} ${value.padStart(10)} ${unit}\r\n`),
          );
          expect(reply).toEqual(
            stable
              ? { kind: 'weight', reading: { weight: thousandths / 1000, unit } }
              : { kind: 'moving' },
          );
        },
      ),
    );
  });

  it('never throws on random bytes, and calls them garbled unless they are a reply (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (random) => {
        const reply = parseSicsWeigh(Buffer.from(random));
        if (!Buffer.from(random).toString('latin1').endsWith('\r\n')) {
          expect(reply.kind).toBe('garbled');
        }
      }),
    );
  });

  it('knows a reply is whole at its LF', () => {
    expect(mtSics.isComplete(bytes('S S      1.234 kg\r'))).toBe(false);
    expect(mtSics.isComplete(bytes('S S      1.234 kg\r\n'))).toBe(true);
  });
});
