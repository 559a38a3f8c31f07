// The pickup screen's lookups, minimum necessary at each step: a scan or a name search finds
// the patient but shows only the name; the date of birth, checked here, opens the patient's
// ready prescriptions (with amounts, flags, and the drug). Every view of patient data is
// audited: who, which patient, when (45 CFR 164.312(b)).
import type { AuditLog } from '../audit/repo.ts';
import type { Db } from '../db/open.ts';
import { preparedFor, type Statement } from '../db/statements.ts';
import { DomainError, notFound } from '../errors.ts';
import { searchKeyOf } from './inbox.ts';

/** What the label barcode carries: the Rx number and the fill, "600123-00" or "600123". */
export function parseRxLabel(code: string): { rxNumber: string; fillNumber: number } | null {
  const m = /^\s*([0-9A-Za-z]{1,20})(?:[-/ ](\d{1,2}))?\s*$/.exec(code);
  if (!m?.[1]) return null;
  return { rxNumber: m[1], fillNumber: m[2] ? Number(m[2]) : 0 };
}

/** A patient as the first step shows them: enough to ask for the date of birth. */
export interface PatientFound {
  patientId: string;
  lastName: string;
  firstName: string;
  readyCount: number;
}

export interface ReadyRx {
  rxNumber: string;
  fillNumber: number;
  drug: string | null;
  amountDue: number;
  taxable: boolean;
  fsaHsaEligible: number;
  hipaaNotice: boolean;
  counselingRequired: boolean;
  safetyCapWaiver: boolean;
  controlledSchedule: string | null;
  willCallBin: string | null;
  fillDate: string;
  partialFill: boolean;
}

export class PharmacyDesk {
  private readonly sql: (sql: string) => Statement;
  private readonly audit: AuditLog;

  constructor(o: { db: Db; audit: AuditLog }) {
    this.sql = preparedFor(o.db);
    this.audit = o.audit;
  }

  /** A scanned Rx label: the patient it belongs to (name only), if the Rx is ready. */
  byLabel(actor: string, code: string): PatientFound & { rxNumber: string; fillNumber: number } {
    const label = parseRxLabel(code);
    if (!label)
      throw new DomainError('invalid', 'not_rx_label', `“${code}” is not an Rx label barcode.`);
    const row = this.sql(
      `SELECT p.patient_id AS patientId, p.last_name AS lastName, p.first_name AS firstName, r.status
       FROM prescriptions r JOIN patients p ON p.patient_id = r.patient_id
       WHERE r.rx_number = ? AND r.fill_number = ?`,
    ).get(label.rxNumber, label.fillNumber) as
      { patientId: string; lastName: string; firstName: string; status: string } | undefined;
    if (!row)
      throw notFound(
        'rx_not_found',
        `Rx ${label.rxNumber} fill ${label.fillNumber} is not on file: check the label, or ask the pharmacy to send it ready.`,
      );
    if (row.status !== 'ready')
      throw new DomainError(
        'conflict',
        `rx_${row.status}`,
        `Rx ${label.rxNumber} fill ${label.fillNumber} is not ready for pickup (${row.status.replaceAll('_', ' ')}).`,
      );
    this.viewed(actor, row.patientId, 'name');
    return {
      ...label,
      patientId: row.patientId,
      lastName: row.lastName,
      firstName: row.firstName,
      readyCount: this.readyCount(row.patientId),
    };
  }

  /** Patients by two letters of the last and first names and the date of birth. */
  search(
    actor: string,
    o: { lastName: string; firstName: string; dateOfBirth: string },
  ): PatientFound[] {
    const key = searchKeyOf(o.lastName, o.firstName);
    if (key.length < 4)
      throw new DomainError(
        'invalid',
        'search_too_short',
        'Type at least two letters of the last name and two of the first name.',
      );
    const rows = this.sql(
      `SELECT patient_id AS patientId, last_name AS lastName, first_name AS firstName
       FROM patients WHERE search_key = ? AND date_of_birth = ? ORDER BY last_name, first_name LIMIT 20`,
    ).all(key, o.dateOfBirth) as Omit<PatientFound, 'readyCount'>[];
    for (const r of rows) this.viewed(actor, r.patientId, 'name');
    return rows.map((r) => ({ ...r, readyCount: this.readyCount(r.patientId) }));
  }

  /** The date of birth checked, the patient's ready prescriptions (what checkout needs). */
  verify(
    actor: string,
    patientId: string,
    dateOfBirth: string,
  ): { patientId: string; ready: ReadyRx[] } {
    this.confirmDob(actor, patientId, dateOfBirth);
    this.viewed(actor, patientId, 'prescriptions');
    const ready = (
      this.sql(
        `SELECT rx_number, fill_number, drug, amount_due, taxable, fsa_hsa_eligible, hipaa_notice, counseling_required,
                safety_cap_waiver, controlled_schedule, will_call_bin, fill_date, partial_fill
         FROM prescriptions WHERE patient_id = ? AND status = 'ready' ORDER BY fill_date, rx_number, fill_number`,
      ).all(patientId) as {
        rx_number: string;
        fill_number: number;
        drug: string | null;
        amount_due: number;
        taxable: 0 | 1;
        fsa_hsa_eligible: number;
        hipaa_notice: 0 | 1;
        counseling_required: 0 | 1;
        safety_cap_waiver: 0 | 1;
        controlled_schedule: string | null;
        will_call_bin: string | null;
        fill_date: string;
        partial_fill: 0 | 1;
      }[]
    ).map((r) => ({
      rxNumber: r.rx_number,
      fillNumber: r.fill_number,
      drug: r.drug,
      amountDue: r.amount_due,
      taxable: r.taxable === 1,
      fsaHsaEligible: r.fsa_hsa_eligible,
      hipaaNotice: r.hipaa_notice === 1,
      counselingRequired: r.counseling_required === 1,
      safetyCapWaiver: r.safety_cap_waiver === 1,
      controlledSchedule: r.controlled_schedule,
      willCallBin: r.will_call_bin,
      fillDate: r.fill_date,
      partialFill: r.partial_fill === 1,
    }));
    return { patientId, ready };
  }

  /**
   * Before asking Rx30 for a patient's address and phone: the date of birth checked again and
   * the view audited. Returns the Rx30 store id the patient's prescriptions came from.
   */
  contactAllowed(actor: string, patientId: string, dateOfBirth: string): { storeId: string } {
    this.confirmDob(actor, patientId, dateOfBirth);
    this.viewed(actor, patientId, 'contact');
    const storeId = this.sql(
      'SELECT store_id FROM prescriptions WHERE patient_id = ? ORDER BY received_at DESC LIMIT 1',
    )
      .pluck()
      .get(patientId) as string | undefined;
    return { storeId: storeId ?? 'S1' };
  }

  /** The patient is on file and the date of birth matches; a wrong one is audited. */
  private confirmDob(actor: string, patientId: string, dateOfBirth: string): void {
    const dob = this.sql('SELECT date_of_birth FROM patients WHERE patient_id = ?')
      .pluck()
      .get(patientId) as string | undefined;
    if (dob === undefined) throw notFound('patient_not_found', 'That patient is not on file.');
    if (dob !== dateOfBirth) {
      this.audit.record({
        actor,
        action: 'patient.verify_failed',
        entity: 'patient',
        entityId: patientId,
        outcome: 'denied',
      });
      throw new DomainError(
        'forbidden',
        'dob_mismatch',
        'That date of birth does not match: ask the patient again, or for ID.',
      );
    }
  }

  /** The will-call queue: what is ready, where it is, since when; no patient data. */
  queue(
    limit = 200,
  ): { rxNumber: string; fillNumber: number; willCallBin: string | null; fillDate: string }[] {
    return this.sql(
      `SELECT rx_number AS rxNumber, fill_number AS fillNumber, will_call_bin AS willCallBin, fill_date AS fillDate
       FROM prescriptions WHERE status = 'ready' ORDER BY fill_date DESC, rx_number LIMIT ?`,
    ).all(limit) as {
      rxNumber: string;
      fillNumber: number;
      willCallBin: string | null;
      fillDate: string;
    }[];
  }

  private readyCount(patientId: string): number {
    return this.sql("SELECT count(*) FROM prescriptions WHERE patient_id = ? AND status = 'ready'")
      .pluck()
      .get(patientId) as number;
  }

  /** Who saw which patient's data, and how much of it. */
  private viewed(
    actor: string,
    patientId: string,
    what: 'name' | 'prescriptions' | 'contact',
  ): void {
    this.audit.record({
      actor,
      action: 'patient.view',
      entity: 'patient',
      entityId: patientId,
      payload: { what },
    });
  }
}
