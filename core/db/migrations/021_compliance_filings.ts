// Flag corrections on a firearm and the multiple-sale reports' filings, both regulated
// records: never changed or removed (ATF Ruling 2016-1: a correction is a new entry that
// references the original, with who, when and why).
export default {
  version: 21,
  name: 'compliance_filings',
  sql: /* sql */ `
-- "Privately made firearm" and "semi-automatic with a detachable magazine" corrected on a
-- firearm's acquisition entry: the values before and after (NULL after: not corrected), who,
-- when and why. firearm_items holds the values now in force; this is how they came to be.
CREATE TABLE firearm_flag_corrections (
  id                 INTEGER PRIMARY KEY,
  item_id            INTEGER NOT NULL REFERENCES firearm_items (id),
  -- The acquisition entry corrected (the entry as first made).
  entry_no           INTEGER NOT NULL REFERENCES ledger_acquisitions (entry_no),
  privately_made_was INTEGER NOT NULL CHECK (privately_made_was IN (0, 1)),
  privately_made     INTEGER CHECK (privately_made IN (0, 1)),
  semi_auto_was      INTEGER NOT NULL CHECK (semi_auto_was IN (0, 1)),
  semi_auto_detachable INTEGER CHECK (semi_auto_detachable IN (0, 1)),
  reason             TEXT NOT NULL,
  -- A multiple-sale report the correction brought due (3310.12), if any.
  flagged_disposition INTEGER REFERENCES ledger_dispositions (id),
  recorded_by        TEXT NOT NULL,
  recorded_at        INTEGER NOT NULL
) STRICT;
CREATE INDEX firearm_flag_corrections_item ON firearm_flag_corrections (item_id, id);
CREATE TRIGGER firearm_flag_corrections_no_update BEFORE UPDATE ON firearm_flag_corrections
BEGIN SELECT RAISE(ABORT, 'a flag correction is never changed: record another correction'); END;
CREATE TRIGGER firearm_flag_corrections_no_delete BEFORE DELETE ON firearm_flag_corrections
BEGIN SELECT RAISE(ABORT, 'a flag correction is never removed: record another correction'); END;

-- Each filing of a multiple-sale report (27 CFR 478.126a): to ATF, and for Form 3310.4 also
-- to the state police or the local law enforcement agency; when, by whom, and to whom.
CREATE TABLE multiple_sale_report_filings (
  id             INTEGER PRIMARY KEY,
  disposition_id INTEGER NOT NULL REFERENCES ledger_dispositions (id),
  recipient      TEXT NOT NULL CHECK (recipient IN ('atf', 'law_enforcement')),
  -- Who received it: "ATF National Tracing Center", "Texas DPS", "Austin Police Department".
  agency         TEXT NOT NULL,
  filed_on       TEXT NOT NULL,
  note           TEXT,
  filed_by       TEXT NOT NULL,
  filed_at       INTEGER NOT NULL,
  UNIQUE (disposition_id, recipient)
) STRICT;
CREATE TRIGGER multiple_sale_report_filings_no_update BEFORE UPDATE ON multiple_sale_report_filings
BEGIN SELECT RAISE(ABORT, 'a filing is never changed'); END;
CREATE TRIGGER multiple_sale_report_filings_no_delete BEFORE DELETE ON multiple_sale_report_filings
BEGIN SELECT RAISE(ABORT, 'a filing is never removed'); END;

-- The filings marked before this version were the report to ATF ("Mark filed"): they carry over.
INSERT INTO multiple_sale_report_filings (disposition_id, recipient, agency, filed_on, note, filed_by, filed_at)
  SELECT disposition_id, 'atf', 'ATF', filed_on, note, filed_by, filed_at FROM multiple_sale_filings ORDER BY disposition_id;
`,
};
