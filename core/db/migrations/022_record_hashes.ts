// Tamper evidence for the records an inspector reads (27 CFR 478.125(e), 478.129; 21 CFR
// 1304.04; HIPAA 45 CFR 164.312(c)(1) integrity). Each regulated row, as written, gets a hash
// in the audit chain, so a row rewritten or removed by someone holding the database key (with
// the append-only triggers dropped) no longer matches the chain and is named by verify.
//
// Writers need no change: an AFTER INSERT trigger on each regulated table queues the row's key
// in audit_pending, and the next audit entry (AuditLog.record, in the same transaction as the
// write) reads each queued row, hashes all its columns and keeps {table, key, op, hash} in
// audit_records, hashed into the entry's own hash (audit_log.records_hash, part of the chain).
// A disposition is hashed again once, when it leaves 'pending' (committed or cancelled): the
// only change the append-only triggers allow on a regulated row.
//
// Rows written before this migration are queued as 'baseline' and hashed once, at the first
// start, into one `audit.records_sealed` entry (see docs/tamper-evidence.md).
//
// The list below is frozen with this migration; core/audit/records.ts holds the same list for
// verification and a test keeps the two equal.
const tables: { table: string; key: string[] }[] = [
  { table: 'ledger_acquisitions', key: ['entry_no'] },
  { table: 'ledger_dispositions', key: ['id'] },
  { table: 'background_checks', key: ['id'] },
  { table: 'check_events', key: ['id'] },
  { table: 'multiple_sale_flags', key: ['disposition_id'] },
  { table: 'multiple_sale_filings', key: ['disposition_id'] },
  { table: 'multiple_sale_report_filings', key: ['id'] },
  { table: 'transfer_permits', key: ['id'] },
  { table: 'pmf_markings', key: ['item_id'] },
  { table: 'firearm_returns', key: ['disposition_id'] },
  { table: 'firearm_flag_corrections', key: ['id'] },
  { table: 'check_state_rules', key: ['id'] },
  { table: 'signatures', key: ['id'] },
  { table: 'pickups', key: ['invoice'] },
  { table: 'pickup_reversals', key: ['id'] },
  { table: 'pharmacist_signoffs', key: ['sale_key', 'patient_id'] },
  { table: 'emergency_access', key: ['id'] },
  { table: 'emergency_access_ends', key: ['access_id'] },
];

const keyOf = (prefix: string, key: string[]) =>
  `json_array(${key.map((k) => `${prefix}${k}`).join(', ')})`;

const perTable = tables
  .map(
    ({ table, key }) => /* sql */ `
CREATE TRIGGER ${table}_audit_hash AFTER INSERT ON ${table}
BEGIN INSERT INTO audit_pending (tbl, row_key, op) VALUES ('${table}', ${keyOf('NEW.', key)}, 'insert'); END;
INSERT INTO audit_pending (tbl, row_key, op) SELECT '${table}', ${keyOf('', key)}, 'baseline' FROM ${table};`,
  )
  .join('\n');

export default {
  version: 22,
  name: 'record_hashes',
  sql: /* sql */ `
-- The hash of the entry's record list (NULL: the entry covers no regulated row). Part of the
-- entry's canonical line, between outcome and prev_hash, only when set: older entries hash as
-- they always did.
ALTER TABLE audit_log ADD COLUMN records_hash TEXT;

-- Rows written since the last audit entry, waiting to be hashed into the next one.
CREATE TABLE audit_pending (
  id      INTEGER PRIMARY KEY,
  tbl     TEXT NOT NULL,
  row_key TEXT NOT NULL,
  op      TEXT NOT NULL CHECK (op IN ('insert', 'update', 'baseline'))
) STRICT;

-- Each regulated row's hash as written, and the audit entry that carries it.
CREATE TABLE audit_records (
  seq     INTEGER NOT NULL,
  tbl     TEXT NOT NULL,
  row_key TEXT NOT NULL,
  op      TEXT NOT NULL CHECK (op IN ('insert', 'update', 'baseline')),
  hash    TEXT NOT NULL,
  PRIMARY KEY (seq, tbl, row_key)
) STRICT;
CREATE INDEX audit_records_row ON audit_records (tbl, row_key, seq);
CREATE TRIGGER audit_records_no_update BEFORE UPDATE ON audit_records
BEGIN SELECT RAISE(ABORT, 'record hashes are never changed'); END;
CREATE TRIGGER audit_records_no_delete BEFORE DELETE ON audit_records
BEGIN SELECT RAISE(ABORT, 'record hashes are never removed'); END;
${perTable}

-- A pending disposition committed or cancelled: hashed again, as it now stands.
CREATE TRIGGER ledger_dispositions_audit_hash_settled AFTER UPDATE ON ledger_dispositions
WHEN OLD.state = 'pending' AND NEW.state != 'pending'
BEGIN INSERT INTO audit_pending (tbl, row_key, op) VALUES ('ledger_dispositions', json_array(NEW.id), 'update'); END;
`,
};
