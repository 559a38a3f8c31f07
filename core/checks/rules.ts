// Background-check rules, pure: the state machine of a check, when a delayed transfer may
// proceed, when a check expires, and whether a disposition to a non-licensee may complete.
// Facts: ../shared/domain/firearms-and-checks.md; values: resources/firearms/nics-policy.json.
import { addDays, type IsoDate } from './calendar.ts';
import type {
  Check,
  CheckRoute,
  CheckStatus,
  CheckSubject,
  NicsPolicy,
  PermitExemption,
} from './model.ts';
import { StateCalendarMissing, type NicsCalendar } from './state-calendars.ts';

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
  /**
   * NICS or the state overturned a denial (after an appeal, 28 CFR 25.10): the only way past
   * a denial. `reference` is the appeal or NTN reference the answer came with.
   */
  | { type: 'overturned'; on: IsoDate; reference: string }
  | { type: 'expire' };

export class CheckTransitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckTransitionError';
  }
}

const FINAL: readonly CheckStatus[] = ['denied', 'cancelled', 'expired'];

const later = (a: IsoDate | null, b: IsoDate): IsoDate => (a !== null && a > b ? a : b);

/** The check after an event; refuses events that cannot happen in its state. */
export function nextCheck(c: Check, e: CheckEvent): Check {
  const refuse = (why: string): never => {
    throw new CheckTransitionError(why);
  };
  if (e.type === 'expire') {
    // A denied or cancelled check already refuses the transfer: it is not "expired" over it
    // (and an expired one is not expired twice).
    if (FINAL.includes(c.status)) refuse(`This check is ${c.status}: it cannot expire.`);
    return { ...c, status: 'expired' };
  }
  if (e.type === 'submit') {
    // Submitting again would move the contact day, and with it the wait and the 30 days.
    if (c.status !== 'initiated')
      refuse(
        c.contactDate
          ? `This check was already submitted on ${c.contactDate}: record the answer instead.`
          : `This check is ${c.status}: record a new check instead.`,
      );
    return { ...c, status: 'pending', contactDate: e.on, lastEventOn: e.on };
  }
  if (e.type === 'overturned') {
    if (c.status !== 'denied')
      refuse(
        c.overturned
          ? `The denial was already overturned on ${c.overturned.on} (reference ${c.overturned.reference}).`
          : `Only a denied check can have its denial overturned (this one is ${c.status}).`,
      );
    const reference = e.reference.trim();
    if (!reference)
      refuse('Enter the reference NICS or the state gave with the overturned answer.');
    if (c.deniedOn !== null && e.on < c.deniedOn)
      refuse(`The denial was received on ${c.deniedOn}: it cannot be overturned before that.`);
    return {
      ...c,
      status: 'proceed',
      overturned: { on: e.on, reference },
      lastEventOn: later(c.lastEventOn, e.on),
    };
  }
  if (c.contactDate && e.on < c.contactDate)
    refuse('A response cannot be dated before the check was submitted.');
  const answered = (x: Partial<Check>): Check => ({
    ...c,
    ...x,
    lastEventOn: later(c.lastEventOn, e.on),
    ...(x.status === 'denied' ? { deniedOn: e.on } : {}),
  });
  if (c.status === 'pending') {
    if (e.answer === 'delayed')
      return answered({
        status: 'delayed',
        delayedOn: e.on,
        furtherInvestigation: c.buyerUnder21 && e.furtherInvestigation === true,
      });
    return answered({ status: e.answer });
  }
  if (c.status === 'delayed') {
    if (e.answer === 'proceed' || e.answer === 'denied') return answered({ status: e.answer });
    // Under 21: the notice of further investigation may come after the Delayed (18 U.S.C.
    // 922(t)(1)(C)); it is kept, and the wait becomes the longer one.
    if (e.answer === 'delayed' && c.buyerUnder21 && e.furtherInvestigation)
      return answered({ furtherInvestigation: true });
    refuse(`A delayed check can only become proceed or denied, not ${e.answer}.`);
  }
  return refuse(
    c.status === 'initiated'
      ? 'Submit the check before recording a response.'
      : c.status === 'denied'
        ? 'This check was denied, and a denial is final: only a denial overturned by NICS or the state (record it with its reference) lets the transfer go ahead.'
        : `This check is ${c.status}: record a new check instead.`,
  );
}

/** Why a date on a check is refused (27 CFR 478.102): the screens translate the reason. */
export interface CheckDateProblem {
  reason: 'date_in_future' | 'date_before_4473' | 'date_out_of_order';
  message: string;
  params: { date: IsoDate; today?: IsoDate; startedOn?: IsoDate; previous?: IsoDate };
}

/**
 * The dates a clerk enters on a check, against the store's today and the 4473: a contact or
 * response date may not be in the future (it would stretch the 30 days), not before the 4473
 * was started (a back-dated contact shortens the wait), and not before the previous entry
 * (answers come in the order NICS gave them). 27 CFR 478.102(a), 478.124(c).
 */
export function checkDateProblem(
  c: Check,
  e: CheckEvent,
  o: { today: IsoDate; form4473StartedOn: IsoDate | null },
): CheckDateProblem | null {
  if (e.type === 'expire') return null;
  const date = e.on;
  if (date > o.today)
    return {
      reason: 'date_in_future',
      message: `${date} is in the future (today is ${o.today} at the store): enter the day it actually happened.`,
      params: { date, today: o.today },
    };
  if (o.form4473StartedOn !== null && date < o.form4473StartedOn)
    return {
      reason: 'date_before_4473',
      message: `${date} is before this Form 4473 was started (${o.form4473StartedOn}): the check comes after the 4473, so enter the day it actually happened.`,
      params: { date, startedOn: o.form4473StartedOn },
    };
  if (c.lastEventOn !== null && date < c.lastEventOn)
    return {
      reason: 'date_out_of_order',
      message: `${date} is before the previous entry on this check (${c.lastEventOn}): answers are recorded in the order they came, so check the date.`,
      params: { date, previous: c.lastEventOn },
    };
  return null;
}

/** The last day a check is good for: 30 days counted from the day after first contact. */
export function lastValidDay(c: Check, policy: NicsPolicy): IsoDate | null {
  return c.contactDate ? addDays(c.contactDate, policy.validityDays) : null;
}

/**
 * The first day a delayed transfer may proceed by default: the day after the 3rd business
 * day after the contact day (10th for a buyer under 21 under further investigation), business
 * days being those of the state where the transfer takes place (28 CFR 25.2). Delayed on
 * Thursday → Wednesday. Null where the state forbids default proceeds. Throws
 * StateCalendarMissing where the state's calendar does not cover the days it needs.
 */
export function defaultProceedOn(
  c: Check,
  policy: NicsPolicy,
  calendar: NicsCalendar,
): IsoDate | null {
  if (!c.contactDate || policy.noDefaultProceedStates.includes(c.state)) return null;
  const wait =
    c.buyerUnder21 && c.furtherInvestigation
      ? policy.under21WaitBusinessDays
      : policy.delayedWaitBusinessDays;
  return addDays(calendar.nthBusinessDayAfter(c.contactDate, wait), 1);
}

export type TransferRefusal =
  | 'no_check'
  | 'subject_changed'
  | 'denied'
  | 'cancelled'
  | 'waiting'
  | 'delayed_wait'
  | 'no_default_proceed'
  | 'expired'
  | 'calendar_missing';

/** What a refusal's words need, so a screen can say it in the clerk's language. */
export interface TransferParams {
  state?: Check['state'];
  mayProceedOn?: IsoDate;
  lastValidDay?: IsoDate;
  deniedOn?: IsoDate;
  /** The year a state calendar is missing for. */
  year?: number;
}

export type TransferDecision =
  | {
      allowed: true;
      basis: 'proceed' | 'default_proceed' | 'permit' | 'override' | 'denial_overturned';
    }
  | {
      allowed: false;
      reason: TransferRefusal;
      /** What the clerk can do, in English (the screens translate `reason` with `params`). */
      message: string;
      params: TransferParams;
      /** When the transfer may proceed, if waiting will do it. */
      mayProceedOn?: IsoDate;
    };

const sameSubject = (a: CheckSubject, b: CheckSubject) =>
  a.buyer === b.buyer &&
  a.items.length === b.items.length &&
  [...a.items].sort().join('\u0000') === [...b.items].sort().join('\u0000');

/**
 * May this transfer to a non-licensee complete today? Never once the check was denied,
 * cancelled or has expired, whatever else is on file: a denial received at any time before
 * the transfer forbids it (18 U.S.C. 922(d); 27 CFR 478.102(a)), and a permit exempts from
 * running a check, never from a denial received (27 CFR 478.102(d)(1)). Otherwise only with a
 * qualifying permit, or a valid check for the same buyer and items (proceed; or delayed with
 * the wait over where the state allows a default proceed), within its 30 days.
 * 18 U.S.C. 922(t); 27 CFR 478.102.
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
  /** Business days of the state where the transfer takes place (nicsCalendarFor). */
  calendar: NicsCalendar;
}): TransferDecision {
  const { check: c, policy, today } = o;
  const refuse = (
    reason: TransferRefusal,
    message: string,
    params: TransferParams = {},
  ): TransferDecision => ({
    allowed: false,
    reason,
    message,
    params,
    ...(params.mayProceedOn ? { mayProceedOn: params.mayProceedOn } : {}),
  });
  // What refuses whatever else is on file comes first.
  if (c?.status === 'denied')
    return refuse(
      'denied',
      'The check was denied: do not transfer. A permit or an override does not change a denial; only a denial overturned by NICS or the state after an appeal does.',
      c.deniedOn ? { deniedOn: c.deniedOn } : {},
    );
  if (c?.status === 'cancelled')
    return refuse('cancelled', 'The check was cancelled: run a new check to transfer.');
  const last = c ? lastValidDay(c, policy) : null;
  if (c && (c.status === 'expired' || (last !== null && today > last)))
    return refuse(
      'expired',
      `The check expired${last ? ` after ${last}` : ''}: run a new check, recorded on the same 4473.`,
      last ? { lastValidDay: last } : {},
    );
  // A permit issued "not more than 5 years earlier" (18 U.S.C. 922(t)(3)(A); 27 CFR
  // 478.102(d)(1)), counted in calendar years: good through the 5th anniversary of its issue
  // (through 28 February for one issued on 29 February), and not before the day it was issued.
  if (o.permit?.qualifies) {
    const { issuedOn } = o.permit;
    const earliest = `${Number(today.slice(0, 4)) - policy.permitMaxAgeYears}${today.slice(4)}`;
    if (issuedOn <= today && issuedOn >= earliest) return { allowed: true, basis: 'permit' };
  }
  if (!c)
    return refuse(
      'no_check',
      'Run a background check (or record a qualifying permit) before the transfer.',
    );
  if (!sameSubject(c, o.transaction))
    return refuse(
      'subject_changed',
      'The buyer or the items changed since the check: run a new check.',
    );
  if (c.status === 'initiated' || c.status === 'pending')
    return refuse('waiting', 'The check has no answer yet: record the response first.');
  if (c.status === 'proceed')
    return { allowed: true, basis: c.overturned ? 'denial_overturned' : 'proceed' };
  // delayed
  let proceedOn: IsoDate | null;
  let federalWait: IsoDate | null;
  try {
    proceedOn = defaultProceedOn(c, policy, o.calendar);
    federalWait =
      proceedOn === null && o.override && policy.overrideAllowedStates.includes(c.state)
        ? defaultProceedOn(c, { ...policy, noDefaultProceedStates: [] }, o.calendar)
        : null;
  } catch (error) {
    // Never guess a shorter wait: the date must be confirmed by hand.
    if (error instanceof StateCalendarMissing)
      return refuse('calendar_missing', error.message, { state: error.state, year: error.year });
    throw error;
  }
  if (federalWait !== null && today >= federalWait) return { allowed: true, basis: 'override' };
  if (proceedOn === null)
    return refuse(
      'no_default_proceed',
      `${c.state} does not allow a delayed transfer to proceed by default: wait for the final answer.`,
      { state: c.state },
    );
  if (today < proceedOn)
    return refuse(
      'delayed_wait',
      `The check is delayed: the transfer may proceed on ${proceedOn} if no denial arrives first.`,
      { mayProceedOn: proceedOn },
    );
  // No "expires before it could proceed" case here: today is within the 30 days (checked
  // above), so a default proceed due on or before today is within them too.
  return { allowed: true, basis: 'default_proceed' };
}
