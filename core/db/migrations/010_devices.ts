// The store's devices, their health, and the print queue. A device taken out of use is
// retired, not deleted: its print jobs keep pointing at it. A print job is queued once per
// idempotency key (the same receipt is never queued twice) and printed in order per device.
export default {
  version: 10,
  name: 'devices',
  sql: /* sql */ `
CREATE TABLE devices (
  id          INTEGER PRIMARY KEY,
  kind        TEXT NOT NULL,
  name        TEXT NOT NULL,
  config      TEXT NOT NULL,
  retired_at  INTEGER,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX devices_name ON devices (name) WHERE retired_at IS NULL;

CREATE TABLE device_health (
  device_id     INTEGER PRIMARY KEY REFERENCES devices (id),
  connected     INTEGER NOT NULL CHECK (connected IN (0, 1)),
  checked_at    INTEGER NOT NULL,
  last_seen_at  INTEGER,
  last_error    TEXT,
  last_error_at INTEGER
) STRICT;

CREATE TABLE print_jobs (
  id              INTEGER PRIMARY KEY,
  device_id       INTEGER NOT NULL REFERENCES devices (id),
  kind            TEXT NOT NULL CHECK (kind IN ('receipt', 'label', 'test_page')),
  idempotency_key TEXT NOT NULL UNIQUE,
  document        TEXT NOT NULL,
  copies          INTEGER NOT NULL DEFAULT 1 CHECK (copies BETWEEN 1 AND 100),
  reprint_of      INTEGER REFERENCES print_jobs (id),
  -- held = waiting for the printer (offline, out of paper) or for someone to decide.
  state           TEXT NOT NULL CHECK (state IN ('queued', 'printing', 'printed', 'held', 'cancelled')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_try_at     INTEGER NOT NULL,
  error_code      TEXT,
  error           TEXT,
  requested_by    TEXT NOT NULL,
  created_at      INTEGER NOT NULL,
  printed_at      INTEGER,
  cancelled_by    TEXT,
  cancelled_at    INTEGER
) STRICT;
CREATE INDEX print_jobs_waiting ON print_jobs (device_id, id) WHERE state IN ('queued', 'printing', 'held');
CREATE INDEX print_jobs_by_device ON print_jobs (device_id, id DESC);
`,
};
