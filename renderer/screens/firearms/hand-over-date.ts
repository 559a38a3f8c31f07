import type { TFunction } from 'i18next';

/**
 * What is wrong with the day a firearm left the store, as the clerk types it, or undefined:
 * it is required, and never after the store's today (27 CFR 478.125(e) dates the disposition
 * by the hand-over; the server refuses a day still to come).
 */
export function handOverDateProblem(t: TFunction, on: string, today: string): string | undefined {
  if (!on) return t('firearms.disposal.dateRequired');
  if (on > today) return t('firearms.disposal.dateFuture', { today });
  return undefined;
}
