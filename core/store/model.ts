// The store's own details. Its US state decides which integrations (and later, which
// firearms and pharmacy rules) apply. Pure: the settings form validates with it.
import { z } from 'zod';
import { fflNumberSchema } from '../firearms/model.ts';
import { US_STATES } from '../integrations/model.ts';

export const storeProfileSchema = z
  .object({
    name: z.string().trim().min(1, 'Enter the store’s name.').max(120),
    state: z.enum(US_STATES, { error: 'Choose the US state the store is in.' }),
    /** The store's own FFL number (privately made firearms are marked with it). */
    ffl: fflNumberSchema.optional(),
    /**
     * The store serially numbers its Forms 4473 and files them numerically: a disposition to a
     * non-licensee may then record the 4473 number instead of the buyer's name and address
     * (27 CFR 478.125(e)). Off unless the store says so.
     */
    form4473FiledNumerically: z.boolean().optional(),
  })
  .strict();
export type StoreProfile = z.infer<typeof storeProfileSchema>;
