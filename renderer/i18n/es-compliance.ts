// Español: E's: flag corrections, multiple-sale deadlines and filings (part of es-firearms.ts, under firearms.compliance). Same keys as en-compliance.ts.
import type { enCompliance } from './en-compliance.ts';

export const esCompliance: typeof enCompliance = {};
