// The day a firearm left the store, checked as the clerk types it (27 CFR 478.125(e): the
// disposition is dated by the hand-over, and a day still to come cannot have happened).
import type { TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import { handOverDateProblem } from './hand-over-date.ts';

// The key and its values, so each case names the message it gives.
const t = ((key: string, values?: object) =>
  values ? `${key} ${JSON.stringify(values)}` : key) as unknown as TFunction;

describe('handOverDateProblem', () => {
  it('asks for the date when it is left empty', () => {
    expect(handOverDateProblem(t, '', '2026-05-04')).toBe('firearms.disposal.dateRequired');
  });
  it('refuses a day after the store’s today, naming today (27 CFR 478.125(e))', () => {
    expect(handOverDateProblem(t, '2026-05-05', '2026-05-04')).toBe(
      'firearms.disposal.dateFuture {"today":"2026-05-04"}',
    );
  });
  it('accepts the store’s today and earlier days', () => {
    expect(handOverDateProblem(t, '2026-05-04', '2026-05-04')).toBeUndefined();
    expect(handOverDateProblem(t, '2026-04-27', '2026-05-04')).toBeUndefined();
  });
});
