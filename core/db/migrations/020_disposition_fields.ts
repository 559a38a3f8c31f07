// Dispositions record what each kind needs (27 CFR 478.125(e)): the method of destruction, the
// basis of an exempt transfer, the officer who took a firearm for a law-enforcement agency.
// The ledger stays append-only: columns are added (migration 4's triggers are untouched and
// still refuse any change to a committed row), never renamed.
//
// A committed disposition can now be corrected like an acquisition (ATF Ruling 2016-1): a new
// row that references the disposition as first made (`corrects`), with who, when and why. The
// book (ledger_book, migration 5) keeps the standing disposition's id in `disposition` and
// now also the newest correction of it in `disposition_latest`, and shows that version's
// date and transferee; migration 5's two disposition triggers are replaced to keep it so.

/**
 * The firearm's committed disposition that no correction voided, or NULL (as migration 5).
 * `item` is the SQL for the firearm's id.
 */
const standing = (item: string) => /* sql */ `(
  SELECT x.id FROM ledger_dispositions x
  WHERE x.item_id = ${item} AND x.state = 'committed' AND x.voided = 0 AND x.corrects IS NULL
    AND NOT EXISTS (SELECT 1 FROM ledger_dispositions v WHERE v.corrects = x.id AND v.voided = 1)
  ORDER BY x.id DESC LIMIT 1)`;

/** The newest correction (not a void) of the disposition `root`, or NULL when there is none. */
const newest = (root: string) => /* sql */ `(
  SELECT max(c.id) FROM ledger_dispositions c WHERE c.corrects = ${root} AND c.voided = 0)`;

/** The book lines of the firearms in `items` (an SQL list), as migration 5 finds them. */
const linesOf = (items: string) => /* sql */ `b.entry IN (
    SELECT coalesce(corrects, entry_no) FROM ledger_acquisitions WHERE item_id IN ${items})
  AND b.item_id IN ${items}`;

/**
 * The lines `where` selects (alias `b`) show their firearm's standing disposition as last
 * corrected: only the lines where it, or its newest correction, changed.
 */
const restand = (where: string) => /* sql */ `
  INSERT INTO ledger_names (name)
  SELECT DISTINCT d.transferee_name FROM (
      SELECT q.id, ${newest('q.id')} AS latest
      FROM (SELECT ${standing('b.item_id')} AS id FROM ledger_book b WHERE ${where}) q) s
    JOIN ledger_dispositions d ON d.id = coalesce(s.latest, s.id)
  WHERE d.transferee_name IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM ledger_names n WHERE n.name = d.transferee_name);
  UPDATE ledger_book AS t SET
    disposition = s.id,
    disposition_latest = s.latest,
    disposed_on = d.disposed_on,
    transferee_name = d.transferee_name,
    transferee_name_id = n.id
  FROM (
      SELECT q.entry, q.id, ${newest('q.id')} AS latest
      FROM (SELECT b.entry, ${standing('b.item_id')} AS id FROM ledger_book b WHERE ${where}) q) s
    LEFT JOIN ledger_dispositions d ON d.id = coalesce(s.latest, s.id)
    LEFT JOIN ledger_names n ON n.name = d.transferee_name
  WHERE t.entry = s.entry AND (t.disposition IS NOT s.id OR t.disposition_latest IS NOT s.latest);`;

const bothFirearms = linesOf(
  '(NEW.item_id, (SELECT item_id FROM ledger_dispositions WHERE id = NEW.corrects))',
);

export default {
  version: 20,
  name: 'disposition_fields',
  sql: /* sql */ `
ALTER TABLE ledger_dispositions ADD COLUMN destruction_method TEXT;
ALTER TABLE ledger_dispositions ADD COLUMN exemption_basis TEXT;
ALTER TABLE ledger_dispositions ADD COLUMN officer_name TEXT;
ALTER TABLE ledger_dispositions ADD COLUMN officer_badge TEXT;

-- The newest correction of the line's standing disposition (NULL: none, read \`disposition\`).
ALTER TABLE ledger_book ADD COLUMN disposition_latest INTEGER;

DROP TRIGGER ledger_dispositions_to_book;
DROP TRIGGER ledger_dispositions_update_to_book;

-- Committed dispositions, their corrections and voids change what stands (as migration 5).
CREATE TRIGGER ledger_dispositions_to_book AFTER INSERT ON ledger_dispositions
WHEN NEW.state = 'committed' OR NEW.voided = 1
BEGIN
  ${restand(bothFirearms)}
END;
CREATE TRIGGER ledger_dispositions_update_to_book AFTER UPDATE ON ledger_dispositions
BEGIN
  ${restand(bothFirearms)}
END;

-- A book already written: lines whose standing disposition was corrected read as corrected.
${restand('b.disposition IS NOT NULL')}
`,
};
