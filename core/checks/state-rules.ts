// The store's own check rules for its state, layered over the shipped NICS policy. The
// shipped lists of states that forbid default proceeds, allow overrides and accept permits
// are empty until vetted (the domain notes name no states), so the compliance clerk records
// what applies to the store, with where it comes from and from when; the gate then follows it.
import { z } from 'zod';
import type { AuditLog } from '../audit/repo.ts';
import { localDate, type Clock } from '../clock.ts';
import type { Db } from '../db/open.ts';
import { US_STATES, type UsState } from '../integrations/model.ts';
import { isoDateSchema } from './calendar.ts';
import { policyOn, type NicsPolicy } from './model.ts';
import { nicsPolicies } from './policy.ts';

export const stateRuleSchema = z
  .object({
    state: z.enum(US_STATES),
    effective: isoDateSchema,
    /** The state's law does not let a delayed transfer proceed by default. */
    noDefaultProceed: z.boolean(),
    /** The state lets a supervisor override a hold on a delayed check, with a reason. */
    overrideAllowed: z.boolean(),
    /** Permit types (as the ATF Brady permit chart names them) that stand in for a check. */
    qualifyingPermits: z
      .array(z.string().trim().min(1, 'A permit type needs a name.').max(80))
      .max(20)
      .refine((p) => new Set(p.map((x) => x.toLowerCase())).size === p.length, {
        message: 'A permit type is listed twice.',
      }),
    source: z
      .string()
      .trim()
      .min(3, 'Say where the rule comes from (for example "ATF Brady permit chart, 2026").')
      .max(300),
  })
  .strict();
export type StateRule = z.infer<typeof stateRuleSchema>;
export type RecordedStateRule = StateRule & { id: number; recordedBy: string; recordedAt: number };

/**
 * The shipped policy with the store's rules in force applied. A store's rule for a state
 * replaces the shipped values for that state: it is the newer, sourced record.
 */
export function withStateRules(policy: NicsPolicy, rules: readonly StateRule[]): NicsPolicy {
  const ruled = new Set(rules.map((r) => r.state));
  const keep = (states: readonly UsState[]) => states.filter((s) => !ruled.has(s));
  const permits = { ...policy.qualifyingPermits };
  for (const r of rules) permits[r.state] = [...r.qualifyingPermits];
  return {
    ...policy,
    noDefaultProceedStates: [
      ...keep(policy.noDefaultProceedStates),
      ...rules.filter((r) => r.noDefaultProceed).map((r) => r.state),
    ],
    overrideAllowedStates: [
      ...keep(policy.overrideAllowedStates),
      ...rules.filter((r) => r.overrideAllowed).map((r) => r.state),
    ],
    qualifyingPermits: permits,
  };
}

interface Row {
  id: number;
  state: UsState;
  effective: string;
  no_default_proceed: 0 | 1;
  override_allowed: 0 | 1;
  qualifying_permits: string;
  source: string;
  recorded_by: string;
  recorded_at: number;
}

const fromRow = (r: Row): RecordedStateRule => ({
  id: r.id,
  state: r.state,
  effective: r.effective,
  noDefaultProceed: r.no_default_proceed === 1,
  overrideAllowed: r.override_allowed === 1,
  qualifyingPermits: z.array(z.string()).parse(JSON.parse(r.qualifying_permits)),
  source: r.source,
  recordedBy: r.recorded_by,
  recordedAt: r.recorded_at,
});

export class StateRules {
  private readonly db: Db;
  private readonly audit: AuditLog;
  private readonly clock: Clock;

  /** The store's time zone: "today" is the store's calendar day (undefined: this PC's). */
  private readonly timeZone: () => string | undefined;

  constructor(o: { db: Db; audit: AuditLog; clock: Clock; timeZone?: () => string | undefined }) {
    this.timeZone = o.timeZone ?? (() => undefined);
    this.db = o.db;
    this.audit = o.audit;
    this.clock = o.clock;
  }

  /** Records a rule (a new row: earlier ones stay, for the record). */
  record(actor: string, raw: StateRule): RecordedStateRule {
    const r = stateRuleSchema.parse(raw);
    const id = Number(
      this.db
        .prepare(
          `INSERT INTO check_state_rules (state, effective, no_default_proceed, override_allowed, qualifying_permits, source, recorded_by, recorded_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          r.state,
          r.effective,
          r.noDefaultProceed ? 1 : 0,
          r.overrideAllowed ? 1 : 0,
          JSON.stringify(r.qualifyingPermits),
          r.source,
          actor,
          this.clock.now(),
        ).lastInsertRowid,
    );
    this.audit.record({
      actor,
      action: 'checks.state_rule',
      entity: 'check_state_rule',
      entityId: id,
      payload: r,
    });
    return { ...r, id, recordedBy: actor, recordedAt: this.clock.now() };
  }

  /** Every rule recorded for a state, newest first. */
  history(state: UsState): RecordedStateRule[] {
    return (
      this.db
        .prepare('SELECT * FROM check_state_rules WHERE state = ? ORDER BY effective DESC, id DESC')
        .all(state) as Row[]
    ).map(fromRow);
  }

  /** Per state, the latest rule effective on or before `date`. */
  inForce(date: string): RecordedStateRule[] {
    return (
      this.db
        .prepare(
          `SELECT * FROM check_state_rules r WHERE r.effective <= ? AND r.id = (
             SELECT id FROM check_state_rules x WHERE x.state = r.state AND x.effective <= ?
             ORDER BY x.effective DESC, x.id DESC LIMIT 1)`,
        )
        .all(date, date) as Row[]
    ).map(fromRow);
  }

  /** The policy the gate follows on `date`: shipped data with the store's rules applied. */
  policyOn(date: string = localDate(this.clock.now(), this.timeZone())): NicsPolicy {
    return withStateRules(policyOn(nicsPolicies, date), this.inForce(date));
  }
}
