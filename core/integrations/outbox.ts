// The transactional outbox: a domain change publishes its event in the same SQLite
// transaction, so an event exists if and only if the change committed. The dispatcher fans
// events out to subscribed connections as jobs (dispatcher.ts).
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/open.ts';
import { preparedFor, type Statement } from '../db/statements.ts';
import type { DomainEventType } from './model.ts';

export interface DomainEvent {
  id: number;
  uid: string;
  type: DomainEventType;
  entity: string | null;
  entityId: string | null;
  data: unknown;
  occurredAt: number;
}

interface Row {
  id: number;
  uid: string;
  type: DomainEventType;
  entity: string | null;
  entity_id: string | null;
  payload: string;
  occurred_at: number;
}

const toEvent = (r: Row): DomainEvent => ({
  id: r.id,
  uid: r.uid,
  type: r.type,
  entity: r.entity,
  entityId: r.entity_id,
  data: JSON.parse(r.payload) as unknown,
  occurredAt: r.occurred_at,
});

export class Outbox {
  private readonly db: Db;
  private readonly sql: (sql: string) => Statement;
  private readonly clock: Clock;
  private readonly onPublish: () => void;
  private readonly insertStmt;
  private readonly headStmt;

  /** `onPublish` wakes the dispatcher (after the current synchronous work, so after commit). */
  constructor(db: Db, clock: Clock, onPublish: () => void = () => {}) {
    this.db = db;
    this.sql = preparedFor(this.db);
    this.clock = clock;
    this.onPublish = onPublish;
    this.insertStmt = db.prepare(
      'INSERT INTO domain_events (uid, type, entity, entity_id, payload, occurred_at) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.headStmt = db.prepare('SELECT coalesce(max(id), 0) FROM domain_events').pluck();
  }

  /**
   * Records an event. Call it inside the transaction that makes the change: if that rolls
   * back, so does the event. Payloads hold what a receiver needs, never PHI or buyer PII.
   */
  publish(e: {
    type: DomainEventType;
    entity?: string;
    entityId?: string | number;
    data: unknown;
  }): { id: number; uid: string } {
    const uid = randomUUID();
    const id = Number(
      this.insertStmt.run(
        uid,
        e.type,
        e.entity ?? null,
        e.entityId === undefined ? null : String(e.entityId),
        JSON.stringify(e.data ?? null),
        this.clock.now(),
      ).lastInsertRowid,
    );
    queueMicrotask(this.onPublish);
    return { id, uid };
  }

  /** The id of the newest event (0 when there is none): a watermark that skips everything. */
  head(): number {
    return this.headStmt.get() as number;
  }

  /** Events after `afterId`, oldest first. */
  after(afterId: number, limit: number): DomainEvent[] {
    return (
      this.sql('SELECT * FROM domain_events WHERE id > ? ORDER BY id LIMIT ?').all(
        afterId,
        limit,
      ) as Row[]
    ).map(toEvent);
  }

  get(id: number): DomainEvent | null {
    const row = this.sql('SELECT * FROM domain_events WHERE id = ?').get(id) as Row | undefined;
    return row ? toEvent(row) : null;
  }
}
