// Emergency access (break glass, HIPAA 45 CFR 164.312(a)(2)(ii)) through the real API, the way
// the pickup screen calls it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoreServices } from '../app/services.ts';
import { payloadHashOf } from '../audit/chain.ts';
import { ManualClock } from '../clock.ts';
import { OWNER, makeServices } from '../testing/fixtures.ts';
import { ipcTransport, type Transport } from '../api/testing.ts';
import type { EmergencyAccessRecord, Role, SessionView } from './model.ts';
import { securityPolicy } from './policy.ts';
import { AuthService } from './service.ts';

const MIN = 60_000;
const REASON = 'Pharmacist out sick; Mrs. Lee needs her insulin before we close';
const PASSWORD = 'role password 1';

describe('emergency access to the pickup screen', () => {
  let s: StoreServices;
  let api: Transport;
  let ownerActor: { userId: number; username: string };
  const clock = new ManualClock();
  /** A user who has chosen their own password (until then only that change is allowed). */
  const addUser = async (username: string, role: Role) => {
    await s.auth.createUser(ownerActor, {
      username,
      displayName: username,
      role,
      password: PASSWORD,
    });
    const { token } = await s.auth.login({ username, password: PASSWORD }, 'setup');
    const { session } = s.auth.authenticate(token);
    await s.auth.changePassword(session, { currentPassword: PASSWORD, newPassword: PASSWORD });
    s.auth.logout(session, username);
  };

  beforeAll(async () => {
    s = await makeServices({ clock });
    api = ipcTransport(s);
    await s.auth.setupOwner(OWNER);
    const owner = await s.auth.login(OWNER, 'setup');
    ownerActor = { userId: owner.session.user.id, username: OWNER.username };
    for (const [username, role] of [
      ['mgr', 'store_manager'],
      ['mgr2', 'store_manager'],
      ['till', 'cashier'],
      ['reviewer', 'auditor'],
    ] as const) {
      await addUser(username, role);
    }
  });
  afterAll(async () => {
    await api.close();
    s.close();
  });

  const signIn = async (username: string) =>
    (await s.auth.login({ username, password: PASSWORD }, 'test')).token;
  const queue = (token: string) =>
    api.call({ path: 'pharmacy.queue', type: 'query' }, undefined, token);
  const breakGlass = (token: string, reason: unknown) =>
    api.call({ path: 'auth.breakGlass', type: 'mutation' }, { reason }, token);
  const endBreakGlass = (token: string) =>
    api.call({ path: 'auth.endBreakGlass', type: 'mutation' }, undefined, token);
  const viewOf = (r: { body: unknown }) =>
    (r.body as { result: { data: SessionView } }).result.data;
  const entries = (action: string) => s.audit.query({ action, limit: 50 }).entries;
  const newest = () => s.auth.emergencyLog()[0] as EmergencyAccessRecord;
  const iso = (ms: number) => new Date(ms).toISOString();
  const endsOf = (id: number) =>
    s.store.db
      .prepare('SELECT count(*) FROM emergency_access_ends WHERE access_id = ?')
      .pluck()
      .get(id);

  it('lets a store manager open the pickup screen with a reason, auditing every step', async () => {
    const token = await signIn('mgr');
    const before = await queue(token);
    expect(before.error?.data.code).toBe('FORBIDDEN');
    expect(before.error?.data.reason).toBe('missing_permission');

    const opened = await breakGlass(token, `  ${REASON}  `);
    expect(opened.error).toBeNull();
    const view = viewOf(opened);
    expect(view.permissions).toContain('pharmacy:pickup');
    expect(view.emergencyUntil).toBe(
      new Date(clock.now() + securityPolicy.breakGlassMinutes * MIN).toISOString(),
    );
    expect(entries('auth.break_glass')[0]).toMatchObject({ actor: 'mgr', outcome: 'success' });

    const after = await queue(token);
    expect(after.error).toBeNull();
    // The log keeps a hash of the payload, not the text (it may name a patient): the reason
    // given, trimmed, is what was recorded for this step.
    expect(entries('access.break_glass')[0]).toMatchObject({
      actor: 'mgr',
      entity: 'procedure',
      entityId: 'pharmacy.queue',
      outcome: 'success',
      payloadHash: payloadHashOf({ reason: REASON }),
    });

    // Who-am-I tells the renderer to show the banner.
    const me = await api.call({ path: 'auth.me', type: 'query' }, undefined, token);
    expect(viewOf(me).emergencyUntil).toBe(view.emergencyUntil);
  });

  it('does not let a pharmacist’s consultation be signed off under emergency access', async () => {
    const token = await signIn('mgr');
    expect((await breakGlass(token, REASON)).error).toBeNull();
    const steps = entries('access.break_glass').length;
    const r = await api.call(
      { path: 'pharmacy.signOffConsult', type: 'mutation' },
      { saleKey: 'sale-12345678', patientId: 'P-77' },
      token,
    );
    expect(r.error?.data.code).toBe('FORBIDDEN');
    expect(r.error?.data.reason).toBe('missing_permission');
    expect(entries('access.denied')[0]).toMatchObject({
      actor: 'mgr',
      entityId: 'pharmacy.signOffConsult',
    });
    expect(entries('access.break_glass')).toHaveLength(steps);
  });

  it('refuses emergency access to a role without it, and puts the refusal on record', async () => {
    const token = await signIn('till');
    const r = await breakGlass(token, REASON);
    expect(r.error?.data.code).toBe('FORBIDDEN');
    expect(r.error?.data.reason).toBe('missing_permission');
    expect(r.error?.message).toMatch(/cannot use emergency access/);
    expect(entries('auth.break_glass')[0]).toMatchObject({ actor: 'till', outcome: 'denied' });
    expect((await queue(token)).error?.data.code).toBe('FORBIDDEN');
  });

  it('refuses emergency access to someone who already has the pickup screen', async () => {
    const { token } = await s.auth.login(OWNER, 'test');
    const r = await breakGlass(token, REASON);
    expect(r.error?.data.code).toBe('FORBIDDEN');
    expect(r.error?.data.reason).toBe('already_has_access');
    expect(r.error?.message).toMatch(/already have access/);
    expect(entries('auth.break_glass')[0]).toMatchObject({ actor: 'owner', outcome: 'denied' });
  });

  it('refuses a reason too short to judge, and grants nothing', async () => {
    const token = await signIn('mgr');
    const head = s.audit.head();
    const r = await breakGlass(token, '  urgent   ');
    expect(r.error?.data.code).toBe('BAD_REQUEST');
    expect(r.error?.message).toMatch(/at least 10 characters/);
    expect(s.audit.head()).toEqual(head);
    expect((await queue(token)).error?.data.code).toBe('FORBIDDEN');
  });

  it('ends by itself after breakGlassMinutes, audited once', async () => {
    const token = await signIn('mgr');
    expect((await breakGlass(token, REASON)).error).toBeNull();
    const until = clock.now() + securityPolicy.breakGlassMinutes * MIN;
    const expired = entries('auth.break_glass_expired').length;
    // Kept busy, so the idle lock does not step in first.
    const stillHere = () =>
      api.call({ path: 'auth.stillHere', type: 'mutation' }, undefined, token);
    for (let m = 0; m + 5 < securityPolicy.breakGlassMinutes; m += 5) {
      clock.advance(5 * MIN);
      expect((await stillHere()).error).toBeNull();
    }
    expect((await queue(token)).error).toBeNull();
    clock.advance(5 * MIN);
    await stillHere();
    expect((await queue(token)).error?.data.reason).toBe('missing_permission');
    expect((await queue(token)).error?.data.reason).toBe('missing_permission');
    const me = await api.call({ path: 'auth.me', type: 'query' }, undefined, token);
    expect(viewOf(me).emergencyUntil).toBeNull();
    expect(viewOf(me).permissions).not.toContain('pharmacy:pickup');
    expect(entries('auth.break_glass_expired')).toHaveLength(expired + 1);
    expect(entries('auth.break_glass_expired')[0]).toMatchObject({ actor: 'mgr' });
    // The readable record ends when the grant did, not when someone next came by; once, even
    // after signing out.
    const record = newest();
    expect(record).toMatchObject({ username: 'mgr', ended: { how: 'expired', at: iso(until) } });
    await api.call({ path: 'auth.logout', type: 'mutation' }, undefined, token);
    expect(newest()).toEqual(record);
    expect(endsOf(record.id)).toBe(1);
  });

  it('ends early when the manager ends it', async () => {
    const token = await signIn('mgr');
    expect((await breakGlass(token, REASON)).error).toBeNull();
    expect((await queue(token)).error).toBeNull();
    const ended = await endBreakGlass(token);
    expect(ended.error).toBeNull();
    expect(viewOf(ended)).toMatchObject({ emergencyUntil: null });
    expect(viewOf(ended).permissions).not.toContain('pharmacy:pickup');
    expect(entries('auth.break_glass_ended')[0]).toMatchObject({ actor: 'mgr' });
    expect((await queue(token)).error?.data.reason).toBe('missing_permission');
  });

  it('keeps who, when, until and the reason in words for review, and how it ended', async () => {
    const token = await signIn('mgr');
    const openedAt = clock.now();
    expect((await breakGlass(token, `  ${REASON}  `)).error).toBeNull();
    const open = newest();
    expect(open).toEqual({
      id: open.id,
      username: 'mgr',
      reason: REASON,
      openedAt: iso(openedAt),
      until: iso(openedAt + securityPolicy.breakGlassMinutes * MIN),
      ended: null,
    });
    clock.advance(3 * MIN);
    expect((await endBreakGlass(token)).error).toBeNull();
    // Ending twice (a double click) ends it once.
    expect((await endBreakGlass(token)).error).toBeNull();
    expect(newest()).toEqual({ ...open, ended: { how: 'ended_by_user', at: iso(clock.now()) } });
    expect(endsOf(open.id)).toBe(1);
  });

  it('records signing out as the end, and a new reason as a new period', async () => {
    const token = await signIn('mgr');
    expect((await breakGlass(token, REASON)).error).toBeNull();
    const first = newest();
    clock.advance(MIN);
    const again = 'Second patient arrived for her insulin, pharmacist still out';
    expect((await breakGlass(token, again)).error).toBeNull();
    const second = newest();
    expect(second).toMatchObject({ reason: again, ended: null });
    const [, earlier] = s.auth.emergencyLog();
    expect(earlier).toEqual({ ...first, ended: { how: 'ended_by_user', at: iso(clock.now()) } });

    clock.advance(MIN);
    expect(
      (await api.call({ path: 'auth.logout', type: 'mutation' }, undefined, token)).error,
    ).toBeNull();
    expect(newest()).toEqual({ ...second, ended: { how: 'signed_out', at: iso(clock.now()) } });
    expect(entries('auth.break_glass_ended')[0]).toMatchObject({ actor: 'mgr' });
  });

  it('records the end when the store ends the session (account disabled)', async () => {
    const token = await signIn('mgr2');
    expect((await breakGlass(token, REASON)).error).toBeNull();
    const open = newest();
    const mgr2 = s.auth.listUsers().find((u) => u.username === 'mgr2');
    s.auth.setDisabled(ownerActor, mgr2?.id ?? 0, true);
    expect(newest()).toEqual({ ...open, ended: { how: 'signed_out', at: iso(clock.now()) } });
    expect((await queue(token)).error?.data.code).toBe('UNAUTHORIZED');
  });

  it('never lets the record be changed or removed', () => {
    const { id } = newest();
    const db = s.store.db;
    expect(() =>
      db.prepare("UPDATE emergency_access SET reason = 'nothing happened' WHERE id = ?").run(id),
    ).toThrow(/never changed/);
    expect(() => db.prepare('DELETE FROM emergency_access WHERE id = ?').run(id)).toThrow(
      /never removed/,
    );
    expect(() =>
      db.prepare("UPDATE emergency_access_ends SET how = 'expired' WHERE access_id = ?").run(id),
    ).toThrow(/never changed/);
    expect(() =>
      db.prepare('DELETE FROM emergency_access_ends WHERE access_id = ?').run(id),
    ).toThrow(/never removed/);
    // One end per period.
    expect(() =>
      db
        .prepare(
          "INSERT INTO emergency_access_ends (access_id, how, ended_at) VALUES (?, 'expired', 0)",
        )
        .run(id),
    ).toThrow(/UNIQUE/);
    expect(newest().reason).toBe(REASON);
  });

  it('shows the record to an auditor over the API, and not to a cashier', async () => {
    const read = (token: string) =>
      api.call({ path: 'audit.emergencyAccess', type: 'query' }, undefined, token);
    const answer = await read(await signIn('reviewer'));
    expect(answer.error).toBeNull();
    const records = (answer.body as { result: { data: EmergencyAccessRecord[] } }).result.data;
    expect(records).toEqual(s.auth.emergencyLog());
    expect(records[0]).toMatchObject({ username: 'mgr2', reason: REASON });

    const refused = await read(await signIn('till'));
    expect(refused.error?.data.code).toBe('FORBIDDEN');
    expect(refused.error?.data.reason).toBe('missing_permission');
  });

  it('belongs to the session: not to the same user elsewhere, and not while locked', async () => {
    const token = await signIn('mgr');
    const other = await signIn('mgr');
    const opened = await breakGlass(token, REASON);
    expect(opened.error).toBeNull();
    // resources/security-policy.json: emergency access lasts 30 minutes.
    expect(viewOf(opened).emergencyUntil).toBe(iso(clock.now() + 30 * MIN));
    expect((await queue(other)).error?.data.reason).toBe('missing_permission');
    expect((await api.call({ path: 'auth.lock', type: 'mutation' }, undefined, token)).error).toBe(
      null,
    );
    expect((await queue(token)).error?.data.reason).toBe('session_locked');
    // Unlocked a minute later: the window is as it was, 30 minutes from when it opened.
    clock.advance(MIN);
    const unlocked = await api.call(
      { path: 'auth.unlock', type: 'mutation' },
      { password: PASSWORD },
      token,
    );
    expect(viewOf(unlocked).emergencyUntil).toBe(viewOf(opened).emergencyUntil);
    expect((await queue(token)).error).toBeNull();
  });

  it('closes on record what a stopped server left open: signed out, or expired at its time', async () => {
    await addUser('mgr3', 'store_manager');
    // The server stops with a period open; the next start (a new AuthService) finds it.
    const restart = () =>
      new AuthService({ db: s.store.db, audit: s.audit, clock, policy: securityPolicy });
    expect((await breakGlass(await signIn('mgr3'), REASON)).error).toBeNull();
    const first = newest();
    expect(first.ended).toBeNull();
    // Every period still open (earlier tests' sessions too) is closed, once.
    expect(restart().closeEmergenciesLeftOpen()).toBeGreaterThanOrEqual(1);
    expect(newest().ended).toEqual({ how: 'signed_out', at: iso(clock.now()) });
    expect(s.auth.emergencyLog().filter((r) => r.ended === null)).toEqual([]);
    expect(restart().closeEmergenciesLeftOpen()).toBe(0);
    expect(endsOf(first.id)).toBe(1);
    expect(entries('auth.break_glass_ended')[0]).toMatchObject({ actor: 'system' });

    // Its time was up before the start: expired, at its time.
    expect((await breakGlass(await signIn('mgr3'), REASON)).error).toBeNull();
    const second = newest();
    clock.advance((securityPolicy.breakGlassMinutes + 5) * MIN);
    expect(restart().closeEmergenciesLeftOpen()).toBe(1);
    expect(newest().ended).toEqual({ how: 'expired', at: second.until });
  });
});
