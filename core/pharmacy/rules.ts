// The pickup's rules as data and pure checks, shared by the store server and the pickup
// screen: which controlled schedules need the ID of the person picking up, the payer's
// return-to-stock window, and what a checkout must carry. Card data never enters Backroom:
// a card tender is the terminal's reference, auth code, last four digits, brand and entry.
import { z } from 'zod';
import rulesData from '../../resources/pharmacy/pickup-rules.json' with { type: 'json' };
import { signatureSchema } from '../signatures/model.ts';
import { controlledSchedules, paymentTypes } from './messages.ts';

const rulesVersionSchema = z
  .object({
    effective: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    idRequiredSchedules: z.array(z.enum(controlledSchedules)),
    idTypes: z.array(z.string().min(1)).min(1),
    relations: z.array(z.string().min(1)).min(1),
    returnToStockDays: z.number().int().min(1).max(60),
  })
  .strict();
export type PickupRules = z.infer<typeof rulesVersionSchema>;

const rulesFile = z
  .object({ source: z.string(), versions: z.array(rulesVersionSchema).min(1) })
  .strict()
  .parse(rulesData);

/** The rules in force on a date (the latest version effective on or before it). */
export function pickupRulesOn(date: string): PickupRules {
  const v = rulesFile.versions
    .filter((r) => r.effective <= date)
    .sort((a, b) => b.effective.localeCompare(a.effective))[0];
  if (!v) throw new RangeError(`No pickup rules are in force on ${date}.`);
  return v;
}

export const idCaptureSchema = z
  .object({
    type: z.string().trim().min(1, 'Choose the kind of ID.').max(40),
    number: z.string().trim().min(3, 'Enter the ID number.').max(40),
    jurisdiction: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^[A-Z]{2,3}$/, 'Enter the state or country that issued it (TX, USA).'),
    relation: z.string().trim().min(1, 'Say who is picking up.').max(40),
  })
  .strict();
export type IdCapture = z.infer<typeof idCaptureSchema>;

const cents = z.number().int().min(0).max(100_000_00);

export const tenderSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('cash'), amount: cents }).strict(),
  z
    .object({
      type: z.literal('check'),
      amount: cents,
      checkNumber: z.string().trim().min(1).max(20),
    })
    .strict(),
  z
    .object({ type: z.literal('charge'), amount: cents, account: z.string().trim().min(1).max(40) })
    .strict(),
  z
    .object({
      type: z.literal('card'),
      amount: cents,
      reference: z.string().trim().min(1).max(40),
      authCode: z.string().trim().min(1).max(20),
      last4: z.string().regex(/^\d{4}$/, 'The last four digits only.'),
      brand: z.string().trim().min(1).max(20),
      entry: z.enum(['chip', 'tap', 'swipe', 'keyed']),
    })
    .strict(),
]);
export type Tender = z.infer<typeof tenderSchema>;
export const tenderTypes = paymentTypes;

const rxLine = z
  .object({
    rxNumber: z.string().min(1).max(20),
    fillNumber: z.number().int().min(0).max(99),
  })
  .strict();

/** One patient's bag in a sale: kept apart from the others (its own record, invoice, SOLD). */
export const bagSchema = z
  .object({
    patientId: z.string().min(1).max(20),
    /** Asked again here: the server does not take the screen's word for it. */
    dateOfBirth: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    rx: z.array(rxLine).min(1, 'Add at least one prescription.').max(20),
    counseling: z.enum(['accepted', 'declined', 'pharmacist']),
    hipaaAcknowledged: z.boolean(),
    idCapture: idCaptureSchema.optional(),
  })
  .strict();
export type Bag = z.infer<typeof bagSchema>;

/** The most patients one sale hands over to (the receipt lists each invoice). */
export const MAX_BAGS = 5;

export const checkoutSchema = z
  .object({
    /** Made by the screen once per sale: submitting twice completes one sale. */
    saleKey: z.string().regex(/^[A-Za-z0-9-]{8,60}$/),
    bags: z
      .array(bagSchema)
      .min(1, 'Find a patient first.')
      .max(MAX_BAGS, `One sale holds up to ${MAX_BAGS} patients; ring up the rest separately.`),
    /** The person picking up signs once; the signature is kept with each patient's pickup. */
    signature: signatureSchema.optional(),
    /** Split any way (cash and a card, two checks); they add up to the sale's total. */
    tenders: z.array(tenderSchema).max(5),
  })
  .strict();
export type Checkout = z.infer<typeof checkoutSchema>;

/**
 * Which part of each tender pays which bag: in order, each tender filling the bags in turn,
 * so every pickup record (and its SOLD) carries exactly what paid for it.
 */
export function allocateTenders<T extends { amount: number }>(
  tenders: readonly T[],
  totals: readonly number[],
): T[][] {
  const left = tenders.map((t) => t.amount);
  let i = 0;
  return totals.map((due) => {
    const paid: T[] = [];
    let owed = due;
    while (owed > 0 && i < tenders.length) {
      const take = Math.min(owed, left[i] ?? 0);
      if (take > 0) paid.push({ ...(tenders[i] as T), amount: take });
      owed -= take;
      left[i] = (left[i] ?? 0) - take;
      if ((left[i] ?? 0) === 0) i++;
    }
    return paid;
  });
}
