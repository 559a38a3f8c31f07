// What the relay asks of its link to Rx30: drivers/rx30 implements it over a TCP socket with
// the framing and codec of drivers/rx30/PROTOCOL.md. Core sees decoded, validated messages.
import type { Rx30Message } from './messages.ts';

export type Rx30LinkState = 'connecting' | 'connected' | 'down';

/** Rx30 refused a message (NAK), with its reason: the caller decides whether to resend. */
export class Rx30Refused extends Error {
  constructor(reason: string) {
    super(`Rx30 refused the message: ${reason}`);
    this.name = 'Rx30Refused';
  }
}

/** How the relay answers an inbound message: taken (ACK), or refused with why (NAK). */
export type Rx30Answer = { ack: true } | { ack: false; reason: string };

export interface Rx30LinkHandlers {
  /** A decoded, validated message from Rx30; the answer goes back as ACK or NAK. */
  onMessage(message: Rx30Message): Rx30Answer;
  /** A frame or message that could not be read (NAKed by the link when its id was readable). */
  onBadInput(problem: { id?: string; error: string }): void;
  onState(state: Rx30LinkState, detail?: string): void;
}

export interface Rx30Link {
  /** Connects, and reconnects with backoff whenever the connection drops, until stop(). */
  start(handlers: Rx30LinkHandlers): void;
  /**
   * Sends a message and resolves when Rx30 ACKs it; rejects when it NAKs (with its reason),
   * when no answer comes in time, or while the link is down. The caller retries.
   */
  send(message: Rx30Message): Promise<void>;
  stop(): Promise<void>;
}
