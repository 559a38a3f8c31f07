// The relay's outbox to Rx30: SOLD, VOID and RETURN queued in SQLite (so they survive a
// restart or an outage of any length) and sent one at a time, oldest first, each until Rx30
// ACKs it. A NAK, a lost answer or a dropped line means the same message (same id) is sent
// again after a wait; Rx30 applies an id once, so a resend never counts twice.
import type { Clock } from '../clock.ts';
import type { Db } from '../db/open.ts';
import { preparedFor, type Statement } from '../db/statements.ts';
import type { Logger } from '../log/logger.ts';
import { rx30MessageSchema, type Rx30Message } from './messages.ts';
import type { Rx30Link } from './ports.ts';

type Outbound = Extract<Rx30Message, { type: 'SOLD' | 'VOID' | 'RETURN' | 'PATIENT_QUERY' }>;

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

  constructor(o: {
    db: Db;
    clock: Clock;
    log: Logger;
    /** Waits after a failed send: first, doubling up to max. */
    backoff?: { firstMs: number; maxMs: number };
  }) {
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
    return this.sql("SELECT count(*) FROM rx30_outbox WHERE state = 'queued'")
      .pluck()
      .get() as number;
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
        "SELECT seq, message FROM rx30_outbox WHERE state = 'queued' ORDER BY seq LIMIT 1",
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
      } catch (error) {
        const why = error instanceof Error ? error.message : String(error);
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
