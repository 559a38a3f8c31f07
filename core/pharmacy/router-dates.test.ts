// Issue 14 §4: "pharmacy.search / pharmacy.pickupsOfDay accept impossible dates (2026-02-30,
// month 13)". Over the real router and HTTP: a clear 400 naming the field, nothing looked up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoreServices } from '../app/services.ts';
import { httpTransport, type Transport } from '../api/testing.ts';
import { OWNER, makeServices } from '../testing/fixtures.ts';

describe('pharmacy dates', () => {
  let s: StoreServices;
  let api: Transport;
  let token: string;
  beforeAll(async () => {
    s = await makeServices();
    api = await httpTransport(s);
    await s.auth.setupOwner(OWNER);
    token = (await s.auth.login(OWNER, 'test')).token;
  });
  afterAll(async () => {
    await api.close();
    s.close();
  });

  const search = (dateOfBirth: string) =>
    api.call(
      { path: 'pharmacy.search', type: 'query' },
      { lastName: 'Garcia', firstName: 'Luis', dateOfBirth },
      token,
    );
  const day = (date: string) =>
    api.call({ path: 'pharmacy.pickupsOfDay', type: 'query' }, { date }, token);
  const verify = (dateOfBirth: string) =>
    api.call({ path: 'pharmacy.verify', type: 'mutation' }, { patientId: '1', dateOfBirth }, token);

  it.each(['2026-02-30', '2026-13-01', '2025-02-29', '2026-00-10', '2026-04-31'])(
    'answers a day that does not exist (%s) with a 400 that names the field (issue 14 §4)',
    async (date) => {
      const before = s.audit.head().seq;
      for (const [r, field] of [
        [await search(date), 'dateOfBirth'],
        [await day(date), 'date'],
        [await verify(date), 'dateOfBirth'],
      ] as const) {
        expect(r.status).toBe(400);
        expect(r.error?.data.reason).toBe('invalid_input');
        expect(r.error?.message).toMatch(new RegExp(`^Please correct: ${field}: .+`));
      }
      // Refused before anything was looked up (a search is audited).
      expect(s.audit.head().seq).toBe(before);
    },
  );

  it('still takes real days, a leap day included', async () => {
    expect((await search('2024-02-29')).status).toBe(200);
    expect((await day('2026-02-28')).status).toBe(200);
  });
});
