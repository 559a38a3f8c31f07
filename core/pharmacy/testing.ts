// Messages for the pharmacy tests, override what a test is about: a READY as Rx30 sends one
// (García, Ana, born 1961-04-02, one Rx of $12.50 filled recently), and the SOLD the store
// sends for one Rx paid in cash.
import { readySchema, soldSchema, type ReadyMessage, type SoldMessage } from './messages.ts';

export function readyMessage(o: Partial<ReadyMessage> = {}): ReadyMessage {
  return readySchema.parse({
    type: 'READY',
    id: `M-${o.rxNumber ?? '600123'}-${o.fillNumber ?? 0}`,
    storeId: 'S1',
    rxNumber: '600123',
    fillNumber: 0,
    patientId: 'P-77',
    lastName: 'García',
    firstName: 'Ana',
    dateOfBirth: '1961-04-02',
    drug: 'Lisinopril 10 mg',
    amountDue: 1250,
    taxable: false,
    fsaHsaEligible: 1250,
    hipaaNoticeRequired: true,
    counselingRequired: false,
    safetyCapWaiver: false,
    controlledSchedule: null,
    fillDate: '2026-11-20',
    partialFill: false,
    ...o,
  });
}

export function soldMessage(o: Partial<SoldMessage> = {}): SoldMessage {
  return soldSchema.parse({
    type: 'SOLD',
    id: 'SOLD-INV-1',
    storeId: 'S1',
    invoice: 'INV-1',
    date: '2026-11-21',
    lines: [{ rxNumber: '600123', fillNumber: 0, amount: 1250 }],
    payments: [{ type: 'cash', amount: 1250 }],
    counseling: 'declined',
    idCaptured: false,
    ...o,
  });
}
