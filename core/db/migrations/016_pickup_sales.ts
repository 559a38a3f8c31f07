// One sale at the pickup counter can hand over several patients' prescriptions (a parent
// picking up for the family): each patient's bag stays its own pickup record, invoice and
// SOLD, grouped by the sale. A pharmacist's consult sign-off is per patient in a sale
// (pharmacist_signoffs replaces consult_signoffs; a new table, because renaming one makes
// SQLite re-check every trigger in the schema).
export default {
  version: 16,
  name: 'pickup_sales',
  sql: /* sql */ `
ALTER TABLE pickups ADD COLUMN sale TEXT;
CREATE INDEX pickups_by_sale ON pickups (sale);

CREATE TABLE pharmacist_signoffs (
  sale_key    TEXT NOT NULL,
  patient_id  TEXT NOT NULL,
  pharmacist  TEXT NOT NULL,
  note        TEXT,
  signed_at   INTEGER NOT NULL,
  PRIMARY KEY (sale_key, patient_id)
) STRICT;
INSERT INTO pharmacist_signoffs (sale_key, patient_id, pharmacist, note, signed_at)
  SELECT sale_key, patient_id, pharmacist, note, signed_at FROM consult_signoffs;
DROP TABLE consult_signoffs;
`,
};
