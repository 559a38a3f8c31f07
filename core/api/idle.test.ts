import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoreServices } from '../app/services.ts';
import { ManualClock } from '../clock.ts';
import { OWNER, makeServices } from '../testing/fixtures.ts';
import { ipcTransport, type Transport } from './testing.ts';

const MIN = 60_000;

describe('the idle lock through the API', () => {
  let s: StoreServices;
  let api: Transport;
  const clock = new ManualClock();
  beforeAll(async () => {
    s = await makeServices({ clock, idleTimeoutMs: 10 * MIN });
    api = ipcTransport(s);
    await s.auth.setupOwner(OWNER);
  });
  afterAll(() => s.close());

  const summary = (token: string) =>
    api.call({ path: 'dashboard.summary', type: 'query' }, undefined, token);

  it('does not count screens refreshing themselves as activity', async () => {
    const { token } = await s.auth.login(OWNER, 'a');
    clock.advance(9 * MIN);
    expect((await summary(token)).error).toBeNull();
    clock.advance(2 * MIN);
    expect((await summary(token)).error?.data.reason).toBe('session_locked');
  });

  it('counts a person’s actions (and the window’s "still here") as activity', async () => {
    const { token } = await s.auth.login(OWNER, 'b');
    clock.advance(9 * MIN);
    expect(
      (await api.call({ path: 'auth.stillHere', type: 'mutation' }, undefined, token)).error,
    ).toBeNull();
    clock.advance(9 * MIN);
    expect((await summary(token)).error).toBeNull();
  });

  it('shows each signed-in person once on the dashboard', async () => {
    const { token } = await s.auth.login(OWNER, 'c');
    const r = await summary(token);
    const active = (
      r.body as {
        result: {
          data: { activeUsers: { username: string; sessions: number; locked: boolean }[] };
        };
      }
    ).result.data.activeUsers;
    expect(active).toEqual([
      expect.objectContaining({ username: 'owner', sessions: 3, locked: false }),
    ]);
  });
});
