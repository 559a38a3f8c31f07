// File mode: how far the relay has read Rx30's drop file (file identity and offset), saved in
// the same transaction as the records read up to there, so a restart neither skips nor
// re-imports a record.
export default {
  version: 14,
  name: 'rx30_file_position',
  sql: /* sql */ `
CREATE TABLE rx30_file_position (
  singleton  INTEGER PRIMARY KEY CHECK (singleton = 1),
  position   TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
`,
};
