// Emergency access (break glass, HIPAA 45 CFR 164.312(a)(2)(ii)) kept readable for review:
// the audit log holds only a hash of the reason, so who opened the pharmacy, why, until when
// and how it ended are kept here too. Never changed or deleted; an ending is a row of its own.
export default {
  version: 17,
  name: 'emergency_access',
  sql: /* sql */ `
CREATE TABLE emergency_access (
  id        INTEGER PRIMARY KEY,
  username  TEXT NOT NULL,
  reason    TEXT NOT NULL,
  opened_at INTEGER NOT NULL,
  until     INTEGER NOT NULL
) STRICT;
CREATE TRIGGER emergency_access_no_update BEFORE UPDATE ON emergency_access
BEGIN SELECT RAISE(ABORT, 'an emergency access record is never changed'); END;
CREATE TRIGGER emergency_access_no_delete BEFORE DELETE ON emergency_access
BEGIN SELECT RAISE(ABORT, 'an emergency access record is never removed'); END;

CREATE TABLE emergency_access_ends (
  access_id INTEGER NOT NULL UNIQUE REFERENCES emergency_access (id),
  how       TEXT NOT NULL CHECK (how IN ('ended_by_user', 'signed_out', 'expired')),
  ended_at  INTEGER NOT NULL
) STRICT;
CREATE TRIGGER emergency_access_ends_no_update BEFORE UPDATE ON emergency_access_ends
BEGIN SELECT RAISE(ABORT, 'the end of an emergency access is never changed'); END;
CREATE TRIGGER emergency_access_ends_no_delete BEFORE DELETE ON emergency_access_ends
BEGIN SELECT RAISE(ABORT, 'the end of an emergency access is never removed'); END;
`,
};
