import type Database from 'better-sqlite3-multiple-ciphers';
import type { Migration } from './migrations/index.ts';
import { DatabaseOpenError } from './errors.ts';

export function schemaVersionOf(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Brings the schema up to the newest migration, each in its own transaction.
 * A database written by a newer Backroom is refused rather than guessed at.
 */
export function migrate(
  db: Database.Database,
  all: readonly Migration[],
  now: () => string,
): number {
  all.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`Migration ${m.name} must be number ${i + 1}`);
  });
  const latest = all.length;
  const current = schemaVersionOf(db);
  if (current > latest) {
    throw new DatabaseOpenError(
      'too_new',
      `This store database was written by a newer version of Backroom (schema ${current}; this app knows up to ${latest}). ` +
        'Install the latest Backroom update; do not use this older version with this database.',
    );
  }
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT`);
  for (const m of all.slice(current)) {
    db.transaction(() => {
      db.exec(m.sql);
      m.run?.(db);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        m.version,
        m.name,
        now(),
      );
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  return latest;
}
