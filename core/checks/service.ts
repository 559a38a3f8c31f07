// The check desk: a background check per Form 4473, every response recorded with its time,
// and the check's current standing (replayed from its events through rules.ts).
import type { AuditLog } from '../audit/repo.ts';
import { localDate, type Clock } from '../clock.ts';
import type { Db } from '../db/open.ts';
import { preparedFor, type Statement } from '../db/statements.ts';
import { usableStoredDate } from '../dates.ts';
import { conflict, DomainError, forbidden, invalid, notFound } from '../errors.ts';
import { validated } from '../validate.ts';
import type { UsState } from '../integrations/model.ts';
import { isoDateSchema } from './calendar.ts';
import { policyOn, type Check, type NicsPolicy } from './model.ts';
import { nicsPolicies, permitQualifies } from './policy.ts';
import {
  checkDateProblem,
  CheckTransitionError,
  defaultProceedOn,
  lastValidDay,
  nextCheck,
  routeFor,
  transferDecision,
  type CheckEvent,
  type TransferDecision,
} from './rules.ts';
import { nicsCalendarFor, StateCalendarMissing, type NicsCalendar } from './state-calendars.ts';

export interface CheckRecord extends Check {
  id: number;
  form4473: string;
  /** The day the Form 4473 was started: no contact or answer is dated before it (null: older checks). */
  form4473StartedOn: string | null;
  initiatedBy: string;
  ntn: string | null;
  responses: {
    kind: string;
    on: string | null;
    recordedBy: string;
    recordedAt: number;
    note: string | null;
    /** An overturned denial's reference. */
    reference: string | null;
  }[];
  mayProceedOn: string | null;
  /**
   * The state's NICS calendar does not cover the days this delayed check needs: no default
   * proceed date is given, and the gate refuses until the date is confirmed by hand.
   */
  calendarMissing: { state: UsState; year: number; message: string } | null;
  lastValidDay: string | null;
  /** Who overrode a state hold on this check (checks:override), if anyone. */
  overriddenBy: string | null;
}

interface CheckRow {
  id: number;
  form_4473: string;
  buyer_key: string;
  items: string;
  state: UsState;
  route: Check['route'];
  buyer_under_21: 0 | 1;
  initiated_by: string;
  form_4473_started_on: string | null;
}

interface EventRow {
  kind: string;
  on_date: string | null;
  ntn: string | null;
  further_investigation: 0 | 1;
  note: string | null;
  recorded_by: string;
  recorded_at: number;
  reference: string | null;
}

export type CheckResponse =
  | { kind: 'submit'; on: string }
  | {
      kind: 'proceed' | 'delayed' | 'denied' | 'cancelled';
      on: string;
      ntn?: string;
      furtherInvestigation?: boolean;
    }
  /** NICS or the state overturned the denial after an appeal, with the answer's reference. */
  | { kind: 'overturned'; on: string; reference: string }
  | { kind: 'expire' };

export class CheckDesk {
  private readonly db: Db;
  /** Statements prepared once (the book's triggers make preparing cost more than running). */
  private readonly sql: (sql: string) => Statement;
  private readonly audit: AuditLog;
  private readonly clock: Clock;
  private readonly policy: (date: string) => NicsPolicy;
  private readonly timeZone: () => string | undefined;
  /** The NICS business days of a state (28 CFR 25.2): nicsCalendarFor, unless a test gives one. */
  readonly calendarFor: (state: UsState) => NicsCalendar;

  constructor(o: {
    db: Db;
    audit: AuditLog;
    clock: Clock;
    /** The policy in force on a day (shipped data with the store's state rules, state-rules.ts). */
    policy?: (date: string) => NicsPolicy;
    /** The store's IANA time zone (its hours settings); absent means this PC's. */
    timeZone?: () => string | undefined;
    /** The NICS calendar of a state (default: the shipped state-office calendars). */
    nicsCalendar?: (state: UsState) => NicsCalendar;
  }) {
    this.calendarFor = o.nicsCalendar ?? nicsCalendarFor;
    this.policy = o.policy ?? ((date) => policyOn(nicsPolicies, date));
    this.timeZone = o.timeZone ?? (() => undefined);
    this.db = o.db;
    this.sql = preparedFor(o.db);
    this.audit = o.audit;
    this.clock = o.clock;
  }

  /** The store's calendar date now, in the store's time zone (regulated dates are the store's). */
  today(): string {
    return localDate(this.clock.now(), this.timeZone());
  }

  /** Opens a check for a 4473: the buyer, the items, and the route for the store's state. */
  start(
    actor: string,
    o: {
      form4473: string;
      buyerKey: string;
      itemIds: number[];
      itemTypes: string[];
      state: UsState;
      buyerUnder21: boolean;
      /** The day the buyer started the 4473 (default: the store's today). */
      form4473StartedOn?: string;
    },
  ): CheckRecord {
    const today = this.today();
    const startedOn = validated(isoDateSchema, o.form4473StartedOn ?? today);
    if (startedOn > today)
      throw invalid(
        'date_in_future',
        `${startedOn} is in the future (today is ${today} at the store): enter the day the buyer started the Form 4473.`,
      );
    const route = routeFor(this.policy(today), o.state, o.itemTypes);
    return this.db
      .transaction(() => {
        // A new check cannot clear a denial on this 4473 (18 U.S.C. 922(d)): only an overturn can.
        const denial = this.standingDenial(o.form4473);
        if (denial)
          throw conflict(
            'denial_stands',
            `Check ${denial.id} on 4473 ${o.form4473} was denied${denial.deniedOn ? ` on ${denial.deniedOn}` : ''}: a new check cannot clear a denial. If NICS or the state overturned it after an appeal, record "Denial overturned" on check ${denial.id}.`,
          );
        const id = Number(
          this.sql(
            `INSERT INTO background_checks (form_4473, buyer_key, items, state, route, buyer_under_21, initiated_by, initiated_at, created_on, form_4473_started_on)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          ).run(
            o.form4473,
            o.buyerKey,
            JSON.stringify(o.itemIds.map(String).sort()),
            o.state,
            route,
            o.buyerUnder21 ? 1 : 0,
            actor,
            this.clock.now(),
            today,
            startedOn,
          ).lastInsertRowid,
        );
        this.audit.record({
          actor,
          action: 'check.start',
          entity: 'check',
          entityId: id,
          payload: { form4473: o.form4473, route, form4473StartedOn: startedOn },
        });
        return this.get(id);
      })
      .immediate();
  }

  /**
   * Records a response (or the submission, or a denial overturned on appeal); refuses one the
   * check cannot get now, or a date that is in the future, before the 4473 was started, or
   * before the previous entry (27 CFR 478.102).
   */
  record(actor: string, checkId: number, r: CheckResponse): CheckRecord {
    return this.db
      .transaction(() => {
        const current = this.get(checkId);
        const event: CheckEvent =
          r.kind === 'submit'
            ? { type: 'submit', on: r.on }
            : r.kind === 'expire'
              ? { type: 'expire' }
              : r.kind === 'overturned'
                ? { type: 'overturned', on: r.on, reference: r.reference }
                : {
                    type: 'respond',
                    answer: r.kind,
                    on: r.on,
                    furtherInvestigation: r.furtherInvestigation === true,
                  };
        try {
          nextCheck(current, event);
        } catch (error) {
          if (error instanceof CheckTransitionError)
            throw conflict('check_transition', error.message);
          throw error;
        }
        const dates = checkDateProblem(current, event, {
          today: this.today(),
          form4473StartedOn: current.form4473StartedOn,
        });
        if (dates) throw invalid(dates.reason, dates.message);
        this.sql(
          'INSERT INTO check_events (check_id, kind, on_date, ntn, further_investigation, recorded_by, recorded_at, reference) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        ).run(
          checkId,
          r.kind,
          'on' in r ? r.on : null,
          'ntn' in r ? (r.ntn ?? null) : null,
          'furtherInvestigation' in r && r.furtherInvestigation ? 1 : 0,
          actor,
          this.clock.now(),
          r.kind === 'overturned' ? r.reference.trim() : null,
        );
        this.audit.record({
          actor,
          action: `check.${r.kind}`,
          entity: 'check',
          entityId: checkId,
          outcome: r.kind === 'denied' ? 'denied' : 'success',
          // The overturn's reference is searchable in the audit log; its details are hashed.
          ...(r.kind === 'overturned'
            ? {
                externalRef: r.reference.trim(),
                payload: { on: r.on, reference: r.reference.trim(), deniedOn: current.deniedOn },
              }
            : {}),
        });
        return this.get(checkId);
      })
      .immediate();
  }

  /**
   * A supervisor's override of a state hold on a delayed check (checks:override), only where
   * the state's policy allows one; the reason is kept and audited. The gate still requires
   * the federal waiting period (rules.ts).
   */
  override(actor: string, checkId: number, reason: string): CheckRecord {
    return this.db
      .transaction(() => {
        const c = this.get(checkId);
        const policy = this.policy(this.today());
        if (!policy.overrideAllowedStates.includes(c.state))
          throw forbidden(
            'override_not_allowed',
            `${c.state}'s policy does not allow a supervisor override: wait for the final answer.`,
          );
        if (c.status !== 'delayed')
          throw conflict(
            'check_transition',
            `Only a delayed check can be overridden (this one is ${c.status}).`,
          );
        this.sql(
          "INSERT INTO check_events (check_id, kind, note, recorded_by, recorded_at) VALUES (?, 'override', ?, ?, ?)",
        ).run(checkId, reason, actor, this.clock.now());
        this.audit.record({
          actor,
          action: 'check.override',
          entity: 'check',
          entityId: checkId,
          payload: { reason },
        });
        return this.get(checkId);
      })
      .immediate();
  }

  /** The most recent checks, newest first, each as it stands (the check desk's list). */
  list(o: { limit: number; openOnly: boolean }): CheckRecord[] {
    // Closed checks (denied, cancelled, expired) are filtered in SQL, so no open one is lost;
    // one with firearms still reserved on its 4473 stays: they go back to stock from the desk.
    const ids = this.sql(
      `SELECT id FROM background_checks b
         WHERE ? = 0
           OR EXISTS (SELECT 1 FROM ledger_dispositions d WHERE d.form_4473 = b.form_4473 AND d.state = 'pending')
           OR NOT EXISTS (SELECT 1 FROM check_events e WHERE e.check_id = b.id AND (e.kind IN ('cancelled', 'expire')
           OR (e.kind = 'denied' AND NOT EXISTS (SELECT 1 FROM check_events o WHERE o.check_id = b.id AND o.kind = 'overturned'))))
         ORDER BY id DESC LIMIT ?`,
    )
      .pluck()
      .all(o.openOnly ? 1 : 0, o.limit) as number[];
    // A check whose stored dates cannot be used is left out (the consistency check names it).
    return ids.flatMap((id) => {
      try {
        return [this.get(id)];
      } catch (error) {
        if (error instanceof DomainError && error.reason === 'check_date_unusable') return [];
        throw error;
      }
    });
  }

  /** A check as it stands: replayed from its recorded events, with its key dates. */
  get(id: number): CheckRecord {
    const row = this.sql('SELECT * FROM background_checks WHERE id = ?').get(id) as
      CheckRow | undefined;
    if (!row) throw notFound('check_not_found', `There is no background check ${id}.`);
    const events = this.sql('SELECT * FROM check_events WHERE check_id = ? ORDER BY id').all(
      id,
    ) as EventRow[];
    // A date stored before dates were checked (or written around the checks) that cannot be
    // counted with: the check cannot be read, so nothing may rest on it (the gate refuses).
    const unusable = [
      row.form_4473_started_on,
      ...events.filter((e) => e.kind !== 'override' && e.kind !== 'expire').map((e) => e.on_date),
    ].find((d) => d !== null && !usableStoredDate(d));
    if (unusable !== undefined)
      throw conflict(
        'check_date_unusable',
        `Check ${id} holds a date that cannot be used (${String(unusable)}): no transfer can rest on it. Run a new check on the 4473, and have a manager review the book's consistency check.`,
      );
    let check: Check = {
      buyer: row.buyer_key,
      items: JSON.parse(row.items) as string[],
      status: 'initiated',
      state: row.state,
      route: row.route,
      buyerUnder21: row.buyer_under_21 === 1,
      contactDate: null,
      delayedOn: null,
      furtherInvestigation: false,
      lastEventOn: null,
      deniedOn: null,
      overturned: null,
    };
    let ntn: string | null = null;
    for (const e of events) {
      if (e.kind === 'override') continue;
      const event: CheckEvent =
        e.kind === 'submit'
          ? { type: 'submit', on: e.on_date ?? '' }
          : e.kind === 'expire'
            ? { type: 'expire' }
            : e.kind === 'overturned'
              ? { type: 'overturned', on: e.on_date ?? '', reference: e.reference ?? '' }
              : {
                  type: 'respond',
                  answer: e.kind as 'proceed' | 'delayed' | 'denied' | 'cancelled',
                  on: e.on_date ?? '',
                  furtherInvestigation: e.further_investigation === 1,
                };
      check = nextCheck(check, event);
      ntn = e.ntn ?? ntn;
    }
    const policy = this.policy(this.today());
    let mayProceedOn: string | null = null;
    let calendarMissing: CheckRecord['calendarMissing'] = null;
    if (check.status === 'delayed')
      try {
        // Business days of the state where the transfer takes place (28 CFR 25.2).
        mayProceedOn = defaultProceedOn(check, policy, this.calendarFor(check.state));
      } catch (error) {
        if (!(error instanceof StateCalendarMissing)) throw error;
        calendarMissing = { state: error.state, year: error.year, message: error.message };
      }
    return {
      ...check,
      id,
      form4473: row.form_4473,
      form4473StartedOn: row.form_4473_started_on,
      initiatedBy: row.initiated_by,
      ntn,
      responses: events.map((e) => ({
        kind: e.kind,
        on: e.on_date,
        recordedBy: e.recorded_by,
        recordedAt: e.recorded_at,
        note: e.note,
        reference: e.reference,
      })),
      mayProceedOn,
      calendarMissing,
      overriddenBy: events.find((e) => e.kind === 'override')?.recorded_by ?? null,
      lastValidDay: lastValidDay(check, policy),
    };
  }

  /** Business days from today until a delayed check may proceed, in its state's NICS calendar. */
  businessDaysToProceed(c: Pick<CheckRecord, 'state' | 'mayProceedOn'>): number {
    const today = this.today();
    if (!c.mayProceedOn || c.mayProceedOn <= today) return 0;
    try {
      return this.calendarFor(c.state).businessDaysBetween(today, c.mayProceedOn);
    } catch (error) {
      // The day itself could not be counted either: the desk shows calendarMissing.
      if (error instanceof StateCalendarMissing) return 0;
      throw error;
    }
  }

  /**
   * A denied check on this 4473 whose denial was not overturned, if any: it forbids the
   * transfer on the 4473 whatever else is on file (18 U.S.C. 922(d)).
   */
  standingDenial(form4473: string): CheckRecord | null {
    const ids = this.sql(
      `SELECT b.id FROM background_checks b WHERE b.form_4473 = ?
         AND EXISTS (SELECT 1 FROM check_events e WHERE e.check_id = b.id AND e.kind = 'denied')
         AND NOT EXISTS (SELECT 1 FROM check_events e WHERE e.check_id = b.id AND e.kind = 'overturned')
         ORDER BY b.id DESC LIMIT 1`,
    )
      .pluck()
      .all(form4473) as number[];
    return ids[0] === undefined ? null : this.get(ids[0]);
  }

  /**
   * What the gate says today about handing over what this check was run for, with the permit
   * recorded on its 4473 and any override: the desk shows it (the hand-over itself is decided
   * by the ledger, for the items then pending).
   */
  handOverDecision(c: CheckRecord): TransferDecision {
    const today = this.today();
    const policy = this.policy(today);
    const permit = this.sql(
      'SELECT state, permit_type, issued_on FROM transfer_permits WHERE form_4473 = ? AND buyer_key = ? ORDER BY id DESC LIMIT 1',
    ).get(c.form4473, c.buyer) as
      { state: UsState; permit_type: string; issued_on: string } | undefined;
    return transferDecision({
      check: c,
      permit: permit
        ? {
            state: permit.state,
            issuedOn: permit.issued_on,
            qualifies: permitQualifies(policy, permit.state, permit.permit_type),
          }
        : null,
      override: c.overriddenBy !== null,
      transaction: c,
      today,
      policy,
      calendar: this.calendarFor(c.state),
    });
  }
}
