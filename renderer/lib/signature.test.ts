import type { PointGroup } from 'signature_pad';
import { describe, expect, it } from 'vitest';
import { en } from '../i18n/en.ts';
import { es } from '../i18n/es.ts';
import { asPointGroups, padProblemKey, readSignature, type PadProblem } from './signature.ts';

const PNG = 'data:image/png;base64,iVBORw0KGgo=';

/** What signature_pad's `toData()` returns for one stroke through these points. */
function stroke(points: [number, number][]): PointGroup {
  return {
    points: points.map(([x, y], i) => ({ x, y, pressure: 0.5, time: 1_767_000_000_000 + 16 * i })),
    penColor: 'rgb(26, 27, 30)',
    dotSize: 0,
    minWidth: 0.5,
    maxWidth: 2.5,
    velocityFilterWeight: 0.7,
    compositeOperation: 'source-over',
  };
}
const name = stroke(Array.from({ length: 40 }, (_, i) => [20 + 6 * i, 60 + 25 * Math.sin(i / 2)]));
const pad = (strokes: PointGroup[]) => ({ png: PNG, strokes, width: 600, height: 160 });

describe('what the signature pad hands its form', () => {
  it('hands over nothing, and says nothing, while the pad is empty', () => {
    expect(readSignature({ ...pad([]), png: '' })).toEqual({ signature: null, problem: null });
  });

  it('hands over a signature with its picture, strokes and the pad’s size', () => {
    const { signature, problem } = readSignature(pad([name]));
    expect(problem).toBeNull();
    expect(signature).toEqual({ png: PNG, strokes: [name], width: 600, height: 160 });
  });

  it('hands over a copy: strokes the pad goes on changing do not change it', () => {
    const drawn = structuredClone(name);
    const { signature } = readSignature(pad([drawn]));
    drawn.points.push({ x: 999, y: 999, pressure: 0.5, time: 0 });
    expect(signature?.strokes[0]?.points).toHaveLength(40);
  });

  it('refuses a dot, and says why', () => {
    expect(readSignature(pad([stroke([[100, 80]])]))).toEqual({
      signature: null,
      problem: 'too_few_points',
    });
  });

  it('refuses a drawing the pad recorded oddly rather than pass on what the server refuses', () => {
    const odd = structuredClone(name);
    odd.points[3] = { x: 10, y: 10, pressure: 3, time: 0 };
    expect(readSignature(pad([odd]))).toEqual({ signature: null, problem: 'unreadable' });
  });

  it('gives back strokes the pad can draw again', () => {
    const { signature } = readSignature(pad([name]));
    expect(asPointGroups(signature?.strokes ?? [])).toEqual([name]);
  });

  it('has the words for every problem in English and Spanish', () => {
    const problems: PadProblem[] = ['too_few_points', 'too_small', 'unreadable'];
    for (const p of problems) {
      const key = padProblemKey(p).split('.').at(-1) as PadProblem;
      expect(en.signature.problems[key], p).toBeTruthy();
      expect(es.signature.problems[key], p).toBeTruthy();
    }
  });
});
