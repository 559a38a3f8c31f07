// The check rules a store records for its state, on top of resources/firearms/nics-policy.json:
// whether a delayed transfer may proceed by default, whether a supervisor may override, and
// which state permits stand in for a check. Each change is a new row with an effective date
// and where the rule comes from; rows are never changed or removed.
export default {
  version: 9,
  name: 'check_state_rules',
  sql: /* sql */ `
CREATE TABLE check_state_rules (
  id                 INTEGER PRIMARY KEY,
  state              TEXT NOT NULL,
  effective          TEXT NOT NULL,
  no_default_proceed INTEGER NOT NULL CHECK (no_default_proceed IN (0, 1)),
  override_allowed   INTEGER NOT NULL CHECK (override_allowed IN (0, 1)),
  qualifying_permits TEXT NOT NULL,
  source             TEXT NOT NULL,
  recorded_by        TEXT NOT NULL,
  recorded_at        INTEGER NOT NULL
) STRICT;
CREATE INDEX check_state_rules_in_force ON check_state_rules (state, effective, id);
CREATE TRIGGER check_state_rules_no_update BEFORE UPDATE ON check_state_rules
BEGIN SELECT RAISE(ABORT, 'a state rule is never changed: record a new one'); END;
CREATE TRIGGER check_state_rules_no_delete BEFORE DELETE ON check_state_rules
BEGIN SELECT RAISE(ABORT, 'a state rule is never removed: record a new one'); END;
`,
};
