// Signatures for tests: a 1-pixel PNG, strokes the way signature_pad records them, and a
// scribble that passes as a hurried name.
import type { SignatureStroke } from './model.ts';

export const SAMPLE_PNG =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

/** A stroke the way signature_pad records one (its default pen). */
export function penStroke(points: [number, number][], start = 1_767_000_000_000): SignatureStroke {
  return {
    points: points.map(([x, y], i) => ({ x, y, pressure: 0.5, time: start + i * 16 })),
    penColor: 'rgb(26, 27, 30)',
    dotSize: 0,
    minWidth: 0.5,
    maxWidth: 2.5,
    velocityFilterWeight: 0.7,
    compositeOperation: 'source-over',
  };
}

/** A looping scribble across the pad, like a hurried name: `n` samples over `width` x `height`. */
export function scribble(n = 60, width = 220, height = 50, x0 = 30, y0 = 40): [number, number][] {
  return Array.from({ length: n }, (_, i) => [
    x0 + (width * i) / (n - 1),
    y0 + height / 2 + (height / 2) * Math.sin(i / 2),
  ]);
}
