// A message Rx30 keeps refusing would hold every pickup report behind it (the outbox keeps
// order). A manager can set it aside, with why, once it is settled in Rx30 by hand; the
// outbox then goes on. Never changed or removed.
export default {
  version: 18,
  name: 'rx30_set_aside',
  sql: /* sql */ `
CREATE TABLE rx30_set_aside (
  message_id  TEXT PRIMARY KEY REFERENCES rx30_outbox (message_id),
  reason      TEXT NOT NULL,
  set_by      TEXT NOT NULL,
  set_at      INTEGER NOT NULL
) STRICT;
CREATE TRIGGER rx30_set_aside_no_update BEFORE UPDATE ON rx30_set_aside
BEGIN SELECT RAISE(ABORT, 'a set-aside message is never changed'); END;
CREATE TRIGGER rx30_set_aside_no_delete BEFORE DELETE ON rx30_set_aside
BEGIN SELECT RAISE(ABORT, 'a set-aside message is never removed'); END;
`,
};
