// The receiver's verification recipe, against deliveries signed the way Backroom signs them,
// and the sink that uses it, over real HTTP on 127.0.0.1.
import fc from 'fast-check';
import { describe, expect, it, onTestFinished } from 'vitest';
import { signDelivery } from '../../core/integrations/webhook/signature.ts';
import { startWebhookSink } from './sink.ts';
import { verifyBackroomWebhook } from './verify.ts';

const SECRET = 'a-signing-secret-of-at-least-32-characters';
const NOW = 1_767_603_600; // 2026-01-05 09:00 UTC, in Unix seconds
const BODY = JSON.stringify({
  id: '0b5c6f1e-4d2a-4c1b-9f3e-7a8d9c0b1e2f',
  type: 'sale.completed',
  backroomType: 'sale.completed',
  occurredAt: '2026-01-05T09:00:00.000Z',
  entity: { kind: 'sale', id: '41' },
  data: { total: 1200 },
});

/** Verifies a body signed at `signedAt` (seconds), as the receiver would at NOW. */
const verifySigned = (o: { signedAt?: number; body?: string; toleranceSeconds?: number } = {}) => {
  const t = o.signedAt ?? NOW;
  return verifyBackroomWebhook({
    secret: SECRET,
    rawBody: o.body ?? BODY,
    timestamp: String(t),
    signature: signDelivery(SECRET, t, BODY),
    nowSeconds: NOW,
    ...(o.toleranceSeconds !== undefined ? { toleranceSeconds: o.toleranceSeconds } : {}),
  });
};

describe('the webhook verification recipe', () => {
  it('accepts a body signed with the connection’s secret', () => {
    expect(verifySigned()).toEqual({ ok: true });
  });

  it('refuses a signature made with another secret', () => {
    expect(
      verifyBackroomWebhook({
        secret: SECRET,
        rawBody: BODY,
        timestamp: String(NOW),
        signature: signDelivery('another-secret-of-at-least-32-characters', NOW, BODY),
        nowSeconds: NOW,
      }),
    ).toEqual({ ok: false, reason: 'bad signature' });
  });

  it('refuses a body changed after it was signed', () => {
    expect(verifySigned({ body: BODY.replace('1200', '12000') })).toEqual({
      ok: false,
      reason: 'bad signature',
    });
    expect(verifySigned({ body: `${BODY} ` })).toEqual({ ok: false, reason: 'bad signature' });
  });

  it('refuses a signature moved to another timestamp', () => {
    expect(
      verifyBackroomWebhook({
        secret: SECRET,
        rawBody: BODY,
        timestamp: String(NOW),
        signature: signDelivery(SECRET, NOW - 60, BODY),
        nowSeconds: NOW,
      }),
    ).toEqual({ ok: false, reason: 'bad signature' });
  });

  it('refuses a missing or malformed signature', () => {
    for (const signature of [undefined, '', 'v1=', signDelivery(SECRET, NOW, BODY).slice(3)])
      expect(
        verifyBackroomWebhook({
          secret: SECRET,
          rawBody: BODY,
          timestamp: String(NOW),
          signature,
          nowSeconds: NOW,
        }),
      ).toEqual({ ok: false, reason: 'bad signature' });
  });

  it('refuses a timestamp outside the replay window, in the past or the future', () => {
    const outside = { ok: false, reason: 'timestamp outside the replay window' };
    expect(verifySigned({ signedAt: NOW - 301 })).toEqual(outside);
    expect(verifySigned({ signedAt: NOW + 301 })).toEqual(outside);
    expect(verifySigned({ signedAt: NOW - 3_600 })).toEqual(outside);
    // The window's edges are inside it (300 s by default).
    expect(verifySigned({ signedAt: NOW - 300 })).toEqual({ ok: true });
    expect(verifySigned({ signedAt: NOW + 300 })).toEqual({ ok: true });
  });

  it('uses the connection’s replay window when given one', () => {
    expect(verifySigned({ signedAt: NOW - 61, toleranceSeconds: 60 })).toEqual({
      ok: false,
      reason: 'timestamp outside the replay window',
    });
    expect(verifySigned({ signedAt: NOW - 900, toleranceSeconds: 1_800 })).toEqual({ ok: true });
  });

  it('refuses a missing or malformed timestamp', () => {
    for (const timestamp of [undefined, '', 'yesterday', `${NOW}.5`])
      expect(
        verifyBackroomWebhook({
          secret: SECRET,
          rawBody: BODY,
          timestamp,
          signature: signDelivery(SECRET, NOW, BODY),
          nowSeconds: NOW,
        }),
      ).toEqual({ ok: false, reason: 'missing timestamp' });
  });

  it('accepts any body signed with its secret, and refuses it with any other secret', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 32 }),
        fc.string({ minLength: 32 }),
        fc.string({ unit: 'binary' }),
        fc.integer({ min: -300, max: 300 }),
        (secret, other, body, skew) => {
          fc.pre(secret !== other);
          const t = NOW + skew;
          const check = (signedWith: string) =>
            verifyBackroomWebhook({
              secret,
              rawBody: body,
              timestamp: String(t),
              signature: signDelivery(signedWith, t, body),
              nowSeconds: NOW,
            }).ok;
          expect(check(secret)).toBe(true);
          expect(check(other)).toBe(false);
        },
      ),
    );
  });
});

describe('the webhook sink', () => {
  async function sinkAt(nowSeconds: number) {
    const sink = await startWebhookSink({ secret: SECRET, now: () => nowSeconds * 1000 });
    onTestFinished(() => sink.close());
    const post = async (o: { key?: string; signedAt?: number; signature?: string }) => {
      const t = o.signedAt ?? nowSeconds;
      const res = await fetch(sink.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(o.key !== undefined ? { 'idempotency-key': o.key } : {}),
          'backroom-timestamp': String(t),
          'backroom-signature': o.signature ?? signDelivery(SECRET, t, BODY),
        },
        body: BODY,
      });
      return { status: res.status, body: (await res.json()) as unknown };
    };
    return { sink, post };
  }

  it('answers 401 to a wrong signature and accepts nothing', async () => {
    const { sink, post } = await sinkAt(NOW);
    const wrong = signDelivery('another-secret-of-at-least-32-characters', NOW, BODY);
    expect(await post({ key: 'k1', signature: wrong })).toEqual({
      status: 401,
      body: { error: 'Refused: bad signature.' },
    });
    expect(sink.accepted()).toEqual([]);
    expect(sink.stats()).toMatchObject({ accepted: 0, rejected: 1 });
  });

  it('answers 401 to an expired timestamp and accepts nothing', async () => {
    const { sink, post } = await sinkAt(NOW);
    expect(await post({ key: 'k1', signedAt: NOW - 301 })).toEqual({
      status: 401,
      body: { error: 'Refused: timestamp outside the replay window.' },
    });
    expect(sink.accepted()).toEqual([]);
    expect(sink.stats()).toMatchObject({ accepted: 0, rejected: 1 });
  });

  it('accepts a good delivery once, and answers "duplicate" to the same idempotency key', async () => {
    const { sink, post } = await sinkAt(NOW);
    expect(await post({ key: 'evt-1.c1.domain_events' })).toEqual({
      status: 200,
      body: { status: 'accepted' },
    });
    expect(await post({ key: 'evt-1.c1.domain_events', signedAt: NOW + 5 })).toEqual({
      status: 200,
      body: { status: 'duplicate' },
    });
    expect(sink.accepted()).toEqual([
      {
        key: 'evt-1.c1.domain_events',
        eventId: '0b5c6f1e-4d2a-4c1b-9f3e-7a8d9c0b1e2f',
        type: 'sale.completed',
        body: JSON.parse(BODY) as unknown,
      },
    ]);
    expect(sink.stats()).toMatchObject({ accepted: 1, duplicates: 1, eventsAcceptedTwice: [] });
  });

  it('refuses a signed delivery without an idempotency key', async () => {
    const { sink, post } = await sinkAt(NOW);
    expect(await post({})).toEqual({
      status: 400,
      body: { error: 'Missing Idempotency-Key header.' },
    });
    expect(sink.accepted()).toEqual([]);
  });
});
