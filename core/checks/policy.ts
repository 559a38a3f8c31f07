// Loads the background-check rule data from resources/firearms/, validated, once.
import holidaysData from '../../resources/firearms/federal-holidays.json' with { type: 'json' };
import policyData from '../../resources/firearms/nics-policy.json' with { type: 'json' };
import { BusinessCalendar } from './calendar.ts';
import type { UsState } from '../integrations/model.ts';
import { holidaysFileSchema, nicsPolicyFileSchema, type NicsPolicy } from './model.ts';

/** Every version of the NICS policy, oldest first (policyOn picks the one in force). */
export const nicsPolicies: readonly NicsPolicy[] = nicsPolicyFileSchema
  .parse(policyData)
  .versions.toSorted((a, b) => a.effective.localeCompare(b.effective));

/**
 * Weekdays except federal holidays (federal-holidays.json). NOT the calendar NICS waits count
 * in: those count the days state offices are open in the store's state (28 CFR 25.2),
 * `nicsCalendarFor(state)` in state-calendars.ts. The federal list is the default holiday list
 * of the store's own calendar (StoreHours), and a reference to compare the states with.
 */
export const federalCalendar = new BusinessCalendar(
  holidaysFileSchema.parse(holidaysData).holidays,
);

/** Whether a permit type from a state stands in for a check under the policy in force. */
export function permitQualifies(policy: NicsPolicy, state: UsState, permitType: string): boolean {
  const wanted = permitType.trim().toLowerCase();
  return (policy.qualifyingPermits[state] ?? []).some((p) => p.trim().toLowerCase() === wanted);
}
