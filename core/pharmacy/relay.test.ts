// Contact details on request (PATIENT_QUERY answered by PATIENT): asked over the live link,
// handed to whoever asked, never stored; a clear refusal while Rx30 is down or silent.
import { describe, expect, it, onTestFinished } from 'vitest';
import { createSocketLink } from '../../drivers/rx30/socket.ts';
import { startRx30Simulator } from '../../simulators/rx30/server.ts';
import { quietLog, servicesForTest } from '../testing/fixtures.ts';
import { PharmacyInbox } from './inbox.ts';
import { Rx30Relay } from './relay.ts';

async function relayTo(sim: { port: number }) {
  const s = await servicesForTest();
  const relay = new Rx30Relay({
    inbox: new PharmacyInbox({ db: s.store.db, clock: s.clock }),
    log: quietLog,
    // eslint-disable-next-line no-restricted-syntax -- the relay's ACK timeouts run on real sockets
    now: () => Date.now(),
  });
  relay.start(
    createSocketLink({
      host: '127.0.0.1',
      port: sim.port,
      ackTimeoutMs: 300,
      heartbeatMs: 60_000,
      backoff: { firstMs: 10, maxMs: 50 },
    }),
  );
  onTestFinished(() => relay.stop());
  return { s, relay };
}

const reasonOf = async (p: Promise<unknown>) =>
  p.then(
    () => 'answered',
    (e: unknown) => (e as { reason?: string }).reason ?? String(e),
  );

describe('asking Rx30 for a patient’s contact details', () => {
  it('sends PATIENT_QUERY and hands back the PATIENT answer, keeping nothing of it', async () => {
    const sim = await startRx30Simulator();
    onTestFinished(() => sim.stop());
    sim.contacts.set('P-77', { address: '12 Oak St, Apt 3', phone: '555-0142' });
    const { s, relay } = await relayTo(sim);
    await sim.connection();
    await expect.poll(() => relay.health().state).toBe('connected');
    expect(await relay.askPatient({ storeId: 'S1', patientId: 'P-77' })).toEqual({
      address: '12 Oak St, Apt 3',
      phone: '555-0142',
    });
    expect(sim.received).toEqual([
      expect.objectContaining({ type: 'PATIENT_QUERY', storeId: 'S1', patientId: 'P-77' }),
    ]);
    const logged = s.store.db
      .prepare("SELECT * FROM rx30_inbound WHERE type = 'PATIENT'")
      .all() as Record<string, unknown>[];
    expect(logged).toHaveLength(1);
    expect(JSON.stringify(logged)).not.toMatch(/Oak|0142/);
  });

  it('says Rx30 is not connected, or did not answer, instead of waiting forever', async () => {
    const sim = await startRx30Simulator();
    onTestFinished(() => sim.stop());
    const { relay } = await relayTo(sim);
    await sim.connection();
    await expect.poll(() => relay.health().state).toBe('connected');
    // Connected, but Rx30 has nothing to say about this patient.
    expect(
      await reasonOf(relay.askPatient({ storeId: 'S1', patientId: 'P-1', timeoutMs: 200 })),
    ).toBe('rx30_no_answer');
    sim.nak(1);
    expect(await reasonOf(relay.askPatient({ storeId: 'S1', patientId: 'P-1' }))).toBe(
      'rx30_refused',
    );
    await sim.down();
    await expect.poll(() => relay.health().state).not.toBe('connected');
    expect(await reasonOf(relay.askPatient({ storeId: 'S1', patientId: 'P-1' }))).toBe(
      'rx30_not_connected',
    );
  });
});
