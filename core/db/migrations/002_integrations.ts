// The integration platform's tables: per-store (or per-location) connections and the durable
// job queue (the outbox). See core/integrations/.
export default {
  version: 2,
  name: 'integrations',
  sql: /* sql */ `
CREATE TABLE connections (
  id                    INTEGER PRIMARY KEY,
  provider              TEXT NOT NULL,
  -- '' for a store-wide connection; the location code for a per-location provider.
  location              TEXT NOT NULL DEFAULT '',
  state                 TEXT NOT NULL CHECK (state IN ('configuring', 'active', 'paused', 'error', 'disconnected')),
  consecutive_failures  INTEGER NOT NULL DEFAULT 0,
  attention             TEXT,
  escalated             INTEGER NOT NULL DEFAULT 0 CHECK (escalated IN (0, 1)),
  config                TEXT NOT NULL DEFAULT '{}',
  credential_ref        TEXT,
  watermark             TEXT,
  created_at            TEXT NOT NULL,
  updated_at            TEXT NOT NULL,
  UNIQUE (provider, location)
) STRICT;

CREATE TABLE jobs (
  id               INTEGER PRIMARY KEY,
  connection_id    INTEGER NOT NULL REFERENCES connections (id),
  kind             TEXT NOT NULL,
  -- Sent with every outbound request, so a provider applies a job once however often it is tried.
  idempotency_key  TEXT NOT NULL UNIQUE,
  payload          TEXT NOT NULL,
  -- failed = waiting for its next try; dead = in the dead-letter queue.
  state            TEXT NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'dead')),
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_run_at      INTEGER NOT NULL,
  error_class      TEXT,
  error_message    TEXT,
  dismissed_at     INTEGER,
  dismissed_by     TEXT,
  dismiss_reason   TEXT,
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL
) STRICT;
CREATE INDEX jobs_due ON jobs (next_run_at, id) WHERE state IN ('queued', 'failed');
CREATE INDEX jobs_by_connection ON jobs (connection_id, state);
`,
};
