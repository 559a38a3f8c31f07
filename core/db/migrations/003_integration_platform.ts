// The rest of the integration platform: the domain-event outbox, per-connection feature
// settings with their delivery watermark, the sync log, versioned mappings, cached reference
// data and partner templates. See core/integrations/.
export default {
  version: 3,
  name: 'integration_platform',
  sql: /* sql */ `
-- Domain events, written in the same transaction as the change they describe (transactional
-- outbox). Never changed or removed: a connection's watermark is an id in this table.
CREATE TABLE domain_events (
  id           INTEGER PRIMARY KEY,
  -- Globally unique (a UUID), so a receiver serving many stores can tell events apart.
  uid          TEXT NOT NULL UNIQUE,
  type         TEXT NOT NULL,
  entity       TEXT,
  entity_id    TEXT,
  payload      TEXT NOT NULL,
  occurred_at  INTEGER NOT NULL
) STRICT;
CREATE TRIGGER domain_events_no_update BEFORE UPDATE ON domain_events
BEGIN SELECT RAISE(ABORT, 'domain events are append-only'); END;
CREATE TRIGGER domain_events_no_delete BEFORE DELETE ON domain_events
BEGIN SELECT RAISE(ABORT, 'domain events are append-only'); END;

-- Per connection and feature: on or off, the trigger chosen for this store, the events it
-- sends, and the last domain event already fanned out (the watermark).
CREATE TABLE connection_features (
  connection_id    INTEGER NOT NULL REFERENCES connections (id),
  feature          TEXT NOT NULL,
  enabled          INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  -- The store switched it on or off itself (a partner template then leaves it alone).
  enabled_chosen   INTEGER NOT NULL DEFAULT 0 CHECK (enabled_chosen IN (0, 1)),
  -- JSON: a trigger replacing the feature's default, and the events chosen (NULL: defaults).
  trigger_override TEXT,
  events           TEXT,
  watermark        INTEGER NOT NULL DEFAULT 0,
  last_run_at      INTEGER,
  PRIMARY KEY (connection_id, feature)
) STRICT;

-- Connection settings beyond the provider's own: delivery limits and the partner template.
ALTER TABLE connections ADD COLUMN max_concurrency INTEGER;
ALTER TABLE connections ADD COLUMN max_per_second INTEGER;
ALTER TABLE connections ADD COLUMN template_code TEXT;
ALTER TABLE connections ADD COLUMN activated_at INTEGER;

ALTER TABLE jobs ADD COLUMN feature TEXT;
-- Workers claim per connection now; the store-wide due index only cost every enqueue a write.
DROP INDEX jobs_due;
CREATE INDEX jobs_due_by_connection ON jobs (connection_id, next_run_at, id) WHERE state IN ('queued', 'failed');

-- The sync log: one row per run, and per-record results when a run was partial or failed.
CREATE TABLE sync_runs (
  id             INTEGER PRIMARY KEY,
  connection_id  INTEGER NOT NULL REFERENCES connections (id),
  feature        TEXT NOT NULL,
  direction      TEXT NOT NULL CHECK (direction IN ('outbound', 'inbound', 'both')),
  trigger        TEXT NOT NULL,
  status         TEXT NOT NULL CHECK (status IN ('success', 'partial', 'failed')),
  pushed         INTEGER NOT NULL DEFAULT 0,
  pulled         INTEGER NOT NULL DEFAULT 0,
  errors         INTEGER NOT NULL DEFAULT 0,
  message        TEXT,
  started_at     INTEGER NOT NULL,
  duration_ms    INTEGER NOT NULL
) STRICT;
CREATE INDEX sync_runs_by_connection ON sync_runs (connection_id, id);
CREATE TABLE sync_run_records (
  run_id   INTEGER NOT NULL REFERENCES sync_runs (id),
  job_id   INTEGER,
  record   TEXT NOT NULL,
  outcome  TEXT NOT NULL CHECK (outcome IN ('success', 'retrying', 'dead', 'paused')),
  message  TEXT
) STRICT;
CREATE INDEX sync_run_records_by_run ON sync_run_records (run_id);

-- Mappings, internal code -> external code per map group. A change is a new row effective from
-- its time (external_code NULL removes the mapping), so history is never rewritten.
CREATE TABLE mappings (
  id             INTEGER PRIMARY KEY,
  connection_id  INTEGER NOT NULL REFERENCES connections (id),
  map_group      TEXT NOT NULL,
  internal_code  TEXT NOT NULL,
  external_code  TEXT,
  effective_at   INTEGER NOT NULL,
  changed_by     TEXT NOT NULL,
  source         TEXT NOT NULL CHECK (source IN ('local', 'template'))
) STRICT;
CREATE INDEX mappings_current ON mappings (connection_id, map_group, internal_code, effective_at, id);
CREATE TRIGGER mappings_no_update BEFORE UPDATE ON mappings
BEGIN SELECT RAISE(ABORT, 'mappings are versioned: add a row instead'); END;
CREATE TRIGGER mappings_no_delete BEFORE DELETE ON mappings
BEGIN SELECT RAISE(ABORT, 'mappings are versioned: add a row instead'); END;

-- Reference data fetched from a provider (chart of accounts, tax codes), with its refresh time.
CREATE TABLE reference_data (
  connection_id  INTEGER NOT NULL REFERENCES connections (id),
  kind           TEXT NOT NULL,
  items          TEXT NOT NULL,
  refreshed_at   INTEGER NOT NULL,
  PRIMARY KEY (connection_id, kind)
) STRICT;

-- Partner templates: default settings, feature choices and mappings for a provider.
CREATE TABLE partner_templates (
  code         TEXT PRIMARY KEY,
  provider     TEXT NOT NULL,
  name         TEXT NOT NULL,
  version      INTEGER NOT NULL,
  body         TEXT NOT NULL,
  received_at  INTEGER NOT NULL
) STRICT;
`,
};
