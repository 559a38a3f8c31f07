import { describe, expect, it } from 'vitest';
import {
  addBag,
  addTender,
  bagNeeds,
  centsOf,
  emptySale,
  newTender,
  saleTotal,
  scan,
  tenderAmounts,
  toggle,
  type Ready,
} from './sale.ts';

const rx = (rxNumber: string, amountDue: number): Ready => ({
  rxNumber,
  fillNumber: 0,
  drug: null,
  amountDue,
  taxable: false,
  fsaHsaEligible: 0,
  hipaaNotice: false,
  counselingRequired: false,
  safetyCapWaiver: false,
  controlledSchedule: null,
  willCallBin: null,
  fillDate: '2026-11-20',
  partialFill: false,
});
const mills = {
  patientId: 'P-77',
  lastName: 'Mills',
  firstName: 'Dana',
  dateOfBirth: '1961-04-02',
};
const garner = {
  patientId: 'P-78',
  lastName: 'Garner',
  firstName: 'Andy',
  dateOfBirth: '2012-06-01',
};

describe('the sale at the pickup counter', () => {
  it('puts the scanned Rx in the bag, another label of that patient ticks theirs, never twice', () => {
    let sale = addBag(emptySale, mills, [rx('600123', 1250), rx('600124', 500)], '600123-0');
    expect(sale.bags[0]?.inBag).toEqual(['600123-0']);
    const again = scan(sale, { patientId: 'P-77', rxNumber: '600123', fillNumber: 0 });
    expect(again.outcome).toEqual({ kind: 'already', patientId: 'P-77' });
    const other = scan(sale, { patientId: 'P-77', rxNumber: '600124', fillNumber: 0 });
    expect(other.outcome).toEqual({ kind: 'ticked', patientId: 'P-77' });
    sale = other.sale;
    expect(sale.bags[0]?.inBag).toEqual(['600123-0', '600124-0']);
    expect(scan(sale, { patientId: 'P-77', rxNumber: '600124', fillNumber: 0 }).sale).toBe(sale);
    expect(saleTotal(sale)).toBe(1750);
  });

  it('keeps another patient in a bag of their own, after their date of birth', () => {
    let sale = addBag(emptySale, mills, [rx('600123', 1250)], null);
    expect(scan(sale, { patientId: 'P-78', rxNumber: '700001', fillNumber: 0 }).outcome).toEqual({
      kind: 'new_patient',
    });
    sale = addBag(sale, garner, [rx('700001', 300), rx('700002', 200)], '700001-0');
    expect(sale.bags.map((b) => [b.patientId, b.inBag])).toEqual([
      ['P-77', ['600123-0']],
      ['P-78', ['700001-0']],
    ]);
    sale = toggle(sale, 'P-78', '700002-0', true);
    expect(saleTotal(sale)).toBe(1750);
  });

  it('asks to verify again for a newer Rx of a patient in the sale, keeping the bag', () => {
    let sale = addBag(emptySale, mills, [rx('600123', 1250)], '600123-0');
    expect(scan(sale, { patientId: 'P-77', rxNumber: '600199', fillNumber: 0 }).outcome).toEqual({
      kind: 'refresh',
      patientId: 'P-77',
    });
    sale = addBag(sale, mills, [rx('600123', 1250), rx('600199', 100)], '600199-0');
    expect(sale.bags).toHaveLength(1);
    expect(sale.bags[0]?.inBag).toEqual(['600123-0', '600199-0']);
  });

  it('splits the tenders: typed lines as typed, the open line the rest', () => {
    expect(centsOf('12.5')).toBe(1250);
    expect(centsOf('$7')).toBe(700);
    expect(centsOf('7.123')).toBeNull();
    expect(centsOf('abc')).toBeNull();
    let lines = [newTender()];
    expect(tenderAmounts(lines, 2800)).toEqual({ amounts: [2800], left: 0, bad: [] });
    lines = [{ ...newTender(), amount: '20.00' }];
    expect(tenderAmounts(lines, 2800).left).toBe(800);
    lines = addTender(lines, 2800);
    expect(lines.map((l) => [l.type, l.amount])).toEqual([
      ['cash', '20.00'],
      ['card', null],
    ]);
    expect(tenderAmounts(lines, 2800)).toEqual({ amounts: [2000, 800], left: 0, bad: [] });
    // The open line freezes at what it showed when another is added.
    lines = addTender([newTender()], 2800);
    expect(lines[0]?.amount).toBe('28.00');
    expect(tenderAmounts([{ ...newTender(), amount: 'x' }], 100).bad).toEqual([0]);
    expect(tenderAmounts([{ ...newTender(), amount: '30' }], 2800).left).toBe(-200);
  });

  it('says what a bag asks for: only the Rx in it count', () => {
    const rules = { idRequiredSchedules: ['II'] };
    const sale = addBag(
      emptySale,
      mills,
      [
        { ...rx('600123', 100), controlledSchedule: 'II', hipaaNotice: true },
        { ...rx('600124', 100), counselingRequired: true },
      ],
      '600124-0',
    );
    const bag = sale.bags[0];
    if (!bag) throw new Error('no bag');
    expect(bagNeeds(bag, rules)).toEqual({ consult: true, hipaa: false, id: false });
    const both = toggle(sale, 'P-77', '600123-0', true).bags[0];
    if (!both) throw new Error('no bag');
    expect(bagNeeds(both, rules)).toEqual({ consult: true, hipaa: true, id: true });
    expect(bagNeeds(both, { idRequiredSchedules: [] }).id).toBe(false);
  });
});
