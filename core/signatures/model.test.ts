import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_STROKES,
  signatureBounds,
  signatureProblem,
  signatureRules,
  signatureSchema,
  signatureStrokesSchema,
  type SignatureStroke,
} from './model.ts';
import { penStroke, SAMPLE_PNG, scribble } from './testing.ts';

const PNG = SAMPLE_PNG;
const stroke = penStroke;

const signature = (strokes: SignatureStroke[]) => ({ png: PNG, strokes, width: 600, height: 160 });

describe('what counts as a signature', () => {
  it('takes a name signed across the box', () => {
    expect(signatureProblem([stroke(scribble())])).toBeNull();
    expect(signatureSchema.safeParse(signature([stroke(scribble())])).success).toBe(true);
  });

  it('says there is nothing to take when nothing is drawn', () => {
    expect(signatureProblem([])?.code).toBe('empty');
    expect(signatureProblem([{ points: [] }])?.code).toBe('empty');
  });

  it('refuses a dot with a message the signer can act on', () => {
    const problem = signatureProblem([stroke([[100, 80]])]);
    expect(problem).toEqual({
      code: 'too_few_points',
      message: 'That is a dot or a tick, not a signature. Clear it and sign your name.',
    });
  });

  it('refuses a tick or a scribble too small to stand for a name', () => {
    expect(signatureProblem([stroke(scribble(30, 12, 6))])?.code).toBe('too_small');
    // A flat line across the box has the width but not the height.
    expect(signatureProblem([stroke(scribble(30, 300, 2))])?.code).toBe('too_small');
  });

  it('counts the points and the box over all strokes (initials, a dotted i)', () => {
    const zigzag = (x: number): [number, number][] =>
      [0, 6, 12, 18, 24, 30].map((dx, i) => [x + dx, i % 2 ? 30 : 10]);
    const first = stroke(zigzag(10));
    const second = stroke(zigzag(60));
    expect(signatureProblem([first])?.code).toBe('too_few_points');
    expect(signatureProblem([first, second])).toBeNull();
    expect(signatureBounds([first, second])).toEqual({ left: 10, top: 10, width: 80, height: 20 });
  });

  it('lets the caller set stricter rules', () => {
    const s = [stroke(scribble())];
    expect(signatureProblem(s, { ...signatureRules, minPoints: 100 })?.code).toBe('too_few_points');
  });
});

describe('the signature’s shape, as the server re-checks it', () => {
  const good = signature([stroke(scribble())]);

  it('survives a trip through JSON unchanged', () => {
    expect(signatureSchema.parse(JSON.parse(JSON.stringify(good)))).toEqual(good);
  });

  it('refuses a dot sent as a signature, naming the strokes', () => {
    const r = signatureSchema.safeParse(signature([stroke([[5, 5]])]));
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]).toMatchObject({
      path: ['strokes'],
      message: expect.stringContaining('not a signature'),
    });
  });

  it('refuses a picture that is not a PNG data URL', () => {
    for (const png of ['', 'data:image/jpeg;base64,AAAA', 'https://example.com/s.png', `${PNG}"`])
      expect(signatureSchema.safeParse({ ...good, png }).success, png).toBe(false);
  });

  it('refuses points that are not numbers, pressure out of 0–1, and unknown fields', () => {
    const sample = { x: 1, y: 2, pressure: 0.5, time: 0 };
    const bad = (change: (s: SignatureStroke) => unknown) =>
      signatureStrokesSchema.safeParse([change(stroke(scribble()))]).success;
    expect(bad((s) => ({ ...s, points: [{ ...sample, x: Number.NaN }] }))).toBe(false);
    expect(bad((s) => ({ ...s, points: [{ ...sample, y: Infinity }] }))).toBe(false);
    expect(bad((s) => ({ ...s, points: [{ ...sample, pressure: 1.5 }] }))).toBe(false);
    expect(bad((s) => ({ ...s, points: [{ ...sample, extra: 1 }] }))).toBe(false);
    expect(bad((s) => ({ ...s, compositeOperation: 'lighter' }))).toBe(false);
    expect(bad((s) => ({ ...s, points: [] }))).toBe(false);
    expect(bad((s) => ({ ...s, points: [sample] }))).toBe(true);
    expect(bad((s) => s)).toBe(true);
  });

  it('refuses more strokes than a signature has', () => {
    const many = Array.from({ length: MAX_STROKES + 1 }, () => stroke([[1, 1]]));
    expect(signatureStrokesSchema.safeParse(many).success).toBe(false);
  });
});

const point = fc.tuple(
  fc.double({ min: -50, max: 1000, noNaN: true }),
  fc.double({ min: -50, max: 400, noNaN: true }),
);
const strokes = fc.array(
  fc.array(point, { minLength: 1, maxLength: 40 }).map((p) => stroke(p)),
  { maxLength: 8 },
);

describe('the signature rule, for any strokes', () => {
  it('never turns a signature into a non-signature when more is drawn', () => {
    fc.assert(
      fc.property(strokes, strokes, (before, more) => {
        fc.pre(signatureProblem(before) === null);
        expect(signatureProblem([...before, ...more])).toBeNull();
      }),
    );
  });

  it('gives the same verdict wherever on the pad the same drawing is made', () => {
    fc.assert(
      fc.property(strokes, point, (drawn, [dx, dy]) => {
        const moved = drawn.map((s) => ({
          ...s,
          points: s.points.map((p) => ({ ...p, x: p.x + dx, y: p.y + dy })),
        }));
        // Up to rounding on the box's edges.
        const a = signatureProblem(drawn)?.code ?? null;
        const b = signatureProblem(moved)?.code ?? null;
        if (a !== b) {
          const box = signatureBounds(drawn);
          const near = (v: number, min: number) => Math.abs(v - min) < 1e-6;
          expect(
            box !== null &&
              (near(box.width, signatureRules.minWidth) ||
                near(box.height, signatureRules.minHeight)),
          ).toBe(true);
        }
      }),
    );
  });

  it('agrees with its rule: enough points over a big enough box', () => {
    fc.assert(
      fc.property(strokes, (drawn) => {
        const points = drawn.reduce((n, s) => n + s.points.length, 0);
        const box = signatureBounds(drawn);
        const isSignature =
          box !== null &&
          points >= signatureRules.minPoints &&
          box.width >= signatureRules.minWidth &&
          box.height >= signatureRules.minHeight;
        expect(signatureProblem(drawn) === null).toBe(isSignature);
      }),
    );
  });
});
