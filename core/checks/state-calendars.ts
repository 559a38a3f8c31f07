// The NICS business-day calendar of each state: weekdays on which the state's offices are
// open (28 CFR 25.2). Kept apart from the store's own calendar (store hours), which the
// acquisition deadline and the 3310.4 window count in.
import type { UsState } from '../integrations/model.ts';
import type { IsoDate } from './calendar.ts';
import { federalCalendar } from './policy.ts';

/** Business days for the NICS waits in one state. */
export interface NicsCalendar {
  isBusinessDay(d: IsoDate): boolean;
  /** The nth business day after `d` (`d` never counts). Throws StateCalendarMissing past the shipped years. */
  nthBusinessDayAfter(d: IsoDate, n: number): IsoDate;
  /** Business days from `from` (not counted) through `to` (counted). */
  businessDaysBetween(from: IsoDate, to: IsoDate): number;
}

/** No state-office calendar is shipped for this state and year: never guess a shorter wait. */
export class StateCalendarMissing extends Error {
  readonly state: UsState;
  readonly year: number;
  constructor(state: UsState, year: number) {
    super(
      `No state-office holiday calendar for ${state} in ${year} is installed: confirm the date the transfer may proceed by hand with NICS or the state, and update Backroom.`,
    );
    this.name = 'StateCalendarMissing';
    this.state = state;
    this.year = year;
  }
}

/** The calendar NICS waits count in for a transfer in `state`. */
export function nicsCalendarFor(_state: UsState): NicsCalendar {
  // DEVELOPMENT ONLY — replaced by the shipped per-state calendars (resources/firearms/state-holidays).
  return federalCalendar;
}
