// "Today" on the check desk is the store's calendar date, in the store's time zone, not the
// PC's: the contact day, the answers and the countdowns are regulated dates (27 CFR 478.102,
// 478.124(c)). The process runs in UTC; the store is in Los Angeles, at 20:30 on Thursday
// 2026-01-08 local time, which is already Friday 2026-01-09 in UTC.
import { describe, expect, it, onTestFinished } from 'vitest';
import { httpTransport } from '../api/testing.ts';
import { OWNER, servicesForTest } from '../testing/fixtures.ts';
import { thrown } from '../testing/firearms.ts';

process.env.TZ = 'UTC';

/** 2026-01-08 20:30 in Los Angeles (PST, UTC−8). */
const EVENING_IN_LA = Date.parse('2026-01-09T04:30:00Z');

async function storeInLosAngeles() {
  const s = await servicesForTest();
  const { hours } = s.storeHours.get();
  s.storeHours.update('owner', { ...hours, timeZone: 'America/Los_Angeles' });
  s.profile.update('owner', { name: 'Pacific Outfitters', state: 'TX' });
  s.clock.set(EVENING_IN_LA);
  return s;
}

describe('the check desk counts in the store’s day', () => {
  it('runs in a UTC process, where it is already the next day', () => {
    expect(Intl.DateTimeFormat().resolvedOptions().timeZone).toBe('UTC');
    expect(new Date(EVENING_IN_LA).toISOString().slice(0, 10)).toBe('2026-01-09');
  });

  it('takes today as the store’s date: the 4473 starts today, and tomorrow is refused as the future', async () => {
    const s = await storeInLosAngeles();
    expect(s.checks.today()).toBe('2026-01-08');
    const c = s.checks.start('carlos', {
      form4473: 'LA-1',
      buyerKey: 'buyer-1',
      itemIds: [1],
      itemTypes: ['pistol'],
      state: 'TX',
      buyerUnder21: false,
    });
    expect(c.form4473StartedOn).toBe('2026-01-08');
    expect(
      thrown(() => s.checks.record('carlos', c.id, { kind: 'submit', on: '2026-01-09' })),
    ).toMatchObject({
      reason: 'date_in_future',
      message:
        '2026-01-09 is in the future (today is 2026-01-08 at the store): enter the day it actually happened.',
    });
    s.checks.record('carlos', c.id, { kind: 'submit', on: '2026-01-08' });
    expect(s.checks.record('carlos', c.id, { kind: 'delayed', on: '2026-01-08' })).toMatchObject({
      contactDate: '2026-01-08',
      mayProceedOn: '2026-01-14',
      lastValidDay: '2026-02-07',
    });
  });

  it('counts the may-proceed countdown and the days to expiry from the store’s today, over the API', async () => {
    const s = await storeInLosAngeles();
    const api = await httpTransport(s);
    onTestFinished(() => api.close());
    await s.auth.setupOwner(OWNER);
    const { token } = await s.auth.login(OWNER, 'test');
    const c = s.checks.start('carlos', {
      form4473: 'LA-2',
      buyerKey: 'buyer-2',
      itemIds: [1],
      itemTypes: ['pistol'],
      state: 'TX',
      buyerUnder21: false,
    });
    s.checks.record('carlos', c.id, { kind: 'submit', on: '2026-01-08' });
    s.checks.record('carlos', c.id, { kind: 'delayed', on: '2026-01-08' });
    const r = await api.call({ path: 'checks.list', type: 'query' }, {}, token);
    expect(r.error).toBeFalsy();
    const desk = (r.body as { result: { data: { today: string; checks: unknown[] } } }).result.data;
    expect(desk.today).toBe('2026-01-08');
    // Friday, Monday, Tuesday and Wednesday the 14th (from Friday the 9th it would be 3).
    expect(desk.checks[0]).toMatchObject({
      businessDaysToProceed: 4,
      daysToExpiry: 30,
      gate: {
        allowed: false,
        reason: 'delayed_wait',
        params: { mayProceedOn: '2026-01-14' },
      },
    });
    // A future date over the API: refused with the reason the screen shows.
    const refused = await api.call(
      { path: 'checks.record', type: 'mutation' },
      { checkId: c.id, response: { kind: 'proceed', on: '2026-01-09' } },
      token,
    );
    expect(refused.error?.data.reason).toBe('date_in_future');
  });
});

describe('the store’s check rules take effect on the store’s day', () => {
  it('keeps a rule effective tomorrow (the UTC date) out of force this evening in Los Angeles', async () => {
    const s = await storeInLosAngeles();
    s.stateRules.record('owner', {
      state: 'TX',
      effective: '2026-01-09',
      noDefaultProceed: true,
      overrideAllowed: false,
      qualifyingPermits: [],
      source: 'Texas statute (test data), in force from the 9th',
    });
    expect(s.stateRules.policyOn().noDefaultProceedStates).not.toContain('TX');
    s.clock.set(EVENING_IN_LA + 4 * 3_600_000); // 00:30 on the 9th in Los Angeles
    expect(s.stateRules.policyOn().noDefaultProceedStates).toContain('TX');
  });
});
