// The signature pad's side of the signature rules. The stroke shape and the "a dot is not a
// signature" rule are core's (core/signatures/model.ts), so the server re-checks exactly what
// the pad checked; here is what the pad hands its form, and the message the signer reads.
import type { PointGroup } from 'signature_pad';
import {
  signatureProblem,
  signatureSchema,
  type Signature,
  type SignatureProblemCode,
  type SignatureStroke,
} from '../../core/signatures/model.ts';

export {
  signatureBounds,
  signatureProblem,
  signatureRules,
  signatureSchema,
  signatureStrokeSchema,
  signatureStrokesSchema,
  type Signature,
  type SignatureProblemCode,
  type SignatureStroke,
} from '../../core/signatures/model.ts';

/** Our stroke shape is signature_pad's: what the pad records can be drawn again with `fromData`. */
export const asPointGroups = (strokes: readonly SignatureStroke[]): PointGroup[] => [...strokes];

/** Why a pad's drawing is not taken: the rule's reasons, or a drawing the pad recorded oddly. */
export type PadProblem = Exclude<SignatureProblemCode, 'empty'> | 'unreadable';

/** The translation key for a problem (under `signature.problems`). */
export const padProblemKey = (problem: PadProblem) => `signature.problems.${problem}` as const;

/**
 * What the pad holds, as its form sees it: a signature (a copy, detached from the pad), or
 * null, with the reason to show. An empty pad has no reason: nothing to correct yet.
 */
export function readSignature(drawn: {
  png: string;
  strokes: readonly PointGroup[];
  width: number;
  height: number;
}): { signature: Signature | null; problem: PadProblem | null } {
  const problem = signatureProblem(drawn.strokes);
  if (problem) return { signature: null, problem: problem.code === 'empty' ? null : problem.code };
  const parsed = signatureSchema.safeParse({
    png: drawn.png,
    strokes: drawn.strokes,
    width: drawn.width,
    height: drawn.height,
  });
  return parsed.success
    ? { signature: parsed.data, problem: null }
    : { signature: null, problem: 'unreadable' };
}
