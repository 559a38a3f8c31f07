// Background checks: the shapes and the rule data (resources/firearms/), validated at load.
// Rule values change (ATF, FBI, state law), so they are data with an effective date.
import { z } from 'zod';
import type { US_STATES } from '../integrations/model.ts';
import { holidayRuleSchema, type IsoDate } from './calendar.ts';
import type { NicsPolicy } from './policy-schema.ts';

export { nicsPolicySchema, nicsPolicyFileSchema, type NicsPolicy } from './policy-schema.ts';

export const holidaysFileSchema = z
  .object({ source: z.string(), holidays: z.array(holidayRuleSchema).min(1) })
  .strict();

/** The policy in force on a date: the latest version effective on or before it. */
export function policyOn(versions: readonly NicsPolicy[], date: IsoDate): NicsPolicy {
  const inForce = versions
    .filter((v) => v.effective <= date)
    .sort((a, b) => b.effective.localeCompare(a.effective))[0];
  if (!inForce) throw new RangeError(`No NICS policy is in force on ${date}.`);
  return inForce;
}

export type CheckRoute = 'federal_nics' | 'full_poc' | 'partial_poc';

export const checkStatuses = [
  'initiated',
  'pending',
  'proceed',
  'delayed',
  'denied',
  'cancelled',
  'expired',
] as const;
export type CheckStatus = (typeof checkStatuses)[number];

/** What a check is for: the buyer and the items on the 4473. A change needs a new check. */
export interface CheckSubject {
  /** A stable key for the buyer (e.g. the 4473 buyer record id), never the name itself. */
  buyer: string;
  /** Item ids on the transaction, in any order. */
  items: readonly string[];
}

export interface Check extends CheckSubject {
  status: CheckStatus;
  state: (typeof US_STATES)[number];
  route: CheckRoute;
  buyerUnder21: boolean;
  /** The day the check was first submitted (the contact day, which never counts). */
  contactDate: IsoDate | null;
  /** Day NICS answered Delayed, and whether it signalled further investigation (under 21). */
  delayedOn: IsoDate | null;
  furtherInvestigation: boolean;
  /** The date of the latest dated event (submission or answer): answers come in date order. */
  lastEventOn: IsoDate | null;
  /** The day a denial was received (kept after an overturn, for the record). */
  deniedOn: IsoDate | null;
  /**
   * A denial overturned on appeal: the answer NICS or the state gave, with its reference
   * (appeal number or NTN). The only way past a denial (18 U.S.C. 922(d); 28 CFR 25.10).
   */
  overturned: { on: IsoDate; reference: string } | null;
}

/** A state permit that exempts the transfer from a NICS check (ATF Brady permit chart). */
export interface PermitExemption {
  state: (typeof US_STATES)[number];
  issuedOn: IsoDate;
  qualifies: boolean;
}
