// Migrations that move data, checked on a database written by the version before them.
import Database from 'better-sqlite3-multiple-ciphers';
import { describe, expect, it } from 'vitest';
import { migrate } from '../migrate.ts';
import { migrations } from './index.ts';

const now = () => '2026-11-21T08:00:00.000Z';

describe('migration 18: the Rx30 outbox becomes jobs of the pharmacy.rx30 connection', () => {
  it('moves what waited, in order and once, and leaves what Rx30 took', () => {
    const db = new Database(':memory:');
    migrate(db, migrations.slice(0, 17), now);
    db.prepare(
      "INSERT INTO connections (provider, location, state, created_at, updated_at) VALUES ('pharmacy.rx30', 'main', 'active', ?, ?)",
    ).run(now(), now());
    const put = db.prepare(
      'INSERT INTO rx30_outbox (message_id, type, message, state, attempts, last_error, queued_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    put.run('SOLD-1', 'SOLD', '{"id":"SOLD-1"}', 'sent', 1, null, 1_000);
    put.run('SOLD-2', 'SOLD', '{"id":"SOLD-2"}', 'queued', 4, 'Rx30 is not connected', 2_000);
    put.run('VOID-2', 'VOID', '{"id":"VOID-2"}', 'queued', 0, null, 3_000);

    migrate(db, migrations, now);
    expect(
      db
        .prepare(
          'SELECT connection_id, kind, feature, idempotency_key, payload, state, attempts, error_message FROM jobs ORDER BY id',
        )
        .all(),
    ).toEqual([
      {
        connection_id: 1,
        kind: 'rx30.SOLD',
        feature: 'pickups',
        idempotency_key: 'rx30:SOLD-2',
        payload: '{"id":"SOLD-2"}',
        state: 'queued',
        attempts: 4,
        error_message: 'Rx30 is not connected',
      },
      {
        connection_id: 1,
        kind: 'rx30.VOID',
        feature: 'pickups',
        idempotency_key: 'rx30:VOID-2',
        payload: '{"id":"VOID-2"}',
        state: 'queued',
        attempts: 0,
        error_message: null,
      },
    ]);
    expect(
      db.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'rx30_outbox'").pluck().get(),
    ).toBe(0);
  });
});
