// Pickups: what was handed over, to whom, how it was paid, the counseling offer, the
// signature and (for controlled substances) the ID seen. Never changed or deleted: a void
// or a return is a reversal of its own, referencing the pickup.
export default {
  version: 15,
  name: 'pickups',
  sql: /* sql */ `
CREATE TABLE pickups (
  invoice            TEXT PRIMARY KEY,
  sale_key           TEXT NOT NULL UNIQUE,
  patient_id         TEXT NOT NULL REFERENCES patients (patient_id),
  lines              TEXT NOT NULL,
  total              INTEGER NOT NULL,
  fsa_hsa_total      INTEGER NOT NULL,
  payments           TEXT NOT NULL,
  counseling         TEXT NOT NULL CHECK (counseling IN ('accepted', 'declined', 'pharmacist')),
  pharmacist         TEXT,
  signature_id       INTEGER REFERENCES signatures (id),
  hipaa_acknowledged INTEGER NOT NULL CHECK (hipaa_acknowledged IN (0, 1)),
  id_capture         TEXT,
  completed_by       TEXT NOT NULL,
  completed_at       INTEGER NOT NULL
) STRICT;
CREATE INDEX pickups_by_patient ON pickups (patient_id, completed_at);
CREATE TRIGGER pickups_no_update BEFORE UPDATE ON pickups
BEGIN SELECT RAISE(ABORT, 'a pickup is never changed: void or return it'); END;
CREATE TRIGGER pickups_no_delete BEFORE DELETE ON pickups
BEGIN SELECT RAISE(ABORT, 'a pickup is never removed: void or return it'); END;

-- A pharmacist's sign-off of a consultation a prescription required, for one sale.
CREATE TABLE consult_signoffs (
  sale_key    TEXT PRIMARY KEY,
  patient_id  TEXT NOT NULL,
  pharmacist  TEXT NOT NULL,
  note        TEXT,
  signed_at   INTEGER NOT NULL
) STRICT;

CREATE TABLE pickup_reversals (
  id          INTEGER PRIMARY KEY,
  invoice     TEXT NOT NULL REFERENCES pickups (invoice),
  kind        TEXT NOT NULL CHECK (kind IN ('void', 'return')),
  rx_number   TEXT,
  fill_number INTEGER,
  reason      TEXT NOT NULL,
  recorded_by TEXT NOT NULL,
  recorded_at INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX pickup_reversals_once ON pickup_reversals (invoice, coalesce(rx_number, ''), coalesce(fill_number, -1));
CREATE TRIGGER pickup_reversals_no_update BEFORE UPDATE ON pickup_reversals
BEGIN SELECT RAISE(ABORT, 'a reversal is never changed'); END;
CREATE TRIGGER pickup_reversals_no_delete BEFORE DELETE ON pickup_reversals
BEGIN SELECT RAISE(ABORT, 'a reversal is never removed'); END;
`,
};
