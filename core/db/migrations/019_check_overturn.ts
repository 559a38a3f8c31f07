// Background checks, issue 13: the day the Form 4473 was started (contact and response dates
// may not come before it, 27 CFR 478.102), and a new check event: a denial overturned by NICS
// or the state after an appeal, with its reference (18 U.S.C. 922(d); 28 CFR 25.10).
// check_events' kinds are a CHECK constraint, so the table is rebuilt with every row kept, in
// order, with the same ids (no RENAME: it fails on this schema), and its triggers again.
export default {
  version: 19,
  name: 'check_overturn',
  sql: /* sql */ `
ALTER TABLE background_checks ADD COLUMN form_4473_started_on TEXT;
-- The gate looks up a standing denial on a 4473 at every hand-over.
CREATE INDEX background_checks_4473 ON background_checks (form_4473, id);

CREATE TEMP TABLE check_events_before_19 AS SELECT * FROM check_events;
DROP TABLE check_events;
CREATE TABLE check_events (
  id          INTEGER PRIMARY KEY,
  check_id    INTEGER NOT NULL REFERENCES background_checks (id),
  kind        TEXT NOT NULL CHECK (kind IN ('submit', 'proceed', 'delayed', 'denied', 'cancelled', 'expire', 'override', 'overturned')),
  on_date     TEXT,
  -- The NICS Transaction Number or state number (given with the first answer).
  ntn         TEXT,
  further_investigation INTEGER NOT NULL DEFAULT 0,
  note        TEXT,
  recorded_by TEXT NOT NULL,
  recorded_at INTEGER NOT NULL,
  -- An overturned denial: the appeal or NTN reference NICS or the state gave with it.
  reference   TEXT,
  CHECK ((kind = 'overturned') = (reference IS NOT NULL AND on_date IS NOT NULL))
) STRICT;
INSERT INTO check_events (id, check_id, kind, on_date, ntn, further_investigation, note, recorded_by, recorded_at)
  SELECT id, check_id, kind, on_date, ntn, further_investigation, note, recorded_by, recorded_at
  FROM check_events_before_19 ORDER BY id;
DROP TABLE check_events_before_19;
CREATE INDEX check_events_check ON check_events (check_id, id);
CREATE TRIGGER check_events_no_update BEFORE UPDATE ON check_events
BEGIN SELECT RAISE(ABORT, 'check responses are never changed'); END;
CREATE TRIGGER check_events_no_delete BEFORE DELETE ON check_events
BEGIN SELECT RAISE(ABORT, 'check responses are never removed'); END;
`,
};
