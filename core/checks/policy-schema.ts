// The shape of the shipped NICS policy data (resources/firearms/nics-policy.json), validated at
// load: rule values change (ATF, FBI, state law), so they are data with an effective date.
import { z } from 'zod';
import { US_STATES } from '../integrations/model.ts';
import { isoDateSchema } from './calendar.ts';

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

