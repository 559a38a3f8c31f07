// How a delivery is signed: HMAC-SHA256 over "<timestamp>.<raw body>" with the connection's
// secret, hex-encoded. The README's verification recipe is the receiver's side of this.
import { createHmac } from 'node:crypto';

export const HEADER = {
  eventId: 'backroom-event-id',
  idempotencyKey: 'idempotency-key',
  timestamp: 'backroom-timestamp',
  signature: 'backroom-signature',
} as const;

export function signDelivery(secret: string, timestampSeconds: number, rawBody: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestampSeconds}.${rawBody}`).digest('hex')}`;
}
