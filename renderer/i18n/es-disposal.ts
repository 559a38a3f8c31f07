// Español: C's: disposition kinds, dates, corrections (part of es-firearms.ts, under firearms.disposal). Same keys as en-disposal.ts.
import type { enDisposal } from './en-disposal.ts';

export const esDisposal: typeof enDisposal = {};
