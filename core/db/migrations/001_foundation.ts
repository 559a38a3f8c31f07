// Foundation: store settings, users, the hash-chained audit log, backup history.
// Regulated tables refuse UPDATE and DELETE in SQLite itself, not just in our code.
export default {
  version: 1,
  name: 'foundation',
  sql: /* sql */ `
CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE users (
  id                    INTEGER PRIMARY KEY,
  username              TEXT NOT NULL UNIQUE COLLATE NOCASE,
  display_name          TEXT NOT NULL,
  role                  TEXT NOT NULL,
  password_hash         TEXT NOT NULL,
  pin_hash              TEXT,
  disabled              INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
  must_change_password  INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1)),
  failed_logins         INTEGER NOT NULL DEFAULT 0,
  locked_until          INTEGER,
  created_at            TEXT NOT NULL,
  updated_at            TEXT NOT NULL
) STRICT;

CREATE TABLE audit_log (
  seq           INTEGER PRIMARY KEY,
  time          TEXT NOT NULL,
  actor         TEXT NOT NULL,
  action        TEXT NOT NULL,
  entity        TEXT NOT NULL,
  entity_id     TEXT,
  payload_hash  TEXT NOT NULL,
  external_ref  TEXT,
  outcome       TEXT NOT NULL,
  prev_hash     TEXT NOT NULL,
  hash          TEXT NOT NULL
) STRICT;
-- No secondary index on audit_log: each would be one more page written by every audited
-- write. "Who" and "which record" are looked up in audit_lookup, filled a batch at a time
-- (AuditLog.catchUpLookups, every few seconds and before each query). An action filter
-- walks back from the newest entry. Times rise with seq except where the PC's clock was set
-- back; each such entry is listed in audit_time_segments, so a time range is found exactly
-- by a binary search per rising run.
CREATE TABLE audit_lookup (
  kind  TEXT NOT NULL CHECK (kind IN ('actor', 'entity')),
  key   TEXT NOT NULL,
  seq   INTEGER NOT NULL,
  PRIMARY KEY (kind, key, seq)
) WITHOUT ROWID, STRICT;

CREATE TABLE audit_time_segments (
  first_seq  INTEGER PRIMARY KEY
) STRICT;

-- The distinct actors, actions and entities, for the viewer's filter menus (derived data:
-- rebuilt from audit_log at any time, so not part of the chain).
CREATE TABLE audit_facets (
  kind   TEXT NOT NULL CHECK (kind IN ('actor', 'action', 'entity')),
  value  TEXT NOT NULL,
  PRIMARY KEY (kind, value)
) WITHOUT ROWID, STRICT;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: entries cannot be changed'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: entries cannot be deleted'); END;
-- Gapless sequence: the chain is verified seq by seq.
CREATE TRIGGER audit_log_next_seq BEFORE INSERT ON audit_log
WHEN NEW.seq IS NOT (SELECT coalesce(max(seq), 0) + 1 FROM audit_log)
BEGIN SELECT RAISE(ABORT, 'audit_log seq must follow the last entry'); END;

CREATE TABLE backups (
  id           INTEGER PRIMARY KEY,
  started_at   TEXT NOT NULL,
  finished_at  TEXT NOT NULL,
  trigger      TEXT NOT NULL CHECK (trigger IN ('schedule', 'manual')),
  file         TEXT,
  bytes        INTEGER,
  ok           INTEGER NOT NULL CHECK (ok IN (0, 1)),
  message      TEXT NOT NULL
) STRICT;
`,
};
