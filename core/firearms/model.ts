// The bound book's shapes and input rules (27 CFR 478.125(e)), pure: the ledger forms check
// with these as the clerk types, and the store server checks again.
import { z } from 'zod';
import { recordDateSchema } from '../dates.ts';
import { normalizeText, regulatedText, withoutHiddenCharacters } from '../text.ts';

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

/** Every text field of the book: normalized, no hidden characters (see core/text.ts). */
const text = (what: string, max = 120) => regulatedText({ what, max });

/**
 * A Federal Firearms License number: region, district, county, type, expiration, sequence
 * ("9-86-123-01-7K-12345"). Hyphens optional on entry; stored hyphenated, upper case.
 */
const FFL = /^(\d)-?(\d{2})-?(\d{3})-?(\d{2})-?(\d[A-HJ-M])-?(\d{5})$/i;
export const fflNumberSchema = z
  .string()
  .overwrite(normalizeText)
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
export const serialSchema = regulatedText({ what: 'serial', max: 60, min: 0 }).min(
  1,
  'Enter the serial as engraved, or NSN if there is none.',
);

/**
 * Uniqueness ignores case and spaces, not hyphens (they are part of a serial), on the
 * normalized text (NFKC: full-width "ＺＷ１２３" is "ZW123") without hidden characters, so
 * serials that print alike are one serial (27 CFR 478.125(e); issue 14 §4).
 */
export const serialKey = (serial: string) =>
  withoutHiddenCharacters(normalizeText(serial)).replace(/\s+/g, '').toUpperCase();
export const makerKey = (maker: string) =>
  withoutHiddenCharacters(normalizeText(maker)).replace(/\s+/g, ' ').trim().toUpperCase();

export const firearmSchema = z
  .object({
    manufacturer: text('manufacturer'),
    importer: regulatedText({ what: 'importer', max: 120, min: 0 }).optional(),
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
    receivedOn: recordDateSchema,
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

export const correctionReasonSchema = regulatedText({
  what: 'reason',
  max: 500,
  lineBreaks: true,
});

/** The kind in words, as the printed and exported book says it (not the code). */
export const dispositionKindWords: Record<DispositionKind, string> = {
  non_licensee: 'Sale to a non-licensee',
  licensee: 'Transfer to a licensee',
  theft_loss: 'Theft or loss',
  destroyed: 'Destroyed',
  returned_to_source: 'Returned to source',
  law_enforcement: 'To law enforcement',
  loan_out: 'Loaned out',
  exempt: 'Exempt transfer',
};

/** A field a kind may leave out: blank is the same as absent. */
const optionalText = (what: string, max: number) =>
  regulatedText({ what, max, min: 0 })
    .optional()
    .transform((v) => v || undefined);

/**
 * What each kind of disposition records (27 CFR 478.125(e): the date, and "the name and
 * address of the person to whom the firearm is transferred, or the name and license number
 * of the person to whom transferred if such person is a licensee, or the firearms transaction
 * record, Form 4473, transaction number if the licensed dealer transferring the firearm
 * serially numbers the Forms 4473 and files them numerically"). The date is the hand-over's,
 * given when the disposition is committed. See docs/rules/bound-book.md.
 */
const dispositionKindSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('non_licensee'),
      /** The Form 4473 transaction number: always recorded (the check is linked by it). */
      form4473: text('Form 4473 number', 40),
      /** Name and address: required unless the store files its 4473s numerically. */
      transfereeName: optionalText('buyer’s name', 120),
      transfereeAddress: optionalText('buyer’s address', 300),
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
  // 27 CFR 478.39a: reported to ATF, which gives the incident number recorded here.
  z
    .object({ kind: z.literal('theft_loss'), atfIncident: text('ATF incident number', 40) })
    .strict(),
  z
    .object({
      kind: z.literal('destroyed'),
      /** Who destroyed it (the store itself, or a contractor). */
      transfereeName: text('name of who destroyed it'),
      destructionMethod: regulatedText({
        what: 'method of destruction',
        max: 300,
        lineBreaks: true,
      }),
    })
    .strict(),
  z
    .object({
      kind: z.literal('returned_to_source'),
      transfereeName: text('name of the source'),
      /** Address, or FFL number when the source is a licensee (refined below). */
      transfereeAddress: optionalText('source’s address', 300),
      transfereeFfl: fflNumberSchema.optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('law_enforcement'),
      transfereeName: text('agency name'),
      transfereeAddress: text('agency address', 300),
      officerName: optionalText('officer’s name', 120),
      officerBadge: optionalText('officer’s badge', 40),
    })
    .strict(),
  z
    .object({
      kind: z.literal('loan_out'),
      transfereeName: text('name of who received it'),
      transfereeAddress: text('address of who received it', 300),
    })
    .strict(),
  z
    .object({
      kind: z.literal('exempt'),
      transfereeName: text('name of who received it'),
      transfereeAddress: text('address of who received it', 300),
      /** Why no Form 4473 / check applies, in the store's words (free text). */
      exemptionBasis: regulatedText({ what: 'exemption basis', max: 300, lineBreaks: true }),
    })
    .strict(),
]);

/**
 * A disposition's fields, checked for the store's way of filing Forms 4473: where they are
 * filed numerically the 4473 number stands for the buyer's name and address (27 CFR
 * 478.125(e)); otherwise name and address are required. The store server checks with the
 * store's setting; forms check as the clerk types with the same function.
 */
export function dispositionSchemaFor(o: { form4473FiledNumerically: boolean }) {
  return dispositionKindSchema.superRefine((d, ctx) => {
    const require = (path: 'transfereeName' | 'transfereeAddress', what: string) =>
      ctx.addIssue({ code: 'custom', path: [path], message: `Enter the ${what}.` });
    if (d.kind === 'non_licensee' && !o.form4473FiledNumerically) {
      if (!d.transfereeName) require('transfereeName', 'buyer’s name');
      if (!d.transfereeAddress) require('transfereeAddress', 'buyer’s address');
    }
    if (d.kind === 'returned_to_source' && !d.transfereeAddress && !d.transfereeFfl)
      ctx.addIssue({
        code: 'custom',
        path: ['transfereeAddress'],
        message: 'Enter the source’s address, or its FFL number if it is a licensee.',
      });
  });
}

/**
 * The shape the API accepts; the store's own filing rule is checked by the service with
 * `dispositionSchemaFor` (it depends on a store setting).
 */
export const dispositionSchema = dispositionSchemaFor({ form4473FiledNumerically: true });
export type DispositionInput = z.input<typeof dispositionKindSchema>;
export type Disposition = z.output<typeof dispositionKindSchema>;

/** Which fields each kind shows in a form, in order (27 CFR 478.125(e), see above). */
export const dispositionFields = {
  non_licensee: ['form4473', 'transfereeName', 'transfereeAddress', 'buyerKey', 'checkId'],
  licensee: ['transfereeName', 'transfereeFfl'],
  theft_loss: ['atfIncident'],
  destroyed: ['transfereeName', 'destructionMethod'],
  returned_to_source: ['transfereeName', 'transfereeAddress', 'transfereeFfl'],
  law_enforcement: ['transfereeName', 'transfereeAddress', 'officerName', 'officerBadge'],
  loan_out: ['transfereeName', 'transfereeAddress'],
  exempt: ['transfereeName', 'transfereeAddress', 'exemptionBasis'],
} as const satisfies Record<DispositionKind, readonly DispositionField[]>;
export type DispositionField =
  | 'form4473'
  | 'transfereeName'
  | 'transfereeAddress'
  | 'transfereeFfl'
  | 'buyerKey'
  | 'checkId'
  | 'atfIncident'
  | 'destructionMethod'
  | 'exemptionBasis'
  | 'officerName'
  | 'officerBadge';

/** Correcting a committed disposition: the fields and hand-over date as they should read. */
export const dispositionCorrectionSchema = z
  .object({
    disposition: dispositionSchema,
    disposedOn: recordDateSchema,
    reason: correctionReasonSchema,
  })
  .strict();

/** Which disposition rows a view shows (ATF Ruling 2016-1), as for acquisitions. */
export function dispositionsInView<
  T extends { id: number; corrects: number | null; voided: 0 | 1 | boolean },
>(rows: readonly T[], view: 'original' | 'corrected' | 'both'): T[] {
  if (view === 'both') return [...rows];
  if (view === 'original') return rows.filter((r) => r.corrects === null);
  // As corrected: each chain's newest version (a void stands in for the chain it voids).
  const newest = new Map<number, T>();
  for (const r of rows) {
    const root = r.corrects ?? r.id;
    const had = newest.get(root);
    if (!had || r.id > had.id) newest.set(root, r);
  }
  return [...newest.values()].sort((a, b) => (a.corrects ?? a.id) - (b.corrects ?? b.id));
}

/** A search date: a day that exists, in the years a record can have. */
const searchDate = recordDateSchema;

/** Searching the book (the proposed 27 CFR 478.130 fields), with sorting and paging. */
export const ledgerSearchSchema = z
  .object({
    serial: regulatedText({ what: 'serial', max: 60, min: 0 }).optional(),
    /** Source or transferee name, any part of it. */
    name: regulatedText({ what: 'name', max: 120, min: 0 }).optional(),
    from: searchDate.optional(),
    to: searchDate.optional(),
    type: z.enum(firearmTypes).optional(),
    model: regulatedText({ what: 'model', max: 120, min: 0 }).optional(),
    manufacturer: regulatedText({ what: 'manufacturer', max: 120, min: 0 }).optional(),
    caliber: regulatedText({ what: 'caliber', max: 40, min: 0 }).optional(),
    sort: z.enum(['entry', 'date', 'name']).default('entry'),
    limit: z.number().int().min(1).max(500).default(100),
    offset: z.number().int().min(0).max(10_000_000).default(0),
  })
  .strict();
export type LedgerSearch = z.input<typeof ledgerSearchSchema>;
