// The messages between the store server and Rx30, as the relay sees them once decoded. The
// wire format (framing and codec) lives in drivers/rx30 and can change when Rx30's real
// interface is known; these shapes, checked with zod on every decoded message, do not.
// Fields after the model in ../shared/domain/pharmacy.md (Paladin PharmacyCOM, PioneerRx).
import { z } from 'zod';

/** Every message has an id of its own; the peer answers ACK or NAK naming it. */
export const messageIdSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9._-]{1,40}$/,
    'A message id is 1 to 40 letters, digits, dots, dashes or underscores.',
  );
const storeId = z
  .string()
  .regex(/^[A-Za-z0-9-]{1,20}$/, 'A store id is up to 20 letters, digits or dashes.');
const rxNumber = z
  .string()
  .regex(/^[0-9A-Za-z-]{1,20}$/, 'An Rx number is up to 20 letters, digits or dashes.');
const fillNumber = z.number().int().min(0).max(99);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'A date is YYYY-MM-DD.');
const cents = z.number().int().min(0).max(100_000_00);
const text = (max: number) => z.string().trim().min(1).max(max);

export const controlledSchedules = ['II', 'III', 'IV', 'V'] as const;

/** A prescription ready for pickup (Rx30 → store). */
export const readySchema = z
  .object({
    type: z.literal('READY'),
    id: messageIdSchema,
    storeId,
    rxNumber,
    fillNumber,
    patientId: z.string().regex(/^[0-9A-Za-z-]{1,20}$/),
    lastName: text(60),
    firstName: text(60),
    dateOfBirth: isoDate,
    /** Minimum necessary: optional, shown only after the date of birth is verified. */
    drug: z.string().trim().max(120).optional(),
    amountDue: cents,
    taxable: z.boolean(),
    fsaHsaEligible: cents,
    hipaaNoticeRequired: z.boolean(),
    counselingRequired: z.boolean(),
    safetyCapWaiver: z.boolean(),
    controlledSchedule: z.enum(controlledSchedules).nullable(),
    willCallBin: z.string().trim().max(20).optional(),
    fillDate: isoDate,
    partialFill: z.boolean(),
  })
  .strict()
  .refine((m) => m.fsaHsaEligible <= m.amountDue, {
    message: 'The FSA/HSA amount cannot exceed the amount due.',
    path: ['fsaHsaEligible'],
  });

/** A prescription's status changed in Rx30 (returned to stock, cancelled). */
export const statusSchema = z
  .object({
    type: z.literal('STATUS'),
    id: messageIdSchema,
    storeId,
    rxNumber,
    fillNumber,
    status: z.enum(['returned_to_stock', 'cancelled']),
  })
  .strict();

export const patientQuerySchema = z
  .object({
    type: z.literal('PATIENT_QUERY'),
    id: messageIdSchema,
    storeId,
    patientId: z.string().regex(/^[0-9A-Za-z-]{1,20}$/),
  })
  .strict();

/** Contact details, sent only when asked for (minimum necessary). */
export const patientSchema = z
  .object({
    type: z.literal('PATIENT'),
    id: messageIdSchema,
    storeId,
    patientId: z.string().regex(/^[0-9A-Za-z-]{1,20}$/),
    address: z.string().trim().max(200).optional(),
    phone: z.string().trim().max(30).optional(),
  })
  .strict();

export const paymentTypes = ['cash', 'check', 'charge', 'card'] as const;

/** A completed pickup (store → Rx30): the invoice, its Rx lines and how it was paid. */
export const soldSchema = z
  .object({
    type: z.literal('SOLD'),
    id: messageIdSchema,
    storeId,
    invoice: z.string().regex(/^[0-9A-Za-z-]{1,30}$/),
    date: isoDate,
    lines: z
      .array(z.object({ rxNumber, fillNumber, amount: cents }).strict())
      .min(1)
      .max(50),
    payments: z
      .array(
        z
          .object({
            type: z.enum(paymentTypes),
            amount: cents,
            /** Card: the terminal's reference only; never card data. */
            reference: z.string().trim().max(40).optional(),
          })
          .strict(),
      )
      .max(10),
    counseling: z.enum(['accepted', 'declined', 'pharmacist']),
    signatureRef: z.string().max(40).optional(),
    /** Whether ID was captured for a controlled substance; the ID itself stays in the store. */
    idCaptured: z.boolean(),
  })
  .strict();

export const voidSchema = z
  .object({
    type: z.literal('VOID'),
    id: messageIdSchema,
    storeId,
    invoice: z.string().regex(/^[0-9A-Za-z-]{1,30}$/),
    reason: text(200),
  })
  .strict();

export const returnSchema = z
  .object({
    type: z.literal('RETURN'),
    id: messageIdSchema,
    storeId,
    invoice: z.string().regex(/^[0-9A-Za-z-]{1,30}$/),
    rxNumber,
    fillNumber,
    reason: text(200),
  })
  .strict();

export const ackSchema = z
  .object({ type: z.literal('ACK'), id: messageIdSchema, of: messageIdSchema })
  .strict();
export const nakSchema = z
  .object({ type: z.literal('NAK'), id: messageIdSchema, of: messageIdSchema, reason: text(200) })
  .strict();
export const heartbeatSchema = z
  .object({ type: z.literal('HEARTBEAT'), id: messageIdSchema })
  .strict();

/** Any message the relay sends or receives. */
export const rx30MessageSchema = z.union([
  readySchema,
  statusSchema,
  patientQuerySchema,
  patientSchema,
  soldSchema,
  voidSchema,
  returnSchema,
  ackSchema,
  nakSchema,
  heartbeatSchema,
]);
export type Rx30Message = z.infer<typeof rx30MessageSchema>;
export type ReadyMessage = z.infer<typeof readySchema>;
export type SoldMessage = z.infer<typeof soldSchema>;
export type MessageType = Rx30Message['type'];
export const messageTypes = [
  'READY',
  'STATUS',
  'PATIENT_QUERY',
  'PATIENT',
  'SOLD',
  'VOID',
  'RETURN',
  'ACK',
  'NAK',
  'HEARTBEAT',
] as const satisfies readonly MessageType[];
