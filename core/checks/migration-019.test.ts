// Migration 19 rebuilds check_events to take the "overturned" event: every recorded response
// stays, with its id, in order, and the table stays append-only (responses are records).
import Database from 'better-sqlite3-multiple-ciphers';
import { describe, expect, it } from 'vitest';
import { migrate } from '../db/migrate.ts';
import { migrations } from '../db/migrations/index.ts';

const now = () => '2026-11-21T08:00:00.000Z';

describe('migration 19: overturned denials and the day the 4473 was started', () => {
  it('keeps every check response as it was, and the table refuses changes and removals', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, migrations.slice(0, 18), now);
    db.prepare(
      `INSERT INTO background_checks (form_4473, buyer_key, items, state, route, buyer_under_21, initiated_by, initiated_at, created_on)
       VALUES ('T-1', 'buyer-1', '["1"]', 'TX', 'federal_nics', 0, 'carlos', 1, '2026-01-08')`,
    ).run();
    const put = db.prepare(
      'INSERT INTO check_events (id, check_id, kind, on_date, ntn, further_investigation, note, recorded_by, recorded_at) VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?)',
    );
    put.run(3, 'submit', '2026-01-08', null, 0, null, 'carlos', 10);
    put.run(7, 'delayed', '2026-01-08', '100DLY', 1, null, 'carlos', 11);
    put.run(9, 'override', null, null, 0, 'Called the state', 'maria', 12);
    const before = db.prepare('SELECT * FROM check_events ORDER BY id').all();

    migrate(db, migrations, now);
    const after = db.prepare('SELECT * FROM check_events ORDER BY id').all() as object[];
    expect(after).toEqual(before.map((r) => ({ ...(r as object), reference: null })));
    expect(db.prepare('SELECT form_4473_started_on FROM background_checks').pluck().get()).toBe(
      null,
    );
    db.prepare(
      "INSERT INTO check_events (check_id, kind, on_date, reference, recorded_by, recorded_at) VALUES (1, 'denied', '2026-01-09', NULL, 'carlos', 13)",
    ).run();
    db.prepare(
      "INSERT INTO check_events (check_id, kind, on_date, reference, recorded_by, recorded_at) VALUES (1, 'overturned', '2026-01-20', 'APPEAL-1', 'maria', 14)",
    ).run();
    // An overturn without its reference, or a reference on another kind, is refused.
    expect(() =>
      db
        .prepare(
          "INSERT INTO check_events (check_id, kind, on_date, recorded_by, recorded_at) VALUES (1, 'overturned', '2026-01-20', 'maria', 15)",
        )
        .run(),
    ).toThrow(/CHECK constraint/);
    expect(() => db.prepare("UPDATE check_events SET on_date = '2026-01-01'").run()).toThrow(
      'check responses are never changed',
    );
    expect(() => db.prepare('DELETE FROM check_events').run()).toThrow(
      'check responses are never removed',
    );
    db.close();
  });
});
