// English: C's: disposition kinds, dates, corrections (part of en-firearms.ts, under firearms.disposal).
export const enDisposal = {};
