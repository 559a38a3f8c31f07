import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scannerSchema } from '../../core/devices/model.ts';
import {
  createScanDetector,
  defaultScannerSettings,
  noBurst,
  scanStep,
  scannerSettings,
  type KeyStroke,
  type ScannerSettings,
} from './scanner.ts';

/** Keys pressed one after another, `gaps[i]` ms after the one before (the first at `start`). */
function typed(
  keys: readonly string[],
  gaps: number | readonly number[],
  start = 1_000,
): KeyStroke[] {
  let time = start;
  return keys.map((key, i) => {
    if (i > 0) time += Array.isArray(gaps) ? (gaps[i - 1] ?? 0) : gaps;
    return { key, time };
  });
}

/** Every code the detector reports, in order. */
function scans(strokes: KeyStroke[], settings: Partial<ScannerSettings> = {}): string[] {
  const detector = createScanDetector(settings);
  return strokes.flatMap((s) => detector.feed(s) ?? []);
}

const chars = (text: string) => [...text];
const scanner = (code: string, end = 'Enter') => [...chars(code), end];

describe('keyboard-wedge scan detection', () => {
  it('recognises a fast burst ending in Enter as a scan of its characters', () => {
    expect(scans(typed(scanner('BKRM101'), 8))).toEqual(['BKRM101']);
  });

  it('does not take a person typing a serial and pressing Enter for a scan', () => {
    expect(scans(typed(scanner('BKRM101'), 140))).toEqual([]);
    // A quick typist still leaves more than 30 ms between most keys.
    expect(scans(typed(scanner('BKRM101'), [60, 45, 90, 35, 70, 50, 40]))).toEqual([]);
  });

  it('reports nothing until the suffix key: a burst without Enter is not a scan yet', () => {
    const detector = createScanDetector();
    const strokes = typed(scanner('BKRM101'), 8);
    expect(strokes.slice(0, -1).map((s) => detector.feed(s))).toEqual(Array(7).fill(null));
    expect(detector.feed(strokes.at(-1) as KeyStroke)).toBe('BKRM101');
  });

  it('needs at least minLength characters (6 by default)', () => {
    expect(scans(typed(scanner('12345'), 5))).toEqual([]);
    expect(scans(typed(scanner('123456'), 5))).toEqual(['123456']);
    expect(scans(typed(scanner('1234'), 5), { minLength: 4 })).toEqual(['1234']);
  });

  it('counts a gap of exactly maxGapMs as fast, and one millisecond more as typing', () => {
    expect(scans(typed(scanner('ABC123'), 30))).toEqual(['ABC123']);
    expect(scans(typed(scanner('ABC123'), 31))).toEqual([]);
    expect(scans(typed(scanner('ABC123'), 31), { maxGapMs: 40 })).toEqual(['ABC123']);
  });

  it('refuses a burst whose Enter comes late (the person pressed Enter after a paste or autofill)', () => {
    expect(scans(typed(scanner('BKRM101'), [5, 5, 5, 5, 5, 5, 250]))).toEqual([]);
  });

  it('starts the burst again after a slow gap: only the fast run before Enter counts', () => {
    // Typed "AB" by hand, paused, then the scanner typed its code.
    const strokes = typed(scanner('ABBKRM101'), [150, 400, 6, 6, 6, 6, 6, 6, 6]);
    expect(scans(strokes)).toEqual(['BKRM101']);
    // A pause inside the code leaves too few characters after it to be a scan.
    expect(scans(typed(scanner('BKRM101'), [6, 6, 6, 200, 6, 6, 6]))).toEqual([]);
  });

  it('ignores the Shift a scanner presses for capitals', () => {
    const keys = ['Shift', 'B', 'Shift', 'K', '1', '2', 'Shift', 'R', '3', 'Enter'];
    expect(scans(typed(keys, 3))).toEqual(['BK12R3']);
  });

  it('breaks the burst on any other named key (Backspace, an arrow, a dead key)', () => {
    for (const key of ['Backspace', 'ArrowLeft', 'Escape', 'Dead', 'Unidentified', 'F2'])
      expect(scans(typed(['A', 'B', 'C', key, 'D', 'E', 'F', 'G', 'Enter'], 4)), key).toEqual([]);
  });

  it('takes spaces and non-ASCII characters as part of a code', () => {
    expect(scans(typed(scanner('SN 4711 Ñ'), 4))).toEqual(['SN 4711 Ñ']);
    expect(scans(typed(scanner('AB😀CDEF'), 4))).toEqual(['AB😀CDEF']);
  });

  it('strips a configured prefix, and without it the burst is not a scan', () => {
    const settings = { prefix: '~]' };
    expect(scans(typed(scanner('~]BKRM101'), 4), settings)).toEqual(['BKRM101']);
    expect(scans(typed(scanner('BKRM101'), 4), settings)).toEqual([]);
    // The prefix does not count towards the length.
    expect(scans(typed(scanner('~]ABCDE'), 4), settings)).toEqual([]);
  });

  it('ends a scan with Tab when the scanner is set to, and then Enter breaks the burst', () => {
    expect(scans(typed(scanner('BKRM101', 'Tab'), 4), { suffix: 'tab' })).toEqual(['BKRM101']);
    expect(scans(typed(scanner('BKRM101', 'Enter'), 4), { suffix: 'tab' })).toEqual([]);
    expect(scans(typed(scanner('BKRM101', 'Tab'), 4))).toEqual([]);
  });

  it('reads scans back to back as separate codes', () => {
    const strokes = typed([...scanner('BKRM101'), ...scanner('BKRM102')], 5);
    expect(scans(strokes)).toEqual(['BKRM101', 'BKRM102']);
  });

  it('does not trust times that run backwards', () => {
    expect(scans(typed(scanner('BKRM101'), [5, 5, -3, 5, 5, 5, 5]))).toEqual([]);
  });

  it('says which key started a burst, so the screen can remember the field as it was', () => {
    const settings = scannerSettings();
    const began: string[] = [];
    let state = noBurst;
    for (const s of typed(['x', 'Shift', 'B', 'K', 'R', 'Enter'], [200, 2, 5, 5, 5])) {
      const step = scanStep(settings, state, s);
      if (step.began) began.push(s.key);
      state = step.state;
    }
    expect(began).toEqual(['x', 'B']);
  });

  it('forgets the burst under way when reset', () => {
    const detector = createScanDetector();
    const strokes = typed(scanner('BKRM101'), 5);
    for (const s of strokes.slice(0, -1)) detector.feed(s);
    detector.reset();
    expect(detector.feed(strokes.at(-1) as KeyStroke)).toBeNull();
  });

  it('defaults to the device manager’s scanner defaults, and keeps the store’s own values', () => {
    const schema = scannerSchema.parse({ kind: 'scanner', name: 'Counter', model: 'keyboard' });
    expect(defaultScannerSettings).toEqual({
      maxGapMs: schema.maxGapMs,
      minLength: schema.minLength,
      prefix: schema.prefix,
      suffix: schema.suffix,
    });
    expect(scannerSettings({ minLength: 8, prefix: undefined })).toEqual({
      ...defaultScannerSettings,
      minLength: 8,
    });
  });
});

// Arbitrary settings within the device schema's bounds, and codes a scanner could type.
const settingsArb = fc.record({
  maxGapMs: fc.integer({ min: 5, max: 200 }),
  minLength: fc.integer({ min: 1, max: 40 }),
  prefix: fc.string({ unit: fc.constantFrom('~', ']', '#', '$', '^'), maxLength: 3 }),
  suffix: fc.constantFrom('enter' as const, 'tab' as const),
});
const printable = fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 });
const suffixOf = (s: ScannerSettings) => (s.suffix === 'enter' ? 'Enter' : 'Tab');

/** A scanner typing `prefix + code` then its suffix, each key within maxGapMs of the last. */
const scanArb = settingsArb.chain((settings) =>
  fc.array(printable, { minLength: settings.minLength, maxLength: 48 }).chain((code) =>
    fc.record({
      settings: fc.constant(settings),
      code: fc.constant(code.join('')),
      keys: fc.constant([...chars(settings.prefix), ...code, suffixOf(settings)]),
      gaps: fc.array(fc.integer({ min: 0, max: settings.maxGapMs }), {
        minLength: settings.prefix.length + code.length,
        maxLength: settings.prefix.length + code.length,
      }),
    }),
  ),
);

describe('scan detection, for any settings and timings', () => {
  it('reads back exactly what a scanner typed', () => {
    fc.assert(
      fc.property(scanArb, ({ settings, code, keys, gaps }) => {
        expect(scans(typed(keys, gaps), settings)).toEqual([code]);
      }),
    );
  });

  it('reads the same code whatever a person typed before the scanner’s burst', () => {
    const human = fc.array(
      fc.record({
        key: fc.oneof(printable, fc.constantFrom('Enter', 'Tab', 'Backspace', 'Shift')),
        gap: fc.integer({ min: 0, max: 2_000 }),
      }),
      { maxLength: 30 },
    );
    fc.assert(
      fc.property(scanArb, human, ({ settings, code, keys, gaps }, before) => {
        const typedBefore = typed(
          before.map((b) => b.key),
          before.map((b) => b.gap),
        );
        const lastTime = typedBefore.at(-1)?.time ?? 0;
        // The clerk's hands leave the keyboard for longer than a scanner's gap.
        const scan = typed(keys, gaps, lastTime + settings.maxGapMs + 1);
        const all = scans([...typedBefore, ...scan], settings);
        expect(all.at(-1)).toBe(code);
      }),
    );
  });

  it('never takes typing for a scan when every key comes slower than maxGapMs', () => {
    const typing = settingsArb.chain((settings) =>
      fc.record({
        settings: fc.constant(settings),
        strokes: fc.array(
          fc.record({
            key: fc.oneof(printable, fc.constant(suffixOf(settings))),
            gap: fc.integer({ min: settings.maxGapMs + 1, max: 1_000 }),
          }),
          { maxLength: 60 },
        ),
      }),
    );
    fc.assert(
      fc.property(typing, ({ settings, strokes }) => {
        const keys = strokes.map((s) => s.key);
        expect(
          scans(
            typed(
              keys,
              strokes.map((s) => s.gap),
            ),
            settings,
          ),
        ).toEqual([]);
      }),
    );
  });

  it('gives the same reading with Shift pressed anywhere in the burst', () => {
    fc.assert(
      fc.property(scanArb, fc.array(fc.nat()), ({ settings, code, keys, gaps }, at) => {
        const strokes = typed(keys, gaps);
        // A Shift at the same moment as the key it capitalises.
        const withShift = strokes.flatMap((s, i) =>
          at.includes(i) ? [{ key: 'Shift', time: s.time }, s] : [s],
        );
        expect(scans(withShift, settings)).toEqual([code]);
      }),
    );
  });

  it('only ever reports a code the keys just before the suffix spelled, fast enough and long enough', () => {
    const stream = settingsArb.chain((settings) =>
      fc.record({
        settings: fc.constant(settings),
        strokes: fc.array(
          fc.record({
            key: fc.oneof(
              { weight: 6, arbitrary: printable },
              { weight: 1, arbitrary: fc.constantFrom('Enter', 'Tab', 'Shift', 'Backspace') },
              { weight: 1, arbitrary: fc.constantFrom(...chars(settings.prefix || '~')) },
            ),
            gap: fc.oneof(
              fc.integer({ min: 0, max: settings.maxGapMs }),
              fc.integer({ min: 0, max: 3 * settings.maxGapMs }),
            ),
          }),
          { maxLength: 120 },
        ),
      }),
    );
    fc.assert(
      fc.property(stream, ({ settings, strokes }) => {
        const all = typed(
          strokes.map((s) => s.key),
          strokes.map((s) => s.gap),
        );
        const detector = createScanDetector(settings);
        all.forEach((stroke, i) => {
          const code = detector.feed(stroke);
          if (code === null) return;
          expect(stroke.key).toBe(suffixOf(settings));
          expect([...code].length).toBeGreaterThanOrEqual(settings.minLength);
          // Walk back over the burst: printable keys (Shift skipped), each gap within maxGapMs.
          const burst = all.slice(0, i + 1).filter((s) => s.key !== 'Shift');
          const n = [...settings.prefix].length + [...code].length;
          const run = burst.slice(-n - 1);
          expect(
            run
              .slice(0, -1)
              .map((s) => s.key)
              .join(''),
          ).toBe(settings.prefix + code);
          for (let j = 1; j < run.length; j++) {
            const gap = (run[j] as KeyStroke).time - (run[j - 1] as KeyStroke).time;
            expect(gap).toBeGreaterThanOrEqual(0);
            expect(gap).toBeLessThanOrEqual(settings.maxGapMs);
          }
        });
      }),
    );
  });
});
