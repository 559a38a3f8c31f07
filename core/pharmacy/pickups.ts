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
import {
  allocateTenders,
  checkoutSchema,
  pickupRulesOn,
  type Bag,
  type Checkout,
  type PickupRules,
} from './rules.ts';

/** One patient's pickup in a sale: what the receipt and Rx30 get for that invoice. */
export interface PickupResult {
  invoice: string;
  total: number;
  fsaHsaTotal: number;
  /** Each Rx and its amount. */
  lines: { rxNumber: string; fillNumber: number; amount: number }[];
  /** What paid for this invoice (the sale's tenders, split over its pickups in order). */
  tenders: { type: string; amount: number }[];
}

/** A sale at the counter: one pickup per patient, kept apart, paid together. */
export interface SaleResult {
  saleKey: string;
  pickups: PickupResult[];
  total: number;
  fsaHsaTotal: number;
  tenders: { type: string; amount: number }[];
  /** Whether Rx30 will be told (socket mode); in file mode it is not. */
  toldRx30: boolean;
}

/** A pickup as the void and return screen shows it: the Rx and what became of each. */
export interface PickupSummary {
  invoice: string;
  completedAt: string;
  completedBy: string;
  total: number;
  tenders: { type: string; amount: number }[];
  lines: { rxNumber: string; fillNumber: number; amount: number; returned: boolean }[];
  voided: { reason: string; by: string } | null;
  /** A void is for the same day, before any Rx on it was returned. */
  canVoid: boolean;
}

/** A line of the day's pickups: no Rx numbers, no patient. */
export interface PickupOfDay {
  invoice: string;
  completedAt: string;
  completedBy: string;
  total: number;
  rxCount: number;
  returned: number;
  voided: boolean;
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

  /** A pharmacist signs off the consultation a patient's prescription in this sale requires. */
  signOffConsult(
    pharmacist: string,
    o: { saleKey: string; patientId: string; note?: string },
  ): void {
    this.sql(
      `INSERT INTO pharmacist_signoffs (sale_key, patient_id, pharmacist, note, signed_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (sale_key, patient_id) DO NOTHING`,
    ).run(o.saleKey, o.patientId, pharmacist, o.note ?? null, this.clock.now());
    this.audit.record({
      actor: pharmacist,
      action: 'pharmacy.consult_signoff',
      entity: 'patient',
      entityId: o.patientId,
      payload: { saleKey: o.saleKey },
    });
  }

  complete(actor: string, raw: Checkout): SaleResult {
    const c = checkoutSchema.parse(raw);
    return this.db
      .transaction((): SaleResult => {
        const done = this.saleOf(c.saleKey);
        // Submitted again (a double tap, a retry): the sale already made, nothing more.
        if (done) return done;
        const today = localDate(this.clock.now());
        const rules = pickupRulesOn(today);
        const seen = new Set<string>();
        const checked = c.bags.map((bag) => {
          if (c.bags.filter((b) => b.patientId === bag.patientId).length > 1)
            throw refuse(
              'patient_twice',
              'That patient is in this sale twice: put all their prescriptions in one bag.',
            );
          return { bag, rows: this.checkBag(bag, seen, today, rules, c.saleKey) };
        });
        if (!c.signature)
          throw refuse('signature_required', 'The person picking up signs for the pickup first.');
        const totals = checked.map(({ rows }) => rows.reduce((n, r) => n + r.amount_due, 0));
        const total = totals.reduce((a, b) => a + b, 0);
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
        const shares = allocateTenders(c.tenders, totals);
        checked.forEach(({ bag, rows }, i) =>
          this.record(actor, {
            saleKey: c.saleKey,
            bagKey: c.bags.length === 1 ? c.saleKey : `${c.saleKey}/${i + 1}`,
            bag,
            rows,
            tenders: shares[i] ?? [],
            signature: c.signature as NonNullable<Checkout['signature']>,
            today,
          }),
        );
        return this.saleOf(c.saleKey) as SaleResult;
      })
      .immediate();
  }

  /** One patient's bag, every rule checked: the Rx rows it hands over. */
  private checkBag(
    bag: Bag,
    seen: Set<string>,
    today: string,
    rules: PickupRules,
    saleKey: string,
  ): RxRow[] {
    const dob = this.sql('SELECT date_of_birth FROM patients WHERE patient_id = ?')
      .pluck()
      .get(bag.patientId) as string | undefined;
    if (dob === undefined) throw notFound('patient_not_found', 'That patient is not on file.');
    if (dob !== bag.dateOfBirth)
      throw forbidden(
        'dob_mismatch',
        'That date of birth does not match: ask the patient again, or for ID.',
      );
    const rows = bag.rx.map((r) => {
      const key = `${r.rxNumber}/${r.fillNumber}`;
      if (seen.has(key))
        throw refuse('rx_twice', `Rx ${r.rxNumber} fill ${r.fillNumber} is in the sale twice.`);
      seen.add(key);
      const row = this.sql(
        'SELECT * FROM prescriptions WHERE rx_number = ? AND fill_number = ?',
      ).get(r.rxNumber, r.fillNumber) as RxRow | undefined;
      if (!row)
        throw notFound('rx_not_found', `Rx ${r.rxNumber} fill ${r.fillNumber} is not on file.`);
      if (row.patient_id !== bag.patientId)
        throw refuse(
          'other_patient',
          `Rx ${r.rxNumber} belongs to another patient: put it in their own bag.`,
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
      const signoff = this.sql(
        'SELECT 1 FROM pharmacist_signoffs WHERE sale_key = ? AND patient_id = ?',
      ).get(saleKey, bag.patientId);
      if (bag.counseling !== 'pharmacist' || !signoff)
        throw refuse(
          'consult_required',
          'A pharmacist consult is required: a pharmacist signs it off before the pickup completes.',
        );
    }
    if (rows.some((r) => r.hipaa_notice === 1) && !bag.hipaaAcknowledged)
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
      if (!bag.idCapture)
        throw refuse(
          'id_required',
          `Schedule ${controlled[0]?.controlled_schedule} medicine: record the ID of the person picking up.`,
        );
      if (
        !rules.idTypes.includes(bag.idCapture.type) ||
        !rules.relations.includes(bag.idCapture.relation)
      )
        throw new DomainError(
          'invalid',
          'id_kind',
          `Choose the ID type (${rules.idTypes.join(', ')}) and who is picking up (${rules.relations.join(', ')}).`,
        );
    }
    return rows;
  }

  /** One patient's pickup: the record, its signature, the Rx sold, the SOLD queued. */
  private record(
    actor: string,
    o: {
      saleKey: string;
      bagKey: string;
      bag: Bag;
      rows: RxRow[];
      tenders: Checkout['tenders'];
      signature: NonNullable<Checkout['signature']>;
      today: string;
    },
  ): void {
    const { bag, rows, today } = o;
    const seq =
      (this.sql('SELECT count(*) FROM pickups WHERE completed_at >= ?')
        .pluck()
        .get(Date.parse(`${today}T00:00:00`)) as number) + 1;
    const invoice = `P${today.replaceAll('-', '')}-${String(seq).padStart(4, '0')}-${o.saleKey.slice(-6)}`;
    const lines = rows.map((r) => ({
      rxNumber: r.rx_number,
      fillNumber: r.fill_number,
      amount: r.amount_due,
    }));
    const total = rows.reduce((n, r) => n + r.amount_due, 0);
    const signature = this.signatures.record(actor, {
      record: { type: 'rx_pickup', id: invoice },
      signer: 'patient or representative',
      signature: o.signature,
    });
    this.sql(
      `INSERT INTO pickups (invoice, sale_key, sale, patient_id, lines, total, fsa_hsa_total, payments, counseling, pharmacist,
         signature_id, hipaa_acknowledged, id_capture, completed_by, completed_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT pharmacist FROM pharmacist_signoffs WHERE sale_key = ? AND patient_id = ?), ?, ?, ?, ?, ?)`,
    ).run(
      invoice,
      o.bagKey,
      o.saleKey,
      bag.patientId,
      JSON.stringify(lines),
      total,
      rows.reduce((n, r) => n + r.fsa_hsa_eligible, 0),
      JSON.stringify(o.tenders),
      bag.counseling,
      o.saleKey,
      bag.patientId,
      signature.id,
      bag.hipaaAcknowledged ? 1 : 0,
      bag.idCapture ? JSON.stringify(bag.idCapture) : null,
      actor,
      this.clock.now(),
    );
    for (const r of rows)
      this.sql(
        "UPDATE prescriptions SET status = 'sold', updated_at = ? WHERE rx_number = ? AND fill_number = ?",
      ).run(this.clock.now(), r.rx_number, r.fill_number);
    this.outbox()?.enqueue({
      type: 'SOLD',
      id: `SOLD-${invoice}`,
      storeId: rows[0]?.store_id ?? 'S1',
      invoice,
      date: today,
      lines,
      payments: o.tenders.map((t) => ({
        type: t.type,
        amount: t.amount,
        ...(t.type === 'card' ? { reference: t.reference } : {}),
      })),
      counseling: bag.counseling,
      signatureRef: String(signature.id),
      idCaptured: bag.idCapture !== undefined,
    });
    this.audit.record({
      actor,
      action: 'pharmacy.pickup',
      entity: 'patient',
      entityId: bag.patientId,
      payload: { invoice, rx: rows.length, total },
    });
  }

  /** A sale as recorded (its pickups in order), or null when it was never completed. */
  private saleOf(saleKey: string): SaleResult | null {
    const rows = this.sql(
      `SELECT invoice, total, fsa_hsa_total, lines, payments FROM pickups
       WHERE sale = ? OR (sale IS NULL AND sale_key = ?) ORDER BY rowid`,
    ).all(saleKey, saleKey) as {
      invoice: string;
      total: number;
      fsa_hsa_total: number;
      lines: string;
      payments: string;
    }[];
    if (rows.length === 0) return null;
    const pickups = rows.map((r): PickupResult => ({
      invoice: r.invoice,
      total: r.total,
      fsaHsaTotal: r.fsa_hsa_total,
      lines: JSON.parse(r.lines) as PickupResult['lines'],
      tenders: (JSON.parse(r.payments) as { type: string; amount: number }[]).map((t) => ({
        type: t.type,
        amount: t.amount,
      })),
    }));
    const tenders: { type: string; amount: number }[] = [];
    for (const t of pickups.flatMap((p) => p.tenders)) {
      const last = tenders.at(-1);
      // A tender split over two invoices shows once, whole, on the sale.
      if (last && last.type === t.type && pickups.length > 1) last.amount += t.amount;
      else tenders.push({ ...t });
    }
    return {
      saleKey,
      pickups,
      total: pickups.reduce((n, p) => n + p.total, 0),
      fsaHsaTotal: pickups.reduce((n, p) => n + p.fsaHsaTotal, 0),
      tenders,
      toldRx30: this.outbox() !== null,
    };
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
        const p = this.sql('SELECT lines, completed_at FROM pickups WHERE invoice = ?').get(
          invoice,
        ) as { lines: string; completed_at: number } | undefined;
        if (!p) throw notFound('pickup_not_found', `There is no pickup ${invoice}.`);
        const lines = JSON.parse(p.lines) as { rxNumber: string; fillNumber: number }[];
        const voided = this.sql(
          "SELECT 1 FROM pickup_reversals WHERE invoice = ? AND kind = 'void'",
        ).get(invoice);
        if (voided) throw conflict('already_voided', `Pickup ${invoice} was already voided.`);
        if (!rx && localDate(p.completed_at) !== localDate(this.clock.now()))
          throw conflict(
            'void_same_day',
            `Pickup ${invoice} was made on another day: return its prescriptions instead of voiding it.`,
          );
        const returned = this.sql(
          "SELECT rx_number FROM pickup_reversals WHERE invoice = ? AND kind = 'return'",
        )
          .pluck()
          .all(invoice) as string[];
        // Voiding puts the Rx back to ready: a returned one went back to stock and must not.
        if (!rx && returned.length > 0)
          throw conflict(
            'has_returns',
            `Rx ${returned.join(', ')} on ${invoice} was returned already: return the others one by one instead of voiding.`,
          );
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

  /** A day's pickups for the void and return screen: no patient data, newest first. */
  day(date: string): PickupOfDay[] {
    const from = Date.parse(`${date}T00:00:00`);
    return (
      this.sql(
        `SELECT invoice FROM pickups WHERE completed_at >= ? AND completed_at < ? ORDER BY completed_at DESC, rowid DESC LIMIT 500`,
      )
        .pluck()
        .all(from, from + 86_400_000) as string[]
    ).map((invoice) => {
      const p = this.summary(invoice) as PickupSummary;
      return {
        invoice: p.invoice,
        completedAt: p.completedAt,
        completedBy: p.completedBy,
        total: p.total,
        rxCount: p.lines.length,
        returned: p.lines.filter((l) => l.returned).length,
        voided: p.voided !== null,
      };
    });
  }

  /**
   * One pickup and what became of each Rx, found by its invoice or any invoice of its sale
   * (the receipt's barcode). Its Rx numbers are the patient's data: the view is audited.
   */
  find(actor: string, invoice: string): PickupSummary[] {
    const sale = this.sql('SELECT coalesce(sale, sale_key) FROM pickups WHERE invoice = ?')
      .pluck()
      .get(invoice.trim()) as string | undefined;
    if (sale === undefined)
      throw notFound(
        'pickup_not_found',
        `There is no pickup ${invoice.trim()}: check the invoice number on the receipt.`,
      );
    const rows = this.sql(
      'SELECT invoice, patient_id FROM pickups WHERE sale = ? OR (sale IS NULL AND sale_key = ?) ORDER BY rowid',
    ).all(sale, sale) as { invoice: string; patient_id: string }[];
    for (const r of rows)
      this.audit.record({
        actor,
        action: 'patient.view',
        entity: 'patient',
        entityId: r.patient_id,
        payload: { what: 'pickup', invoice: r.invoice },
      });
    return rows.map((r) => this.summary(r.invoice) as PickupSummary);
  }

  private summary(invoice: string): PickupSummary | null {
    const p = this.sql(
      'SELECT invoice, lines, total, payments, completed_by, completed_at FROM pickups WHERE invoice = ?',
    ).get(invoice) as
      | {
          invoice: string;
          lines: string;
          total: number;
          payments: string;
          completed_by: string;
          completed_at: number;
        }
      | undefined;
    if (!p) return null;
    const reversals = this.sql(
      'SELECT kind, rx_number, fill_number, reason, recorded_by FROM pickup_reversals WHERE invoice = ? ORDER BY id',
    ).all(invoice) as {
      kind: 'void' | 'return';
      rx_number: string | null;
      fill_number: number | null;
      reason: string;
      recorded_by: string;
    }[];
    const voided = reversals.find((r) => r.kind === 'void');
    const sameDay = localDate(p.completed_at) === localDate(this.clock.now());
    const lines = (JSON.parse(p.lines) as PickupResult['lines']).map((l) => ({
      ...l,
      returned: reversals.some(
        (r) => r.kind === 'return' && r.rx_number === l.rxNumber && r.fill_number === l.fillNumber,
      ),
    }));
    return {
      invoice: p.invoice,
      completedAt: new Date(p.completed_at).toISOString(),
      completedBy: p.completed_by,
      total: p.total,
      tenders: (JSON.parse(p.payments) as { type: string; amount: number }[]).map((t) => ({
        type: t.type,
        amount: t.amount,
      })),
      lines,
      voided: voided ? { reason: voided.reason, by: voided.recorded_by } : null,
      canVoid: !voided && sameDay && !lines.some((l) => l.returned),
    };
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
