// The bound book as last corrected, kept beside the ledger so it can be read and searched at
// any size: one line per entry with its newest version and its firearm's standing
// disposition, parts of every serial, and every name once. All of it is derived from the
// ledger by triggers in the writing transaction; the ledger itself stays append-only
// (migration 4's triggers are untouched). Each trigger does its whole job itself rather than
// through triggers on the book: SQLite compiles every trigger a statement can reach into that
// statement, each time it is prepared, so entering a firearm stays cheap.

/**
 * The firearm's committed disposition that no correction voided (the newest, should there be
 * two), or NULL while it is in the store. `item` is the SQL for the firearm's id.
 */
const standing = (item: string) => /* sql */ `(
  SELECT x.id FROM ledger_dispositions x
  WHERE x.item_id = ${item} AND x.state = 'committed' AND x.voided = 0 AND x.corrects IS NULL
    AND NOT EXISTS (SELECT 1 FROM ledger_dispositions v WHERE v.corrects = x.id AND v.voided = 1)
  ORDER BY x.id DESC LIMIT 1)`;

/**
 * The parts of a serial key looked up by index, as rows of (part, entry, before) for the book
 * line `entry` with the key `key` (`from` adds tables to read them from): its suffixes of 3
 * characters or more that start at an even position (0, 2, 4, …), each with the character
 * before it ('' at the start). A text of 4 characters or more found anywhere in the key starts
 * one of them, or starts one without its first character, which is then the one before: two
 * ranges of an index, at half the writes of every suffix. Upper case (ASCII), as LIKE compares.
 */
const serialParts = (key: string, entry: string, from = '') => /* sql */ `
  SELECT upper(substr(${key}, 2 * p.key + 1)), ${entry}, upper(substr(${key}, 2 * p.key, 1))
  FROM ${from}json_each('[' || substr(replace(hex(zeroblob((length(${key}) - 1) / 2)), '00', ',0'), 2) || ']') p`;

/** Adds the names a one-column SELECT (`AS name`) yields to ledger_names, those not there. */
const addNames = (select: string) => /* sql */ `
  INSERT INTO ledger_names (name)
  SELECT DISTINCT v.name FROM (${select}) v
  WHERE v.name IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ledger_names n WHERE n.name = v.name);`;

/**
 * The book lines (alias `b`) of the firearms in `items` (an SQL list), found through their
 * acquisitions' index (one index fewer to write on every entry).
 */
const linesOf = (items: string) => /* sql */ `b.entry IN (
    SELECT coalesce(corrects, entry_no) FROM ledger_acquisitions WHERE item_id IN ${items})
  AND b.item_id IN ${items}`;

/**
 * The book lines `where` selects (alias `b`) show their firearm's standing disposition: only the
 * lines where it changed.
 */
const restand = (where: string) => /* sql */ `
  ${addNames(`SELECT d.transferee_name AS name FROM ledger_book b
     JOIN ledger_dispositions d ON d.id = ${standing('b.item_id')} WHERE ${where}`)}
  UPDATE ledger_book AS t SET
    disposition = s.id,
    disposed_on = d.disposed_on,
    transferee_name = d.transferee_name,
    transferee_name_id = n.id
  FROM (SELECT b.entry, ${standing('b.item_id')} AS id FROM ledger_book b WHERE ${where}) s
    LEFT JOIN ledger_dispositions d ON d.id = s.id
    LEFT JOIN ledger_names n ON n.name = d.transferee_name
  WHERE t.entry = s.entry AND t.disposition IS NOT s.id;`;

/** The book lines `where` selects (alias `b`) carry their firearm's serial key, and its parts. */
const reserial = (where: string) => /* sql */ `
  DELETE FROM ledger_serial_parts WHERE (part, entry, before) IN (
    ${serialParts('b.serial_key', 'b.entry', 'ledger_book b JOIN firearm_items i ON i.id = b.item_id, ')}
    WHERE ${where} AND i.serial_key IS NOT b.serial_key);
  INSERT INTO ledger_serial_parts (part, entry, before)
    ${serialParts('i.serial_key', 'b.entry', 'ledger_book b JOIN firearm_items i ON i.id = b.item_id, ')}
    WHERE ${where} AND i.serial_key IS NOT b.serial_key;
  UPDATE ledger_book AS b SET serial_key = i.serial_key FROM firearm_items i
  WHERE i.id = b.item_id AND ${where} AND i.serial_key IS NOT b.serial_key;`;

/** The book's stored columns, in the order the fill and the triggers write them. */
const BOOK_COLUMNS = /* sql */ `entry, latest, item_id, disposition,
  received_on, source_name, manufacturer, model, serial, type, caliber,
  disposed_on, transferee_name, serial_key, source_name_id, transferee_name_id`;

/**
 * Fills the names, the book and the serial parts from the ledger as it stands: run once by the
 * migration, and by the bench after a bulk seed with the triggers set aside. Expects them empty.
 */
export const FILL_BOOK_SQL = /* sql */ `
INSERT INTO ledger_names (name)
SELECT source_name FROM ledger_acquisitions
UNION SELECT transferee_name FROM ledger_dispositions WHERE transferee_name IS NOT NULL;
INSERT INTO ledger_names_search (ledger_names_search) VALUES ('rebuild');

INSERT INTO ledger_book (${BOOK_COLUMNS})
WITH chain AS (
  SELECT coalesce(corrects, entry_no) AS entry, max(entry_no) AS latest
  FROM ledger_acquisitions GROUP BY coalesce(corrects, entry_no)
), latest AS MATERIALIZED (
  SELECT chain.entry, a.*, ${standing('a.item_id')} AS disposition
  FROM chain CROSS JOIN ledger_acquisitions a ON a.entry_no = chain.latest
)
SELECT l.entry, l.entry_no, l.item_id, l.disposition,
       l.received_on, l.source_name, l.manufacturer, l.model, l.serial, l.type, l.caliber,
       d.disposed_on, d.transferee_name, i.serial_key,
       (SELECT id FROM ledger_names WHERE name = l.source_name),
       (SELECT id FROM ledger_names WHERE name = d.transferee_name)
FROM latest l
CROSS JOIN firearm_items i ON i.id = l.item_id
LEFT JOIN ledger_dispositions d ON d.id = l.disposition
ORDER BY l.entry;

INSERT INTO ledger_serial_parts (part, entry, before)
${serialParts('b.serial_key', 'b.entry', 'ledger_book b, ')}
ORDER BY 1, 2;
`;

export default {
  version: 5,
  name: 'firearms_search',
  sql: /* sql */ `
-- Which voided correction a disposition has, if any (the standing disposition asks per row).
CREATE INDEX ledger_dispositions_corrects ON ledger_dispositions (corrects) WHERE corrects IS NOT NULL;

-- Every source and transferee name in the book, once, and a trigram index of them: "any part
-- of a name" is looked up among the names (repeat customers, a few distributors), not the
-- book's million lines.
CREATE TABLE ledger_names (
  id    INTEGER PRIMARY KEY,
  name  TEXT NOT NULL UNIQUE
) STRICT;
CREATE VIRTUAL TABLE ledger_names_search USING fts5 (
  name, content = 'ledger_names', content_rowid = 'id', tokenize = 'trigram'
);

-- The book as last corrected: derived, never edited by hand. One line per entry (the entry
-- number is coalesce(corrects, entry_no) of its versions) with its newest version and its
-- firearm's standing disposition, as the book shows them, and what it is found and sorted by.
CREATE TABLE ledger_book (
  entry        INTEGER PRIMARY KEY,
  latest       INTEGER NOT NULL,
  item_id      INTEGER NOT NULL,
  disposition  INTEGER,
  -- The newest version's (ledger_acquisitions).
  received_on  TEXT NOT NULL,
  source_name  TEXT NOT NULL,
  manufacturer TEXT NOT NULL,
  model        TEXT NOT NULL,
  serial       TEXT NOT NULL,
  type         TEXT NOT NULL,
  caliber      TEXT NOT NULL,
  -- The standing disposition's (ledger_dispositions), NULL while the firearm is in the store.
  disposed_on     TEXT,
  transferee_name TEXT,
  -- The firearm's (firearm_items), and the names' (ledger_names).
  serial_key         TEXT NOT NULL,
  source_name_id     INTEGER NOT NULL,
  transferee_name_id INTEGER,
  -- The book sorts by date and by name (ignoring case), the disposition's if any.
  sort_date TEXT GENERATED ALWAYS AS (coalesce(disposed_on, received_on)) VIRTUAL,
  sort_name TEXT COLLATE NOCASE GENERATED ALWAYS AS (coalesce(transferee_name, source_name)) VIRTUAL
) STRICT;

-- Parts of every book line's serial key, each with the character before it (see serialParts).
CREATE TABLE ledger_serial_parts (
  part    TEXT NOT NULL,
  entry   INTEGER NOT NULL,
  before  TEXT NOT NULL,
  PRIMARY KEY (part, entry)
) STRICT, WITHOUT ROWID;

${FILL_BOOK_SQL}

CREATE INDEX ledger_book_by_source ON ledger_book (source_name_id);
CREATE INDEX ledger_book_by_transferee ON ledger_book (transferee_name_id) WHERE transferee_name_id IS NOT NULL;
CREATE INDEX ledger_book_by_date ON ledger_book (sort_date, latest);
CREATE INDEX ledger_book_by_name ON ledger_book (sort_name, latest);

CREATE TRIGGER ledger_names_indexed AFTER INSERT ON ledger_names
BEGIN
  INSERT INTO ledger_names_search (rowid, name) VALUES (NEW.id, NEW.name);
END;

-- The book follows a firearm through its entry's corrections, so a correction is of the same
-- firearm (FirearmsLedger.correctAcquisition corrects the firearm's description in place).
CREATE TRIGGER ledger_acquisitions_same_firearm BEFORE INSERT ON ledger_acquisitions
WHEN NEW.corrects IS NOT NULL
  AND NEW.item_id IS NOT (SELECT item_id FROM ledger_acquisitions WHERE entry_no = NEW.corrects)
BEGIN SELECT RAISE(ABORT, 'a correction is of the same firearm as the entry it corrects'); END;

-- A new entry (with its serial's parts), or a correction: the entry now reads as its newest
-- version. A new entry's firearm is in the store, unless an entry of it was disposed of.
CREATE TRIGGER ledger_acquisitions_to_book AFTER INSERT ON ledger_acquisitions
BEGIN
  ${addNames('SELECT NEW.source_name AS name')}
  INSERT INTO ledger_serial_parts (part, entry, before)
    ${serialParts('i.serial_key', 'coalesce(NEW.corrects, NEW.entry_no)', 'firearm_items i, ')}
    WHERE i.id = NEW.item_id
      AND NOT EXISTS (SELECT 1 FROM ledger_book WHERE entry = coalesce(NEW.corrects, NEW.entry_no));
  INSERT INTO ledger_book (${BOOK_COLUMNS})
  SELECT coalesce(NEW.corrects, NEW.entry_no), NEW.entry_no, NEW.item_id, d.id,
         NEW.received_on, NEW.source_name, NEW.manufacturer, NEW.model, NEW.serial, NEW.type, NEW.caliber,
         d.disposed_on, d.transferee_name, i.serial_key, n.id, t.id
  FROM firearm_items i
    JOIN ledger_names n ON n.name = NEW.source_name
    LEFT JOIN ledger_dispositions d ON d.id = ${standing('NEW.item_id')}
    LEFT JOIN ledger_names t ON t.name = d.transferee_name
  WHERE i.id = NEW.item_id
    AND NOT EXISTS (SELECT 1 FROM ledger_book WHERE entry = coalesce(NEW.corrects, NEW.entry_no));
  UPDATE ledger_book AS b SET
    latest = NEW.entry_no,
    received_on = NEW.received_on,
    source_name = NEW.source_name,
    manufacturer = NEW.manufacturer,
    model = NEW.model,
    serial = NEW.serial,
    type = NEW.type,
    caliber = NEW.caliber,
    source_name_id = (SELECT id FROM ledger_names WHERE name = NEW.source_name)
  WHERE b.entry = coalesce(NEW.corrects, NEW.entry_no) AND b.latest < NEW.entry_no;
END;

-- Only committed dispositions and voiding corrections change what stands.
CREATE TRIGGER ledger_dispositions_to_book AFTER INSERT ON ledger_dispositions
WHEN NEW.state = 'committed' OR NEW.voided = 1
BEGIN
  ${restand(linesOf('(NEW.item_id, (SELECT item_id FROM ledger_dispositions WHERE id = NEW.corrects))'))}
END;
CREATE TRIGGER ledger_dispositions_update_to_book AFTER UPDATE ON ledger_dispositions
BEGIN
  ${restand(linesOf('(NEW.item_id, (SELECT item_id FROM ledger_dispositions WHERE id = NEW.corrects))'))}
END;

-- A corrected serial is searched as corrected.
CREATE TRIGGER firearm_items_serial_corrected AFTER UPDATE OF serial_key ON firearm_items
WHEN NEW.serial_key IS NOT OLD.serial_key
BEGIN
  ${reserial(linesOf('(NEW.id)'))}
END;
`,
};
