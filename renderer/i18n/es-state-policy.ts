// Español: D's: the state rules in force and where they come from (part of es-firearms.ts, under firearms.statePolicy). Same keys as en-state-policy.ts.
import type { enStatePolicy } from './en-state-policy.ts';

export const esStatePolicy: typeof enStatePolicy = {};
