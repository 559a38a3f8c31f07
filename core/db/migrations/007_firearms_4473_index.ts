// A Form 4473's dispositions are looked up on every hand-over and on the check desk (which
// items are on the transaction, which are pending): by index, not a scan of the book.
export default {
  version: 7,
  name: 'firearms_4473_index',
  sql: /* sql */ `
CREATE INDEX ledger_dispositions_4473 ON ledger_dispositions (form_4473, state) WHERE form_4473 IS NOT NULL;
`,
};
