// Prepared statements, kept per database and SQL text. Preparing costs more than running a
// small statement, so code on a hot path (the integration workers) prepares each once.
import type Database from 'better-sqlite3-multiple-ciphers';
import type { Db } from './open.ts';

export type Statement = Database.Statement<unknown[]>;
const caches = new WeakMap<Db, Map<string, Statement>>();

/** `prepare`, remembered: the same SQL text gets the same statement back. */
export function preparedFor(db: Db): (sql: string) => Statement {
  let cache = caches.get(db);
  if (!cache) {
    cache = new Map();
    caches.set(db, cache);
  }
  const statements = cache;
  return (sql) => {
    let s = statements.get(sql);
    if (!s) {
      s = db.prepare<unknown[]>(sql);
      statements.set(sql, s);
    }
    return s;
  };
}
