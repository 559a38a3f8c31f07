// Background-check rules, pure: the state machine of a check, when a delayed transfer may
// proceed, when a check expires, and whether a disposition to a non-licensee may complete.
// Facts: ../shared/domain/firearms-and-checks.md; values: resources/firearms/nics-policy.json.
import type { BusinessCalendar } from './calendar.ts';
import { addDays, type IsoDate } from './calendar.ts';
import type {
  Check,
  CheckRoute,
  CheckStatus,
  CheckSubject,
  NicsPolicy,
  PermitExemption,
} from './model.ts';

export { addDays, BusinessCalendar, daysBetween, isoDateSchema, weekday } from './calendar.ts';
export type { IsoDate } from './calendar.ts';

const HANDGUNS = new Set(['pistol', 'revolver', 'frame', 'receiver', 'pistol grip firearm']);

/** Who runs the check for a transfer in this state, for these item types. */
export function routeFor(
  policy: NicsPolicy,
  state: Check['state'],
  itemTypes: readonly string[],
): CheckRoute {
  if (policy.routes.fullPoc.includes(state)) return 'full_poc';
  // Partial POC states check handguns (or handgun permits) themselves; the FBI does the rest.
  const partial = [...policy.routes.partialPocHandguns, ...policy.routes.partialPocPermits];
  if (partial.includes(state) && itemTypes.some((t) => HANDGUNS.has(t))) return 'partial_poc';
  return 'federal_nics';
}

export type CheckEvent =
  | { type: 'submit'; on: IsoDate }
  | {
      type: 'respond';
      answer: 'proceed' | 'delayed' | 'denied' | 'cancelled';
      on: IsoDate;
      /** Under 21 only: NICS said it is investigating further (extends the wait). */
      furtherInvestigation?: boolean;
    }
  | { type: 'expire' };

export class CheckTransitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckTransitionError';
  }
}

const FINAL: readonly CheckStatus[] = ['denied', 'cancelled', 'expired'];

/** The check after an event; refuses events that cannot happen in its state. */
export function nextCheck(c: Check, e: CheckEvent): Check {
  const refuse = (why: string): never => {
    throw new CheckTransitionError(why);
  };
  if (e.type === 'expire') {
    if (FINAL.includes(c.status)) refuse(`A ${c.status} check cannot expire.`);
    return { ...c, status: 'expired' };
  }
  if (e.type === 'submit') {
    if (c.status !== 'initiated') refuse('This check was already submitted.');
    return { ...c, status: 'pending', contactDate: e.on };
  }
  if (c.contactDate && e.on < c.contactDate)
    refuse('A response cannot be dated before the check was submitted.');
  if (c.status === 'pending') {
    if (e.answer === 'delayed')
      return {
        ...c,
        status: 'delayed',
        delayedOn: e.on,
        furtherInvestigation: c.buyerUnder21 && e.furtherInvestigation === true,
      };
    return { ...c, status: e.answer };
  }
  if (c.status === 'delayed') {
    if (e.answer === 'proceed' || e.answer === 'denied') return { ...c, status: e.answer };
    if (e.answer === 'delayed' && c.buyerUnder21 && e.furtherInvestigation)
      return { ...c, furtherInvestigation: true };
    refuse(`A delayed check can only become proceed or denied, not ${e.answer}.`);
  }
  return refuse(
    c.status === 'initiated'
      ? 'Submit the check before recording a response.'
      : `This check is ${c.status}: record a new check instead.`,
  );
}

/** The last day a check is good for: 30 days counted from the day after first contact. */
export function lastValidDay(c: Check, policy: NicsPolicy): IsoDate | null {
  return c.contactDate ? addDays(c.contactDate, policy.validityDays) : null;
}

/**
 * The first day a delayed transfer may proceed by default: the day after the 3rd business
 * day after the contact day (10th for a buyer under 21 under further investigation).
 * Delayed on Thursday → Wednesday. Null where the state forbids default proceeds.
 */
export function defaultProceedOn(
  c: Check,
  policy: NicsPolicy,
  calendar: BusinessCalendar,
): IsoDate | null {
  if (!c.contactDate || policy.noDefaultProceedStates.includes(c.state)) return null;
  const wait =
    c.buyerUnder21 && c.furtherInvestigation
      ? policy.under21WaitBusinessDays
      : policy.delayedWaitBusinessDays;
  return addDays(calendar.nthBusinessDayAfter(c.contactDate, wait), 1);
}

export type TransferDecision =
  | { allowed: true; basis: 'proceed' | 'default_proceed' | 'permit' | 'override' }
  | {
      allowed: false;
      reason:
        | 'no_check'
        | 'subject_changed'
        | 'denied'
        | 'cancelled'
        | 'waiting'
        | 'delayed_wait'
        | 'no_default_proceed'
        | 'expired';
      /** What the clerk can do, in words. */
      message: string;
      /** When the transfer may proceed, if waiting will do it. */
      mayProceedOn?: IsoDate;
    };

const sameSubject = (a: CheckSubject, b: CheckSubject) =>
  a.buyer === b.buyer &&
  a.items.length === b.items.length &&
  [...a.items].sort().join('\u0000') === [...b.items].sort().join('\u0000');

/**
 * May this transfer to a non-licensee complete today? Only with a valid check for the same
 * buyer and items (proceed; or delayed with the wait over where the state allows a default
 * proceed), within its validity, or with a qualifying permit. 18 U.S.C. 922(t); 27 CFR 478.102.
 */
export function transferDecision(o: {
  check: Check | null;
  permit?: PermitExemption | null;
  /**
   * A supervisor's recorded override: only where the state's policy allows one, only for a
   * delayed check in a state without default proceeds, and only after the federal wait.
   */
  override?: boolean;
  transaction: CheckSubject;
  today: IsoDate;
  policy: NicsPolicy;
  calendar: BusinessCalendar;
}): TransferDecision {
  const { check: c, policy, today } = o;
  if (o.permit?.qualifies) {
    const limit = addDays(o.permit.issuedOn, Math.round(policy.permitMaxAgeYears * 365.25));
    if (o.permit.issuedOn <= today && today <= limit) return { allowed: true, basis: 'permit' };
  }
  if (!c)
    return {
      allowed: false,
      reason: 'no_check',
      message: 'Run a background check (or record a qualifying permit) before the transfer.',
    };
  if (c.status === 'denied')
    return { allowed: false, reason: 'denied', message: 'The check was denied: do not transfer.' };
  if (c.status === 'cancelled')
    return {
      allowed: false,
      reason: 'cancelled',
      message: 'The check was cancelled: run a new check to transfer.',
    };
  if (!sameSubject(c, o.transaction))
    return {
      allowed: false,
      reason: 'subject_changed',
      message: 'The buyer or the items changed since the check: run a new check.',
    };
  const last = lastValidDay(c, policy);
  if (c.status === 'expired' || (last !== null && today > last))
    return {
      allowed: false,
      reason: 'expired',
      message: `The check expired${last ? ` after ${last}` : ''}: run a new check, recorded on the same 4473.`,
    };
  if (c.status === 'initiated' || c.status === 'pending')
    return {
      allowed: false,
      reason: 'waiting',
      message: 'The check has no answer yet: record the response first.',
    };
  if (c.status === 'proceed') return { allowed: true, basis: 'proceed' };
  // delayed
  const proceedOn = defaultProceedOn(c, policy, o.calendar);
  if (proceedOn === null && o.override && policy.overrideAllowedStates.includes(c.state)) {
    const federalWait = defaultProceedOn(c, { ...policy, noDefaultProceedStates: [] }, o.calendar);
    if (federalWait !== null && today >= federalWait && (last === null || today <= last))
      return { allowed: true, basis: 'override' };
  }
  if (proceedOn === null)
    return {
      allowed: false,
      reason: 'no_default_proceed',
      message: `${c.state} does not allow a delayed transfer to proceed by default: wait for the final answer.`,
    };
  if (today < proceedOn)
    return {
      allowed: false,
      reason: 'delayed_wait',
      message: `The check is delayed: the transfer may proceed on ${proceedOn} if no denial arrives first.`,
      mayProceedOn: proceedOn,
    };
  if (last !== null && proceedOn > last)
    return {
      allowed: false,
      reason: 'expired',
      message: `The check expires after ${last}, before it could proceed: run a new check.`,
    };
  return { allowed: true, basis: 'default_proceed' };
}
