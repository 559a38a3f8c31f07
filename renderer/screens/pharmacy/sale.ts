// The sale at the pickup counter as the screen holds it, kept pure so its rules are tested
// on their own: one bag per patient (each verified by date of birth before it opens), a
// scanned label ticking its Rx in its patient's bag, the same Rx never twice, and the
// tenders split over the sale with one line taking whatever is left.
import type { Outputs } from '../../api/client.ts';

export type Ready = Outputs['pharmacy']['verify']['ready'][number];
export const keyOf = (r: { rxNumber: string; fillNumber: number }) =>
  `${r.rxNumber}-${r.fillNumber}`;

export interface BagState {
  patientId: string;
  lastName: string;
  firstName: string;
  dateOfBirth: string;
  ready: Ready[];
  /** Keys (keyOf) of the Rx in the bag. */
  inBag: string[];
  counseling: 'accepted' | 'declined';
  signedOff: boolean;
  hipaa: boolean;
  id: { type: string; number: string; jurisdiction: string; relation: string };
}

export interface Sale {
  bags: BagState[];
}

export const emptySale: Sale = { bags: [] };

/**
 * A verified patient joins the sale: a new bag with the scanned Rx in it (or, found by name,
 * every ready Rx, the usual case). Verified again (a newer READY arrived): the list refreshes
 * and what was in the bag stays in it.
 */
export function addBag(
  sale: Sale,
  p: { patientId: string; lastName: string; firstName: string; dateOfBirth: string },
  ready: Ready[],
  scanned: string | null,
): Sale {
  const known = sale.bags.find((b) => b.patientId === p.patientId);
  const onFile = new Set(ready.map(keyOf));
  if (known) {
    const inBag = [...known.inBag.filter((k) => onFile.has(k))];
    if (scanned && onFile.has(scanned) && !inBag.includes(scanned)) inBag.push(scanned);
    return {
      bags: sale.bags.map((b) => (b === known ? { ...b, ready, inBag } : b)),
    };
  }
  const bag: BagState = {
    ...p,
    ready,
    inBag: scanned && onFile.has(scanned) ? [scanned] : ready.map(keyOf),
    counseling: 'declined',
    signedOff: false,
    hipaa: false,
    id: { type: '', number: '', jurisdiction: '', relation: 'self' },
  };
  return { bags: [...sale.bags, bag] };
}

export type ScanOutcome =
  /** The Rx went into its patient's bag. */
  | { kind: 'ticked'; patientId: string }
  /** It was in the bag already: scanning twice does not add it twice. */
  | { kind: 'already'; patientId: string }
  /** Its patient is in the sale but the Rx is newer than their list: verify again to add it. */
  | { kind: 'refresh'; patientId: string }
  /** Another patient: verify their date of birth to add a bag. */
  | { kind: 'new_patient' };

/** A scanned label while a sale is open. */
export function scan(
  sale: Sale,
  found: { patientId: string; rxNumber: string; fillNumber: number },
): { sale: Sale; outcome: ScanOutcome } {
  const bag = sale.bags.find((b) => b.patientId === found.patientId);
  if (!bag) return { sale, outcome: { kind: 'new_patient' } };
  const key = keyOf(found);
  if (bag.inBag.includes(key))
    return { sale, outcome: { kind: 'already', patientId: bag.patientId } };
  if (!bag.ready.some((r) => keyOf(r) === key))
    return { sale, outcome: { kind: 'refresh', patientId: bag.patientId } };
  return {
    sale: updateBag(sale, bag.patientId, { inBag: [...bag.inBag, key] }),
    outcome: { kind: 'ticked', patientId: bag.patientId },
  };
}

export function updateBag(sale: Sale, patientId: string, change: Partial<BagState>): Sale {
  return {
    bags: sale.bags.map((b) => (b.patientId === patientId ? { ...b, ...change } : b)),
  };
}

export function toggle(sale: Sale, patientId: string, key: string, on: boolean): Sale {
  const bag = sale.bags.find((b) => b.patientId === patientId);
  if (!bag) return sale;
  const inBag = on
    ? bag.inBag.includes(key)
      ? bag.inBag
      : [...bag.inBag, key]
    : bag.inBag.filter((k) => k !== key);
  return updateBag(sale, patientId, { inBag });
}

export function removeBag(sale: Sale, patientId: string): Sale {
  return { bags: sale.bags.filter((b) => b.patientId !== patientId) };
}

export const bagItems = (b: BagState) => b.ready.filter((r) => b.inBag.includes(keyOf(r)));

/** What the Rx in a bag ask for at checkout: the same rules the server checks again. */
export function bagNeeds(
  b: BagState,
  rules: { idRequiredSchedules: readonly string[] },
): { consult: boolean; hipaa: boolean; id: boolean } {
  const items = bagItems(b);
  return {
    consult: items.some((r) => r.counselingRequired),
    hipaa: items.some((r) => r.hipaaNotice),
    id: items.some(
      (r) =>
        r.controlledSchedule !== null && rules.idRequiredSchedules.includes(r.controlledSchedule),
    ),
  };
}
export const bagTotal = (b: BagState) => bagItems(b).reduce((n, r) => n + r.amountDue, 0);
export const saleTotal = (s: Sale) => s.bags.reduce((n, b) => n + bagTotal(b), 0);
export const saleFsaHsa = (s: Sale) =>
  s.bags.reduce((n, b) => n + bagItems(b).reduce((m, r) => m + r.fsaHsaEligible, 0), 0);

/** A tender line as typed: `amount` null takes whatever the other lines leave. */
export interface TenderLine {
  type: 'cash' | 'check' | 'charge' | 'card';
  amount: string | null;
  checkNumber: string;
  account: string;
  reference: string;
  authCode: string;
  last4: string;
  brand: string;
  entry: 'chip' | 'tap' | 'swipe' | 'keyed';
}

export const newTender = (type: TenderLine['type'] = 'cash'): TenderLine => ({
  type,
  amount: null,
  checkNumber: '',
  account: '',
  reference: '',
  authCode: '',
  last4: '',
  brand: '',
  entry: 'chip',
});

/** Dollars as typed ("12.5", "$12.50") in cents, or null when it is not an amount. */
export function centsOf(typed: string): number | null {
  const m = /^\s*\$?\s*(\d{1,6})(?:\.(\d{1,2}))?\s*$/.exec(typed);
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

/**
 * Each line's amount in cents: typed ones as typed, the open line (amount null) the rest of
 * the total. `left` is what is still unpaid (negative: too much); `bad` the unreadable lines.
 */
export function tenderAmounts(
  lines: TenderLine[],
  total: number,
): { amounts: number[]; left: number; bad: number[] } {
  const typed = lines.map((l) => (l.amount === null ? 0 : (centsOf(l.amount) ?? 0)));
  const bad = lines.flatMap((l, i) => (l.amount !== null && centsOf(l.amount) === null ? [i] : []));
  const rest = Math.max(0, total - typed.reduce((a, b) => a + b, 0));
  const open = lines.findIndex((l) => l.amount === null);
  const amounts = typed.map((n, i) => (i === open ? rest : n));
  return { amounts, left: total - amounts.reduce((a, b) => a + b, 0), bad };
}

/**
 * Adds a tender line that takes the rest: the line that took it until now keeps the amount
 * it showed, so adding a card for the remainder does not move the cash already counted.
 */
export function addTender(lines: TenderLine[], total: number): TenderLine[] {
  const { amounts } = tenderAmounts(lines, total);
  const fixed = lines.map((l, i) =>
    l.amount === null ? { ...l, amount: ((amounts[i] ?? 0) / 100).toFixed(2) } : l,
  );
  return [...fixed, newTender(fixed.some((l) => l.type === 'cash') ? 'card' : 'cash')];
}
