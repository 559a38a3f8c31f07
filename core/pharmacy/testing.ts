// A READY as Rx30 sends one, for the pharmacy tests: García, Ana, born 1961-04-02, one Rx of
// $12.50 filled recently; override what a test is about.
import { readySchema, type ReadyMessage } from './messages.ts';

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
