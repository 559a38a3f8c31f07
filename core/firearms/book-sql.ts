// SQL the book's readers share: which acquisition row is an entry as last corrected, and
// which disposition is a firearm's standing one. One definition, so the views, the search
// and the exports can never disagree about what the book says.

/** True for the row `a` of ledger_acquisitions that is its chain's newest version. */
export const IS_LATEST_VERSION = /* sql */ `a.entry_no = (
  SELECT max(y.entry_no) FROM ledger_acquisitions y
  WHERE coalesce(y.corrects, y.entry_no) = coalesce(a.corrects, a.entry_no))`;

/** The id of `a`'s firearm's committed disposition that no correction voided, or NULL. */
export const STANDING_DISPOSITION_ID = /* sql */ `(
  SELECT x.id FROM ledger_dispositions x
  WHERE x.item_id = a.item_id AND x.state = 'committed' AND x.voided = 0 AND x.corrects IS NULL
    AND NOT EXISTS (SELECT 1 FROM ledger_dispositions v WHERE v.corrects = x.id AND v.voided = 1)
  ORDER BY x.id DESC LIMIT 1)`;
