// What a line becomes before it reaches the display.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { idleLines } from './pole-display.ts';
import { fitLine, foldToAscii, marqueeFrame, marqueeGap } from './text.ts';

describe('pole display text', () => {
  it('folds accented letters and till punctuation to ASCII', () => {
    expect(foldToAscii('Crème brûlée – 2×')).toBe('Creme brulee - 2x');
    expect(foldToAscii('Straße, Ærø, Łódź')).toBe('Strasse, AEro, Lodz');
    expect(foldToAscii('“Jägermeister” 0,7 l…')).toBe('"Jagermeister" 0,7 l...');
    expect(foldToAscii('Total €12')).toBe('Total EUR12');
  });

  it('never lets a control byte through (it would be a display command)', () => {
    expect(foldToAscii('A\x1b@B\x0cC\tD\nE')).toBe('A@BC D E');
  });

  it('shows what it cannot spell as ?', () => {
    expect(foldToAscii('寿司 ok')).toBe('?? ok');
  });

  it('cuts a line to the width and pads a short one to clear the rest', () => {
    expect(fitLine('Glenfiddich 12 Year Old Single Malt', 20)).toBe('Glenfiddich 12 Year ');
    expect(fitLine('Total', 8)).toBe('Total   ');
  });

  it('scrolls a long line one character per frame and comes round again', () => {
    const text = 'ABCDEFGHIJ';
    expect(marqueeFrame(text, 8, 0)).toBe('ABCDEFGH');
    expect(marqueeFrame(text, 8, 1)).toBe('BCDEFGHI');
    expect(marqueeFrame(text, 8, 3)).toBe('DEFGHIJ ');
    expect(marqueeFrame(text, 8, text.length + marqueeGap.length)).toBe('ABCDEFGH');
    expect(marqueeFrame('short', 8, 5)).toBe('short   ');
  });

  it('breaks a long idle message between words when both halves fit', () => {
    expect(idleLines('Welcome to Main Street Liquor', 20)).toEqual([
      'Welcome to Main',
      'Street Liquor',
    ]);
    expect(idleLines('Welcome', 20)).toEqual(['Welcome', '']);
    expect(idleLines('Supercalifragilisticexpialidocious', 20)).toEqual([
      'Supercalifragilisticexpialidocious',
      '',
    ]);
  });

  it('always yields printable ASCII, and exactly the width (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 60 }),
        fc.integer({ min: 8, max: 40 }),
        fc.nat(),
        (text, width, step) => {
          const folded = foldToAscii(text);
          expect(folded).toMatch(/^[\x20-\x7e]*$/);
          expect(fitLine(folded, width)).toHaveLength(width);
          expect(marqueeFrame(folded, width, step)).toHaveLength(width);
        },
      ),
    );
  });
});
