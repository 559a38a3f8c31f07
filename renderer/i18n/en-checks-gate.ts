// English: A's: the check gate (denial final, dates, overturned denials) (part of en-firearms.ts, under firearms.gate).
export const enChecksGate = {
  refused: 'Hand-over refused: {{why}}',
  allowed: 'Hand-over allowed: {{why}}',
  reason: {
    no_check: 'run a background check (or record a qualifying permit) first.',
    subject_changed: 'the buyer or the firearms changed since the check: run a new check.',
    denied:
      'the check was denied (18 U.S.C. 922(d)). A permit or an override does not change a denial; only a denial overturned by NICS or the state after an appeal does.',
    cancelled: 'the check was cancelled: run a new check.',
    waiting: 'the check has no answer yet: record the answer first.',
    delayed_wait:
      'the check is delayed: the transfer may proceed on {{mayProceedOn}} if no denial arrives first.',
    no_default_proceed:
      '{{state}} does not let a delayed transfer proceed by default: wait for the final answer.',
    expired: 'the check’s 30 days are over (last valid day {{lastValidDay}}): run a new check.',
    expiredNoDate: 'the check expired: run a new check.',
    calendar_missing:
      'no state-office holiday calendar for {{state}} in {{year}} is installed: confirm the day the transfer may proceed by hand with NICS or the state, and update Backroom.',
  },
  basis: {
    proceed: 'NICS or the state answered Proceed.',
    default_proceed: 'the waiting period ended with no denial.',
    permit: 'a qualifying state permit is on file for this 4473.',
    override: 'a supervisor overrode the state hold after the federal wait.',
    denial_overturned: 'the denial was overturned by NICS or the state.',
  },
  deniedOn: 'Denied on {{date}}',
  overturnedOn: 'Denial overturned on {{date}}, reference {{reference}}',
  overturn: 'Denial overturned',
  overturnTitle: 'Record a denial overturned: 4473 {{form}}',
  overturnWarning:
    'Record this only when NICS or the state has told you, after an appeal, that the denial is overturned. A permit, a supervisor or the buyer’s word is not enough. This is kept on record with your name.',
  overturnOn: 'Day NICS or the state overturned the denial',
  overturnReference: 'Reference given with the answer (appeal number or NTN)',
  overturnConfirm: 'I have the overturned answer from NICS or the state in front of me',
  overturnSubmit: 'Record the overturn',
  overturned: 'The denial is recorded as overturned.',
  calendarMissing:
    'No state-office holiday calendar for {{state}} in {{year}} is installed: the day this check may proceed cannot be counted. Confirm it by hand with NICS or the state.',
  startedOn: 'Form 4473 started on',
  startedOnHint: 'The day the buyer started the 4473. No contact or answer can be dated before it.',
  dates: {
    date_in_future:
      'That date is after today at the store ({{today}}): enter the day it actually happened.',
    date_before_4473:
      'That date is before this 4473 was started ({{startedOn}}): enter the day it actually happened.',
    date_out_of_order:
      'That date is before the previous entry on this check ({{previous}}): answers are recorded in the order they came.',
    before_denial: 'That date is before the denial ({{deniedOn}}).',
  },
  serverDates: {
    date_in_future: 'A date is after today at the store: enter the day it actually happened.',
    date_before_4473: 'A date is before the 4473 was started: enter the day it actually happened.',
    date_out_of_order:
      'A date is before the previous entry on this check: answers are recorded in the order they came.',
    denial_stands:
      'A check on this 4473 was denied: a new check cannot clear a denial. If NICS or the state overturned it, record “Denial overturned” on that check.',
  },
  permitNote: 'A permit exempts from running a check; it never overrides a denial received.',
  permitFuture: 'The issue date is after today at the store ({{today}}).',
  trail: {
    submit: 'Submitted',
    proceed: 'Proceed',
    delayed: 'Delayed',
    denied: 'Denied',
    cancelled: 'Cancelled',
    expire: 'Marked expired',
    overturned: 'Denial overturned',
    override: 'Supervisor override',
  },
  trailLabel: 'Answers recorded',
  stillReserved_one:
    'The firearm is still reserved for this buyer: open it in the bound book and cancel its disposition to put it back in stock.',
  stillReserved_other:
    'The {{count}} firearms are still reserved for this buyer: open each in the bound book and cancel its disposition to put it back in stock.',
};
