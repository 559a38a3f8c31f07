// Rx30 messages for tests and the simulator: one realistic sample of each type (the golden
// examples of PROTOCOL.md), and fast-check arbitraries of any valid message.
import fc from 'fast-check';
import {
  controlledSchedules,
  messageTypes,
  paymentTypes,
  rx30MessageSchema,
  type MessageType,
  type Rx30Message,
} from '../../core/pharmacy/messages.ts';
import { layouts } from './codec.ts';

type MessageOf<T extends MessageType> = Extract<Rx30Message, { type: T }>;

/** One of each type, checked against core's schema. Texts exercise the escapes. */
export const sampleMessages = {
  READY: {
    type: 'READY',
    id: 'R-1001',
    storeId: 'S1',
    rxNumber: '600123',
    fillNumber: 2,
    patientId: 'P-4471',
    lastName: 'Nguyen',
    firstName: 'Anne-Marie',
    dateOfBirth: '1958-04-09',
    drug: 'Amoxicillin 500 mg | 21 caps',
    amountDue: 1250,
    taxable: false,
    fsaHsaEligible: 1250,
    hipaaNoticeRequired: true,
    counselingRequired: true,
    safetyCapWaiver: false,
    controlledSchedule: null,
    willCallBin: 'B-14',
    fillDate: '2026-03-02',
    partialFill: false,
  },
  STATUS: {
    type: 'STATUS',
    id: 'R-1002',
    storeId: 'S1',
    rxNumber: '600123',
    fillNumber: 2,
    status: 'returned_to_stock',
  },
  PATIENT_QUERY: { type: 'PATIENT_QUERY', id: 'Q-17', storeId: 'S1', patientId: 'P-4471' },
  PATIENT: {
    type: 'PATIENT',
    id: 'R-1003',
    storeId: 'S1',
    patientId: 'P-4471',
    address: '12 Oak St\nApt 3\\B',
    phone: '555-0142',
  },
  SOLD: {
    type: 'SOLD',
    id: 'Q-18',
    storeId: 'S1',
    invoice: 'INV-20260302-0042',
    date: '2026-03-02',
    lines: [
      { rxNumber: '600123', fillNumber: 2, amount: 1250 },
      { rxNumber: '600987', fillNumber: 0, amount: 0 },
    ],
    payments: [
      { type: 'cash', amount: 1000 },
      { type: 'card', amount: 250, reference: 'T=8841' },
    ],
    counseling: 'declined',
    signatureRef: 'SIG-88',
    idCaptured: false,
  },
  VOID: {
    type: 'VOID',
    id: 'Q-19',
    storeId: 'S1',
    invoice: 'INV-20260302-0042',
    reason: 'Rung up twice',
  },
  RETURN: {
    type: 'RETURN',
    id: 'Q-20',
    storeId: 'S1',
    invoice: 'INV-20260302-0042',
    rxNumber: '600987',
    fillNumber: 0,
    reason: 'Patient brought it back unopened',
  },
  ACK: { type: 'ACK', id: 'Q-21', of: 'R-1001' },
  NAK: { type: 'NAK', id: 'R-1004', of: 'Q-19', reason: 'Unknown invoice INV-20260302-0042' },
  HEARTBEAT: { type: 'HEARTBEAT', id: 'Q-22' },
} satisfies { [T in MessageType]: MessageOf<T> };

for (const message of Object.values(sampleMessages)) rx30MessageSchema.parse(message);

/** The samples in the order PROTOCOL.md lists the types. */
export const samples: Rx30Message[] = messageTypes.map((type) => sampleMessages[type]);

// Characters that a codec must escape or carry through, weighted in among ordinary ones.
const tricky = fc.constantFrom(
  '|',
  '=',
  '\\',
  '\r',
  '\n',
  '\t',
  '\x00',
  '\x02',
  '\x03',
  '\x0b',
  '\x1c',
  '\x7f',
  '\x85',
  ' ',
  'é',
  '€',
  '😀',
  'x',
  'r',
  'n',
);
const anyText = (max: number) =>
  fc
    .array(fc.oneof(tricky, fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), {
      maxLength: max,
    })
    .map((chars) => chars.join(''));
const matching = (pattern: RegExp) => fc.stringMatching(pattern);
const id = matching(/^[A-Za-z0-9._-]{1,40}$/);
const storeId = matching(/^[A-Za-z0-9-]{1,20}$/);
const code20 = matching(/^[0-9A-Za-z-]{1,20}$/);
const invoice = matching(/^[0-9A-Za-z-]{1,30}$/);
const date = fc
  .date({ min: new Date('1900-01-01'), max: new Date('2099-12-31'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const fill = fc.integer({ min: 0, max: 99 });
const cents = fc.oneof(fc.constantFrom(0, 1, 100_000_00), fc.integer({ min: 0, max: 100_000_00 }));

const byType: { [T in MessageType]: fc.Arbitrary<unknown> } = {
  READY: fc
    .record(
      {
        type: fc.constant('READY'),
        id,
        storeId,
        rxNumber: code20,
        fillNumber: fill,
        patientId: code20,
        lastName: anyText(60),
        firstName: anyText(60),
        dateOfBirth: date,
        drug: anyText(120),
        amountDue: cents,
        taxable: fc.boolean(),
        fsaHsaEligible: cents,
        hipaaNoticeRequired: fc.boolean(),
        counselingRequired: fc.boolean(),
        safetyCapWaiver: fc.boolean(),
        controlledSchedule: fc.constantFrom(null, ...controlledSchedules),
        willCallBin: anyText(20),
        fillDate: date,
        partialFill: fc.boolean(),
      },
      { requiredKeys: ['type', 'id', 'storeId', 'amountDue', 'fsaHsaEligible'] },
    )
    .map((m) => ({ ...m, fsaHsaEligible: Math.min(m.fsaHsaEligible, m.amountDue) })),
  STATUS: fc.record({
    type: fc.constant('STATUS'),
    id,
    storeId,
    rxNumber: code20,
    fillNumber: fill,
    status: fc.constantFrom('returned_to_stock', 'cancelled'),
  }),
  PATIENT_QUERY: fc.record({ type: fc.constant('PATIENT_QUERY'), id, storeId, patientId: code20 }),
  PATIENT: fc.record(
    {
      type: fc.constant('PATIENT'),
      id,
      storeId,
      patientId: code20,
      address: anyText(200),
      phone: anyText(30),
    },
    { requiredKeys: ['type', 'id', 'storeId', 'patientId'] },
  ),
  SOLD: fc.record(
    {
      type: fc.constant('SOLD'),
      id,
      storeId,
      invoice,
      date,
      lines: fc.array(fc.record({ rxNumber: code20, fillNumber: fill, amount: cents }), {
        minLength: 1,
        maxLength: 50,
      }),
      payments: fc.array(
        fc.record(
          { type: fc.constantFrom(...paymentTypes), amount: cents, reference: anyText(40) },
          { requiredKeys: ['type', 'amount'] },
        ),
        { maxLength: 10 },
      ),
      counseling: fc.constantFrom('accepted', 'declined', 'pharmacist'),
      signatureRef: anyText(40),
      idCaptured: fc.boolean(),
    },
    { requiredKeys: ['type', 'id', 'storeId', 'invoice', 'date', 'lines', 'payments'] },
  ),
  VOID: fc.record({ type: fc.constant('VOID'), id, storeId, invoice, reason: anyText(200) }),
  RETURN: fc.record({
    type: fc.constant('RETURN'),
    id,
    storeId,
    invoice,
    rxNumber: code20,
    fillNumber: fill,
    reason: anyText(200),
  }),
  ACK: fc.record({ type: fc.constant('ACK'), id, of: id }),
  NAK: fc.record({ type: fc.constant('NAK'), id, of: id, reason: anyText(200) }),
  HEARTBEAT: fc.record({ type: fc.constant('HEARTBEAT'), id }),
};

/**
 * Any valid message of the given types (all by default), as core's schema outputs it (texts
 * trimmed). Candidates the schema refuses (a blank reason, say) are filtered out.
 */
export function arbitraryMessage(
  types: readonly MessageType[] = messageTypes,
): fc.Arbitrary<Rx30Message> {
  return fc
    .oneof(...types.map((type) => byType[type]))
    .map((candidate) => rx30MessageSchema.safeParse(candidate).data)
    .filter((message): message is Rx30Message => message !== undefined);
}

/** The bytes cut at the given offsets, as a socket might deliver them (any offsets allowed). */
export function split(bytes: Buffer, cuts: readonly number[]): Buffer[] {
  const points = [...new Set([0, ...cuts.map((c) => Math.min(c, bytes.length)), bytes.length])];
  points.sort((a, b) => a - b);
  return points.slice(1).map((end, i) => bytes.subarray(points[i], end));
}

/** The keys of optional text fields, in any message or list item. */
const optionalKeys = new Set(
  messageTypes.flatMap((type) =>
    layouts[type].flatMap((field) =>
      field.kind === 'list'
        ? field.item.filter((f) => f.kind === 'optional').map((f) => f.key)
        : field.kind === 'optional'
          ? [field.key]
          : [],
    ),
  ),
);

/** A message as the default codec reads it back: an empty optional text is an absent one. */
export function canonical(message: Rx30Message): Rx30Message {
  const json = JSON.stringify(message, (key, value: unknown) =>
    value === '' && optionalKeys.has(key) ? undefined : value,
  );
  return rx30MessageSchema.parse(JSON.parse(json));
}
