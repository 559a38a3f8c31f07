// English: E's: flag corrections, multiple-sale deadlines and filings (part of en-firearms.ts, under firearms.compliance).
export const enCompliance = {
  nsnNotPmf:
    'No serial (NSN) and not marked privately made: a privately made firearm must be marked within 7 days. Tick “Privately made” if it is one; otherwise it goes on the review list.',
  flags: {
    partEntry: 'Entry details',
    partFlags: 'Correct flags',
    hint: 'The flags every rule reads: privately made (marked within 7 days of receipt, never disposed of unmarked) and semi-automatic with a detachable magazine (Form 3310.12). The entry as first made stays as it is; the correction is recorded with your name, the time and the reason.',
    privatelyMade: 'Privately made firearm (PMF)',
    semiAutoDetachable: 'Semi-automatic, takes a detachable magazine',
    submit: 'Record the flag correction',
    unchanged: 'Change a flag first.',
    confirmNotPmf:
      'No serial: recording it as not privately made takes it off the review list (give the reason).',
    history: 'Flag corrections on file',
    yes: 'Yes',
    no: 'No',
    unchangedValue: 'unchanged',
    line: '{{when}} · {{who}} · PMF: {{pmf}} · semi-auto detachable: {{semi}} · {{reason}}',
    reportDue: 'This completes a multiple sale: file Form {{form}} now (see Reports).',
  },
  review: {
    title: 'To review: firearms with no serial',
    intro:
      'Entered as NSN and not marked privately made. A firearm with no serial is most often a privately made firearm, which must be marked within 7 days of receipt. Correct it to PMF (then mark it), or record that it is not one.',
    empty: 'Nothing to review.',
    receivedOn: 'Received',
    isPmf: 'It is privately made',
    notPmf: 'Not privately made',
  },
  reports: {
    includeSettled: 'Show filed and kept-on-file reports',
    status: {
      to_file: 'To file',
      overdue: 'Overdue',
      filed: 'Filed',
      keep_on_file: 'No longer a multiple sale — keep on file',
    },
    due: 'Due by close of business {{date}}',
    wasDue: 'Was due by close of business {{date}}',
    foundLater: 'Found on {{date}} by a correction',
    voided: 'This sale was voided',
    noLongerMultiple: 'No longer a multiple sale — keep on file with its filings',
    recipients: {
      atf: 'ATF',
      law_enforcement: 'state or local police',
    },
    recipientNames: {
      atf: 'ATF',
      law_enforcement: 'State police or local law enforcement',
    },
    recordFiling: 'Filed with {{to}}',
    filedWith: '{{to}} ({{agency}}): filed {{date}} by {{who}}',
    filedAt: '{{to}}: filed {{date}} by {{who}}',
    agency: 'Agency it went to',
    agencyHint: 'The state police, or the local police or sheriff',
    filingTitle: 'Record the filing with {{to}}',
  },
  deadline: {
    late_entry:
      'Entry {{entry}} ({{maker}} {{model}}, serial {{serial}}) was entered in the book after its deadline, close of business {{dueOn}}.',
    pending_disposition:
      'Entry {{entry}} ({{maker}} {{model}}, serial {{serial}}): disposition {{disposition}} is still pending past {{dueOn}}. If the firearm has left the store, commit it now; if not, cancel it.',
    unmarked_pmf:
      'Entry {{entry}} ({{maker}} {{model}}, serial {{serial}}) is a privately made firearm not marked yet: it had to carry the store’s mark by {{dueOn}}, and it cannot be disposed of until it does.',
    late_disposition:
      'Disposition {{disposition}} ({{maker}} {{model}}, serial {{serial}}, entry {{entry}}) was entered in the book after its deadline, {{dueOn}}.',
    multiple_sale_overdue:
      'Form {{form}} for disposition {{disposition}} ({{maker}} {{model}}, serial {{serial}}) was due by close of business {{dueOn}} and is not filed with everyone it goes to: file it now and record the filing.',
  },
  alertKinds: {
    late_entry: 'Late entry',
    pending_disposition: 'Pending too long',
    unmarked_pmf: 'PMF not marked',
    late_disposition: 'Disposition entered late',
    multiple_sale_overdue: 'Multiple-sale report overdue',
  },
  dashboard: {
    title: 'Firearms compliance',
    overdue_one: '{{count}} item overdue',
    overdue_other: '{{count}} items overdue',
    dueToday_one: '{{count}} multiple-sale report due by close of business today',
    dueToday_other: '{{count}} multiple-sale reports due by close of business today',
    since: 'Oldest deadline: {{date}}',
    open: 'Open Reports',
  },
};
