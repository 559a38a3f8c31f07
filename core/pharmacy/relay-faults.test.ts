// Issue 6 acceptance, fault injection: the Rx30 simulator drops the line mid-frame,
// duplicates messages, NAKs some, answers some never, and is down for a long stretch while
// 500 pickups are reported. After recovery Rx30 has every SOLD exactly once (by message id)
// and in the order they were made, and no READY was applied twice at the store.
import { describe, expect, it, onTestFinished } from 'vitest';
import { createRx30Adapter, rx30Drivers } from '../../drivers/rx30/index.ts';
import { createSocketLink } from '../../drivers/rx30/socket.ts';
import { startRx30Simulator } from '../../simulators/rx30/server.ts';
import { quietLog, servicesForTest } from '../testing/fixtures.ts';
import { PharmacyInbox } from './inbox.ts';

import { Rx30Outbox } from './outbox.ts';
import { Rx30Relay } from './relay.ts';
import { readyMessage, soldMessage } from './testing.ts';

// Linh Nguyen's READY for one Rx, and the SOLD of pickup n.
const ready = (rxNumber: string, id: string) =>
  readyMessage({
    id,
    rxNumber,
    patientId: `P-${rxNumber}`,
    lastName: 'Nguyen',
    firstName: 'Linh',
    dateOfBirth: '1975-03-09',
    drug: undefined,
    amountDue: 800,
    fsaHsaEligible: 0,
    hipaaNoticeRequired: false,
  });
const sold = (n: number) =>
  soldMessage({
    id: `SOLD-${n}`,
    invoice: `INV-${n}`,
    lines: [{ rxNumber: String(700_000 + (n % 100)), fillNumber: 0, amount: 800 }],
    payments: [{ type: 'cash', amount: 800 }],
  });

describe('the relay through faults', () => {
  it('delivers 500 pickups exactly once and in order after an outage, NAKs, silences and cuts; READY applied once', async () => {
    const sim = await startRx30Simulator();
    onTestFinished(() => sim.stop());
    const s = await servicesForTest({
      rx30: { adapter: createRx30Adapter(), drivers: rx30Drivers },
    });
    s.profile.update('owner', { name: 'Main Street Pharmacy', state: 'TX' });
    // The pickups are jobs of the pharmacy.rx30 connection; the relay's link sends them.
    const rx30 = s.integrations.create('owner', { provider: 'pharmacy.rx30', location: 'main' });
    const inbox = new PharmacyInbox({ db: s.store.db, clock: s.clock });
    const link = createSocketLink({
      host: '127.0.0.1',
      port: sim.port,
      ackTimeoutMs: 200,
      heartbeatMs: 60_000,
      backoff: { firstMs: 10, maxMs: 50 },
    });
    // eslint-disable-next-line no-restricted-syntax -- the relay's ACK timeouts run on real sockets
    const relay = new Rx30Relay({ inbox, log: quietLog, now: () => Date.now() });
    const outbox = new Rx30Outbox({
      jobs: s.integrations.jobs,
      connectionId: () => rx30.id,
      clock: s.clock,
      log: quietLog,
      backoff: { firstMs: 10, maxMs: 50 },
    });
    relay.start(link);
    outbox.start(link);
    onTestFinished(async () => {
      await outbox.stop();
      await relay.stop();
    });
    await sim.connection();

    // Rx30 sends ready prescriptions, some twice, one cut mid-frame and sent again.
    for (let i = 0; i < 20; i++)
      expect(await sim.send(ready(String(700_000 + i), `R-${i}`))).toBe('ACK');
    expect(await sim.send(ready('700003', 'R-3'))).toBe('ACK');
    expect(await sim.send(ready('700004', 'R-4-again'))).toBe('ACK');

    // Rx30 goes down (the "hour"); the counter keeps selling.
    await sim.down();
    for (let n = 1; n <= 250; n++) outbox.enqueue(sold(n));
    expect(outbox.waiting()).toBe(250);
    await sim.up();
    await sim.connection(2);
    // While it catches up: NAKs, lost answers, a line cut in the middle, a late READY resent.
    sim.nak(7);
    sim.silent(5);
    for (let n = 251; n <= 500; n++) outbox.enqueue(sold(n));
    await sim.until('SOLD', 120, 10_000);
    sim.dropMidFrame(ready('700019', 'R-19'));
    await sim.connection(3);
    expect(await sim.send(ready('700019', 'R-19'))).toBe('ACK');
    await expect.poll(() => outbox.waiting(), { timeout: 20_000, interval: 50 }).toBe(0);

    // Rx30 applies by message id: the first arrival of each id is what counts.
    const ids = sim.received.filter((m) => m.type === 'SOLD').map((m) => m.id);
    const once = [...new Set(ids)];
    expect(once).toEqual(Array.from({ length: 500 }, (_, i) => `SOLD-${i + 1}`));
    expect(ids.length).toBeGreaterThan(500); // the resends happened, and changed nothing
    // Resends only ever repeat the message Rx30 had not answered: never an older one.
    for (let i = 1; i < ids.length; i++) {
      const prev = Number(ids[i - 1]?.slice(5));
      const cur = Number(ids[i]?.slice(5));
      expect(cur === prev || cur === prev + 1).toBe(true);
    }
    const count = (sql: string) => s.store.db.prepare(sql).pluck().get() as number;
    expect(count('SELECT count(*) FROM prescriptions')).toBe(20);
    expect(count("SELECT count(*) FROM rx30_inbound WHERE outcome = 'applied'")).toBe(20);
    // On the platform's books: 500 jobs delivered, none dead.
    expect(s.integrations.jobs.counts(rx30.id)).toMatchObject({ waiting: 0, retrying: 0, dead: 0 });
    expect(count("SELECT count(*) FROM jobs WHERE state = 'succeeded'")).toBe(500);
  }, 40_000);
});
