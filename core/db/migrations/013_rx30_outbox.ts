// What the store tells Rx30 (SOLD, VOID, RETURN), kept until Rx30 ACKs it: sent one at a
// time in the order it was queued, so Rx30 learns of a prescription's pickup before its
// return, and resent after an outage under the same message id (Rx30 applies an id once).
export default {
  version: 13,
  name: 'rx30_outbox',
  sql: /* sql */ `
CREATE TABLE rx30_outbox (
  seq         INTEGER PRIMARY KEY,
  message_id  TEXT NOT NULL UNIQUE,
  type        TEXT NOT NULL CHECK (type IN ('SOLD', 'VOID', 'RETURN', 'PATIENT_QUERY')),
  message     TEXT NOT NULL,
  state       TEXT NOT NULL CHECK (state IN ('queued', 'sent')),
  attempts    INTEGER NOT NULL DEFAULT 0,
  last_error  TEXT,
  queued_at   INTEGER NOT NULL,
  sent_at     INTEGER
) STRICT;
CREATE INDEX rx30_outbox_queued ON rx30_outbox (seq) WHERE state = 'queued';
`,
};
