// The relay's outbox to Rx30: SOLD, VOID and RETURN are jobs of the pharmacy.rx30 connection
// in the platform's job queue (SQLite, so they survive a restart or an outage of any length;
// one per message id), counted with the connection's queue on the integrations page. The
// relay's link sends them itself (the provider is "deliveredBy": "relay"), one at a time,
// oldest first, each until Rx30 ACKs it: a NAK, a dropped line or a lost answer means the same
// message (same id) again after a wait, never a dead letter, since Rx30 applies an id once and
// nothing after it may overtake it. A message Rx30 refuses STUCK_AFTER times in a row is named
// as stuck (health, the Pharmacy page) and still retried; settled in Rx30 by hand, a manager
// sets it aside (the platform's dismissal of a dead letter, audited) and the rest go.
import type { Clock } from '../clock.ts';
import { conflict, notFound } from '../errors.ts';
import type { Job, JobQueue } from '../integrations/jobs.ts';
import type { Logger } from '../log/logger.ts';
import { rx30MessageSchema, type Rx30Message } from './messages.ts';
import { Rx30Refused, type Rx30Link } from './ports.ts';

type Outbound = Extract<Rx30Message, { type: 'SOLD' | 'VOID' | 'RETURN' }>;

/** After this many refusals in a row the head is stuck: health names it. */
export const STUCK_AFTER = 3;

/** While a dead letter holds the line, how often to look whether it was replayed or dismissed. */
const BLOCKED_POLL_MS = 1_000;

/** A message waiting for Rx30, as the pharmacy page lists it: no patient data. */
export interface WaitingMessage {
  jobId: number;
  messageId: string;
  type: string;
  invoice: string | null;
  attempts: number;
  lastError: string | null;
  queuedAt: string;
  /** Rx30 keeps refusing it (or it cannot be sent): it holds the rest until set aside. */
  stuck: boolean;
}

export class Rx30Outbox {
  private readonly jobs: JobQueue;
  private readonly connectionId: () => number | null;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly backoff: { firstMs: number; maxMs: number };
  private readonly onStuckChange: () => void;
  private link: Rx30Link | null = null;
  private running = false;
  /** Ends the current wait (stop, the link back, a dead letter dismissed). */
  private wakeUp: (() => void) | null = null;
  /** Ends the current wait when a message is queued (only while idle). */
  private queuedWake: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  /** Rx30's refusals of the head in a row (a NAK each; not a dropped line or a timeout). */
  private refused: { jobId: number; times: number } | null = null;

  constructor(o: {
    jobs: JobQueue;
    /** The pharmacy.rx30 connection the jobs belong to (null: none set up). */
    connectionId: () => number | null;
    clock: Clock;
    log: Logger;
    /** Waits after a failed send: first, doubling up to max. */
    backoff?: { firstMs: number; maxMs: number };
    /** Told when the head becomes stuck or the line moves again (screens refresh). */
    onStuckChange?: () => void;
  }) {
    this.jobs = o.jobs;
    this.connectionId = o.connectionId;
    this.clock = o.clock;
    this.log = o.log;
    this.backoff = o.backoff ?? { firstMs: 500, maxMs: 30_000 };
    this.onStuckChange = o.onStuckChange ?? (() => {});
  }

  /** Queues a message once per id (asking again for the same id queues nothing). */
  enqueue(message: Outbound): boolean {
    const m = rx30MessageSchema.parse(message) as Outbound;
    const connectionId = this.connectionId();
    if (connectionId === null) return false;
    const { created } = this.jobs.enqueue(
      {
        connectionId,
        kind: `rx30.${m.type}`,
        feature: 'pickups',
        idempotencyKey: `rx30:${m.id}`,
        payload: m,
      },
      this.clock.now(),
    );
    this.queuedWake?.();
    return created;
  }

  /** Messages Rx30 has not ACKed yet (a stuck one included). */
  waiting(): number {
    const id = this.connectionId();
    return id === null ? 0 : this.jobs.undeliveredCount(id);
  }

  /** What waits for Rx30, oldest (the one being sent) first. */
  list(limit = 100): WaitingMessage[] {
    const id = this.connectionId();
    return id === null
      ? []
      : this.jobs
          .undelivered(id, limit)
          .map((j) =>
            waitingOf(
              j,
              j.state === 'dead' ||
                (this.refused?.jobId === j.id && this.refused.times >= STUCK_AFTER),
            ),
          );
  }

  /** The head when Rx30 keeps refusing it (null: nothing is stuck). */
  stuck(): WaitingMessage | null {
    const head = this.list(1)[0];
    return head?.stuck ? head : null;
  }

  /**
   * A manager sets the stuck message aside (settled in Rx30 by hand), with why: the platform's
   * dismissal of a dead letter (audited, kept). The outbox goes on to the next.
   */
  setAside(actor: string, messageId: string, reason: string): void {
    // Only the head can be stuck: what waits behind it has not been tried yet.
    const w = this.stuck();
    if (w?.messageId !== messageId) {
      if (!this.list(1_000_000).some((m) => m.messageId === messageId))
        throw notFound('message_not_found', `No message ${messageId} waits for Rx30.`);
      throw conflict(
        'not_stuck',
        `Rx30 has not refused ${messageId}: it is still being sent, so there is nothing to set aside.`,
      );
    }
    // A dead letter dismissed: audited by the platform (integration.dismiss), with the reason.
    const now = this.clock.now();
    this.jobs.deadLetter(w.jobId, { errorClass: 'business', message: w.lastError ?? '' }, now);
    this.jobs.dismiss(w.jobId, reason, actor, now);
    this.refused = null;
    this.onStuckChange();
    this.wake();
  }

  /** A dead letter was replayed or dismissed (or the link is back): look at the head now. */
  wake(): void {
    this.wakeUp?.();
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

  /** The link is back: the head goes now rather than after its wait. */
  linkUp(): void {
    this.wakeUp?.();
  }

  private async run(): Promise<void> {
    let wait = this.backoff.firstMs;
    while (this.running) {
      const connectionId = this.connectionId();
      const head = connectionId === null ? null : this.jobs.head(connectionId);
      if (!head) {
        await this.sleep(60_000, { untilQueued: true });
        continue;
      }
      if (head.state === 'dead') {
        // Cannot be sent as it is: held until a person replays or dismisses it.
        await this.sleep(BLOCKED_POLL_MS);
        continue;
      }
      const parsed = rx30MessageSchema.safeParse(head.payload);
      if (!parsed.success) {
        this.jobs.deadLetter(
          head.id,
          { errorClass: 'validation', message: 'Not a message Rx30 can be sent.' },
          this.clock.now(),
        );
        continue;
      }
      this.jobs.begin(head.id, this.clock.now());
      try {
        await this.link?.send(parsed.data);
        // Stopped meanwhile (the database may be closing): the ACK is taken again next time.
        if (!this.running) break;
        this.jobs.succeed(head.id, this.clock.now());
        wait = this.backoff.firstMs;
        const wasStuck = (this.refused?.times ?? 0) >= STUCK_AFTER;
        this.refused = null;
        if (wasStuck) this.onStuckChange();
      } catch (error) {
        const why = error instanceof Error ? error.message : String(error);
        const refused = error instanceof Rx30Refused;
        if (refused)
          this.refused =
            this.refused?.jobId === head.id
              ? { jobId: head.id, times: this.refused.times + 1 }
              : { jobId: head.id, times: 1 };
        const now = this.clock.now();
        if (refused && this.refused?.times === STUCK_AFTER) {
          this.log.warn('Rx30 keeps refusing a pickup message; the rest wait behind it', {
            job: head.id,
            why,
          });
          this.onStuckChange();
        }
        this.jobs.waitAgain(
          head.id,
          { errorClass: refused ? 'business' : 'network', message: why },
          now + wait,
          now,
        );
        // The head waits and goes again: nothing queued after it may overtake it.
        await this.sleep(wait);
        wait = Math.min(this.backoff.maxMs, wait * 2);
      }
    }
    this.log.info('The Rx30 outbox stopped');
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

function waitingOf(j: Job, stuck: boolean): WaitingMessage {
  const m = j.payload as { id?: string; type?: string; invoice?: string };
  return {
    jobId: j.id,
    messageId: m.id ?? j.idempotencyKey,
    type: m.type ?? j.kind,
    invoice: m.invoice ?? null,
    attempts: j.attempts,
    lastError: j.errorMessage,
    queuedAt: new Date(j.createdAt).toISOString(),
    stuck,
  };
}
