// Background checks: the shapes and the rule data (resources/firearms/), validated at load.
// Rule values change (ATF, FBI, state law), so they are data with an effective date.
import { z } from 'zod';
import { US_STATES } from '../integrations/model.ts';
import { holidayRuleSchema, isoDateSchema, type IsoDate } from './calendar.ts';

const state = z.enum(US_STATES);

export const nicsPolicySchema = z
  .object({
    effective: isoDateSchema,
    /** 18 U.S.C. 922(t)(1)(B)(ii): a delayed transfer may proceed after 3 business days. */
    delayedWaitBusinessDays: z.number().int().min(1),
    /** 18 U.S.C. 922(t)(1)(C): under 21, further investigation extends it up to 10. */
    under21WaitBusinessDays: z.number().int().min(1),
    /** 27 CFR 478.102(c): valid 30 days from the day after first contact. */
    validityDays: z.number().int().min(1),
    permitMaxAgeYears: z.number().int().min(1),
    routes: z
      .object({
        fullPoc: z.array(state),
        partialPocHandguns: z.array(state),
        partialPocPermits: z.array(state),
      })
      .strict(),
    /** States whose law does not let a delayed transfer proceed by default. */
    noDefaultProceedStates: z.array(state),
    /** States whose policy allows a supervisor to override a hold (with a reason). */
    overrideAllowedStates: z.array(state),
    multipleSale: z
      .object({ businessDays: z.number().int().min(1), types: z.array(z.string()).min(1) })
      .strict(),
    form3310_12States: z.array(state),
    /** Permit types per state that stand in for a check (ATF Brady permit chart). */
    qualifyingPermits: z.partialRecord(state, z.array(z.string().min(1))),
  })
  .strict();
export type NicsPolicy = z.infer<typeof nicsPolicySchema>;

export const nicsPolicyFileSchema = z
  .object({ source: z.string(), versions: z.array(nicsPolicySchema).min(1) })
  .strict();

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
}

/** A state permit that exempts the transfer from a NICS check (ATF Brady permit chart). */
export interface PermitExemption {
  state: (typeof US_STATES)[number];
  issuedOn: IsoDate;
  qualifies: boolean;
}
