// The firearms bound book (27 CFR 478.125(e)) and background checks. Committed ledger
// entries and check responses are never changed or removed: SQLite refuses it. A correction
// is a new row that references the original.
export default {
  version: 4,
  name: 'firearms',
  sql: /* sql */ `
-- A firearm the store holds or held. Its status is where it is now (operational state); the
-- regulated record is the ledger below.
CREATE TABLE firearm_items (
  id             INTEGER PRIMARY KEY,
  manufacturer   TEXT NOT NULL,
  importer       TEXT,
  model          TEXT NOT NULL,
  serial         TEXT NOT NULL,
  type           TEXT NOT NULL,
  caliber        TEXT NOT NULL,
  -- Uniqueness ignores case and spacing: "Glock Inc" and "GLOCK  INC" are one maker.
  manufacturer_key TEXT NOT NULL,
  serial_key     TEXT NOT NULL,
  privately_made INTEGER NOT NULL DEFAULT 0 CHECK (privately_made IN (0, 1)),
  status         TEXT NOT NULL CHECK (status IN ('in_stock', 'reserved', 'disposed')),
  hold           TEXT CHECK (hold IN ('held', 'escalated')),
  hold_reason    TEXT,
  created_at     INTEGER NOT NULL
) STRICT;
-- One open item per manufacturer, serial and type (disposed items may repeat: a return).
CREATE UNIQUE INDEX firearm_items_open ON firearm_items (manufacturer_key, serial_key, type)
  WHERE status != 'disposed';
CREATE INDEX firearm_items_serial ON firearm_items (serial_key);

-- Acquisitions: entry numbers are the book's own, in order.
CREATE TABLE ledger_acquisitions (
  entry_no        INTEGER PRIMARY KEY,
  item_id         INTEGER NOT NULL REFERENCES firearm_items (id),
  received_on     TEXT NOT NULL,
  source_name     TEXT NOT NULL,
  source_address  TEXT,
  source_ffl      TEXT,
  manufacturer    TEXT NOT NULL,
  importer        TEXT,
  model           TEXT NOT NULL,
  serial          TEXT NOT NULL,
  type            TEXT NOT NULL,
  caliber         TEXT NOT NULL,
  -- Entered together (one distributor invoice).
  batch           TEXT,
  recorded_at     INTEGER NOT NULL,
  recorded_by     TEXT NOT NULL,
  corrects        INTEGER REFERENCES ledger_acquisitions (entry_no),
  correction_reason TEXT,
  CHECK (source_address IS NOT NULL OR source_ffl IS NOT NULL),
  CHECK ((corrects IS NULL) = (correction_reason IS NULL))
) STRICT;
CREATE INDEX ledger_acquisitions_item ON ledger_acquisitions (item_id);
CREATE INDEX ledger_acquisitions_corrects ON ledger_acquisitions (corrects) WHERE corrects IS NOT NULL;
CREATE TRIGGER ledger_acquisitions_no_update BEFORE UPDATE ON ledger_acquisitions
BEGIN SELECT RAISE(ABORT, 'ledger entries are never changed: record a correction'); END;
CREATE TRIGGER ledger_acquisitions_no_delete BEFORE DELETE ON ledger_acquisitions
BEGIN SELECT RAISE(ABORT, 'ledger entries are never removed: record a correction'); END;

-- Background checks and every response, with its time.
CREATE TABLE background_checks (
  id               INTEGER PRIMARY KEY,
  form_4473        TEXT NOT NULL,
  buyer_key        TEXT NOT NULL,
  items            TEXT NOT NULL,
  state            TEXT NOT NULL,
  route            TEXT NOT NULL CHECK (route IN ('federal_nics', 'full_poc', 'partial_poc')),
  buyer_under_21   INTEGER NOT NULL CHECK (buyer_under_21 IN (0, 1)),
  initiated_by     TEXT NOT NULL,
  initiated_at     INTEGER NOT NULL,
  created_on       TEXT NOT NULL
) STRICT;
CREATE TABLE check_events (
  id          INTEGER PRIMARY KEY,
  check_id    INTEGER NOT NULL REFERENCES background_checks (id),
  kind        TEXT NOT NULL CHECK (kind IN ('submit', 'proceed', 'delayed', 'denied', 'cancelled', 'expire', 'override')),
  on_date     TEXT,
  -- The NICS Transaction Number or state number (given with the first answer).
  ntn         TEXT,
  further_investigation INTEGER NOT NULL DEFAULT 0,
  note        TEXT,
  recorded_by TEXT NOT NULL,
  recorded_at INTEGER NOT NULL
) STRICT;
CREATE INDEX check_events_check ON check_events (check_id, id);
CREATE TRIGGER check_events_no_update BEFORE UPDATE ON check_events
BEGIN SELECT RAISE(ABORT, 'check responses are never changed'); END;
CREATE TRIGGER check_events_no_delete BEFORE DELETE ON check_events
BEGIN SELECT RAISE(ABORT, 'check responses are never removed'); END;
CREATE TRIGGER background_checks_no_delete BEFORE DELETE ON background_checks
BEGIN SELECT RAISE(ABORT, 'checks stay on file, denied and not-transferred ones too'); END;
CREATE TRIGGER background_checks_no_update BEFORE UPDATE ON background_checks
BEGIN SELECT RAISE(ABORT, 'a check is never changed: record a new one'); END;

-- Dispositions: pending until the firearm is handed over, then committed for good.
CREATE TABLE ledger_dispositions (
  id               INTEGER PRIMARY KEY,
  item_id          INTEGER NOT NULL REFERENCES firearm_items (id),
  acquisition_entry INTEGER NOT NULL REFERENCES ledger_acquisitions (entry_no),
  kind             TEXT NOT NULL CHECK (kind IN ('non_licensee', 'licensee', 'theft_loss', 'destroyed', 'returned_to_source', 'law_enforcement', 'loan_out', 'exempt')),
  disposed_on      TEXT,
  transferee_name  TEXT,
  transferee_address TEXT,
  transferee_ffl   TEXT,
  form_4473        TEXT,
  atf_incident     TEXT,
  buyer_key        TEXT,
  check_id         INTEGER REFERENCES background_checks (id),
  state            TEXT NOT NULL CHECK (state IN ('pending', 'committed', 'cancelled')),
  -- A correction that voids a committed disposition ("undispose") or restates it.
  voided           INTEGER NOT NULL DEFAULT 0 CHECK (voided IN (0, 1)),
  corrects         INTEGER REFERENCES ledger_dispositions (id),
  correction_reason TEXT,
  multiple_sale    INTEGER NOT NULL DEFAULT 0 CHECK (multiple_sale IN (0, 1)),
  created_at       INTEGER NOT NULL,
  created_by       TEXT NOT NULL,
  committed_at     INTEGER,
  committed_by     TEXT
) STRICT;
CREATE INDEX ledger_dispositions_item ON ledger_dispositions (item_id, id);
CREATE INDEX ledger_dispositions_buyer ON ledger_dispositions (buyer_key, disposed_on) WHERE buyer_key IS NOT NULL;
-- Pending rows may be committed or cancelled, once; committed rows never change.
CREATE TRIGGER ledger_dispositions_no_update BEFORE UPDATE ON ledger_dispositions
WHEN OLD.state != 'pending' OR NEW.state = 'pending'
  OR NEW.item_id != OLD.item_id OR NEW.kind != OLD.kind OR NEW.acquisition_entry != OLD.acquisition_entry
BEGIN SELECT RAISE(ABORT, 'committed dispositions are never changed: record a correction'); END;
CREATE TRIGGER ledger_dispositions_no_delete BEFORE DELETE ON ledger_dispositions
BEGIN SELECT RAISE(ABORT, 'ledger entries are never removed: record a correction'); END;
`,
};
