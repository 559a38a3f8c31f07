// Rx30's messages applied once: a resent message id, the same prescription under a new id,
// status changes, and a pickup never undone by Rx30. Against a real encrypted SQLite file.
import { describe, expect, it } from 'vitest';
import { servicesForTest } from '../testing/fixtures.ts';
import { PharmacyInbox, searchKeyOf } from './inbox.ts';
import type { ReadyMessage } from './messages.ts';
import { readyMessage } from './testing.ts';

const ready = (o: Partial<ReadyMessage> = {}): ReadyMessage => readyMessage({ id: 'M-1', ...o });

async function inbox() {
  const s = await servicesForTest();
  const changes: number[] = [];
  const box = new PharmacyInbox({
    db: s.store.db,
    clock: s.clock,
    onChange: () => changes.push(1),
  });
  const count = (sql: string) => s.store.db.prepare(sql).pluck().get() as number;
  return { s, box, changes, count };
}

describe('Rx30 messages applied once', () => {
  it('adds a ready prescription and its patient once, however often Rx30 sends it', async () => {
    const { box, changes, count } = await inbox();
    expect(box.apply(ready())).toEqual({ outcome: 'applied' });
    // The same message again (a lost ACK), then the same Rx under a new id (a duplicate).
    expect(box.apply(ready()).outcome).toBe('already_had');
    expect(box.apply(ready({ id: 'M-2' }))).toEqual({
      outcome: 'already_had',
      note: 'Rx 600123 fill 0 is already on file (ready)',
    });
    expect(count('SELECT count(*) FROM prescriptions')).toBe(1);
    expect(count('SELECT count(*) FROM rx30_inbound')).toBe(2);
    expect(changes).toHaveLength(1);
    // A new fill of the same Rx is a prescription of its own (a partial fill's rest, say).
    expect(box.apply(ready({ id: 'M-3', fillNumber: 1, partialFill: true })).outcome).toBe(
      'applied',
    );
    expect(box.ready().map((r) => [r.rxNumber, r.fillNumber])).toEqual([
      ['600123', 0],
      ['600123', 1],
    ]);
  });

  it('follows status changes, but a prescription picked up stays picked up', async () => {
    const { s, box } = await inbox();
    box.apply(ready());
    const status = (id: string, st: 'returned_to_stock' | 'cancelled', rx = '600123') =>
      box.apply({ type: 'STATUS', id, storeId: 'S1', rxNumber: rx, fillNumber: 0, status: st });
    expect(status('M-9', 'returned_to_stock')).toEqual({ outcome: 'applied' });
    expect(box.ready()).toEqual([]);
    expect(status('M-10', 'returned_to_stock').outcome).toBe('already_had');
    expect(status('M-11', 'cancelled', '999')).toMatchObject({ outcome: 'ignored' });
    s.store.db.prepare("UPDATE prescriptions SET status = 'sold'").run();
    expect(status('M-12', 'cancelled')).toMatchObject({
      outcome: 'ignored',
      note: expect.stringMatching(/kept as sold/) as string,
    });
  });

  it('keeps the inbound log append-only, and the search key from the names', async () => {
    const { s, box } = await inbox();
    box.apply(ready());
    expect(() => s.store.db.prepare('DELETE FROM rx30_inbound').run()).toThrow(/never changed/);
    expect(searchKeyOf('García', 'Ana')).toBe('GAAN');
    expect(searchKeyOf("O'Neil", 'Jo')).toBe('ONJO');
    expect(s.store.db.prepare('SELECT search_key FROM patients').pluck().get()).toBe('GAAN');
  });
});
