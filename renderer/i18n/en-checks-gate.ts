// English: A's: the check gate (denial final, dates, overturned denials) (part of en-firearms.ts, under firearms.gate).
export const enChecksGate = {};
