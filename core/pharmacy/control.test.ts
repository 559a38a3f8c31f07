// The relay follows the store's pharmacy.rx30 connection: "Test connection" reaches the Rx30
// simulator, enabling starts the relay (a READY from Rx30 lands in the store; a pickup goes
// back as SOLD), pausing stops it. The connection's framing and drop file name are the ones
// the relay uses; a file name that is a path keeps the relay waiting, saying why.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { defaultCodec } from '../../drivers/rx30/codec.ts';
import { framers } from '../../drivers/rx30/framing.ts';
import { createRx30Adapter, rx30Drivers } from '../../drivers/rx30/index.ts';
import { createDropFileWriter } from '../../simulators/rx30/file-writer.ts';
import { startRx30Simulator } from '../../simulators/rx30/server.ts';
import { loadProviders } from '../integrations/registry.ts';
import type { SettingValue } from '../integrations/model.ts';
import { penStroke, SAMPLE_PNG, scribble } from '../signatures/testing.ts';
import type { StoreServices } from '../app/services.ts';
import { servicesForTest } from '../testing/fixtures.ts';
import { rx30FileNameProblem, rx30Framings, rx30SettingsOf } from './control.ts';
import { readyMessage, soldMessage } from './testing.ts';

/** Store services running the relay, and one pharmacy.rx30 connection configured so. */
async function storeWithRx30(settings: Record<string, SettingValue>) {
  const s = await servicesForTest({
    rx30: { adapter: createRx30Adapter(), drivers: rx30Drivers },
    runIntegrations: true,
  });
  onTestFinished(() => s.drain());
  s.profile.update('owner', { name: 'Main Street Pharmacy', state: 'TX' });
  const c = s.integrations.create('owner', { provider: 'pharmacy.rx30', location: 'main' });
  await s.integrations.connections.configure('owner', c.id, settings);
  const health = () => s.integrations.overview().find((x) => x.id === c.id)?.health;
  const state = () => s.integrations.connections.get(c.id);
  return { s, c, health, state };
}

/** Ana García picks up one Rx of hers, paid $12.50 cash, signed. */
function cashPickup(s: StoreServices, saleKey: string, rxNumber: string) {
  return s.pharmacy.pickups.complete('lena', {
    saleKey,
    bags: [
      {
        patientId: 'P-77',
        dateOfBirth: '1961-04-02',
        rx: [{ rxNumber, fillNumber: 0 }],
        counseling: 'declined',
        hipaaAcknowledged: false,
      },
    ],
    signature: { png: SAMPLE_PNG, strokes: [penStroke(scribble(40))], width: 600, height: 160 },
    tenders: [{ type: 'cash', amount: 1250 }],
  });
}

/** An Rx30 simulator and a store whose relay is connected to it (socket mode, green). */
async function runningSocketRelay() {
  const sim = await startRx30Simulator();
  onTestFinished(() => sim.stop());
  const store = await storeWithRx30({
    mode: 'socket',
    host: '127.0.0.1',
    port: sim.port,
    storeId: 'S1',
  });
  await store.s.integrations.enable('owner', store.c.id);
  // The test connection was the first; the relay's own is the next.
  await sim.connection(2);
  await expect.poll(() => store.s.pharmacy.relay.mode()).toBe('socket');
  await expect.poll(() => store.health()?.level).toBe('green');
  return { sim, ...store };
}

function dropFolder(): string {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'backroom-rx30-control-'));
  onTestFinished(() => fs.rmSync(folder, { recursive: true, force: true }));
  return folder;
}

describe('the relay and the pharmacy.rx30 connection', () => {
  it('starts with the connection, relays both ways, and stops when it is paused', async () => {
    const { sim, s, c, health } = await runningSocketRelay();

    const ready = readyMessage({
      id: 'R-1',
      drug: undefined,
      fsaHsaEligible: 0,
      hipaaNoticeRequired: false,
      fillDate: s.checks.today(),
    });
    expect(await sim.send(ready)).toBe('ACK');
    expect(s.pharmacy.inbox.ready().map((r) => r.rxNumber)).toEqual(['600123']);

    const done = cashPickup(s, 'sale-0001-abcdef', '600123');
    expect(done.toldRx30).toBe(true);
    const [sold] = await sim.until('SOLD', 1);
    expect(sold).toMatchObject({ type: 'SOLD', invoice: done.pickups[0]?.invoice });
    await expect.poll(() => s.pharmacy.outbox.waiting()).toBe(0);

    // "Report pickups" switched off: the next pickup is recorded, and Rx30 is not told.
    s.integrations.updateFeature('owner', c.id, 'pickups', { enabled: false });
    expect(s.pharmacy.inbox.apply({ ...ready, id: 'R-2', rxNumber: '600124' }).outcome).toBe(
      'applied',
    );
    const quiet = cashPickup(s, 'sale-0002-abcdef', '600124');
    expect(quiet.toldRx30).toBe(false);
    expect(s.integrations.jobs.counts(c.id)).toMatchObject({ waiting: 0, running: 0 });
    s.integrations.updateFeature('owner', c.id, 'pickups', { enabled: true });

    // Contact details on request: asked of Rx30 over the running link, not kept.
    sim.contacts.set('P-77', { phone: '555-0142' });
    expect(await s.pharmacy.relay.askPatient({ storeId: 'S1', patientId: 'P-77' })).toEqual({
      address: null,
      phone: '555-0142',
    });

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

  it('names a message Rx30 keeps refusing on the connection, and goes on once a manager sets it aside', async () => {
    const { sim, s, c, health } = await runningSocketRelay();
    const sold = (n: number) => soldMessage({ id: `SOLD-INV-${n}`, invoice: `INV-${n}` });

    sim.nak(1_000);
    s.pharmacy.outbox.enqueue(sold(1));
    s.pharmacy.outbox.enqueue(sold(2));
    // Refused three times in a row: red, naming the invoice and Rx30's reason.
    await expect.poll(() => health()?.level, { timeout: 10_000 }).toBe('red');
    expect(health()?.reasons.join(' ')).toMatch(
      /Rx30 keeps refusing SOLD for invoice INV-1: Rx30 refused the message: Simulated refusal\. 1 pickup message\(s\) wait behind it/,
    );
    expect(s.pharmacy.outbox.list().map((m) => [m.invoice, m.type])).toEqual([
      ['INV-1', 'SOLD'],
      ['INV-2', 'SOLD'],
    ]);
    // INV-2 never overtook INV-1.
    const solds = () => sim.received.filter((m) => m.type === 'SOLD').map((m) => m.id);
    expect(new Set(solds())).toEqual(new Set(['SOLD-INV-1']));

    // The platform's workers leave the relay's jobs alone ("deliveredBy": "relay"): nothing
    // dead or sent twice by them, and "Sync now" sends what waits rather than queuing a run.
    expect(s.integrations.jobs.counts(c.id)).toMatchObject({ dead: 0 });
    expect(s.integrations.runNow('owner', c.id, 'pickups')).toEqual({ queued: 2 });
    expect(
      s.store.db.prepare("SELECT count(*) FROM jobs WHERE kind NOT LIKE 'rx30.%'").pluck().get(),
    ).toBe(0);

    sim.behave();
    s.pharmacy.outbox.setAside('owner', 'SOLD-INV-1', 'Marked picked up in Rx30 by hand');
    await expect.poll(() => s.pharmacy.outbox.waiting()).toBe(0);
    expect(solds().at(-1)).toBe('SOLD-INV-2');
    await expect.poll(() => health()?.level).toBe('green');
    expect(() => s.pharmacy.outbox.setAside('owner', 'SOLD-INV-1', 'again')).toThrow(
      /No message SOLD-INV-1 waits/,
    );
    // Set aside is the platform's dismissal of a dead letter: kept, with the reason, audited.
    expect(
      s.store.db
        .prepare("SELECT state, dismiss_reason FROM jobs WHERE idempotency_key = 'rx30:SOLD-INV-1'")
        .get(),
    ).toEqual({ state: 'dead', dismiss_reason: 'Marked picked up in Rx30 by hand' });
    expect(s.audit.query({ action: 'integration.dismiss' }).entries).toHaveLength(1);
  });

  it('offers the framings the relay knows; stx-etx and rx30.txt when none is chosen', () => {
    const config = loadProviders().get('pharmacy.rx30')?.config ?? [];
    const framing = config.find((f) => f.key === 'framing');
    expect(framing).toMatchObject({ type: 'select', required: false });
    expect(framing?.options).toEqual([...rx30Framings]);
    expect(config.find((f) => f.key === 'fileName')).toMatchObject({
      label: 'Drop file name',
      type: 'string',
      required: false,
    });
    expect(rx30SettingsOf({ mode: 'socket', framing: '', fileName: ' ' })).toMatchObject({
      framing: 'stx-etx',
      fileName: 'rx30.txt',
    });
  });

  it('tests and runs the socket link over the framing the connection names', async () => {
    const sim = await startRx30Simulator({ framer: framers['length-prefix'] });
    onTestFinished(() => sim.stop());
    const { s, c } = await storeWithRx30({
      mode: 'socket',
      host: '127.0.0.1',
      port: sim.port,
      framing: 'length-prefix',
      storeId: 'S1',
    });
    // Test connection's HEARTBEAT is ACKed only if it was framed as Rx30 frames.
    expect((await s.integrations.enable('owner', c.id)).state).toBe('active');
    await sim.connection(2);
    await expect.poll(() => s.pharmacy.relay.mode()).toBe('socket');
    expect(await sim.send(readyMessage({ id: 'R-7', fillDate: s.checks.today() }))).toBe('ACK');
    expect(s.pharmacy.inbox.ready().map((r) => r.rxNumber)).toEqual(['600123']);
    expect(sim.badInput).toEqual([]);
  });

  it('imports from the drop file the connection names', async () => {
    const folder = dropFolder();
    const { s, c, health } = await storeWithRx30({
      mode: 'file',
      folder,
      fileName: 'ready.dat',
      storeId: 'S1',
    });
    expect((await s.integrations.enable('owner', c.id)).state).toBe('active');
    await expect.poll(() => s.pharmacy.relay.mode()).toBe('file');
    expect(health()?.level).toBe('green');
    const line = (rxNumber: string) =>
      defaultCodec
        .encode(readyMessage({ id: `F-${rxNumber}`, rxNumber, fillDate: s.checks.today() }))
        .toString('utf8');
    // The default name beside it is not read.
    await createDropFileWriter({ folder }).append([line('600999')]);
    await createDropFileWriter({ folder, fileName: 'ready.dat' }).append([line('600123')]);
    await expect
      .poll(() => s.pharmacy.inbox.ready().map((r) => r.rxNumber), { timeout: 5_000 })
      .toEqual(['600123']);
  });

  it('refuses a drop file name that is a path when it is saved; the running relay keeps its file', async () => {
    const folder = dropFolder();
    const { s, c } = await storeWithRx30({ mode: 'file', folder, storeId: 'S1' });
    await s.integrations.enable('owner', c.id);
    await expect.poll(() => s.pharmacy.relay.mode()).toBe('file');
    for (const fileName of ['../rx30.txt', 'drop\\rx30.txt'])
      await expect(
        s.integrations.connections.configure('owner', c.id, { fileName }),
      ).rejects.toThrow(/is not a file name/);
    expect(s.integrations.connections.get(c.id)?.state).toBe('active');
    expect(s.pharmacy.relay.mode()).toBe('file');
    // Each link is saved with what it needs.
    const other = s.integrations.create('owner', { provider: 'pharmacy.rx30', location: 'annex' });
    await expect(
      s.integrations.connections.configure('owner', other.id, { mode: 'socket', storeId: 'S2' }),
    ).rejects.toThrow(/address/);
    await expect(
      s.integrations.connections.configure('owner', other.id, { mode: 'file', storeId: 'S2' }),
    ).rejects.toThrow(/folder/);
    // And the control itself will not open a path, whatever the settings say.
    expect(rx30FileNameProblem('../rx30.txt')).toMatch(/not a file name/);
    expect(rx30FileNameProblem('ready.dat')).toBeNull();
  });
});
