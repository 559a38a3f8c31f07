// English: D's: the state rules in force and where they come from (part of en-firearms.ts, under firearms.statePolicy).
export const enStatePolicy = {
  title: 'Rules in force',
  hint: 'The background-check rules the check desk and hand-over follow today for the store’s state, and where each comes from.',
  noState:
    'The store’s state is not set, so the app cannot tell which state rules apply. Set it in Integrations → Store.',
  setState: 'Set the store’s state',
  forState: 'For {{state}} on {{date}}',
  dataVersion: 'Shipped rule data of {{effective}}, checked against its sources on {{checkedOn}}.',
  assumption: 'assumption',
  assumptionHint:
    'No checked source backs this value: it is a safe default. If your state’s law says otherwise, record your state’s rule with its source.',
  yourRule: 'your rule',
  recordRule: 'Record your state’s rule',
  recordRuleHint: 'A rule you record (with its source) replaces the shipped values it covers.',
  shippedOnly:
    'No rule recorded for this state yet: the shipped rules above apply, assumptions included.',
  rule: {
    route: 'Who runs the check',
    defaultProceed: 'Delayed check',
    override: 'Supervisor override of a hold',
    qualifyingPermits: 'Permits instead of a check',
    form3310_12: 'Rifle multiple-sale report (ATF 3310.12)',
    multipleSale: 'Handgun multiple-sale report (ATF 3310.4)',
  },
  route: {
    federal_nics: 'FBI NICS, for every firearm',
    full_poc: 'The state (point of contact), for every firearm',
    partial_poc_handguns: 'The state for handguns, FBI NICS for long guns',
    partial_poc_permits: 'A state permit for handguns, FBI NICS for long guns',
  },
  defaultProceed: {
    allowed:
      'May proceed by default once {{days}} business days pass without an answer (up to {{under21}} for a buyer under 21 under further investigation)',
    held: 'Held until the final answer: no default proceed after {{days}} business days',
  },
  override: {
    allowed: 'A supervisor may release a held delayed check, with a reason',
    refused: 'Refused',
  },
  permits: {
    none: 'None: run a check',
    some: 'Accepted (issued within 5 years): {{permits}}',
  },
  form3310_12: {
    applies: 'Applies: two or more semi-automatic rifles larger than .22 with detachable magazines',
    notApplies: 'Does not apply in this state',
  },
  multipleSale: {
    window: 'Two or more ({{types}}) to one buyer within {{days}} business days',
  },
  origin: {
    shipped: 'From {{sources}}; checked {{checkedOn}}',
    shippedNoSource: 'Shipped data, checked {{checkedOn}}',
    store: 'Your rule from {{effective}}, recorded by {{who}} on {{when}}: {{source}}',
  },
  why: {
    state_law_not_checked: 'Federal law allows it; your state’s own law was not checked.',
    poc_state_law:
      'Your state runs the check under its own law, which often forbids or extends a default proceed: held to be safe.',
    no_source_allows_override: 'No checked source says your state allows one: refused to be safe.',
    permit_chart_entry_not_read:
      'Your state’s entry in the ATF permit chart was not read: no permit is accepted until you record it.',
    permit_chart_revised:
      'ATF revised the permit chart after the shipped one: permits it added are not included.',
    not_from_chart: 'Not taken from the ATF permit chart: no permit is accepted.',
    sources_disagree: 'The sources disagree for your state; the note says how they were read.',
  },
  typeNames: {
    pistol: 'pistol',
    revolver: 'revolver',
    rifle: 'rifle',
    shotgun: 'shotgun',
    frame: 'frame',
    receiver: 'receiver',
    'pistol grip firearm': 'pistol grip firearm',
    silencer: 'silencer',
    'any other weapon': 'any other weapon',
    other: 'other',
  },
};
