// The demo store (issue 14 §1): entered through the real services, so what a newcomer sees
// obeys the same rules as a real store's book. Each expectation is written from the rule.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import rolesData from '../../resources/roles.json' with { type: 'json' };
import { startRx30Simulator, type Rx30Simulator } from '../../simulators/rx30/server.ts';
import { startWebhookSink, type WebhookSink } from '../../simulators/webhook-sink/sink.ts';
import { createRx30Adapter, rx30Drivers } from '../../drivers/rx30/index.ts';
import { checkStatuses } from '../checks/model.ts';
import { localDate, ManualClock } from '../clock.ts';
import { dispositionKinds } from '../firearms/model.ts';
import { makeServices, tempDir } from '../testing/fixtures.ts';
import type { StoreServices } from '../app/services.ts';
import {
  DEMO_MARKER,
  DEMO_SEEDED,
  DemoFolderRefused,
  markSeeded,
  prepareDemoFolder,
} from './folder.ts';
import { DEMO_STORE, pointAtSimulators, seedDemoStore, type DemoSummary } from './seed.ts';
import { DEMO_USERS } from './users.ts';

// Wednesday 18 March 2026, 11:00 in Austin.
const NOW = Date.UTC(2026, 2, 18, 16, 0, 0);
const SECRET = 'demo-test-signing-secret-0123456789abcdef';

let s: StoreServices & { clock: ManualClock };
let summary: DemoSummary;
let rx30: Rx30Simulator;
let sink: WebhookSink;
const today = () => localDate(s.clock.now(), DEMO_STORE.timeZone);

beforeAll(async () => {
  const clock = new ManualClock(NOW);
  [rx30, sink] = await Promise.all([
    startRx30Simulator(),
    startWebhookSink({ secret: SECRET, now: () => clock.now() }),
  ]);
  s = await makeServices({ clock, rx30: { adapter: createRx30Adapter(), drivers: rx30Drivers } });
  summary = await seedDemoStore(s, clock, {
    now: NOW,
    endpoints: {
      receiptPrinter: { host: '127.0.0.1', port: 9100 },
      labelPrinter: { host: '127.0.0.1', port: 9101 },
      scale: '/tmp/backroom-demo-test-scale',
      poleDisplay: '/tmp/backroom-demo-test-pole',
      rx30: { host: '127.0.0.1', port: rx30.port },
      webhook: { url: sink.url, secret: SECRET },
    },
  });
}, 120_000);

afterAll(async () => {
  s?.close();
  await rx30?.stop();
  await sink?.close();
});

describe('the demo store', () => {
  it('has a user for every role in resources/roles.json, each able to sign in and work at once (no password to change first)', async () => {
    expect(DEMO_USERS.map((u) => u.role).sort()).toEqual(Object.keys(rolesData.roles).sort());
    for (const u of DEMO_USERS) {
      const { token } = await s.auth.login({ username: u.username, password: u.password }, 'test');
      const { user } = s.auth.authenticate(token);
      expect([user.username, user.role, user.mustChangePassword]).toEqual([
        u.username,
        u.role,
        false,
      ]);
    }
  });

  it('is a TX store with its FFL and its time zone (the book counts in the store’s calendar)', () => {
    expect(s.profile.get()).toMatchObject({ state: 'TX', ffl: DEMO_STORE.ffl });
    expect(s.storeHours.get().hours.timeZone).toBe('America/Chicago');
  });

  it('has a bound book of a few hundred entries, none dated after the store’s today (27 CFR 478.125(e))', () => {
    expect(summary.acquisitions).toBeGreaterThanOrEqual(250);
    const received = s.store.db
      .prepare('SELECT max(received_on) AS last, count(*) AS n FROM ledger_acquisitions')
      .get() as { last: string; n: number };
    expect(received.n).toBe(summary.acquisitions);
    expect(received.last <= today()).toBe(true);
    const disposed = s.store.db
      .prepare("SELECT max(disposed_on) FROM ledger_dispositions WHERE state = 'committed'")
      .pluck()
      .get() as string;
    expect(disposed <= today()).toBe(true);
  });

  it('disposes of firearms by every kind 27 CFR 478.125(e) knows, each with its required fields', () => {
    const kinds = s.store.db
      .prepare("SELECT DISTINCT kind FROM ledger_dispositions WHERE state = 'committed'")
      .pluck()
      .all() as string[];
    expect(kinds.sort()).toEqual([...dispositionKinds].sort());
    expect(summary.dispositions).toBeGreaterThanOrEqual(60);
  });

  it('leaves a check in every state, a delayed one with its may-proceed day still ahead (28 CFR 25.6(c))', () => {
    const all = s.checks.list({ limit: 10_000, openOnly: false });
    for (const status of checkStatuses) {
      const form4473 = summary.checks[status];
      expect(all.find((c) => c.form4473 === form4473)?.status, status).toBe(status);
    }
    // Delayed on Wednesday 2026-03-18 in Texas: Thursday 19, Friday 20 and Monday 23 are its
    // three business days (state offices open; the contact day does not count).
    expect(today()).toBe('2026-03-18');
    expect(summary.delayedMayProceedOn).toBe('2026-03-24');
    // The expired check was submitted more than 30 days ago (27 CFR 478.102(c)).
    const expired = all.find((c) => c.form4473 === summary.checks.expired);
    expect(expired?.lastValidDay && expired.lastValidDay < today()).toBe(true);
  });

  it('has a multiple sale of handguns to file on Form 3310.4 today (27 CFR 478.126a)', () => {
    const reports = s.bookReports.multipleSales({ includeFiled: false });
    expect(
      reports.map((r) => [r.form, r.form4473, r.occurredOn, r.related.length, r.filedOn]),
    ).toEqual([['3310.4', summary.multipleSale4473, today(), 1, null]]);
  });

  it('has a privately made firearm in stock still to be marked (27 CFR 478.92)', () => {
    const pmf = s.store.db
      .prepare(
        "SELECT count(*) FROM firearm_items i WHERE privately_made = 1 AND status = 'in_stock' AND NOT EXISTS (SELECT 1 FROM pmf_markings m WHERE m.item_id = i.id)",
      )
      .pluck()
      .get();
    expect(pmf).toBe(1);
  });

  it('passes the book’s consistency check and the audit chain check', async () => {
    expect(s.firearms.consistency().problems).toEqual([]);
    expect((await s.chain.verify()).state).toBe('ok');
  });

  it('has prescriptions ready for pickup, found by their labels', () => {
    expect(summary.prescriptions.length).toBeGreaterThanOrEqual(3);
    for (const p of summary.prescriptions)
      expect(s.pharmacy.desk.byLabel('pete', p.rxLabel).rxNumber).toBe(p.rxLabel.slice(0, 6));
  });

  it('has the printers, scale and pole display set up, and the webhook and Rx30 connections active', () => {
    expect(
      s.devices
        .list()
        .map((d) => d.kind)
        .sort(),
    ).toEqual(['label_printer', 'pole_display', 'receipt_printer', 'scale']);
    expect(
      s.integrations.connections
        .list()
        .map((c) => [c.provider, c.state])
        .sort(),
    ).toEqual([
      ['pharmacy.rx30', 'active'],
      ['webhook.outbound', 'active'],
    ]);
  });

  it('points the same devices and connections at the simulators’ new ports on the next start', async () => {
    await pointAtSimulators(
      s,
      {
        receiptPrinter: { host: '127.0.0.1', port: 9200 },
        labelPrinter: { host: '127.0.0.1', port: 9201 },
        scale: '/tmp/backroom-demo-test-scale',
        poleDisplay: '/tmp/backroom-demo-test-pole',
        rx30: { host: '127.0.0.1', port: rx30.port },
        webhook: { url: sink.url, secret: SECRET },
      },
      'olivia',
    );
    const receipt = s.devices.list().filter((d) => d.kind === 'receipt_printer');
    expect(receipt.map((d) => JSON.stringify(d.config))).toEqual([
      expect.stringContaining('"port":9200'),
    ]);
    expect(s.integrations.connections.list().length).toBe(2);
  });
});

describe('the demo folder', () => {
  const real = () => tempDir('backroom-real-');

  it('refuses the real store’s data folder, a folder inside it and one around it', () => {
    const dataDir = real();
    for (const dir of [dataDir, path.join(dataDir, 'demo'), path.dirname(dataDir)])
      expect(() => prepareDemoFolder({ dir, realDataDir: dataDir, reset: false })).toThrow(
        DemoFolderRefused,
      );
  });

  it('refuses a folder it did not make, even with --reset, and never deletes from it', () => {
    const dir = tempDir('backroom-not-demo-');
    fs.writeFileSync(path.join(dir, 'backroom.db'), 'a store');
    expect(() => prepareDemoFolder({ dir, realDataDir: real(), reset: true })).toThrow(
      /not a demo folder.*store database/,
    );
    expect(fs.readFileSync(path.join(dir, 'backroom.db'), 'utf8')).toBe('a store');
  });

  it('marks a new folder, reuses a seeded one, and empties it only on --reset', () => {
    const dir = path.join(tempDir('backroom-demo-parent-'), 'demo');
    expect(prepareDemoFolder({ dir, realDataDir: real(), reset: false }).seeded).toBe(false);
    expect(fs.existsSync(path.join(dir, DEMO_MARKER))).toBe(true);
    fs.writeFileSync(path.join(dir, 'backroom.db'), 'demo store');
    markSeeded(dir, { ok: true });
    expect(prepareDemoFolder({ dir, realDataDir: real(), reset: false }).seeded).toBe(true);
    expect(fs.existsSync(path.join(dir, 'backroom.db'))).toBe(true);
    expect(prepareDemoFolder({ dir, realDataDir: real(), reset: true }).seeded).toBe(false);
    expect(fs.readdirSync(dir)).toEqual([DEMO_MARKER]);
  });

  it('starts over when an earlier seeding did not finish', () => {
    const dir = tempDir('backroom-demo-half-');
    prepareDemoFolder({ dir, realDataDir: real(), reset: false });
    fs.writeFileSync(path.join(dir, 'backroom.db'), 'half a store');
    expect(fs.existsSync(path.join(dir, DEMO_SEEDED))).toBe(false);
    expect(prepareDemoFolder({ dir, realDataDir: real(), reset: false }).seeded).toBe(false);
    expect(fs.existsSync(path.join(dir, 'backroom.db'))).toBe(false);
  });
});
