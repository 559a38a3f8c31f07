// The reasons core throws to the API are the ones core/error-reasons.ts lists (issue 16), so a
// new reason cannot reach a screen without an English and a Spanish label
// (renderer/i18n/labels.test.ts checks those).
//
// How the source is read, kept simple on purpose: every non-test .ts file under core/ and
// electron/, whole. A reason is the second argument of `new DomainError(kind, reason, …)`, or
// the first of the helpers in core/errors.ts (`notFound`, `conflict`, `invalid`, `forbidden`)
// and of the file-local helpers in LOCAL_HELPERS. A quoted reason must be listed; any other
// expression must be one of DYNAMIC, which says what codes it can make, and those must be
// listed too. So a new reason, or a new way of making one, fails here until it is registered.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  API_ERROR_REASONS,
  DEVICE_ERROR_CODES,
  RX_NOT_READY_STATUSES,
  TRANSFER_REFUSALS,
} from '../error-reasons.ts';

const root = path.resolve(import.meta.dirname, '../..');

function sources(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) return sources(rel);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [rel] : [];
  });
}

const files = [...sources('core'), ...sources('electron')].map((file) => ({
  file,
  text: fs.readFileSync(path.join(root, file), 'utf8'),
}));
const read = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');

/** Helpers local to one file whose first argument is a reason. */
const LOCAL_HELPERS: Record<string, string[]> = {
  'core/auth/service.ts': ['deny'], // sign-in and emergency-access refusals, audited first
  'core/pharmacy/pickups.ts': ['refuse'], // a pickup the desk cannot complete
};

/** The members of a string-literal union type `export type Name = | 'a' | 'b';` in a file. */
function unionOf(file: string, name: string): string[] {
  const text = read(file);
  const start = text.indexOf(`export type ${name} =`);
  const body = text.slice(start, text.indexOf(';', start));
  return [...body.matchAll(/'(\w+)'/g)].map((m) => m[1] ?? '');
}

/**
 * Reasons made by an expression rather than written out, per file: what each can be. The
 * helper definitions pass their own parameter on (their call sites are checked instead).
 */
const DYNAMIC: Record<string, Record<string, () => readonly string[]>> = {
  'core/errors.ts': { reason: () => [] },
  'core/auth/service.ts': { reason: () => [], why: () => [] },
  'core/pharmacy/pickups.ts': {
    reason: () => [],
    '`rx_${row.status}`': () => RX_NOT_READY_STATUSES.map((s) => `rx_${s}`),
  },
  'core/pharmacy/desk.ts': {
    '`rx_${row.status}`': () => RX_NOT_READY_STATUSES.map((s) => `rx_${s}`),
  },
  'core/checks/service.ts': {
    // The date problems core/checks/rules.ts names on `CheckDateProblem`'s reason.
    'dates.reason': () => {
      const m = /reason: ('\w+'(?: \| '\w+')+);/.exec(read('core/checks/rules.ts'));
      return [...(m?.[1] ?? '').matchAll(/'(\w+)'/g)].map((x) => x[1] ?? '');
    },
  },
  'core/firearms/service.ts': {
    '`check_${decision.reason}`': () => TRANSFER_REFUSALS.map((r) => `check_${r}`),
  },
  'core/devices/service.ts': {
    '`device_${e.code}`': () => DEVICE_ERROR_CODES.map((c) => `device_${c}`),
  },
};

interface Found {
  file: string;
  reason: string;
}

/** Every reason argument in the source, quoted or not (`'x'` keeps its quotes). */
function reasonArguments(): Found[] {
  return files.flatMap(({ file, text }) => {
    const helpers = [
      'notFound',
      'conflict',
      'invalid',
      'forbidden',
      ...(LOCAL_HELPERS[file] ?? []),
    ];
    const helperCall = new RegExp(`\\b(?:${helpers.join('|')})\\(\\s*([^,)]+)[,)]`, 'g');
    return [
      ...[...text.matchAll(/new DomainError\(\s*[^,]+,\s*([^,]+),/g)],
      ...[...text.matchAll(helperCall)],
    ].map((m) => ({ file, reason: (m[1] ?? '').trim() }));
  });
}

const listed = new Set<string>(API_ERROR_REASONS);
const quoted = /^'(\w+)'$/;

describe('API error reasons in the source', () => {
  const found = reasonArguments();

  it('finds the reasons (the scan is not empty)', () => {
    expect(found).toContainEqual({ file: 'core/auth/service.ts', reason: "'wrong_credentials'" });
    expect(found).toContainEqual({ file: 'core/checks/service.ts', reason: "'denial_stands'" });
    expect(found).toContainEqual({ file: 'core/validate.ts', reason: "'invalid_input'" });
  });

  it('lists every reason written out in the source', () => {
    const unlisted = found
      .filter((f) => quoted.test(f.reason) && !listed.has(f.reason.slice(1, -1)))
      .map((f) => `${f.file}: ${f.reason}`);
    expect(unlisted).toEqual([]);
  });

  it('knows every reason made by an expression, and lists the codes it makes', () => {
    const unknown = found
      .filter((f) => !quoted.test(f.reason) && !DYNAMIC[f.file]?.[f.reason])
      .map((f) => `${f.file}: ${f.reason}`);
    expect(unknown).toEqual([]);
    const made = Object.values(DYNAMIC).flatMap((byExpression) =>
      Object.values(byExpression).flatMap((codes) => codes()),
    );
    expect(made.filter((c) => !listed.has(c))).toEqual([]);
  });

  it('reads the dynamic families from their sources', () => {
    expect(unionOf('core/checks/rules.ts', 'TransferRefusal')).toEqual([...TRANSFER_REFUSALS]);
    expect(unionOf('core/devices/ports.ts', 'DeviceErrorCode')).toEqual([...DEVICE_ERROR_CODES]);
    const statuses = /status IN \(([^)]*)\)/.exec(read('core/db/migrations/012_pharmacy.ts'));
    expect(
      [...(statuses?.[1] ?? '').matchAll(/'(\w+)'/g)].map((m) => m[1]).filter((s) => s !== 'ready'),
    ).toEqual([...RX_NOT_READY_STATUSES]);
  });

  it('throws every listed reason somewhere (no stale entries)', () => {
    const thrown = new Set([
      ...found.filter((f) => quoted.test(f.reason)).map((f) => f.reason.slice(1, -1)),
      ...Object.values(DYNAMIC).flatMap((byExpression) =>
        Object.values(byExpression).flatMap((codes) => codes()),
      ),
    ]);
    expect(API_ERROR_REASONS.filter((r) => !thrown.has(r))).toEqual([]);
  });
});
