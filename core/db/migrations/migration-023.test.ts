// Migration 23 recomputes serial keys on the normalized text (issue 14 §4): serials stored with
// hidden or full-width characters are compared as they print (27 CFR 478.125(e): each firearm
// once in the book), and a clash that was let in before is put on hold for review, not lost.
import Database from 'better-sqlite3-multiple-ciphers';
import { describe, expect, it } from 'vitest';
import { migrate } from '../migrate.ts';
import { migrations } from './index.ts';
import { serialKey } from '../../firearms/model.ts';

const now = () => '2026-11-21T08:00:00.000Z';

describe('migration 23: serial keys on the normalized text', () => {
  it('rekeys hidden and full-width serials, and holds a firearm whose serial turns out to be taken', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, migrations.slice(0, 22), now);
    const put = db.prepare(
      `INSERT INTO firearm_items (id, manufacturer, model, serial, type, caliber, manufacturer_key, serial_key, status, created_at)
       VALUES (?, 'Glock', '19', ?, ?, '9mm', 'GLOCK', ?, ?, 1)`,
    );
    // Keys as the old rule made them: spaces out, upper case, nothing else.
    const oldKey = (s: string) => s.replace(/\s+/g, '').toUpperCase();
    put.run(1, 'ZW123', 'pistol', oldKey('ZW123'), 'in_stock');
    put.run(2, 'ZW\u200B123', 'pistol', oldKey('ZW\u200B123'), 'in_stock');
    put.run(3, 'ｚｗ１２３', 'rifle', oldKey('ｚｗ１２３'), 'in_stock');
    put.run(4, 'ZW123\0', 'pistol', oldKey('ZW123\0'), 'disposed');
    put.run(5, 'AB 12', 'pistol', oldKey('AB 12'), 'in_stock');

    migrate(db, migrations.slice(0, 23), now);
    const items = db
      .prepare(
        'SELECT id, serial_key AS key, hold, hold_reason AS reason FROM firearm_items ORDER BY id',
      )
      .all() as { id: number; key: string; hold: string | null; reason: string | null }[];
    // The full-width rifle and the disposed pistol take the key they print as; ASCII is unchanged.
    expect(items.map((i) => i.key)).toEqual(['ZW123', 'ZW\u200B123', 'ZW123', 'ZW123', 'AB12']);
    expect(serialKey('ｚｗ１２３')).toBe('ZW123');
    // The zero-width pistol is ZW123 of the same maker and type as firearm 1: held for review.
    expect(items[1]).toMatchObject({ hold: 'held', reason: expect.stringContaining('firearm 1') });
    expect(items.filter((i) => i.hold !== null).map((i) => i.id)).toEqual([2]);
    db.close();
  });
});
