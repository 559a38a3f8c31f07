// The bound book's shapes and input rules (27 CFR 478.125(e)), pure: the ledger forms check
// with these as the clerk types, and the store server checks again.
import { z } from 'zod';
import { isoDateSchema } from '../checks/calendar.ts';

/** 27 CFR 478.11 types ("semi-automatic" and "bolt" are actions, not types). */
export const firearmTypes = [
  'pistol',
  'revolver',
  'rifle',
  'shotgun',
  'frame',
  'receiver',
  'pistol grip firearm',
  'silencer',
  'any other weapon',
  'other',
] as const;
export type FirearmType = (typeof firearmTypes)[number];

const text = (what: string, max = 120) =>
  z
    .string()
    .trim()
    .min(1, `Enter the ${what}.`)
    .max(max, `The ${what} is at most ${max} characters.`);

/**
 * A Federal Firearms License number: region, district, county, type, expiration, sequence
 * ("9-86-123-01-7K-12345"). Hyphens optional on entry; stored hyphenated, upper case.
 */
const FFL = /^(\d)-?(\d{2})-?(\d{3})-?(\d{2})-?(\d[A-HJ-M])-?(\d{5})$/i;
export const fflNumberSchema = z
  .string()
  .trim()
  .regex(FFL, 'An FFL number looks like 9-86-123-01-7K-12345.')
  .transform((v) => {
    const m = FFL.exec(v);
    return m ? m.slice(1).join('-').toUpperCase() : v;
  });

/** The abbreviated FFL number a privately made firearm is marked with: first 3 + last 5. */
export function abbreviatedFfl(ffl: string): string {
  const digits = ffl.replace(/-/g, '');
  return `${digits.slice(0, 3)}${digits.slice(-5)}`;
}

/** Serials are case-preserving free text; "NSN" records a firearm with no serial. */
export const serialSchema = z
  .string()
  .trim()
  .min(1, 'Enter the serial as engraved, or NSN if there is none.')
  .max(60, 'A serial is at most 60 characters.');

/** Uniqueness ignores case and spaces, not hyphens (they are part of a serial). */
export const serialKey = (serial: string) => serial.replace(/\s+/g, '').toUpperCase();
export const makerKey = (maker: string) => maker.replace(/\s+/g, ' ').trim().toUpperCase();

export const firearmSchema = z
  .object({
    manufacturer: text('manufacturer'),
    importer: z.string().trim().max(120).optional(),
    model: text('model'),
    serial: serialSchema,
    type: z.enum(firearmTypes, { error: 'Choose the type (pistol, revolver, rifle, …).' }),
    caliber: text('caliber or gauge', 40),
    privatelyMade: z.boolean().optional(),
    /** A semi-automatic that takes a detachable magazine (Form 3310.12 for rifles). */
    semiAutoDetachable: z.boolean().optional(),
  })
  .strict();
export type FirearmInput = z.infer<typeof firearmSchema>;

/** The source: name and address, or name and FFL number for a licensee. */
export const sourceSchema = z.union([
  z.object({ name: text('source name'), ffl: fflNumberSchema }).strict(),
  z.object({ name: text('source name'), address: text('source address', 300) }).strict(),
]);

export const acquisitionSchema = z
  .object({
    receivedOn: isoDateSchema,
    source: sourceSchema,
    /** One or many: a distributor invoice with 20 guns is entered in one go. */
    firearms: z.array(firearmSchema).min(1).max(500),
  })
  .strict();
export type AcquisitionInput = z.infer<typeof acquisitionSchema>;

export const dispositionKinds = [
  'non_licensee',
  'licensee',
  'theft_loss',
  'destroyed',
  'returned_to_source',
  'law_enforcement',
  'loan_out',
  'exempt',
] as const;
export type DispositionKind = (typeof dispositionKinds)[number];

export const dispositionSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('non_licensee'),
      /** The Form 4473 transaction number (4473s filed numerically). */
      form4473: text('Form 4473 number', 40),
      transfereeName: text('transferee name'),
      transfereeAddress: text('transferee address', 300),
      /** The buyer's record key, so checks and multiple-sale counts follow the person. */
      buyerKey: text('buyer', 80),
      checkId: z.number().int().positive().optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('licensee'),
      transfereeName: text('licensee name'),
      transfereeFfl: fflNumberSchema,
    })
    .strict(),
  z
    .object({ kind: z.literal('theft_loss'), atfIncident: text('ATF incident number', 40) })
    .strict(),
  z
    .object({
      kind: z.enum(['destroyed', 'returned_to_source', 'law_enforcement', 'loan_out', 'exempt']),
      transfereeName: text('name of who received it'),
      transfereeAddress: z.string().trim().max(300).optional(),
    })
    .strict(),
]);
export type DispositionInput = z.infer<typeof dispositionSchema>;

export const correctionReasonSchema = text('reason for the correction', 500);

/** Searching the book (the proposed 27 CFR 478.130 fields), with sorting and paging. */
export const ledgerSearchSchema = z
  .object({
    serial: z.string().trim().max(60).optional(),
    /** Source or transferee name, any part of it. */
    name: z.string().trim().max(120).optional(),
    from: isoDateSchema.optional(),
    to: isoDateSchema.optional(),
    type: z.enum(firearmTypes).optional(),
    model: z.string().trim().max(120).optional(),
    manufacturer: z.string().trim().max(120).optional(),
    caliber: z.string().trim().max(40).optional(),
    sort: z.enum(['entry', 'date', 'name']).default('entry'),
    limit: z.number().int().min(1).max(500).default(100),
    offset: z.number().int().min(0).max(10_000_000).default(0),
  })
  .strict();
export type LedgerSearch = z.input<typeof ledgerSearchSchema>;
