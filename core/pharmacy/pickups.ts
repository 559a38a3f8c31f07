// Completing a pickup: every rule checked on the server (the date of birth, each Rx ready,
// for this patient, inside the payer's window; counseling, with a pharmacist's sign-off where
// required; the signature and HIPAA acknowledgment; the ID for controlled substances; the
// tenders adding up, no card while offline), then in one transaction the append-only pickup
// record, the signature, the Rx marked sold and the SOLD queued for Rx30. Voids and returns
// are reversals of their own, told to Rx30 too.
import type { AuditLog } from '../audit/repo.ts';
import { daysBetween } from '../checks/calendar.ts';
import { localDate, type Clock } from '../clock.ts';
import type { Db } from '../db/open.ts';
import { preparedFor, type Statement } from '../db/statements.ts';
import { conflict, DomainError, forbidden, notFound } from '../errors.ts';
import type { SignatureStore } from '../signatures/service.ts';
import type { Rx30Outbox } from './outbox.ts';
import { checkoutSchema, pickupRulesOn, type Checkout } from './rules.ts';

export interface PickupResult {
  invoice: string;
  total: number;
  fsaHsaTotal: number;
  /** What the receipt lists: each Rx and its amount, and how it was paid. */
  lines: { rxNumber: string; fillNumber: number; amount: number }[];
  tenders: { type: string; amount: number }[];
  /** Whether Rx30 will be told (socket mode); in file mode it is not. */
  toldRx30: boolean;
}

interface RxRow {
  rx_number: string;
  fill_number: number;
  patient_id: string;
  status: string;
  amount_due: number;
  fsa_hsa_eligible: number;
  hipaa_notice: 0 | 1;
  counseling_required: 0 | 1;
  controlled_schedule: string | null;
  fill_date: string;
  store_id: string;
}

const refuse = (reason: string, message: string) => new DomainError('conflict', reason, message);

export class PickupDesk {
  private readonly db: Db;
  private readonly sql: (sql: string) => Statement;
  private readonly audit: AuditLog;
  private readonly clock: Clock;
  private readonly signatures: SignatureStore;
  private readonly outbox: () => Rx30Outbox | null;
  private readonly online: () => boolean;

  constructor(o: {
    db: Db;
    audit: AuditLog;
    clock: Clock;
    signatures: SignatureStore;
    /** The Rx30 outbox in socket mode; null in file mode (Rx30 is not told of pickups). */
    outbox: () => Rx30Outbox | null;
    /** Whether the store is online: card tenders need it (no store-and-forward). */
    online: () => boolean;
  }) {
    this.db = o.db;
    this.sql = preparedFor(o.db);
    this.audit = o.audit;
    this.clock = o.clock;
    this.signatures = o.signatures;
    this.outbox = o.outbox;
    this.online = o.online;
  }

  /** A pharmacist signs off the consultation a prescription in this sale requires. */
  signOffConsult(
    pharmacist: string,
    o: { saleKey: string; patientId: string; note?: string },
  ): void {
    this.sql(
      `INSERT INTO consult_signoffs (sale_key, patient_id, pharmacist, note, signed_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (sale_key) DO NOTHING`,
    ).run(o.saleKey, o.patientId, pharmacist, o.note ?? null, this.clock.now());
    this.audit.record({
      actor: pharmacist,
      action: 'pharmacy.consult_signoff',
      entity: 'patient',
      entityId: o.patientId,
      payload: { saleKey: o.saleKey },
    });
  }

  complete(actor: string, raw: Checkout): PickupResult {
    const c = checkoutSchema.parse(raw);
    return this.db
      .transaction((): PickupResult => {
        const done = this.sql(
          'SELECT invoice, total, fsa_hsa_total, lines, payments FROM pickups WHERE sale_key = ?',
        ).get(c.saleKey) as
          | {
              invoice: string;
              total: number;
              fsa_hsa_total: number;
              lines: string;
              payments: string;
            }
          | undefined;
        // Submitted again (a double tap, a retry): the pickup already made, nothing more.
        if (done)
          return {
            invoice: done.invoice,
            total: done.total,
            fsaHsaTotal: done.fsa_hsa_total,
            lines: JSON.parse(done.lines) as PickupResult['lines'],
            tenders: (JSON.parse(done.payments) as { type: string; amount: number }[]).map((t) => ({
              type: t.type,
              amount: t.amount,
            })),
            toldRx30: this.outbox() !== null,
          };
        const today = localDate(this.clock.now());
        const rules = pickupRulesOn(today);
        const dob = this.sql('SELECT date_of_birth FROM patients WHERE patient_id = ?')
          .pluck()
          .get(c.patientId) as string | undefined;
        if (dob === undefined) throw notFound('patient_not_found', 'That patient is not on file.');
        if (dob !== c.dateOfBirth)
          throw forbidden(
            'dob_mismatch',
            'That date of birth does not match: ask the patient again, or for ID.',
          );

        const seen = new Set<string>();
        const rows = c.rx.map((r) => {
          const key = `${r.rxNumber}/${r.fillNumber}`;
          if (seen.has(key))
            throw refuse('rx_twice', `Rx ${r.rxNumber} fill ${r.fillNumber} is in the bag twice.`);
          seen.add(key);
          const row = this.sql(
            'SELECT * FROM prescriptions WHERE rx_number = ? AND fill_number = ?',
          ).get(r.rxNumber, r.fillNumber) as RxRow | undefined;
          if (!row)
            throw notFound('rx_not_found', `Rx ${r.rxNumber} fill ${r.fillNumber} is not on file.`);
          if (row.patient_id !== c.patientId)
            throw refuse(
              'other_patient',
              `Rx ${r.rxNumber} belongs to another patient: ring it up in their own sale.`,
            );
          if (row.status !== 'ready')
            throw refuse(
              `rx_${row.status}`,
              `Rx ${r.rxNumber} fill ${r.fillNumber} is not ready (${row.status.replaceAll('_', ' ')}).`,
            );
          const age = daysBetween(row.fill_date, today);
          if (age > rules.returnToStockDays)
            throw refuse(
              'past_window',
              `Rx ${r.rxNumber} was filled ${age} days ago, past the ${rules.returnToStockDays}-day window: it goes back to stock and the pharmacy refills it.`,
            );
          return row;
        });

        if (rows.some((r) => r.counseling_required === 1)) {
          const signoff = this.sql('SELECT patient_id FROM consult_signoffs WHERE sale_key = ?')
            .pluck()
            .get(c.saleKey) as string | undefined;
          if (c.counseling !== 'pharmacist' || signoff !== c.patientId)
            throw refuse(
              'consult_required',
              'A pharmacist consult is required: a pharmacist signs it off before the pickup completes.',
            );
        }
        if (!c.signature)
          throw refuse('signature_required', 'The patient signs for the pickup first.');
        if (rows.some((r) => r.hipaa_notice === 1) && !c.hipaaAcknowledged)
          throw refuse(
            'hipaa_ack_required',
            'The patient acknowledges the HIPAA notice of privacy practices first.',
          );
        const controlled = rows.filter(
          (r) =>
            r.controlled_schedule &&
            (rules.idRequiredSchedules as string[]).includes(r.controlled_schedule),
        );
        if (controlled.length > 0) {
          if (!c.idCapture)
            throw refuse(
              'id_required',
              `Schedule ${controlled[0]?.controlled_schedule} medicine: record the ID of the person picking up.`,
            );
          if (
            !rules.idTypes.includes(c.idCapture.type) ||
            !rules.relations.includes(c.idCapture.relation)
          )
            throw new DomainError(
              'invalid',
              'id_kind',
              `Choose the ID type (${rules.idTypes.join(', ')}) and who is picking up (${rules.relations.join(', ')}).`,
            );
        }
        const total = rows.reduce((n, r) => n + r.amount_due, 0);
        const fsaHsaTotal = rows.reduce((n, r) => n + r.fsa_hsa_eligible, 0);
        const paid = c.tenders.reduce((n, t) => n + t.amount, 0);
        if (paid !== total)
          throw refuse(
            'tenders_total',
            `The tenders add up to ${(paid / 100).toFixed(2)}; the amount due is ${(total / 100).toFixed(2)}.`,
          );
        if (c.tenders.some((t) => t.type === 'card') && !this.online())
          throw refuse(
            'offline_card',
            'The store is offline: cards are not taken offline. Take cash, a check or a charge account.',
          );

        const seq =
          (this.sql('SELECT count(*) FROM pickups WHERE completed_at >= ?')
            .pluck()
            .get(Date.parse(`${today}T00:00:00`)) as number) + 1;
        const invoice = `P${today.replaceAll('-', '')}-${String(seq).padStart(4, '0')}-${c.saleKey.slice(0, 6)}`;
        const signature = this.signatures.record(actor, {
          record: { type: 'rx_pickup', id: invoice },
          signer: 'patient or representative',
          signature: c.signature,
        });
        this.sql(
          `INSERT INTO pickups (invoice, sale_key, patient_id, lines, total, fsa_hsa_total, payments, counseling, pharmacist,
             signature_id, hipaa_acknowledged, id_capture, completed_by, completed_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, (SELECT pharmacist FROM consult_signoffs WHERE sale_key = ?), ?, ?, ?, ?, ?)`,
        ).run(
          invoice,
          c.saleKey,
          c.patientId,
          JSON.stringify(
            rows.map((r) => ({
              rxNumber: r.rx_number,
              fillNumber: r.fill_number,
              amount: r.amount_due,
            })),
          ),
          total,
          fsaHsaTotal,
          JSON.stringify(c.tenders),
          c.counseling,
          c.saleKey,
          signature.id,
          c.hipaaAcknowledged ? 1 : 0,
          c.idCapture ? JSON.stringify(c.idCapture) : null,
          actor,
          this.clock.now(),
        );
        for (const r of rows)
          this.sql(
            "UPDATE prescriptions SET status = 'sold', updated_at = ? WHERE rx_number = ? AND fill_number = ?",
          ).run(this.clock.now(), r.rx_number, r.fill_number);
        const outbox = this.outbox();
        outbox?.enqueue({
          type: 'SOLD',
          id: `SOLD-${invoice}`,
          storeId: rows[0]?.store_id ?? 'S1',
          invoice,
          date: today,
          lines: rows.map((r) => ({
            rxNumber: r.rx_number,
            fillNumber: r.fill_number,
            amount: r.amount_due,
          })),
          payments: c.tenders.map((t) => ({
            type: t.type,
            amount: t.amount,
            ...(t.type === 'card' ? { reference: t.reference } : {}),
          })),
          counseling: c.counseling,
          signatureRef: String(signature.id),
          idCaptured: c.idCapture !== undefined,
        });
        this.audit.record({
          actor,
          action: 'pharmacy.pickup',
          entity: 'patient',
          entityId: c.patientId,
          payload: { invoice, rx: rows.length, total },
        });
        return {
          invoice,
          total,
          fsaHsaTotal,
          lines: rows.map((r) => ({
            rxNumber: r.rx_number,
            fillNumber: r.fill_number,
            amount: r.amount_due,
          })),
          tenders: c.tenders.map((t) => ({ type: t.type, amount: t.amount })),
          toldRx30: outbox !== null,
        };
      })
      .immediate();
  }

  /** Voids a whole pickup (the sale undone the same day): the Rx are ready again. */
  voidPickup(actor: string, invoice: string, reason: string): void {
    this.reverse(actor, invoice, reason, null);
  }

  /** A returned prescription: it cannot be sold again, so it is returned to stock. */
  returnRx(
    actor: string,
    invoice: string,
    rx: { rxNumber: string; fillNumber: number },
    reason: string,
  ): void {
    this.reverse(actor, invoice, reason, rx);
  }

  private reverse(
    actor: string,
    invoice: string,
    reason: string,
    rx: { rxNumber: string; fillNumber: number } | null,
  ): void {
    this.db
      .transaction(() => {
        const p = this.sql('SELECT lines FROM pickups WHERE invoice = ?').get(invoice) as
          { lines: string } | undefined;
        if (!p) throw notFound('pickup_not_found', `There is no pickup ${invoice}.`);
        const lines = JSON.parse(p.lines) as { rxNumber: string; fillNumber: number }[];
        const voided = this.sql(
          "SELECT 1 FROM pickup_reversals WHERE invoice = ? AND kind = 'void'",
        ).get(invoice);
        if (voided) throw conflict('already_voided', `Pickup ${invoice} was already voided.`);
        if (rx && !lines.some((l) => l.rxNumber === rx.rxNumber && l.fillNumber === rx.fillNumber))
          throw notFound(
            'rx_not_in_pickup',
            `Rx ${rx.rxNumber} fill ${rx.fillNumber} is not on pickup ${invoice}.`,
          );
        try {
          this.sql(
            'INSERT INTO pickup_reversals (invoice, kind, rx_number, fill_number, reason, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
          ).run(
            invoice,
            rx ? 'return' : 'void',
            rx?.rxNumber ?? null,
            rx?.fillNumber ?? null,
            reason,
            actor,
            this.clock.now(),
          );
        } catch {
          throw conflict(
            'already_returned',
            `Rx ${rx?.rxNumber} on ${invoice} was already returned.`,
          );
        }
        const affected = rx ? [rx] : lines;
        for (const l of affected)
          this.sql(
            'UPDATE prescriptions SET status = ?, updated_at = ? WHERE rx_number = ? AND fill_number = ?',
          ).run(rx ? 'returned_to_stock' : 'ready', this.clock.now(), l.rxNumber, l.fillNumber);
        const storeId = this.sql(
          'SELECT store_id FROM prescriptions WHERE rx_number = ? AND fill_number = ?',
        )
          .pluck()
          .get(affected[0]?.rxNumber, affected[0]?.fillNumber) as string | undefined;
        const n = this.sql('SELECT count(*) FROM pickup_reversals WHERE invoice = ?')
          .pluck()
          .get(invoice) as number;
        this.outbox()?.enqueue(
          rx
            ? {
                type: 'RETURN',
                id: `RET-${invoice}-${n}`,
                storeId: storeId ?? 'S1',
                invoice,
                rxNumber: rx.rxNumber,
                fillNumber: rx.fillNumber,
                reason,
              }
            : { type: 'VOID', id: `VOID-${invoice}`, storeId: storeId ?? 'S1', invoice, reason },
        );
        this.audit.record({
          actor,
          action: rx ? 'pharmacy.return' : 'pharmacy.void',
          entity: 'pickup',
          entityId: invoice,
          payload: { reason, ...(rx ?? {}) },
        });
      })
      .immediate();
  }

  /** Ready prescriptions past the payer's window: to return to stock (and blocked from sale). */
  pastWindow(): { rxNumber: string; fillNumber: number; fillDate: string; days: number }[] {
    const today = localDate(this.clock.now());
    const rules = pickupRulesOn(today);
    return (
      this.sql(
        "SELECT rx_number, fill_number, fill_date FROM prescriptions WHERE status = 'ready' ORDER BY fill_date",
      ).all() as {
        rx_number: string;
        fill_number: number;
        fill_date: string;
      }[]
    )
      .map((r) => ({
        rxNumber: r.rx_number,
        fillNumber: r.fill_number,
        fillDate: r.fill_date,
        days: daysBetween(r.fill_date, today),
      }))
      .filter((r) => r.days > rules.returnToStockDays);
  }
}
