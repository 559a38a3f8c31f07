// Signatures captured on the signature pad, kept with the record that needed them (a pickup,
// a delivery): the picture and the strokes it was drawn from. Never changed or removed.
export default {
  version: 11,
  name: 'signatures',
  sql: /* sql */ `
CREATE TABLE signatures (
  id          INTEGER PRIMARY KEY,
  record_type TEXT NOT NULL,
  record_id   TEXT NOT NULL,
  signer      TEXT NOT NULL,
  png         BLOB NOT NULL,
  strokes     TEXT NOT NULL,
  width       REAL NOT NULL,
  height      REAL NOT NULL,
  captured_by TEXT NOT NULL,
  captured_at INTEGER NOT NULL
) STRICT;
CREATE INDEX signatures_by_record ON signatures (record_type, record_id);
CREATE TRIGGER signatures_no_update BEFORE UPDATE ON signatures
BEGIN SELECT RAISE(ABORT, 'a signature is never changed'); END;
CREATE TRIGGER signatures_no_delete BEFORE DELETE ON signatures
BEGIN SELECT RAISE(ABORT, 'a signature is never removed'); END;
`,
};
