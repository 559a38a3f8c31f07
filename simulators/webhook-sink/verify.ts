// The receiver's side of a signed Backroom webhook: the verification recipe in the README,
// verbatim (a test keeps the two the same). Check the signature over the raw body before
// parsing it, refuse timestamps outside the replay window, then de-duplicate by the
// Idempotency-Key header.
import { createHmac, timingSafeEqual } from 'node:crypto';

export function verifyBackroomWebhook(o: {
  secret: string;
  rawBody: string;
  timestamp: string | undefined; // the Backroom-Timestamp header (Unix seconds)
  signature: string | undefined; // the Backroom-Signature header ("v1=<hex>")
  toleranceSeconds?: number; // the connection's replay window (default 300)
  nowSeconds?: number;
}): { ok: true } | { ok: false; reason: string } {
  const tolerance = o.toleranceSeconds ?? 300;
  const now = o.nowSeconds ?? Math.floor(Date.now() / 1000);
  const t = Number(o.timestamp);
  if (!o.timestamp || !Number.isInteger(t)) return { ok: false, reason: 'missing timestamp' };
  if (Math.abs(now - t) > tolerance)
    return { ok: false, reason: 'timestamp outside the replay window' };
  const expected = `v1=${createHmac('sha256', o.secret).update(`${t}.${o.rawBody}`).digest('hex')}`;
  const given = Buffer.from(o.signature ?? '');
  const wanted = Buffer.from(expected);
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted))
    return { ok: false, reason: 'bad signature' };
  return { ok: true };
}
