// The store's one relay to Rx30: inbound messages are validated by the link, applied here
// exactly once (PharmacyInbox) and answered; the link's state is the relay's health.
import type { Logger } from '../log/logger.ts';
import type { PharmacyInbox } from './inbox.ts';
import type { Rx30Message } from './messages.ts';
import type { Rx30Answer, Rx30Link, Rx30LinkState } from './ports.ts';

export interface RelayHealth {
  state: Rx30LinkState | 'stopped';
  detail: string | null;
  since: number;
  lastMessageAt: number | null;
  badInputs: number;
}

export class Rx30Relay {
  private readonly inbox: PharmacyInbox;
  private readonly log: Logger;
  private readonly now: () => number;
  private link: Rx30Link | null = null;
  private status: RelayHealth;

  constructor(o: { inbox: PharmacyInbox; log: Logger; now: () => number }) {
    this.inbox = o.inbox;
    this.log = o.log;
    this.now = o.now;
    this.status = {
      state: 'stopped',
      detail: null,
      since: o.now(),
      lastMessageAt: null,
      badInputs: 0,
    };
  }

  start(link: Rx30Link): void {
    this.link = link;
    link.start({
      onMessage: (m) => this.take(m),
      onBadInput: (p) => {
        this.status = { ...this.status, badInputs: this.status.badInputs + 1 };
        this.log.warn('Rx30 sent something that could not be read; it was refused', {
          id: p.id ?? null,
          error: p.error,
        });
      },
      onState: (state, detail) => {
        this.status = { ...this.status, state, detail: detail ?? null, since: this.now() };
      },
    });
  }

  async stop(): Promise<void> {
    await this.link?.stop();
    this.link = null;
    this.status = { ...this.status, state: 'stopped', since: this.now() };
  }

  health(): RelayHealth {
    return this.status;
  }

  private take(m: Rx30Message): Rx30Answer {
    this.status = { ...this.status, lastMessageAt: this.now() };
    if (m.type === 'HEARTBEAT') return { ack: true };
    try {
      const applied = this.inbox.apply(m);
      if (
        applied.outcome === 'ignored' &&
        (m.type === 'SOLD' || m.type === 'VOID' || m.type === 'RETURN')
      )
        return { ack: false, reason: `${m.type} goes from the store to Rx30, not back` };
      return { ack: true };
    } catch (error) {
      // Not taken (the disk, the database): NAK, so Rx30 sends it again later.
      this.log.error('An Rx30 message could not be stored', { id: m.id, error: String(error) });
      return { ack: false, reason: 'The store could not save this message; send it again.' };
    }
  }
}
