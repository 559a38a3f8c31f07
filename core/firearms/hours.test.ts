// The store's own hours in settings: the shipped defaults until set, validated, audited, and
// the calendar the book's deadlines count in changes with them.
import { describe, expect, it } from 'vitest';
import { servicesForTest } from '../testing/fixtures.ts';
import { GLOCK, LIPSEYS } from '../testing/firearms.ts';
import type { StoreHoursInput } from './hours.ts';

const closedSaturdays: StoreHoursInput = {
  timeZone: 'America/Chicago',
  closes: {
    sun: null,
    mon: '18:00',
    tue: '18:00',
    wed: '18:00',
    thu: '18:00',
    fri: '17:00',
    sat: null,
  },
  holidays: 'federal',
  holidayDates: 'actual',
  closedDates: ['2026-03-02', '2026-03-02', '2026-02-27'],
};

describe('the store’s hours', () => {
  it('start as the shipped defaults, then are the store’s own, audited', async () => {
    const s = await servicesForTest();
    expect(s.storeHours.get()).toMatchObject({
      custom: false,
      hours: { closes: { sat: '18:00' } },
    });
    expect(s.storeHours.calendar().isOpen('2026-01-10')).toBe(true); // a Saturday
    const saved = s.storeHours.update('maria', closedSaturdays);
    // Each closure once, in date order.
    expect(saved.closedDates).toEqual(['2026-02-27', '2026-03-02']);
    expect(s.storeHours.get()).toEqual({ custom: true, hours: saved });
    expect(s.storeHours.calendar().isOpen('2026-01-10')).toBe(false);
    expect(s.storeHours.calendar().isOpen('2026-03-02')).toBe(false);
    expect(s.storeHours.calendar().timeZone).toBe('America/Chicago');
    expect(s.audit.query({ action: 'firearms.store_hours' }).entries[0]).toMatchObject({
      actor: 'maria',
    });
  });

  it('refuse a closing time that is not a time, a made-up time zone, or a week with no open day', async () => {
    const s = await servicesForTest();
    const closes = closedSaturdays.closes;
    expect(() =>
      s.storeHours.update('maria', { ...closedSaturdays, closes: { ...closes, mon: '6pm' } }),
    ).toThrow(/looks like 18:00/);
    expect(() =>
      s.storeHours.update('maria', { ...closedSaturdays, timeZone: 'America/Springfield' }),
    ).toThrow(/not a time zone/);
    const shut = Object.fromEntries(Object.keys(closes).map((d) => [d, null]));
    expect(() => s.storeHours.update('maria', { ...closedSaturdays, closes: shut })).toThrow(
      /at least one day/,
    );
    expect(s.storeHours.get().custom).toBe(false);
  });

  it('decide which entries are late: a Friday receipt is due Saturday, or Monday when Saturdays are closed', async () => {
    const s = await servicesForTest();
    s.clock.set(Date.parse('2026-01-09T15:00:00Z')); // Friday
    s.storeHours.update('maria', {
      ...closedSaturdays,
      closes: { ...closedSaturdays.closes, sat: '18:00' },
    });
    s.clock.set(Date.parse('2026-01-12T15:00:00Z')); // Monday, 09:00 in Chicago
    s.firearms.acquire('carlos', { receivedOn: '2026-01-09', source: LIPSEYS, firearms: [GLOCK] });
    expect(s.firearms.overdue().map((a) => a.kind)).toEqual(['late_entry']);
    s.storeHours.update('maria', closedSaturdays);
    expect(s.firearms.overdue()).toEqual([]);
  });
});
