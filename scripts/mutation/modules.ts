// The modules that hold a regulatory or money rule, each with the tests that exercise it.
// `npm run test:mutation` mutates each module and runs only its own tests against it; a module
// whose score falls under the bar fails the run. Add each new rule module here as it is written
// (postings, three-way match, unit conversions, day close, replication conflict handlers).

export interface MutationModule {
  /** Short name used on the command line and in the report. */
  name: string;
  /** The source file mutated. */
  module: string;
  /** Test files run against each mutant (globs allowed). */
  tests: string[];
}

/** Mutation score every module must reach, in percent; mutants no test reaches count against it. */
export const MUTATION_BAR = 90;

export const MUTATION_MODULES: MutationModule[] = [
  {
    name: 'checks-rules',
    module: 'core/checks/rules.ts',
    tests: [
      'core/checks/rules.test.ts',
      'core/checks/dates.test.ts',
      'core/checks/denial.property.test.ts',
      'core/checks/override.test.ts',
      'core/checks/rules-edges.test.ts',
    ],
  },
  {
    name: 'checks-calendar',
    module: 'core/checks/calendar.ts',
    tests: ['core/checks/calendar.test.ts', 'core/checks/calendar-missing.test.ts'],
  },
  {
    name: 'checks-state-calendars',
    module: 'core/checks/state-calendars.ts',
    tests: ['core/checks/state-calendars.test.ts', 'core/checks/calendar-missing.test.ts'],
  },
  {
    name: 'firearms-rules',
    module: 'core/firearms/rules.ts',
    tests: ['core/firearms/rules.test.ts'],
  },
  {
    name: 'firearms-multiple-sale',
    module: 'core/firearms/multiple-sale.ts',
    tests: ['core/firearms/multiple-sale*.test.ts'],
  },
  {
    name: 'integrations-rules',
    module: 'core/integrations/rules.ts',
    tests: ['core/integrations/rules.test.ts'],
  },
  {
    name: 'audit-chain',
    module: 'core/audit/chain.ts',
    tests: ['core/audit/chain.test.ts'],
  },
  {
    name: 'rx30-framing',
    module: 'drivers/rx30/framing.ts',
    tests: ['drivers/rx30/framing.test.ts'],
  },
];
