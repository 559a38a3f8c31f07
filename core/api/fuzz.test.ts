// The API under attack (issue 14 §4, "a fuzz test over every procedure … asserts no 500 for
// any input"): every procedure of the real router, called over the desktop transport by a
// signed-in owner with random JSON and with valid inputs broken in the ways an attacker (or a
// paste) breaks them: hidden characters, impossible and far-future dates, huge numbers, wrong
// shapes. Whatever comes in, the answer is the clerk's to act on (4xx) or a success, never a
// server error. Deterministic (fixed seed) and bounded (a few dozen inputs per procedure).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoreServices } from '../app/services.ts';
import { OWNER, makeServices } from '../testing/fixtures.ts';
import { EXAMPLES, MORE_EXAMPLES } from './examples.ts';
import { ipcTransport, listProcedures, type ProcedureInfo, type Transport } from './testing.ts';

const SEED = 1414;
const RUNS = 16;

/**
 * Left out, and why: event streams stay open (their input is checked by the router test);
 * backup.updateSettings would point backups at whatever folder a random string names, on
 * this machine (the router test covers its bad input).
 */
const SKIP = new Set(['backup.updateSettings']);

/** Values that broke the server before, or could: the attack's own list and their kin. */
const NASTY_STRINGS = [
  '',
  ' ',
  '\0',
  'ab\0c',
  'ZW\u200B123',
  'ZW123\0',
  'ＺＷ１２３',
  '\u202Eevil',
  '\uE000',
  '\uD800',
  '9999-12-31',
  '2026-02-30',
  '2026-13-01',
  '0000-00-00',
  '1899-12-31',
  '0001-01-01',
  '"',
  '"a" OR "b"',
  'NEAR(a b)',
  '*',
  '%_\\',
  '=HYPERLINK("http://x")',
  '../../etc/passwd',
  "'); DROP TABLE firearm_items; --",
  'x'.repeat(5_000),
];
const NASTY_NUMBERS = [0, -1, 1, 2, 3, 7, 999_999, 2 ** 31, 2 ** 53 + 2, 1.5, 1e308, -1e308];

const nasty = fc.oneof(
  fc.constantFrom<unknown>(...NASTY_STRINGS, ...NASTY_NUMBERS, null, true, false, [], {}),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.integer(),
  fc.jsonValue({ maxDepth: 2 }),
);

type Json = unknown;
/** Every path into a value (objects and arrays), the root included. */
function pathsOf(v: Json, at: (string | number)[] = []): (string | number)[][] {
  const here = [at];
  if (Array.isArray(v)) return [...here, ...v.flatMap((x, i) => pathsOf(x, [...at, i]))];
  if (v && typeof v === 'object')
    return [...here, ...Object.entries(v).flatMap(([k, x]) => pathsOf(x, [...at, k]))];
  return here;
}
/** `v` with the value at `path` replaced (or removed, for `undefined`). */
function setAt(v: Json, path: (string | number)[], value: unknown): Json {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  if (Array.isArray(v)) {
    const copy = [...(v as unknown[])];
    copy[head as number] = setAt(copy[head as number], rest, value);
    return copy;
  }
  // An earlier change may have replaced the parent with a non-object: start a new one.
  const parent = v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
  const next = setAt(parent[head as string], rest, value);
  return Object.fromEntries(
    Object.entries({ ...parent, [head as string]: next }).filter(([, x]) => x !== undefined),
  );
}

/** Random JSON, or the valid example broken at one to three places. */
function inputsFor(example: Json) {
  const paths = example === undefined ? [] : pathsOf(example).filter((p) => p.length > 0);
  const mutation =
    paths.length === 0
      ? fc.constant(example)
      : fc
          .array(fc.tuple(fc.constantFrom(...paths), fc.oneof(nasty, fc.constant(undefined))), {
            minLength: 1,
            maxLength: 3,
          })
          .map((changes) => changes.reduce((v, [p, x]) => setAt(v, p, x), example));
  return example === undefined
    ? fc.oneof(fc.constant(undefined), nasty)
    : fc.oneof({ arbitrary: mutation, weight: 3 }, { arbitrary: nasty, weight: 1 });
}

/**
 * The sweep: each field of the example alone given each of these (ids first, while the store
 * is as the examples expect; then text and dates). Random inputs rarely hit one field with
 * exactly the value that breaks it while the rest stays valid; the sweep does, every time.
 */
const SWEEP_NUMBERS = [999_999, 0];
const SWEEP_STRINGS = ['ab\0c', 'ZW\u200B123', '9999-12-31', '2026-02-30', '=1+1'];
function sweepOf(example: Json): Json[] {
  if (example === undefined) return [];
  const leaves = pathsOf(example).filter((p) => p.length > 0);
  const valueAt = (p: (string | number)[]) =>
    p.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], example);
  const numbers = leaves.filter((p) => typeof valueAt(p) === 'number');
  const strings = leaves.filter((p) => typeof valueAt(p) === 'string');
  return [
    ...numbers.flatMap((p) => SWEEP_NUMBERS.map((x) => setAt(example, p, x))),
    ...strings.flatMap((p) => SWEEP_STRINGS.map((x) => setAt(example, p, x))),
  ];
}

const procedures = listProcedures().filter((p) => p.type !== 'subscription' && !SKIP.has(p.path));
const examples: Record<string, unknown> = { ...EXAMPLES, ...MORE_EXAMPLES };

describe('every procedure, fuzzed as a signed-in owner', () => {
  let s: StoreServices;
  let api: Transport;
  let token = '';
  let password = OWNER.password;
  let ownerId = 0;
  let logins = 0;
  const started = Date.now(); // eslint-disable-line no-restricted-syntax -- measures the test's own run time

  beforeAll(async () => {
    s = await makeServices();
    api = ipcTransport(s);
    await s.auth.setupOwner(OWNER);
    const owner = await s.auth.login(OWNER, 'fuzz');
    token = owner.token;
    ownerId = owner.session.user.id;
    await s.auth.createUser(
      { userId: ownerId, username: OWNER.username },
      { username: 'clerk', displayName: 'Clerk', role: 'cashier', password: 'clerk password 1' },
    );
    s.profile.update('owner', { name: 'Fuzz Guns', state: 'TX', ffl: '9-86-123-01-7K-12345' });
    // Something for the ids in the examples to find: firearms 1–3 (3 privately made), check 1.
    s.firearms.acquire('owner', {
      receivedOn: '2026-01-05',
      source: { name: 'Lipsey’s LLC', ffl: '9-86-123-01-7K-12345' },
      firearms: [
        { manufacturer: 'Glock', model: '19', serial: 'ZW123', type: 'pistol', caliber: '9mm' },
        {
          manufacturer: 'Sig Sauer',
          model: 'P365',
          serial: '66A-0042',
          type: 'pistol',
          caliber: '9mm',
        },
        {
          manufacturer: 'Privately made',
          model: 'AR-15 type',
          serial: 'NSN',
          type: 'receiver',
          caliber: '5.56 NATO',
          privatelyMade: true,
        },
      ],
    });
    s.checks.start('owner', {
      form4473: 'T-1',
      buyerKey: 'buyer-1',
      itemIds: [1],
      itemTypes: ['pistol'],
      state: 'TX',
      buyerUnder21: false,
    });
  });
  afterAll(async () => {
    await api.close();
    s.close();
    // The whole fuzz is bounded: it must stay well inside the suite's time.
    expect(Date.now() - started).toBeLessThan(90_000); // eslint-disable-line no-restricted-syntax -- the test's own run time
  });

  /** The owner's session, signed in again if a fuzzed call ended or locked it. */
  async function session(): Promise<string> {
    try {
      s.auth.authenticate(token, { touch: false });
      return token;
    } catch {
      // From an address of its own each time: sign-ins are throttled per address.
      token = (await s.auth.login({ username: OWNER.username, password }, `fuzz-${++logins}`))
        .token;
      return token;
    }
  }

  /** Keeps the fuzz from locking out or demoting the very owner it signs in as. */
  function sparingTheOwner(p: ProcedureInfo, input: unknown): unknown {
    if (!input || typeof input !== 'object' || Array.isArray(input)) return input;
    const o = input as Record<string, unknown>;
    if (p.path.startsWith('users.') && o['userId'] === ownerId)
      return { ...o, userId: ownerId + 1 };
    if (p.path === 'auth.login' && typeof o['username'] === 'string')
      return { ...o, username: `not-${o['username']}` };
    return input;
  }

  it.each(procedures.map((p) => [p.path, p] as const))(
    'never answers %s with a server error',
    async (_path, p) => {
      const attempt = async (raw: unknown) => {
        const input = sparingTheOwner(p, raw);
        const r = await api.call(p, input, await session());
        if (p.path === 'auth.changePassword' && !r.error)
          password = (input as { newPassword: string }).newPassword;
        expect(
          r.error?.data.code,
          `${p.path} ← ${JSON.stringify(input)?.slice(0, 200)}: ${r.error?.message ?? ''}`,
        ).not.toBe('INTERNAL_SERVER_ERROR');
        expect(r.status).toBeLessThan(500);
      };
      for (const input of sweepOf(examples[p.path])) await attempt(input);
      await fc.assert(fc.asyncProperty(inputsFor(examples[p.path]), attempt), {
        seed: SEED,
        numRuns: RUNS,
        endOnFailure: true,
      });
    },
    30_000,
  );
});
