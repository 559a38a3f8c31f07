// The bound book's remaining rules: 3310.4/3310.12 filings, permit exemptions, the store's
// serial format rules, privately made firearm markings, and the daily book export's runs.
// Filings, permits and markings are regulated records: never changed or removed.
export default {
  version: 6,
  name: 'firearms_rules',
  sql: /* sql */ `
-- What 3310.12 needs to know of a rifle (semi-automatic, takes a detachable magazine).
ALTER TABLE firearm_items ADD COLUMN semi_auto_detachable INTEGER NOT NULL DEFAULT 0
  CHECK (semi_auto_detachable IN (0, 1));
-- The 3310.12 flag on a disposition (3310.4 is ledger_dispositions.multiple_sale).
CREATE TABLE multiple_sale_flags (
  disposition_id INTEGER PRIMARY KEY REFERENCES ledger_dispositions (id),
  form           TEXT NOT NULL CHECK (form IN ('3310.4', '3310.12')),
  buyer_key      TEXT NOT NULL,
  flagged_on     TEXT NOT NULL,
  -- The other dispositions in the window that together make the report.
  related        TEXT NOT NULL
) STRICT;
CREATE TABLE multiple_sale_filings (
  disposition_id INTEGER PRIMARY KEY REFERENCES ledger_dispositions (id),
  filed_on       TEXT NOT NULL,
  note           TEXT,
  filed_by       TEXT NOT NULL,
  filed_at       INTEGER NOT NULL
) STRICT;
CREATE TRIGGER multiple_sale_flags_no_change BEFORE UPDATE ON multiple_sale_flags
BEGIN SELECT RAISE(ABORT, 'multiple-sale flags are never changed'); END;
CREATE TRIGGER multiple_sale_flags_no_delete BEFORE DELETE ON multiple_sale_flags
BEGIN SELECT RAISE(ABORT, 'multiple-sale flags are never removed'); END;
CREATE TRIGGER multiple_sale_filings_no_change BEFORE UPDATE ON multiple_sale_filings
BEGIN SELECT RAISE(ABORT, 'a filing is never changed'); END;
CREATE TRIGGER multiple_sale_filings_no_delete BEFORE DELETE ON multiple_sale_filings
BEGIN SELECT RAISE(ABORT, 'a filing is never removed'); END;

-- A state permit that stands in for a NICS check (ATF Brady permit chart), per 4473.
CREATE TABLE transfer_permits (
  id            INTEGER PRIMARY KEY,
  form_4473     TEXT NOT NULL,
  buyer_key     TEXT NOT NULL,
  state         TEXT NOT NULL,
  permit_type   TEXT NOT NULL,
  permit_number TEXT NOT NULL,
  issued_on     TEXT NOT NULL,
  recorded_by   TEXT NOT NULL,
  recorded_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX transfer_permits_4473 ON transfer_permits (form_4473, id);
CREATE TRIGGER transfer_permits_no_update BEFORE UPDATE ON transfer_permits
BEGIN SELECT RAISE(ABORT, 'a recorded permit is never changed: record it again'); END;
CREATE TRIGGER transfer_permits_no_delete BEFORE DELETE ON transfer_permits
BEGIN SELECT RAISE(ABORT, 'a recorded permit is never removed'); END;

-- The store's serial format rules, per manufacturer (and type): warn or block. Retired,
-- never deleted, so an old warning can be explained.
CREATE TABLE serial_format_rules (
  id               INTEGER PRIMARY KEY,
  manufacturer_key TEXT NOT NULL,
  type             TEXT,
  pattern          TEXT,
  min_length       INTEGER,
  max_length       INTEGER,
  action           TEXT NOT NULL CHECK (action IN ('warn', 'block')),
  note             TEXT,
  created_by       TEXT NOT NULL,
  created_at       INTEGER NOT NULL,
  retired_by       TEXT,
  retired_at       INTEGER
) STRICT;
CREATE INDEX serial_format_rules_maker ON serial_format_rules (manufacturer_key) WHERE retired_at IS NULL;

-- A privately made firearm's marking: the serial it was marked with, and when.
CREATE TABLE pmf_markings (
  item_id     INTEGER PRIMARY KEY REFERENCES firearm_items (id),
  serial      TEXT NOT NULL UNIQUE,
  marked_on   TEXT NOT NULL,
  recorded_by TEXT NOT NULL,
  recorded_at INTEGER NOT NULL
) STRICT;
CREATE TRIGGER pmf_markings_no_update BEFORE UPDATE ON pmf_markings
BEGIN SELECT RAISE(ABORT, 'a marking is never changed'); END;
CREATE TRIGGER pmf_markings_no_delete BEFORE DELETE ON pmf_markings
BEGIN SELECT RAISE(ABORT, 'a marking is never removed'); END;

-- Book exports (by hand and the daily one): where, how many entries, how it went.
CREATE TABLE book_exports (
  id          INTEGER PRIMARY KEY,
  format      TEXT NOT NULL CHECK (format IN ('csv', 'ascii', 'pdf', 'corrections')),
  trigger     TEXT NOT NULL CHECK (trigger IN ('manual', 'daily')),
  file        TEXT NOT NULL,
  filters     TEXT,
  status      TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed')),
  entries     INTEGER NOT NULL DEFAULT 0,
  error       TEXT,
  started_by  TEXT NOT NULL,
  started_at  INTEGER NOT NULL,
  finished_at INTEGER
) STRICT;
`,
};
