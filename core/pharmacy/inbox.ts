// What Rx30 sends, applied to the store's ready prescriptions exactly once: a message id seen
// before is answered again but not applied again, and a prescription (rx number, fill number)
// already on file is not added again under a new message id (Rx30 resending after a lost ACK,
// a duplicated frame, the same record in a rewritten drop file). Every message is logged.
import type { Clock } from '../clock.ts';
import type { Db } from '../db/open.ts';
import { preparedFor, type Statement } from '../db/statements.ts';
import type { ReadyMessage, Rx30Message } from './messages.ts';

export type InboundOutcome = 'applied' | 'already_had' | 'ignored';

/** The answer the relay gives: ACK for all three (the message was taken), with why. */
export interface Applied {
  outcome: InboundOutcome;
  note?: string;
}

/** Two letters of the last name and two of the first, upper case: the pickup search key. */
export const searchKeyOf = (last: string, first: string) =>
  `${letters(last).slice(0, 2)}${letters(first).slice(0, 2)}`;
const letters = (s: string) =>
  s
    .normalize('NFKD')
    .replace(/[^A-Za-z]/g, '')
    .toUpperCase();

export class PharmacyInbox {
  private readonly db: Db;
  private readonly sql: (sql: string) => Statement;
  private readonly clock: Clock;
  private readonly onChange: () => void;

  constructor(o: { db: Db; clock: Clock; onChange?: () => void }) {
    this.db = o.db;
    this.sql = preparedFor(o.db);
    this.clock = o.clock;
    this.onChange = o.onChange ?? (() => {});
  }

  /** Applies one decoded, validated message; safe to call again with the same message. */
  apply(m: Rx30Message): Applied {
    const result = this.db
      .transaction((): Applied => {
        const seen = this.sql('SELECT outcome, note FROM rx30_inbound WHERE message_id = ?').get(
          m.id,
        ) as { outcome: InboundOutcome; note: string | null } | undefined;
        if (seen) return { outcome: 'already_had', note: `message ${m.id} was taken before` };
        const applied =
          m.type === 'READY'
            ? this.addReady(m)
            : m.type === 'STATUS'
              ? this.status(m.rxNumber, m.fillNumber, m.status)
              : m.type === 'PATIENT'
                ? // Shown to the screen that asked (relay.ts), never stored: only its id is logged.
                  { outcome: 'ignored' as const, note: 'contact details passed on, not kept' }
                : { outcome: 'ignored' as const, note: `${m.type} is not something Rx30 sends` };
        this.sql(
          'INSERT INTO rx30_inbound (message_id, type, rx_number, fill_number, outcome, note, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
        ).run(
          m.id,
          m.type,
          'rxNumber' in m ? m.rxNumber : null,
          'fillNumber' in m ? m.fillNumber : null,
          applied.outcome,
          applied.note ?? null,
          this.clock.now(),
        );
        return applied;
      })
      .immediate();
    if (result.outcome === 'applied') this.onChange();
    return result;
  }

  private addReady(m: ReadyMessage): Applied {
    const now = this.clock.now();
    const existing = this.sql(
      'SELECT status FROM prescriptions WHERE rx_number = ? AND fill_number = ?',
    ).get(m.rxNumber, m.fillNumber) as { status: string } | undefined;
    if (existing)
      return {
        outcome: 'already_had',
        note: `Rx ${m.rxNumber} fill ${m.fillNumber} is already on file (${existing.status})`,
      };
    this.sql(
      `INSERT INTO patients (patient_id, last_name, first_name, date_of_birth, search_key, updated_at)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (patient_id) DO UPDATE SET last_name = excluded.last_name, first_name = excluded.first_name,
         date_of_birth = excluded.date_of_birth, search_key = excluded.search_key, updated_at = excluded.updated_at`,
    ).run(
      m.patientId,
      m.lastName,
      m.firstName,
      m.dateOfBirth,
      searchKeyOf(m.lastName, m.firstName),
      now,
    );
    this.sql(
      `INSERT INTO prescriptions (rx_number, fill_number, store_id, patient_id, drug, amount_due, taxable, fsa_hsa_eligible,
         hipaa_notice, counseling_required, safety_cap_waiver, controlled_schedule, will_call_bin, fill_date, partial_fill,
         status, ready_message, received_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'ready', ?, ?, ?)`,
    ).run(
      m.rxNumber,
      m.fillNumber,
      m.storeId,
      m.patientId,
      m.drug ?? null,
      m.amountDue,
      m.taxable ? 1 : 0,
      m.fsaHsaEligible,
      m.hipaaNoticeRequired ? 1 : 0,
      m.counselingRequired ? 1 : 0,
      m.safetyCapWaiver ? 1 : 0,
      m.controlledSchedule,
      m.willCallBin ?? null,
      m.fillDate,
      m.partialFill ? 1 : 0,
      m.id,
      now,
      now,
    );
    return { outcome: 'applied' };
  }

  private status(rx: string, fill: number, status: 'returned_to_stock' | 'cancelled'): Applied {
    const current = this.sql(
      'SELECT status FROM prescriptions WHERE rx_number = ? AND fill_number = ?',
    ).get(rx, fill) as { status: string } | undefined;
    if (!current) return { outcome: 'ignored', note: `Rx ${rx} fill ${fill} is not on file` };
    if (current.status === status) return { outcome: 'already_had', note: `already ${status}` };
    // Sold stays sold: a pickup on record is not undone by a status from Rx30.
    if (current.status === 'sold')
      return { outcome: 'ignored', note: `Rx ${rx} fill ${fill} was picked up; kept as sold` };
    this.sql(
      'UPDATE prescriptions SET status = ?, updated_at = ? WHERE rx_number = ? AND fill_number = ?',
    ).run(status, this.clock.now(), rx, fill);
    return { outcome: 'applied' };
  }

  /** Ready prescriptions, oldest fill first (the pickup screen's queue). */
  ready(
    limit = 200,
  ): { rxNumber: string; fillNumber: number; patientId: string; fillDate: string }[] {
    return this.sql(
      `SELECT rx_number AS rxNumber, fill_number AS fillNumber, patient_id AS patientId, fill_date AS fillDate
       FROM prescriptions WHERE status = 'ready' ORDER BY fill_date, rx_number LIMIT ?`,
    ).all(limit) as { rxNumber: string; fillNumber: number; patientId: string; fillDate: string }[];
  }
}
