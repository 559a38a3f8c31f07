// The relay's socket link against the Rx30 simulator on 127.0.0.1: READY applied once and
// ACKed (also when sent twice, or after garbage), damaged frames NAKed, SOLD resolved by
// Rx30's ACK or refused by its NAK, and the link back by itself after Rx30 was down or the
// line was cut mid-frame; the same conversation over every framing a connection can name.
import { describe, expect, it, onTestFinished } from 'vitest';
import { PharmacyInbox } from '../../core/pharmacy/inbox.ts';
import { readyMessage, soldMessage } from '../../core/pharmacy/testing.ts';
import { Rx30Relay } from '../../core/pharmacy/relay.ts';
import { quietLog, servicesForTest } from '../../core/testing/fixtures.ts';
import { startRx30Simulator } from '../../simulators/rx30/server.ts';
import { framers, type Framer } from './framing.ts';
import { createSocketLink, Rx30Refused } from './socket.ts';

// Ana's READY for one Rx (the same id each time unless given), and a SOLD for one.
const ready = (rxNumber: string, id = `R-${rxNumber}`) =>
  readyMessage({
    id,
    rxNumber,
    drug: undefined,
    fsaHsaEligible: 0,
    hipaaNoticeRequired: false,
  });
const sold = (id: string) => soldMessage({ id });

async function relay(framer?: Framer) {
  const sim = await startRx30Simulator(framer ? { framer } : {});
  onTestFinished(() => sim.stop());
  const s = await servicesForTest();
  const inbox = new PharmacyInbox({ db: s.store.db, clock: s.clock });
  const link = createSocketLink({
    host: '127.0.0.1',
    port: sim.port,
    ...(framer ? { framer } : {}),
    ackTimeoutMs: 300,
    backoff: { firstMs: 20, maxMs: 100 },
  });
  // eslint-disable-next-line no-restricted-syntax -- the relay's ACK timeouts run on real sockets
  const r = new Rx30Relay({ inbox, log: quietLog, now: () => Date.now() });
  r.start(link);
  onTestFinished(() => r.stop());
  await sim.connection();
  const onFile = () =>
    s.store.db.prepare('SELECT count(*) FROM prescriptions').pluck().get() as number;
  return { sim, link, relay: r, inbox, onFile };
}

describe('the Rx30 socket link', () => {
  it('applies a READY once and ACKs it, also when Rx30 sends it twice', async () => {
    const { sim, inbox, onFile } = await relay();
    expect(await sim.send(ready('600123'))).toBe('ACK');
    expect(await sim.send(ready('600123'))).toBe('ACK');
    expect(await sim.send(ready('600123', 'R-again'))).toBe('ACK');
    expect(onFile()).toBe(1);
    expect(inbox.ready().map((r) => r.rxNumber)).toEqual(['600123']);
  });

  it('NAKs a damaged frame whose id it can read, skips garbage, and reads the good frame after it', async () => {
    const { sim, relay: r, onFile } = await relay();
    const frame = sim.frame(ready('600200', 'R-bad'));
    // One byte of the payload changed: the checksum no longer matches.
    const damaged = Buffer.from(frame);
    damaged[5] = (damaged[5] ?? 0) ^ 0x01;
    sim.raw(Buffer.concat([Buffer.from('\x00\xffnoise'), damaged]));
    expect(await sim.send(ready('600201'))).toBe('ACK');
    expect(onFile()).toBe(1);
    expect(sim.naked.map((n) => n.of)).toEqual(['R-bad']);
    expect(r.health().badInputs).toBeGreaterThanOrEqual(2);
  });

  it('resolves a SOLD on Rx30’s ACK, and refuses it on a NAK or when no answer comes', async () => {
    const { sim, link } = await relay();
    await link.send(sold('S-1'));
    expect(sim.received.map((m) => m.id)).toEqual(['S-1']);
    sim.nak(1);
    await expect(link.send(sold('S-2'))).rejects.toBeInstanceOf(Rx30Refused);
    sim.silent(1);
    await expect(link.send(sold('S-3'))).rejects.toThrow(/did not answer message S-3/);
  });

  it('comes back by itself after Rx30 was down, and after a frame cut in the middle', async () => {
    const { sim, relay: r, onFile } = await relay();
    await sim.down();
    await expect.poll(() => r.health().state, { timeout: 3_000 }).toBe('down');
    await sim.up();
    await sim.connection(2);
    await expect.poll(() => r.health().state, { timeout: 3_000 }).toBe('connected');
    expect(await sim.send(ready('600300'))).toBe('ACK');
    sim.dropMidFrame(ready('600301'));
    await sim.connection(3);
    await expect.poll(() => r.health().state, { timeout: 3_000 }).toBe('connected');
    // Rx30 sends the cut message again on the new connection: applied once.
    expect(await sim.send(ready('600301'))).toBe('ACK');
    expect(onFile()).toBe(2);
  });

  it.each(Object.values(framers))(
    'relays both ways over $name framing, and after a frame cut in the middle',
    async (framer) => {
      const { sim, link, relay: r, onFile } = await relay(framer);
      // Two frames in one write: both applied and ACKed.
      sim.raw(Buffer.concat([sim.frame(ready('600400')), sim.frame(ready('600401'))]));
      await expect.poll(() => sim.acked).toEqual(['R-600400', 'R-600401']);
      await link.send(sold('S-9'));
      expect(sim.received.map((m) => m.id)).toEqual(['S-9']);
      sim.dropMidFrame(ready('600402'));
      await sim.connection(2);
      await expect.poll(() => r.health().state, { timeout: 3_000 }).toBe('connected');
      expect(await sim.send(ready('600402'))).toBe('ACK');
      expect(onFile()).toBe(3);
    },
  );
});
