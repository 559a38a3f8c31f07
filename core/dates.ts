// Dates on regulated records (receipt, hand-over, check contact and answers, permits, filings,
// markings): one rule for every procedure. A record states what happened, so its date is a
// real calendar day, not after the store's today and not before 1900 (a mistyped year, not a
// record). Readers take whatever is stored: a date they cannot use is skipped and flagged,
// never a failed screen.
import { isoDateSchema, type IsoDate } from './checks/calendar.ts';

/** No record the store keeps is dated before this (and no later date is too far to count with). */
export const EARLIEST_RECORD_DATE = '1900-01-01';
export const LATEST_USABLE_DATE = '2999-12-31';

/**
 * The static part, for API input: a day that exists, from 1900 on. Whether it is after the
 * store's today is decided by each service with the store's clock (its `future_date` refusal).
 */
export const recordDateSchema = isoDateSchema
  .refine((d) => d >= EARLIEST_RECORD_DATE, 'A date on a record is 1900 or later: check the year.')
  .refine((d) => d <= LATEST_USABLE_DATE, 'That date is too far ahead: check the year.');

/**
 * Whether a stored date can be counted with (deadlines, business days): a real day between
 * 1900 and 2999. Rows from before this rule, or written around it, may hold anything.
 */
export function usableStoredDate(d: unknown): d is IsoDate {
  return (
    typeof d === 'string' &&
    isoDateSchema.safeParse(d).success &&
    d >= EARLIEST_RECORD_DATE &&
    d <= LATEST_USABLE_DATE
  );
}
