// English: D's: the state rules in force and where they come from (part of en-firearms.ts, under firearms.statePolicy).
export const enStatePolicy = {};
