// The store's one relay to Rx30: inbound messages are validated by the link, applied here
// exactly once (PharmacyInbox) and answered; the link's state is the relay's health.
import { DomainError } from '../errors.ts';
import type { Logger } from '../log/logger.ts';
import type { PharmacyInbox } from './inbox.ts';
import type { Rx30Message } from './messages.ts';

/** A patient's contact details as Rx30 gave them: shown to who asked, never kept. */
export interface PatientContact {
  address: string | null;
  phone: string | null;
}
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
  /** Screens waiting for a patient's contact details, by patient id. */
  private readonly asking = new Map<string, ((c: PatientContact) => void)[]>();
  private queries = 0;

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

  /**
   * Asks Rx30 for a patient's address and phone (PATIENT_QUERY, answered by PATIENT): the
   * domain notes' "on request only". Needs the socket link up; nothing is queued or kept,
   * because an answer that comes an hour later helps no one at the counter.
   */
  async askPatient(o: {
    storeId: string;
    patientId: string;
    timeoutMs?: number;
  }): Promise<PatientContact> {
    const link = this.link;
    if (!link || this.status.state !== 'connected')
      throw new DomainError(
        'unavailable',
        'rx30_not_connected',
        'Rx30 is not connected, and contact details come only from Rx30: try again when the pharmacy system is back.',
      );
    const waiters = this.asking.get(o.patientId) ?? [];
    this.asking.set(o.patientId, waiters);
    let settle: (c: PatientContact) => void = () => undefined;
    const answered = new Promise<PatientContact>((resolve) => (settle = resolve));
    waiters.push(settle);
    const forget = () => {
      const left = (this.asking.get(o.patientId) ?? []).filter((w) => w !== settle);
      if (left.length > 0) this.asking.set(o.patientId, left);
      else this.asking.delete(o.patientId);
    };
    let timer: NodeJS.Timeout | undefined;
    try {
      await link.send({
        type: 'PATIENT_QUERY',
        id: `Q${this.now().toString(36)}${(this.queries++).toString(36)}`,
        storeId: o.storeId,
        patientId: o.patientId,
      });
      return await Promise.race([
        answered,
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () =>
              reject(
                new DomainError(
                  'unavailable',
                  'rx30_no_answer',
                  'Rx30 did not send the contact details in time: try again.',
                ),
              ),
            o.timeoutMs ?? 5_000,
          );
        }),
      ]);
    } catch (error) {
      if (error instanceof DomainError) throw error;
      throw new DomainError(
        'unavailable',
        'rx30_refused',
        `Rx30 did not take the question: ${error instanceof Error ? error.message : String(error)}`,
      );
    } finally {
      clearTimeout(timer);
      forget();
    }
  }

  private take(m: Rx30Message): Rx30Answer {
    this.status = { ...this.status, lastMessageAt: this.now() };
    if (m.type === 'HEARTBEAT') return { ack: true };
    if (m.type === 'PATIENT')
      for (const settle of this.asking.get(m.patientId) ?? [])
        settle({ address: m.address ?? null, phone: m.phone ?? null });
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
