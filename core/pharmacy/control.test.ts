// The relay follows the store's pharmacy.rx30 connection: "Test connection" reaches the Rx30
// simulator, enabling starts the relay (a READY from Rx30 lands in the store; a pickup goes
// back as SOLD), pausing stops it.
import { describe, expect, it, onTestFinished } from 'vitest';
import { createRx30Adapter, rx30Drivers } from '../../drivers/rx30/index.ts';
import { startRx30Simulator } from '../../simulators/rx30/server.ts';
import { penStroke, SAMPLE_PNG, scribble } from '../signatures/testing.ts';
import { servicesForTest } from '../testing/fixtures.ts';
import { readySchema } from './messages.ts';

describe('the relay and the pharmacy.rx30 connection', () => {
  it('starts with the connection, relays both ways, and stops when it is paused', async () => {
    const sim = await startRx30Simulator();
    onTestFinished(() => sim.stop());
    const s = await servicesForTest({
      rx30: { adapter: createRx30Adapter(), drivers: rx30Drivers },
      runIntegrations: true,
    });
    onTestFinished(() => s.drain());
    s.profile.update('owner', { name: 'Main Street Pharmacy', state: 'TX' });
    const c = s.integrations.create('owner', { provider: 'pharmacy.rx30', location: 'main' });
    await s.integrations.connections.configure('owner', c.id, {
      mode: 'socket',
      host: '127.0.0.1',
      port: sim.port,
      storeId: 'S1',
    });
    await s.integrations.enable('owner', c.id);
    // The test connection was the first; the relay's own is the next.
    await sim.connection(2);
    await expect.poll(() => s.pharmacy.relay.mode()).toBe('socket');
    const health = () => s.integrations.overview().find((x) => x.id === c.id)?.health;
    await expect.poll(() => health()?.level).toBe('green');

    const ready = readySchema.parse({
      type: 'READY',
      id: 'R-1',
      storeId: 'S1',
      rxNumber: '600123',
      fillNumber: 0,
      patientId: 'P-77',
      lastName: 'García',
      firstName: 'Ana',
      dateOfBirth: '1961-04-02',
      amountDue: 1250,
      taxable: false,
      fsaHsaEligible: 0,
      hipaaNoticeRequired: false,
      counselingRequired: false,
      safetyCapWaiver: false,
      controlledSchedule: null,
      fillDate: s.checks.today(),
      partialFill: false,
    });
    expect(await sim.send(ready)).toBe('ACK');
    expect(s.pharmacy.inbox.ready().map((r) => r.rxNumber)).toEqual(['600123']);

    const done = s.pharmacy.pickups.complete('lena', {
      saleKey: 'sale-0001-abcdef',
      patientId: 'P-77',
      dateOfBirth: '1961-04-02',
      rx: [{ rxNumber: '600123', fillNumber: 0 }],
      counseling: 'declined',
      signature: { png: SAMPLE_PNG, strokes: [penStroke(scribble(40))], width: 600, height: 160 },
      hipaaAcknowledged: false,
      tenders: [{ type: 'cash', amount: 1250 }],
    });
    expect(done.toldRx30).toBe(true);
    const [sold] = await sim.until('SOLD', 1);
    expect(sold).toMatchObject({ type: 'SOLD', invoice: done.invoice });
    await expect.poll(() => s.pharmacy.outbox.waiting()).toBe(0);

    // Rx30 goes away: the connection turns red, saying why, until it is back.
    await sim.down();
    await expect.poll(() => health()?.level).toBe('red');
    expect(health()?.reasons.join(' ')).toMatch(/dropped|not answering/);
    await sim.up();
    await expect.poll(() => health()?.level, { timeout: 5_000 }).toBe('green');

    s.integrations.connections.pause('owner', c.id);
    await expect.poll(() => s.pharmacy.relay.mode()).toBe('off');
    await expect.poll(() => sim.connected).toBe(false);
  });
});
