// The relay's outbox to Rx30: SOLD, VOID and RETURN queued in SQLite (so they survive a
// restart or an outage of any length) and sent one at a time, oldest first, each until Rx30
// ACKs it. A NAK, a lost answer or a dropped line means the same message (same id) is sent
// again after a wait; Rx30 applies an id once, so a resend never counts twice.
import type { AuditLog } from '../audit/repo.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/open.ts';
import { preparedFor, type Statement } from '../db/statements.ts';
import { conflict, notFound } from '../errors.ts';
import type { Logger } from '../log/logger.ts';
import { rx30MessageSchema, type Rx30Message } from './messages.ts';
import { Rx30Refused, type Rx30Link } from './ports.ts';

type Outbound = Extract<Rx30Message, { type: 'SOLD' | 'VOID' | 'RETURN' | 'PATIENT_QUERY' }>;

/** After this many refused tries in a row the head is "stuck": health says so, by name. */
export const STUCK_AFTER = 3;

/** A message waiting for Rx30, as the pharmacy page lists it: no patient data. */
export interface WaitingMessage {
  messageId: string;
  type: string;
  invoice: string | null;
  attempts: number;
  lastError: string | null;
  queuedAt: string;
}

/** Waiting: queued, not yet ACKed, and not set aside by a manager. */
const WAITING = "state = 'queued' AND message_id NOT IN (SELECT message_id FROM rx30_set_aside)";

export class Rx30Outbox {
  private readonly sql: (sql: string) => Statement;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly backoff: { firstMs: number; maxMs: number };
  private link: Rx30Link | null = null;
  private running = false;
  /** Ends the current wait (stop, the link back). */
  private wakeUp: (() => void) | null = null;
  /** Ends the current wait when a message is queued (only while idle). */
  private queuedWake: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  /** Rx30's refusals of the head in a row (a NAK each; not a dropped line or a timeout). */
  private refused: { messageId: string; times: number } | null = null;
  private readonly onStuckChange: () => void;

  constructor(o: {
    db: Db;
    clock: Clock;
    log: Logger;
    /** Waits after a failed send: first, doubling up to max. */
    backoff?: { firstMs: number; maxMs: number };
    /** Told when the head becomes stuck or gets through (screens refresh). */
    onStuckChange?: () => void;
  }) {
    this.onStuckChange = o.onStuckChange ?? (() => {});
    this.sql = preparedFor(o.db);
    this.clock = o.clock;
    this.log = o.log;
    this.backoff = o.backoff ?? { firstMs: 500, maxMs: 30_000 };
  }

  /** Queues a message once per id (asking again for the same id queues nothing). */
  enqueue(message: Outbound): boolean {
    const m = rx30MessageSchema.parse(message) as Outbound;
    const queued = this.sql(
      `INSERT INTO rx30_outbox (message_id, type, message, state, queued_at) VALUES (?, ?, ?, 'queued', ?)
       ON CONFLICT (message_id) DO NOTHING`,
    ).run(m.id, m.type, JSON.stringify(m), this.clock.now()).changes;
    this.queuedWake?.();
    return queued === 1;
  }

  /** Messages Rx30 has not ACKed yet. */
  waiting(): number {
    return this.sql(`SELECT count(*) FROM rx30_outbox WHERE ${WAITING}`).pluck().get() as number;
  }

  /** What waits for Rx30, oldest (the one being sent) first. */
  list(limit = 100): WaitingMessage[] {
    return (
      this.sql(
        `SELECT message_id, type, message, attempts, last_error, queued_at FROM rx30_outbox WHERE ${WAITING} ORDER BY seq LIMIT ?`,
      ).all(limit) as {
        message_id: string;
        type: string;
        message: string;
        attempts: number;
        last_error: string | null;
        queued_at: number;
      }[]
    ).map((r) => ({
      messageId: r.message_id,
      type: r.type,
      invoice: (JSON.parse(r.message) as { invoice?: string }).invoice ?? null,
      attempts: r.attempts,
      lastError: r.last_error,
      queuedAt: new Date(r.queued_at).toISOString(),
    }));
  }

  /** The head when Rx30 has refused it STUCK_AFTER times in a row (null: nothing is stuck). */
  stuck(): WaitingMessage | null {
    const head = this.list(1)[0];
    const r = this.refused;
    return head && r?.messageId === head.messageId && r.times >= STUCK_AFTER ? head : null;
  }

  /**
   * A manager sets a waiting message aside (settled in Rx30 by hand), with why: the outbox
   * goes on to the next. Kept, never removed; audited.
   */
  setAside(audit: AuditLog, actor: string, messageId: string, reason: string): void {
    const row = this.sql('SELECT state FROM rx30_outbox WHERE message_id = ?').get(messageId) as
      { state: string } | undefined;
    if (!row) throw notFound('message_not_found', `No message ${messageId} waits for Rx30.`);
    if (row.state !== 'queued')
      throw conflict('already_sent', `Rx30 already took ${messageId}: nothing to set aside.`);
    const added = this.sql(
      'INSERT INTO rx30_set_aside (message_id, reason, set_by, set_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
    ).run(messageId, reason, actor, this.clock.now()).changes;
    if (added === 0) throw conflict('already_set_aside', `${messageId} was set aside already.`);
    audit.record({
      actor,
      action: 'pharmacy.rx30_set_aside',
      entity: 'rx30_message',
      entityId: messageId,
      payload: { reason },
    });
    // The loop may be waiting out the refused head's backoff: the next goes now.
    this.wakeUp?.();
    this.onStuckChange();
  }

  start(link: Rx30Link): void {
    this.link = link;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wakeUp?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    let wait = this.backoff.firstMs;
    while (this.running) {
      const head = this.sql(
        `SELECT seq, message FROM rx30_outbox WHERE ${WAITING} ORDER BY seq LIMIT 1`,
      ).get() as { seq: number; message: string } | undefined;
      if (!head) {
        await this.sleep(60_000, { untilQueued: true });
        continue;
      }
      const message = rx30MessageSchema.parse(JSON.parse(head.message));
      try {
        await this.link?.send(message);
        // Stopped meanwhile (the database may be closing): the ACK is taken again next time.
        if (!this.running) break;
        this.sql(
          "UPDATE rx30_outbox SET state = 'sent', sent_at = ?, attempts = attempts + 1 WHERE seq = ?",
        ).run(this.clock.now(), head.seq);
        wait = this.backoff.firstMs;
        const wasStuck = (this.refused?.times ?? 0) >= STUCK_AFTER;
        this.refused = null;
        if (wasStuck) this.onStuckChange();
      } catch (error) {
        const why = error instanceof Error ? error.message : String(error);
        if (error instanceof Rx30Refused)
          this.refused =
            this.refused?.messageId === message.id
              ? { messageId: message.id, times: this.refused.times + 1 }
              : { messageId: message.id, times: 1 };
        if (this.refused?.times === STUCK_AFTER) this.onStuckChange();
        this.sql(
          'UPDATE rx30_outbox SET attempts = attempts + 1, last_error = ? WHERE seq = ?',
        ).run(why, head.seq);
        // The head waits and goes again: nothing queued after it may overtake it.
        await this.sleep(wait);
        wait = Math.min(this.backoff.maxMs, wait * 2);
      }
    }
    this.log.info('The Rx30 outbox stopped');
  }

  /** The link is back: the head goes now rather than after its wait. */
  linkUp(): void {
    this.wakeUp?.();
  }

  /**
   * Waits `ms`, or less when the outbox stops, the link comes back, or (when idle) something
   * is queued. A failed head's wait is not cut short by new messages queued behind it.
   */
  private sleep(ms: number, o: { untilQueued?: boolean } = {}): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const wake = () => {
        this.wakeUp = null;
        this.queuedWake = null;
        done();
      };
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = wake;
      this.queuedWake = o.untilQueued ? wake : null;
    });
  }
}
