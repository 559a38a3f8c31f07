// The append-only triggers (and the ones that queue regulated rows for hashing) are what make
// the regulated tables refuse changes. Someone holding the database key can drop or rewrite
// them; this compares the database's triggers with the set the migrations create.
import Database from 'better-sqlite3-multiple-ciphers';
import type { Db } from '../db/open.ts';
import { migrate } from '../db/migrate.ts';
import { migrations } from '../db/migrations/index.ts';
import type { TamperFinding } from './model.ts';

let expected: ReadonlyMap<string, string> | null = null;

/** Every trigger the migrations create, by name, with its SQL (built once per process). */
export function expectedTriggers(): ReadonlyMap<string, string> {
  if (expected) return expected;
  const db = new Database(':memory:');
  try {
    migrate(db, migrations, () => new Date(0).toISOString());
    expected = triggersOf(db);
  } finally {
    db.close();
  }
  return expected;
}

function triggersOf(db: Db): Map<string, string> {
  return new Map(
    db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").raw().all() as [
      string,
      string,
    ][],
  );
}

/** Missing, altered and foreign triggers, by name. */
export function checkTriggers(db: Db): TamperFinding[] {
  const want = expectedTriggers();
  const have = triggersOf(db);
  const findings: TamperFinding[] = [];
  for (const [name, sql] of want) {
    const found = have.get(name);
    if (found === undefined) findings.push({ kind: 'trigger_missing', name });
    else if (found !== sql) findings.push({ kind: 'trigger_changed', name });
  }
  for (const name of have.keys())
    if (!want.has(name)) findings.push({ kind: 'trigger_unexpected', name });
  return findings;
}
