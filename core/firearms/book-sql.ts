// SQL the book's readers share: which acquisition row is an entry as last corrected, and
// which disposition is a firearm's standing one. Both are defined once, by the triggers that
// keep ledger_book (migration 5), one line per entry: the views, the search and the exports
// read that table, so they can never disagree about what the book says, and none of them
// scans the ledger to find out.

/** True for the row `a` of ledger_acquisitions that is its chain's newest version. */
export const IS_LATEST_VERSION = /* sql */ `EXISTS (
  SELECT 1 FROM ledger_book lb WHERE lb.entry = coalesce(a.corrects, a.entry_no) AND lb.latest = a.entry_no)`;

/** The id of `a`'s firearm's committed disposition that no correction voided, or NULL. */
export const STANDING_DISPOSITION_ID = /* sql */ `(
  SELECT lb.disposition FROM ledger_book lb
  WHERE lb.entry = coalesce(a.corrects, a.entry_no) AND lb.item_id = a.item_id)`;

/**
 * The book as last corrected, one row per entry, read in entry order: `b` the ledger_book row
 * (`b.entry` is the entry's number in the book), `a` its newest version, `d` the firearm's
 * standing disposition as last corrected (NULLs while the firearm is in the store; migration
 * 20 keeps its newest correction in `b.disposition_latest`).
 */
export const BOOK_AS_CORRECTED = /* sql */ `ledger_book b
  CROSS JOIN ledger_acquisitions a ON a.entry_no = b.latest
  LEFT JOIN ledger_dispositions d ON d.id = coalesce(b.disposition_latest, b.disposition)`;

/**
 * True for the disposition row `d` that stands as entered: not cancelled, not itself a
 * correction or a void, and not voided by one (ATF Ruling 2016-1: a void is a new row that
 * references it; the row itself never changes).
 */
export const DISPOSITION_NOT_VOIDED = /* sql */ `d.voided = 0 AND d.corrects IS NULL
  AND NOT EXISTS (SELECT 1 FROM ledger_dispositions v WHERE v.corrects = d.id AND v.voided = 1)`;

/**
 * The day disposition `d` left the store as last corrected: a correction may give the true,
 * earlier day (ATF Ruling 2016-1); a void is not a date.
 */
export const HANDED_OVER_ON = /* sql */ `coalesce((SELECT c.disposed_on FROM ledger_dispositions c
  WHERE c.corrects = d.id AND c.voided = 0 AND c.disposed_on IS NOT NULL
  ORDER BY c.id DESC LIMIT 1), d.disposed_on)`;
