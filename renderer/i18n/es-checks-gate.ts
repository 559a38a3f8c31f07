// Español: A's: the check gate (denial final, dates, overturned denials) (part of es-firearms.ts, under firearms.gate). Same keys as en-checks-gate.ts.
import type { enChecksGate } from './en-checks-gate.ts';

export const esChecksGate: typeof enChecksGate = {};
