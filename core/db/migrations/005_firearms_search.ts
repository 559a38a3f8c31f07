// The bound book as last corrected, kept beside the ledger so it can be read and searched at
// any size: one row per entry with its newest version and its firearm's standing
// disposition, every part of every serial, and every name once. All of it is derived from
// the ledger by triggers in the writing transaction; the ledger itself stays append-only
// (migration 4's triggers are untouched).

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
 * The parts of a serial key worth looking up (every suffix of 3 characters or more), as rows of
 * (part, item) for the firearm `item` with the key `key` (`from` adds tables to read them from).
 * A search for any part of a serial is then a prefix of one of them: one range of an index.
 * Upper case (ASCII) as LIKE compares.
 */
const serialParts = (key: string, item: string, from = '') => /* sql */ `
  SELECT upper(substr(${key}, p.key + 1)), ${item}
  FROM ${from}json_each('[' || substr(replace(hex(zeroblob(length(${key}) - 2)), '00', ',0'), 2) || ']') p`;

/** Adds `name` (SQL, may be NULL) to the names, once. */
const addName = (name: string) => /* sql */ `
  INSERT INTO ledger_names (name) SELECT ${name}
  WHERE ${name} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ledger_names WHERE name = ${name});`;

/**
 * The book rows (alias `b`) of the firearm `item`, found through its acquisitions' index (one
 * index fewer to write on every entry).
 */
const rowsOf = (
  b: string,
  item: string,
) => /* sql */ `${b}.entry IN (SELECT coalesce(corrects, entry_no) FROM ledger_acquisitions WHERE item_id = ${item})
    AND ${b}.item_id = ${item}`;

/** The firearm `item`'s book rows point at its standing disposition (only rows that change). */
const restand = (item: string) => /* sql */ `
  UPDATE ledger_book SET disposition = ${standing('ledger_book.item_id')}
  WHERE ${rowsOf('ledger_book', item)} AND disposition IS NOT ${standing('ledger_book.item_id')};`;

/**
 * What the book row `NEW` shows and is found and sorted by, from its newest version and its
 * disposition. Sets none of latest, item_id, disposition: the trigger that runs it is not
 * fired again.
 */
const derive = /* sql */ `
  ${addName('(SELECT source_name FROM ledger_acquisitions WHERE entry_no = NEW.latest)')}
  ${addName('(SELECT transferee_name FROM ledger_dispositions WHERE id = NEW.disposition)')}
  UPDATE ledger_book SET
    serial_key = (SELECT serial_key FROM firearm_items WHERE id = NEW.item_id),
    source_name_id = (SELECT n.id FROM ledger_acquisitions a JOIN ledger_names n ON n.name = a.source_name
                      WHERE a.entry_no = NEW.latest),
    transferee_name_id = (SELECT n.id FROM ledger_dispositions d JOIN ledger_names n ON n.name = d.transferee_name
                          WHERE d.id = NEW.disposition),
    sort_date = coalesce(
      (SELECT disposed_on FROM ledger_dispositions WHERE id = NEW.disposition),
      (SELECT received_on FROM ledger_acquisitions WHERE entry_no = NEW.latest)),
    sort_name = coalesce(
      (SELECT transferee_name FROM ledger_dispositions WHERE id = NEW.disposition),
      (SELECT source_name FROM ledger_acquisitions WHERE entry_no = NEW.latest))
  WHERE entry = NEW.entry;`;

/**
 * Fills the names, the serial parts and the book from the ledger as it stands: run once by the
 * migration, and by the bench after a bulk seed with the triggers set aside. Expects them empty.
 */
export const FILL_BOOK_SQL = /* sql */ `
INSERT INTO ledger_names (name)
SELECT source_name FROM ledger_acquisitions
UNION SELECT transferee_name FROM ledger_dispositions WHERE transferee_name IS NOT NULL;
INSERT INTO ledger_names_search (ledger_names_search) VALUES ('rebuild');

INSERT INTO ledger_serial_parts (part, item_id)
${serialParts('i.serial_key', 'i.id', 'firearm_items i, ')}
ORDER BY 1, 2;

INSERT INTO ledger_book
  (entry, latest, item_id, disposition, serial_key, source_name_id, transferee_name_id, sort_date, sort_name)
WITH chain AS (
  SELECT coalesce(corrects, entry_no) AS entry, max(entry_no) AS latest
  FROM ledger_acquisitions GROUP BY coalesce(corrects, entry_no)
), latest AS MATERIALIZED (
  SELECT chain.entry, chain.latest, a.item_id, a.received_on, a.source_name,
         ${standing('a.item_id')} AS disposition
  FROM chain CROSS JOIN ledger_acquisitions a ON a.entry_no = chain.latest
)
SELECT l.entry, l.latest, l.item_id, l.disposition, i.serial_key,
       (SELECT id FROM ledger_names WHERE name = l.source_name),
       (SELECT id FROM ledger_names WHERE name = d.transferee_name),
       coalesce(d.disposed_on, l.received_on), coalesce(d.transferee_name, l.source_name)
FROM latest l
CROSS JOIN firearm_items i ON i.id = l.item_id
LEFT JOIN ledger_dispositions d ON d.id = l.disposition
ORDER BY l.entry;
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

-- Every suffix of 3 characters or more of every firearm's serial key (see serialParts).
CREATE TABLE ledger_serial_parts (
  part     TEXT NOT NULL,
  item_id  INTEGER NOT NULL,
  PRIMARY KEY (part, item_id)
) STRICT, WITHOUT ROWID;

-- The book as last corrected: derived, never edited by hand. One row per entry (the entry
-- number is coalesce(corrects, entry_no) of its versions), pointing at its newest version and
-- at its firearm's standing disposition, with what the book is searched and sorted by.
CREATE TABLE ledger_book (
  entry       INTEGER PRIMARY KEY,
  latest      INTEGER NOT NULL,
  item_id     INTEGER NOT NULL,
  disposition INTEGER,
  serial_key  TEXT NOT NULL DEFAULT '',
  source_name_id     INTEGER NOT NULL DEFAULT 0,
  transferee_name_id INTEGER,
  -- coalesce(disposition's date, date of acquisition)
  sort_date   TEXT NOT NULL DEFAULT '',
  -- coalesce(transferee name, source name); the book sorts names ignoring case
  sort_name   TEXT NOT NULL DEFAULT '' COLLATE NOCASE
) STRICT;

${FILL_BOOK_SQL}

CREATE INDEX ledger_book_by_source ON ledger_book (source_name_id);
CREATE INDEX ledger_book_by_transferee ON ledger_book (transferee_name_id) WHERE transferee_name_id IS NOT NULL;
CREATE INDEX ledger_book_by_date ON ledger_book (sort_date, latest);
CREATE INDEX ledger_book_by_name ON ledger_book (sort_name, latest);

CREATE TRIGGER ledger_names_indexed AFTER INSERT ON ledger_names
BEGIN
  INSERT INTO ledger_names_search (rowid, name) VALUES (NEW.id, NEW.name);
END;

CREATE TRIGGER firearm_items_serial_parts AFTER INSERT ON firearm_items
BEGIN
  INSERT INTO ledger_serial_parts (part, item_id) ${serialParts('NEW.serial_key', 'NEW.id')};
END;
-- A corrected serial is searched as corrected.
CREATE TRIGGER firearm_items_serial_corrected AFTER UPDATE OF serial_key ON firearm_items
WHEN NEW.serial_key IS NOT OLD.serial_key
BEGIN
  DELETE FROM ledger_serial_parts WHERE (part, item_id) IN (${serialParts('OLD.serial_key', 'OLD.id')});
  INSERT INTO ledger_serial_parts (part, item_id) ${serialParts('NEW.serial_key', 'NEW.id')};
  UPDATE ledger_book SET serial_key = NEW.serial_key WHERE ${rowsOf('ledger_book', 'NEW.id')};
END;

-- A new entry, or a correction: the entry now reads as its newest version.
CREATE TRIGGER ledger_acquisitions_to_book AFTER INSERT ON ledger_acquisitions
BEGIN
  UPDATE ledger_book SET latest = NEW.entry_no, item_id = NEW.item_id
  WHERE entry = coalesce(NEW.corrects, NEW.entry_no) AND latest < NEW.entry_no;
  INSERT INTO ledger_book (entry, latest, item_id, disposition)
  SELECT coalesce(NEW.corrects, NEW.entry_no), NEW.entry_no, NEW.item_id, ${standing('NEW.item_id')}
  WHERE NOT EXISTS (SELECT 1 FROM ledger_book WHERE entry = coalesce(NEW.corrects, NEW.entry_no));
END;

-- Only committed dispositions and voiding corrections change what stands.
CREATE TRIGGER ledger_dispositions_to_book AFTER INSERT ON ledger_dispositions
WHEN NEW.state = 'committed' OR NEW.voided = 1
BEGIN
  ${restand('NEW.item_id')}
  ${restand('(SELECT item_id FROM ledger_dispositions WHERE id = NEW.corrects)')}
END;
CREATE TRIGGER ledger_dispositions_update_to_book AFTER UPDATE ON ledger_dispositions
BEGIN
  ${restand('NEW.item_id')}
  ${restand('(SELECT item_id FROM ledger_dispositions WHERE id = NEW.corrects)')}
END;

CREATE TRIGGER ledger_book_derived AFTER INSERT ON ledger_book
BEGIN
  ${derive}
END;
CREATE TRIGGER ledger_book_rederived AFTER UPDATE OF latest, item_id, disposition ON ledger_book
BEGIN
  ${derive}
END;
`,
};
