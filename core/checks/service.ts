// The check desk: a background check per Form 4473, every response recorded with its time,
// and the check's current standing (replayed from its events through rules.ts).
import type { AuditLog } from '../audit/repo.ts';
import { localDate, type Clock } from '../clock.ts';
import type { Db } from '../db/open.ts';
import { preparedFor, type Statement } from '../db/statements.ts';
import { conflict, forbidden, notFound } from '../errors.ts';
import type { UsState } from '../integrations/model.ts';
import { policyOn, type Check, type NicsPolicy } from './model.ts';
import { federalCalendar, nicsPolicies } from './policy.ts';
import {
  CheckTransitionError,
  defaultProceedOn,
  lastValidDay,
  nextCheck,
  routeFor,
  type CheckEvent,
} from './rules.ts';

export interface CheckRecord extends Check {
  id: number;
  form4473: string;
  initiatedBy: string;
  ntn: string | null;
  responses: {
    kind: string;
    on: string | null;
    recordedBy: string;
    recordedAt: number;
    note: string | null;
  }[];
  mayProceedOn: string | null;
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
}

interface EventRow {
  kind: string;
  on_date: string | null;
  ntn: string | null;
  further_investigation: 0 | 1;
  note: string | null;
  recorded_by: string;
  recorded_at: number;
}

export type CheckResponse =
  | { kind: 'submit'; on: string }
  | {
      kind: 'proceed' | 'delayed' | 'denied' | 'cancelled';
      on: string;
      ntn?: string;
      furtherInvestigation?: boolean;
    }
  | { kind: 'expire' };

export class CheckDesk {
  private readonly db: Db;
  /** Statements prepared once (the book's triggers make preparing cost more than running). */
  private readonly sql: (sql: string) => Statement;
  private readonly audit: AuditLog;
  private readonly clock: Clock;
  private readonly policy: (date: string) => NicsPolicy;

  constructor(o: {
    db: Db;
    audit: AuditLog;
    clock: Clock;
    /** The policy in force on a day (shipped data with the store's state rules, state-rules.ts). */
    policy?: (date: string) => NicsPolicy;
  }) {
    this.policy = o.policy ?? ((date) => policyOn(nicsPolicies, date));
    this.db = o.db;
    this.sql = preparedFor(o.db);
    this.audit = o.audit;
    this.clock = o.clock;
  }

  today(): string {
    return localDate(this.clock.now());
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
    },
  ): CheckRecord {
    const today = this.today();
    const route = routeFor(this.policy(today), o.state, o.itemTypes);
    return this.db
      .transaction(() => {
        const id = Number(
          this.sql(
            `INSERT INTO background_checks (form_4473, buyer_key, items, state, route, buyer_under_21, initiated_by, initiated_at, created_on)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
          ).lastInsertRowid,
        );
        this.audit.record({
          actor,
          action: 'check.start',
          entity: 'check',
          entityId: id,
          payload: { form4473: o.form4473, route },
        });
        return this.get(id);
      })
      .immediate();
  }

  /** Records a response (or the submission); refuses one the check cannot get now. */
  record(actor: string, checkId: number, r: CheckResponse): CheckRecord {
    return this.db
      .transaction(() => {
        const current = this.get(checkId);
        const event: CheckEvent =
          r.kind === 'submit'
            ? { type: 'submit', on: r.on }
            : r.kind === 'expire'
              ? { type: 'expire' }
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
        this.sql(
          'INSERT INTO check_events (check_id, kind, on_date, ntn, further_investigation, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
        ).run(
          checkId,
          r.kind,
          'on' in r ? r.on : null,
          'ntn' in r ? (r.ntn ?? null) : null,
          'furtherInvestigation' in r && r.furtherInvestigation ? 1 : 0,
          actor,
          this.clock.now(),
        );
        this.audit.record({
          actor,
          action: `check.${r.kind}`,
          entity: 'check',
          entityId: checkId,
          outcome: r.kind === 'denied' ? 'denied' : 'success',
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
    // Closed checks (denied, cancelled, expired) are filtered in SQL, so no open one is lost.
    const ids = this.sql(
      `SELECT id FROM background_checks b
         WHERE ? = 0 OR NOT EXISTS (SELECT 1 FROM check_events e WHERE e.check_id = b.id AND e.kind IN ('denied', 'cancelled', 'expire'))
         ORDER BY id DESC LIMIT ?`,
    )
      .pluck()
      .all(o.openOnly ? 1 : 0, o.limit) as number[];
    return ids.map((id) => this.get(id));
  }

  /** A check as it stands: replayed from its recorded events, with its key dates. */
  get(id: number): CheckRecord {
    const row = this.sql('SELECT * FROM background_checks WHERE id = ?').get(id) as
      CheckRow | undefined;
    if (!row) throw notFound('check_not_found', `There is no background check ${id}.`);
    const events = this.sql('SELECT * FROM check_events WHERE check_id = ? ORDER BY id').all(
      id,
    ) as EventRow[];
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
    };
    let ntn: string | null = null;
    for (const e of events) {
      if (e.kind === 'override') continue;
      const event: CheckEvent =
        e.kind === 'submit'
          ? { type: 'submit', on: e.on_date ?? '' }
          : e.kind === 'expire'
            ? { type: 'expire' }
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
    return {
      ...check,
      id,
      form4473: row.form_4473,
      initiatedBy: row.initiated_by,
      ntn,
      responses: events.map((e) => ({
        kind: e.kind,
        on: e.on_date,
        recordedBy: e.recorded_by,
        recordedAt: e.recorded_at,
        note: e.note,
      })),
      mayProceedOn:
        check.status === 'delayed' ? defaultProceedOn(check, policy, federalCalendar) : null,
      overriddenBy: events.find((e) => e.kind === 'override')?.recorded_by ?? null,
      lastValidDay: lastValidDay(check, policy),
    };
  }
}
