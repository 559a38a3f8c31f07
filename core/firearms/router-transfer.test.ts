// The check desk and the hand-over over HTTP: the desk's countdowns come with the store's
// today, and a hand-over on a delayed check is refused with the day it may proceed.
import { describe, expect, it, onTestFinished } from 'vitest';
import { httpTransport } from '../api/testing.ts';
import { OWNER, servicesForTest } from '../testing/fixtures.ts';

interface DeskCheck {
  id: number;
  form4473: string;
  status: string;
  mayProceedOn: string | null;
  pending: number;
  businessDaysToProceed: number;
  daysToExpiry: number | null;
}

describe('the check desk and the hand-over over the API', () => {
  it('counts down a delayed check in business days and refuses the hand-over until it may proceed', async () => {
    const s = await servicesForTest();
    const api = await httpTransport(s);
    onTestFinished(() => api.close());
    await s.auth.setupOwner(OWNER);
    let token = '';
    /** Moves the store's clock (days on), signing in again: an idle session ends. */
    const on = async (iso: string) => {
      s.clock.set(Date.parse(iso));
      token = (await s.auth.login(OWNER, 'test')).token;
    };
    const call = async <T>(path: string, type: 'query' | 'mutation', input: unknown) => {
      const r = await api.call({ path, type }, input, token);
      if (r.error) return { error: r.error, data: null };
      return { error: null, data: (r.body as { result: { data: T } }).result.data };
    };
    const ok = async <T>(path: string, type: 'query' | 'mutation', input: unknown): Promise<T> => {
      const r = await call<T>(path, type, input);
      if (r.error) throw new Error(r.error.message);
      return r.data as T;
    };
    s.profile.update('owner', { name: 'Main Street Outfitters', state: 'TX' });
    await on('2026-01-08T15:00:00Z'); // a Thursday
    const [entry] = await ok<{ itemId: number }[]>('firearms.acquire', 'mutation', {
      receivedOn: '2026-01-08',
      source: { name: 'Lipsey’s LLC', ffl: '9-86-123-01-7K-12345' },
      firearms: [
        { manufacturer: 'Glock', model: '19', serial: 'ABC123', type: 'pistol', caliber: '9mm' },
      ],
    });
    const itemId = entry?.itemId ?? 0;
    const check = await ok<{ id: number }>('checks.start', 'mutation', {
      form4473: 'T-88',
      buyerKey: 'buyer-88',
      itemIds: [itemId],
      buyerUnder21: false,
    });
    for (const response of [
      { kind: 'submit', on: '2026-01-08' },
      { kind: 'delayed', on: '2026-01-08', ntn: '100DLY' },
    ])
      await ok('checks.record', 'mutation', { checkId: check.id, response });
    expect(
      await ok('firearms.transfer', 'mutation', {
        checkId: check.id,
        transfereeName: 'Pat Buyer',
        transfereeAddress: '1 Main St, Austin TX',
      }),
    ).toEqual([{ id: expect.any(Number) as number, itemId, state: 'pending' }]);

    const desk = () => ok<{ today: string; checks: DeskCheck[] }>('checks.list', 'query', {});
    expect(await desk()).toEqual({
      today: '2026-01-08',
      checks: [
        expect.objectContaining({
          id: check.id,
          status: 'delayed',
          mayProceedOn: '2026-01-14',
          // Friday, Monday, Tuesday and Wednesday the 14th itself.
          businessDaysToProceed: 4,
          daysToExpiry: 30,
          pending: 1,
        }),
      ],
    });

    const refused = await call('firearms.handOver', 'mutation', { form4473: 'T-88' });
    expect(refused.error?.message).toBe(
      'The check is delayed: the transfer may proceed on 2026-01-14 if no denial arrives first.',
    );
    expect(refused.error?.data.reason).toBe('check_delayed_wait');

    await on('2026-01-13T15:00:00Z');
    expect((await desk()).checks[0]).toMatchObject({ businessDaysToProceed: 1, pending: 1 });
    expect(
      (await call('firearms.handOver', 'mutation', { form4473: 'T-88' })).error?.message,
    ).toMatch(/may proceed on 2026-01-14/);

    await on('2026-01-14T15:00:00Z');
    expect((await desk()).checks[0]).toMatchObject({ businessDaysToProceed: 0, daysToExpiry: 24 });
    expect(await ok('firearms.handOver', 'mutation', { form4473: 'T-88' })).toEqual([
      { id: expect.any(Number) as number, itemId, disposedOn: '2026-01-14', report: null },
    ]);
    expect((await desk()).checks[0]).toMatchObject({ pending: 0 });
  });

  it('names the form a hand-over raised: 3310.12 for two semi-automatic rifles in Texas, 3310.4 for pistols', async () => {
    const s = await servicesForTest();
    const api = await httpTransport(s);
    onTestFinished(() => api.close());
    await s.auth.setupOwner(OWNER);
    s.profile.update('owner', { name: 'Main Street Outfitters', state: 'TX' });
    s.clock.set(Date.parse('2026-01-08T15:00:00Z'));
    const { token } = await s.auth.login(OWNER, 'test');
    const ok = async <T>(path: string, type: 'query' | 'mutation', input: unknown): Promise<T> => {
      const r = await api.call({ path, type }, input, token);
      if (r.error) throw new Error(r.error.message);
      return (r.body as { result: { data: T } }).result.data;
    };
    const rifle = (serial: string) => ({
      manufacturer: 'Ruger',
      model: 'SFAR',
      serial,
      type: 'rifle',
      caliber: '.308 Win',
      semiAutoDetachable: true,
    });
    const pistol = (serial: string) => ({
      manufacturer: 'Glock',
      model: '19',
      serial,
      type: 'pistol',
      caliber: '9mm',
    });
    const sell = async (form4473: string, firearms: unknown[]) => {
      const items = await ok<{ itemId: number }[]>('firearms.acquire', 'mutation', {
        receivedOn: '2026-01-08',
        source: { name: 'Lipsey’s LLC', ffl: '9-86-123-01-7K-12345' },
        firearms,
      });
      const check = await ok<{ id: number }>('checks.start', 'mutation', {
        form4473,
        buyerKey: `buyer-${form4473}`,
        itemIds: items.map((i) => i.itemId),
        buyerUnder21: false,
      });
      for (const response of [
        { kind: 'submit', on: '2026-01-08' },
        { kind: 'proceed', on: '2026-01-08', ntn: `N${form4473}` },
      ])
        await ok('checks.record', 'mutation', { checkId: check.id, response });
      await ok('firearms.transfer', 'mutation', {
        checkId: check.id,
        transfereeName: 'Pat Buyer',
        transfereeAddress: '1 Main St, Austin TX',
      });
      return {
        items,
        handedOver: await ok<{ itemId: number; report: string | null }[]>(
          'firearms.handOver',
          'mutation',
          { form4473 },
        ),
      };
    };
    const rifles = await sell('R-1', [rifle('SF-1'), rifle('SF-2')]);
    // The report rides on the disposition that completes the multiple sale; it lists the other.
    expect(rifles.handedOver.map((d) => d.report)).toEqual([null, '3310.12']);
    const history = await ok<{ dispositions: { report: string | null }[] }>(
      'firearms.history',
      'query',
      { itemId: rifles.items[1]?.itemId },
    );
    expect(history.dispositions.map((d) => d.report)).toEqual(['3310.12']);
    const pistols = await sell('P-1', [pistol('G-1'), pistol('G-2')]);
    expect(pistols.handedOver.map((d) => d.report)).toEqual([null, '3310.4']);
  });
});
