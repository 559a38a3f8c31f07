// The bound book over HTTP: a clerk's whole path from acquisition to a gated disposition,
// with every view of purchaser details on record.
import { describe, expect, it, onTestFinished } from 'vitest';
import { httpTransport } from '../api/testing.ts';
import { OWNER, servicesForTest } from '../testing/fixtures.ts';

describe('the firearms API', () => {
  it('acquires, checks, refuses too early, commits, and audits each view of the purchaser', async () => {
    const s = await servicesForTest();
    const api = await httpTransport(s);
    onTestFinished(() => api.close());
    await s.auth.setupOwner(OWNER);
    const { token } = await s.auth.login(OWNER, 'test');
    const call = async <T>(
      path: string,
      type: 'query' | 'mutation',
      input: unknown,
    ): Promise<T> => {
      const r = await api.call({ path, type }, input, token);
      if (r.error) throw new Error(r.error.message);
      return (r.body as { result: { data: T } }).result.data;
    };
    s.profile.update('owner', { name: 'Main Street Outfitters', state: 'TX' });
    const [entry] = await call<{ itemId: number }[]>('firearms.acquire', 'mutation', {
      receivedOn: '2026-01-05',
      source: { name: 'Jane Seller', address: '9 Elm St, Austin TX' },
      firearms: [
        {
          manufacturer: 'Smith & Wesson',
          model: '686',
          serial: 'CXY1234',
          type: 'revolver',
          caliber: '.357 Mag',
        },
      ],
    });
    const itemId = entry?.itemId ?? 0;
    const check = await call<{ id: number; route: string }>('checks.start', 'mutation', {
      form4473: 'T-77',
      buyerKey: 'buyer-77',
      itemIds: [itemId],
      buyerUnder21: false,
    });
    expect(check.route).toBe('federal_nics');
    const d = await call<{ id: number }>('firearms.startDisposition', 'mutation', {
      itemId,
      disposition: {
        kind: 'non_licensee',
        form4473: 'T-77',
        transfereeName: 'Pat Buyer',
        transfereeAddress: '1 Main St',
        buyerKey: 'buyer-77',
        checkId: check.id,
      },
    });
    await expect(
      call('firearms.commitDisposition', 'mutation', { dispositionId: d.id }),
    ).rejects.toThrow(/no answer yet/);
    await call('checks.record', 'mutation', {
      checkId: check.id,
      response: { kind: 'submit', on: '2026-01-05' },
    });
    await call('checks.record', 'mutation', {
      checkId: check.id,
      response: { kind: 'proceed', on: '2026-01-05', ntn: '100QWE' },
    });
    expect(
      await call('firearms.commitDisposition', 'mutation', { dispositionId: d.id }),
    ).toMatchObject({ state: 'committed' });
    const history = await call<{ dispositions: { transferee_name: string; redacted: boolean }[] }>(
      'firearms.history',
      'query',
      { itemId },
    );
    expect(history.dispositions[0]).toMatchObject({
      transferee_name: 'Pat Buyer',
      redacted: false,
    });
    expect(s.audit.query({ action: 'firearm.sensitive_view' }).entries[0]).toMatchObject({
      actor: 'owner',
      entityId: String(itemId),
    });
  });

  it('pages the book by key: each page starts after the last entry the grid holds', async () => {
    const s = await servicesForTest();
    const api = await httpTransport(s);
    onTestFinished(() => api.close());
    await s.auth.setupOwner(OWNER);
    const { token } = await s.auth.login(OWNER, 'test');
    const search = async (input: unknown) => {
      const r = await api.call({ path: 'firearms.search', type: 'query' }, input, token);
      if (r.error) throw new Error(r.error.message);
      return (r.body as { result: { data: { entry: number; sourceName: string }[] } }).result.data;
    };
    s.firearms.acquire('owner', {
      receivedOn: '2026-01-05',
      source: { name: 'Gun Show Lot', address: '9 Elm St, Austin TX' },
      firearms: ['E', 'D', 'C', 'B', 'A'].map((m) => ({
        manufacturer: 'Ruger',
        model: `LCP ${m}`,
        serial: `R-${m}00`,
        type: 'pistol' as const,
        caliber: '.380',
      })),
    });
    const first = await search({ limit: 2 });
    expect(first.map((r) => r.entry)).toEqual([1, 2]);
    const second = await search({ limit: 2, afterEntry: 2 });
    expect(second.map((r) => r.entry)).toEqual([3, 4]);
    expect((await search({ limit: 2, afterEntry: 4 })).map((r) => r.entry)).toEqual([5]);
    await expect(search({ limit: 2, afterEntry: 99, sort: 'name' })).rejects.toThrow(
      /no ledger entry 99/,
    );
  });

  it('commits on the hand-over date, corrects a disposition, and refuses a missing field with its path (27 CFR 478.125(e))', async () => {
    const s = await servicesForTest();
    s.clock.set(Date.UTC(2026, 0, 8, 15));
    const api = await httpTransport(s);
    onTestFinished(() => api.close());
    await s.auth.setupOwner(OWNER);
    const { token } = await s.auth.login(OWNER, 'test');
    const call = (path: string, type: 'query' | 'mutation', input: unknown) =>
      api.call({ path, type }, input, token);
    const data = <T>(r: Awaited<ReturnType<typeof call>>) =>
      (r.body as { result: { data: T } }).result.data;
    const [entry] = s.firearms.acquire('owner', {
      receivedOn: '2026-01-05',
      source: { name: 'Jane Seller', address: '9 Elm St, Austin TX' },
      firearms: [
        { manufacturer: 'Ruger', model: 'LCP', serial: 'R-1', type: 'pistol', caliber: '.380' },
      ],
    });
    const itemId = entry?.itemId ?? 0;
    const missing = await call('firearms.startDisposition', 'mutation', {
      itemId,
      disposition: { kind: 'law_enforcement', transfereeName: 'Austin PD' },
    });
    expect(missing.error?.data).toMatchObject({
      reason: 'invalid_input',
      fields: [expect.objectContaining({ path: 'disposition.transfereeAddress' })],
    });
    const d = data<{ id: number }>(
      await call('firearms.startDisposition', 'mutation', {
        itemId,
        disposition: {
          kind: 'law_enforcement',
          transfereeName: 'Austin PD',
          transfereeAddress: '715 E 8th St',
          officerBadge: '4411',
        },
      }),
    );
    const committed = await call('firearms.commitDisposition', 'mutation', {
      dispositionId: d.id,
      disposedOn: '2026-01-06',
    });
    expect(data(committed)).toMatchObject({ disposed_on: '2026-01-06', officer_badge: '4411' });
    const fixed = await call('firearms.correctDisposition', 'mutation', {
      dispositionId: d.id,
      disposition: {
        kind: 'law_enforcement',
        transfereeName: 'Austin Police Department',
        transfereeAddress: '715 E 8th St',
        officerBadge: '4411',
      },
      disposedOn: '2026-01-06',
      reason: 'Agency name as on its letter',
    });
    expect(data(fixed)).toMatchObject({
      corrects: d.id,
      transferee_name: 'Austin Police Department',
    });
    const history = data<{ today: string; dispositions: { transferee_name: string }[] }>(
      await call('firearms.history', 'query', { itemId }),
    );
    expect(history.today).toBe('2026-01-08');
    expect(history.dispositions.map((r) => r.transferee_name)).toEqual([
      'Austin PD',
      'Austin Police Department',
    ]);
    const views = async (view: string) =>
      data<{ transferee_name: string }[]>(
        await call('firearms.dispositions', 'query', { view }),
      ).map((r) => r.transferee_name);
    expect(await views('original')).toEqual(['Austin PD']);
    expect(await views('corrected')).toEqual(['Austin Police Department']);
  });
});
