// A return closes one disposition: the firearm that left on it came back as a new acquisition.
// One row per disposition, so the same sale can never be returned twice.
export default {
  version: 8,
  name: 'firearm_returns',
  sql: /* sql */ `
CREATE TABLE firearm_returns (
  disposition_id INTEGER PRIMARY KEY REFERENCES ledger_dispositions (id),
  returned_item  INTEGER NOT NULL UNIQUE REFERENCES firearm_items (id),
  received_on    TEXT NOT NULL,
  recorded_by    TEXT NOT NULL,
  recorded_at    INTEGER NOT NULL
) STRICT;
CREATE TRIGGER firearm_returns_no_update BEFORE UPDATE ON firearm_returns
BEGIN SELECT RAISE(ABORT, 'a return is never changed'); END;
CREATE TRIGGER firearm_returns_no_delete BEFORE DELETE ON firearm_returns
BEGIN SELECT RAISE(ABORT, 'a return is never removed'); END;
`,
};
