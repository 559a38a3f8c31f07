// English: E's: flag corrections, multiple-sale deadlines and filings (part of en-firearms.ts, under firearms.compliance).
export const enCompliance = {};
