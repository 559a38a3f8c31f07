// A signature captured on screen (a buyer on a hand-over, a customer at pickup): the pen
// strokes as the signature_pad library records them, the picture drawn from them, and the rule
// that a dot or a tick is not a signature. Pure zod: the renderer's pad checks with it as the
// person signs, and the store server re-checks what it is sent.
import { z } from 'zod';

/** Limits that keep a stored signature small (a real one is a few hundred points). */
export const MAX_STROKES = 200;
export const MAX_POINTS_PER_STROKE = 2_000;
/** The picture as a data URL; a pad 1000 px wide at 3x pixel density stays well under this. */
export const MAX_PNG_CHARS = 2_000_000;

/** One sample of the pen: canvas position in CSS pixels, pressure 0–1, epoch milliseconds. */
export const signaturePointSchema = z
  .object({
    x: z.number(),
    y: z.number(),
    pressure: z.number().min(0).max(1),
    time: z.number().nonnegative(),
  })
  .strict();
export type SignaturePoint = z.infer<typeof signaturePointSchema>;

/** One stroke (pen down to pen up): signature_pad's `PointGroup`, with how it was drawn. */
export const signatureStrokeSchema = z
  .object({
    points: z.array(signaturePointSchema).min(1).max(MAX_POINTS_PER_STROKE),
    penColor: z.string().trim().min(1).max(64),
    dotSize: z.number().min(0).max(50),
    minWidth: z.number().min(0).max(50),
    maxWidth: z.number().min(0).max(50),
    velocityFilterWeight: z.number().min(0).max(1),
    compositeOperation: z.enum(['source-over', 'destination-out']),
  })
  .strict();
export type SignatureStroke = z.infer<typeof signatureStrokeSchema>;

/** The strokes' shape only (a partial drawing passes; `signatureSchema` also refuses a dot). */
export const signatureStrokesSchema = z.array(signatureStrokeSchema).max(MAX_STROKES);

/**
 * What makes a mark a signature rather than a dot or a stray tick, in the pad's CSS pixels:
 * enough samples of the pen, spread over a box at least this wide and tall.
 */
export const signatureRules = { minPoints: 10, minWidth: 40, minHeight: 10 } as const;
export type SignatureRules = { [K in keyof typeof signatureRules]: number };

export type SignatureProblemCode = 'empty' | 'too_few_points' | 'too_small';
export interface SignatureProblem {
  code: SignatureProblemCode;
  message: string;
}

/** The box the strokes cover, or null when nothing is drawn. */
export function signatureBounds(
  strokes: readonly { points: readonly { x: number; y: number }[] }[],
): { left: number; top: number; width: number; height: number } | null {
  let left = Infinity;
  let top = Infinity;
  let right = -Infinity;
  let bottom = -Infinity;
  for (const stroke of strokes)
    for (const p of stroke.points) {
      left = Math.min(left, p.x);
      right = Math.max(right, p.x);
      top = Math.min(top, p.y);
      bottom = Math.max(bottom, p.y);
    }
  return left === Infinity ? null : { left, top, width: right - left, height: bottom - top };
}

/** Why these strokes are not a signature, or null when they are one. */
export function signatureProblem(
  strokes: readonly { points: readonly { x: number; y: number }[] }[],
  rules: SignatureRules = signatureRules,
): SignatureProblem | null {
  const bounds = signatureBounds(strokes);
  if (!bounds) return { code: 'empty', message: 'Sign in the box: nothing is drawn yet.' };
  const points = strokes.reduce((n, s) => n + s.points.length, 0);
  if (points < rules.minPoints)
    return {
      code: 'too_few_points',
      message: 'That is a dot or a tick, not a signature. Clear it and sign your name.',
    };
  if (bounds.width < rules.minWidth || bounds.height < rules.minHeight)
    return {
      code: 'too_small',
      message: 'The signature is too small to stand for a name. Clear it and sign across the box.',
    };
  return null;
}

const PNG_DATA_URL = /^data:image\/png;base64,[A-Za-z0-9+/]+={0,2}$/;

/**
 * A captured signature: the picture (a PNG data URL at the screen's pixel density), the
 * strokes it was drawn from (so it can be redrawn or checked again), and the pad's size in
 * CSS pixels, the space the strokes' coordinates are in.
 */
export const signatureSchema = z
  .object({
    png: z
      .string()
      .max(MAX_PNG_CHARS, 'The signature picture is too large.')
      .regex(PNG_DATA_URL, 'The signature picture is not a PNG image.'),
    strokes: signatureStrokesSchema,
    width: z.number().positive().max(10_000),
    height: z.number().positive().max(10_000),
  })
  .strict()
  .superRefine((s, ctx) => {
    const problem = signatureProblem(s.strokes);
    if (problem) ctx.addIssue({ code: 'custom', path: ['strokes'], message: problem.message });
  });
export type Signature = z.infer<typeof signatureSchema>;
