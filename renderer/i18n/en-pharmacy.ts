// English: the pharmacy pickup counter.
export const enPharmacy = {
  title: 'Pharmacy pickup',
  intro:
    'Scan the Rx label or find the patient; check the date of birth before anything else shows.',
  fileMode:
    'File mode: pickups are recorded here, but Rx30 is not told of them. Mark them picked up in Rx30 too.',
  relayOff:
    'The Rx30 link is not running: prescriptions made ready in Rx30 do not arrive. Set it up under Integrations.',
  find: 'Find the patient',
  label: 'Rx label',
  labelHint: 'Scan the label, or type the Rx number (600123-01) and press Enter.',
  lookUp: 'Look up',
  lastName: 'Last name (2 letters)',
  firstName: 'First name (2 letters)',
  dateOfBirth: 'Date of birth',
  search: 'Search',
  readyCount_one: '{{count}} ready',
  readyCount_other: '{{count}} ready',
  patient: 'Patient',
  verifyDob: 'Date of birth, as the patient says it',
  verifyHint: 'Ask for it; do not read it out.',
  verify: 'Check',
  rx: 'Rx',
  drug: 'Medicine',
  flags: 'Needs',
  due: 'Due',
  consult: 'Pharmacist consult',
  hipaa: 'HIPAA notice',
  schedule: 'C-{{schedule}}: ID',
  total: 'Total {{total}} · FSA/HSA eligible {{fsa}}',
  queue: 'Ready for pickup',
  queueEmpty: 'Nothing is waiting for pickup',
};
