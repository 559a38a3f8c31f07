// The pickup screen's lookups: a scan or a name search shows the name only; the date of birth
// opens the ready prescriptions; a wrong one is refused and audited; every view is audited.
import { describe, expect, it } from 'vitest';
import { servicesForTest } from '../testing/fixtures.ts';
import { parseRxLabel } from './desk.ts';
import { readyMessage } from './testing.ts';

const ready = readyMessage;

async function counter() {
  const s = await servicesForTest();
  s.pharmacy.inbox.apply(ready({ rxNumber: '600123' }));
  s.pharmacy.inbox.apply(
    ready({
      rxNumber: '600124',
      drug: 'Hydrocodone 5/325',
      controlledSchedule: 'II',
      counselingRequired: true,
      fillDate: '2026-11-19',
    }),
  );
  s.pharmacy.inbox.apply(
    ready({
      rxNumber: '700001',
      patientId: 'P-78',
      lastName: 'Garner',
      firstName: 'Andy',
      dateOfBirth: '1990-01-01',
    }),
  );
  const views = () => s.audit.query({ action: 'patient.view' }).entries.map((e) => e.entityId);
  return { s, desk: s.pharmacy.desk, views };
}

describe('the pickup screen’s lookups', () => {
  it('reads an Rx label: the Rx number and fill', () => {
    expect(parseRxLabel('600123-01')).toEqual({ rxNumber: '600123', fillNumber: 1 });
    expect(parseRxLabel(' 600123 ')).toEqual({ rxNumber: '600123', fillNumber: 0 });
    expect(parseRxLabel('not a label!')).toBeNull();
  });

  it('finds the patient from a scanned label, showing the name and how many Rx wait, nothing more', async () => {
    const { desk, views } = await counter();
    const found = desk.byLabel('lena', '600123-00');
    expect(found).toEqual({
      rxNumber: '600123',
      fillNumber: 0,
      patientId: 'P-77',
      lastName: 'García',
      firstName: 'Ana',
      readyCount: 2,
    });
    expect(found).not.toHaveProperty('dateOfBirth');
    expect(views()).toEqual(['P-77']);
    expect(() => desk.byLabel('lena', '999999')).toThrow(/not on file/);
  });

  it('searches by two letters of each name and the date of birth', async () => {
    const { desk } = await counter();
    expect(
      desk
        .search('lena', { lastName: 'ga', firstName: 'an', dateOfBirth: '1961-04-02' })
        .map((p) => p.patientId),
    ).toEqual(['P-77']);
    expect(
      desk
        .search('lena', { lastName: 'Ga', firstName: 'An', dateOfBirth: '1990-01-01' })
        .map((p) => p.patientId),
    ).toEqual(['P-78']);
    expect(() =>
      desk.search('lena', { lastName: 'G', firstName: '1', dateOfBirth: '1990-01-01' }),
    ).toThrow(/two letters/);
  });

  it('opens the ready prescriptions only with the right date of birth, and audits a wrong one', async () => {
    const { s, desk, views } = await counter();
    expect(() => desk.verify('lena', 'P-77', '1961-04-03')).toThrow(/does not match/);
    expect(s.audit.query({ action: 'patient.verify_failed' }).entries).toHaveLength(1);
    const { ready } = desk.verify('lena', 'P-77', '1961-04-02');
    expect(ready.map((r) => [r.rxNumber, r.controlledSchedule, r.counselingRequired])).toEqual([
      ['600124', 'II', true],
      ['600123', null, false],
    ]);
    expect(ready[1]).toMatchObject({
      amountDue: 1250,
      fsaHsaEligible: 1250,
      hipaaNotice: true,
      drug: 'Lisinopril 10 mg',
    });
    expect(views()).toEqual(['P-77']);
  });

  it('lets contact details be asked for only with the right date of birth, auditing both', async () => {
    const { s, desk, views } = await counter();
    expect(() => desk.contactAllowed('lena', 'P-77', '1961-04-03')).toThrow(/does not match/);
    expect(s.audit.query({ action: 'patient.verify_failed' }).entries).toHaveLength(1);
    expect(views()).toEqual([]);
    expect(desk.contactAllowed('lena', 'P-77', '1961-04-02')).toEqual({ storeId: 'S1' });
    expect(views()).toEqual(['P-77']);
  });
});
