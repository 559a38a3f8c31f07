import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoreServices } from '../app/services.ts';
import { permissions, roles, type Permission } from '../auth/model.ts';
import { permissionsOf } from '../auth/policy.ts';
import { OWNER, makeServices } from '../testing/fixtures.ts';
import { EXAMPLES } from './examples.ts';
import { httpTransport, ipcTransport, listProcedures, type Transport } from './testing.ts';

const PUBLIC = ['system.health', 'system.setupStatus', 'setup.createOwner', 'auth.login'];

const procedures = listProcedures();

describe('the API router', () => {
  it('declares who may call every procedure', () => {
    const missing = procedures.filter((p) => !p.meta?.access).map((p) => p.path);
    expect(missing).toEqual([]);
    const known = new Set<string>([...permissions, 'public', 'signed_in', 'signed_in_even_locked']);
    for (const p of procedures) expect(known.has(p.meta?.access ?? ''), p.path).toBe(true);
    expect(
      procedures
        .filter((p) => p.meta?.access === 'public')
        .map((p) => p.path)
        .sort(),
    ).toEqual([...PUBLIC].sort());
  });

  it('has an example input for every procedure that takes an object', () => {
    const withObjectInput = procedures
      .filter((p) => p.hasInput && !isNoInput(p.path))
      .map((p) => p.path);
    expect(withObjectInput.sort()).toEqual(Object.keys(EXAMPLES).sort());
  });
});

function isNoInput(path: string): boolean {
  // Procedures declared with `noInput` accept nothing; every other input is an object.
  return !(path in EXAMPLES) && procedures.some((p) => p.path === path);
}

/** The users, settings, backups and audit entries: everything a bad call must leave alone. */
function snapshot(s: StoreServices): string {
  const db = s.store.db;
  return JSON.stringify([
    db.prepare('SELECT * FROM users ORDER BY id').all(),
    db.prepare('SELECT * FROM settings ORDER BY key').all(),
    db.prepare('SELECT count(*) FROM backups').pluck().get(),
    s.audit.head(),
  ]);
}

for (const make of [httpTransport, ipcTransport] as const) {
  describe(`over ${make === httpTransport ? 'HTTP' : 'IPC'}`, () => {
    let s: StoreServices;
    let api: Transport;
    const tokens = new Map<string, string>();

    beforeAll(async () => {
      s = await makeServices();
      api = await make(s);
      await s.auth.setupOwner(OWNER);
      const owner = await s.auth.login(OWNER, 'setup');
      const actor = { userId: owner.session.user.id, username: OWNER.username };
      for (const role of roles.filter((r) => r !== 'owner')) {
        await s.auth.createUser(actor, {
          username: `as-${role.replace('_', '-')}`,
          displayName: role,
          role,
          password: 'role password 1',
        });
        tokens.set(
          role,
          (
            await s.auth.login(
              { username: `as-${role.replace('_', '-')}`, password: 'role password 1' },
              'setup',
            )
          ).token,
        );
      }
      tokens.set('owner', owner.token);
    });
    afterAll(async () => {
      await api.close();
      s.close();
    });

    const guarded = procedures.filter((p) => p.meta?.access !== 'public');

    it.each(guarded.map((p) => [p.path, p] as const))(
      'refuses %s without a session',
      async (_path, p) => {
        const before = snapshot(s);
        const r = await api.call(p, EXAMPLES[p.path], null);
        expect(r.error?.data.code).toBe('UNAUTHORIZED');
        expect(r.error?.data.reason).toBe('not_signed_in');
        expect(snapshot(s)).toBe(before);
      },
    );

    const needsPermission = guarded.filter((p) =>
      (permissions as readonly string[]).includes(p.meta?.access ?? ''),
    );
    it.each(needsPermission.map((p) => [p.path, p] as const))(
      'refuses %s to every role without its permission',
      async (_path, p) => {
        const permission = p.meta?.access as Permission;
        const without = roles.filter((r) => !permissionsOf(r).includes(permission));
        // A permission every role holds (store:view) is refused only to callers with no
        // session, which the test above covers; every other one must be refused to someone.
        if (without.length === 0) {
          expect(permission).toBe('store:view');
          return;
        }
        for (const role of without) {
          const users = JSON.stringify(s.store.db.prepare('SELECT * FROM users ORDER BY id').all());
          const r = await api.call(p, EXAMPLES[p.path], tokens.get(role));
          expect(r.error?.data.code, `${role} → ${p.path}`).toBe('FORBIDDEN');
          expect(r.error?.message).toMatch(/does not allow this/);
          expect(JSON.stringify(s.store.db.prepare('SELECT * FROM users ORDER BY id').all())).toBe(
            users,
          );
          // The refusal itself is on record.
          expect(s.audit.query({ action: 'access.denied', limit: 1 }).entries[0]).toMatchObject({
            entityId: p.path,
            outcome: 'denied',
          });
        }
      },
    );

    it.each(procedures.filter((p) => p.hasInput).map((p) => [p.path, p] as const))(
      'answers bad input to %s with a clear validation error and changes nothing',
      async (_path, p) => {
        const token = tokens.get('owner');
        const example = EXAMPLES[p.path];
        const bad: unknown[] = [];
        if (!example) {
          bad.push({ junk: 1 }, 42);
          if (p.type !== 'subscription') bad.push('x'.repeat(100_000));
        } else {
          bad.push('not an object', 42, [], { ...example, unexpected: 'field' });
          for (const [key, value] of Object.entries(example)) {
            bad.push({ ...example, [key]: typeof value === 'string' ? 12345 : 'wrong type' });
            bad.push({ ...example, [key]: { nested: true } });
            if (typeof value === 'string') bad.push({ ...example, [key]: 'x'.repeat(100_000) });
          }
        }
        for (const input of bad) {
          const before = snapshot(s);
          const r = await api.call(p, input, token);
          expect(r.error?.data.code, `${p.path} ← ${JSON.stringify(input).slice(0, 80)}`).toBe(
            'BAD_REQUEST',
          );
          expect(r.error?.data.reason).toBe('invalid_input');
          expect(r.error?.message).toMatch(/^Please correct: .+/);
          expect(snapshot(s)).toBe(before);
        }
      },
    );

    it('lets a signed-in owner through (the guard is not refusing everyone)', async () => {
      const r = await api.call(
        { path: 'users.list', type: 'query' },
        undefined,
        tokens.get('owner'),
      );
      expect(r.error).toBeNull();
      const me = await api.call(
        { path: 'auth.me', type: 'query' },
        undefined,
        tokens.get('compliance_clerk'),
      );
      expect(me.body).toMatchObject({ result: { data: { user: { role: 'compliance_clerk' } } } });
    });

    it('refuses a locked session everything but unlock, sign-out and who-am-I', async () => {
      const { token } = await s.auth.login(
        { username: 'as-cashier', password: 'role password 1' },
        'lock-test',
      );
      const locked = await api.call({ path: 'auth.lock', type: 'mutation' }, undefined, token);
      expect(locked.error).toBeNull();
      const r = await api.call({ path: 'dashboard.summary', type: 'query' }, undefined, token);
      expect(r.error?.data.reason).toBe('session_locked');
      const me = await api.call({ path: 'auth.me', type: 'query' }, undefined, token);
      expect(me.body).toMatchObject({ result: { data: { locked: true } } });
    });
  });
}
