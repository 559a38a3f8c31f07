// The pharmacy's ready prescriptions as Rx30 sent them, and every message the relay took in.
// A prescription is one (rx number, fill number): a second READY for it changes nothing, so
// a resent or duplicated message is never applied twice. The inbound log is append-only:
// which message came, when, and what was done with it.
export default {
  version: 12,
  name: 'pharmacy',
  sql: /* sql */ `
CREATE TABLE patients (
  patient_id    TEXT PRIMARY KEY,
  last_name     TEXT NOT NULL,
  first_name    TEXT NOT NULL,
  date_of_birth TEXT NOT NULL,
  -- For the pickup search: two letters of the last and first names, upper case.
  search_key    TEXT NOT NULL,
  updated_at    INTEGER NOT NULL
) STRICT;
CREATE INDEX patients_search ON patients (search_key, date_of_birth);

CREATE TABLE prescriptions (
  rx_number           TEXT NOT NULL,
  fill_number         INTEGER NOT NULL,
  store_id            TEXT NOT NULL,
  patient_id          TEXT NOT NULL REFERENCES patients (patient_id),
  drug                TEXT,
  amount_due          INTEGER NOT NULL,
  taxable             INTEGER NOT NULL CHECK (taxable IN (0, 1)),
  fsa_hsa_eligible    INTEGER NOT NULL,
  hipaa_notice        INTEGER NOT NULL CHECK (hipaa_notice IN (0, 1)),
  counseling_required INTEGER NOT NULL CHECK (counseling_required IN (0, 1)),
  safety_cap_waiver   INTEGER NOT NULL CHECK (safety_cap_waiver IN (0, 1)),
  controlled_schedule TEXT CHECK (controlled_schedule IN ('II', 'III', 'IV', 'V')),
  will_call_bin       TEXT,
  fill_date           TEXT NOT NULL,
  partial_fill        INTEGER NOT NULL CHECK (partial_fill IN (0, 1)),
  status              TEXT NOT NULL CHECK (status IN ('ready', 'sold', 'returned_to_stock', 'cancelled')),
  ready_message       TEXT NOT NULL,
  received_at         INTEGER NOT NULL,
  updated_at          INTEGER NOT NULL,
  PRIMARY KEY (rx_number, fill_number)
) STRICT;
CREATE INDEX prescriptions_by_patient ON prescriptions (patient_id, status);
CREATE INDEX prescriptions_ready ON prescriptions (status, fill_date);

CREATE TABLE rx30_inbound (
  message_id  TEXT PRIMARY KEY,
  type        TEXT NOT NULL,
  rx_number   TEXT,
  fill_number INTEGER,
  outcome     TEXT NOT NULL CHECK (outcome IN ('applied', 'already_had', 'ignored')),
  note        TEXT,
  received_at INTEGER NOT NULL
) STRICT;
CREATE TRIGGER rx30_inbound_no_update BEFORE UPDATE ON rx30_inbound
BEGIN SELECT RAISE(ABORT, 'the inbound log is never changed'); END;
CREATE TRIGGER rx30_inbound_no_delete BEFORE DELETE ON rx30_inbound
BEGIN SELECT RAISE(ABORT, 'the inbound log is never changed'); END;
`,
};
