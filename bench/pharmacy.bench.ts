// The pharmacy relay: READY messages from Rx30 (the simulator, over TCP) persisted and ACKed
// per second through the store's own relay (socket, framing, codec, apply, ACK), and
// scan-to-screen with 200,000 prescriptions on file: a label scanned into the real pickup page
// in Chromium until the patient it finds shows, beside the API lookup alone.
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { startHttpServer } from '../core/api/http.ts';
import { httpTransport } from '../core/api/testing.ts';
import { createStoreServices, type StoreServices } from '../core/app/services.ts';
import { localDate, systemClock } from '../core/clock.ts';
import { readySchema, type ReadyMessage } from '../core/pharmacy/messages.ts';
import { FileSecretStore } from '../core/secrets/file.ts';
import { createRx30Adapter, rx30Drivers } from '../drivers/rx30/index.ts';
import {
  ensureRendererBuilt,
  launchBrowser,
  openPage,
  openSection,
  repoRoot,
  signIn,
} from '../e2e/support.ts';
import { startRx30Simulator, type Rx30Simulator } from '../simulators/rx30/server.ts';
import {
  atLeast,
  atMost,
  nowMs,
  percentile,
  reported,
  round,
  type BenchContext,
  type BenchEntry,
} from './harness.ts';

const READY_PER_S_TARGET = 2_000;
const SCAN_P99_TARGET_MS = 30;
const ON_FILE = 200_000;
/**
 * READY messages Rx30 sends before the first ACK comes back: the protocol lets a sender keep
 * messages in flight (drivers/rx30/PROTOCOL.md, section 4); the store still applies and ACKs
 * them one at a time, in order.
 */
const IN_FLIGHT = 8;
const LOOKUPS = 1_000;
const SCREEN_WARMUP = 20;
const SCREEN_SCANS = 300;
const OWNER = { username: 'bench', displayName: 'Bench', password: 'bench-password-1' };

/**
 * Filled today: a fixed date falls past the return-to-stock window a few weeks later, and the
 * pickup page then lists every such Rx (all 200,000) and stops answering.
 */
const TODAY = localDate(Date.now());
const LAST = ['García', 'Smith', 'Nguyen', 'Okafor', 'Kowalski'];
const FIRST = ['Ana', 'John', 'Linh', 'Chidi', 'Ewa'];
const ready = (i: number): ReadyMessage =>
  readySchema.parse({
    type: 'READY',
    id: `M${i}`,
    storeId: 'S1',
    rxNumber: String(600_000 + i),
    fillNumber: i % 3,
    patientId: `P${i % 40_000}`,
    lastName: LAST[i % 5] ?? 'Smith',
    firstName: FIRST[(i >> 3) % 5] ?? 'Ana',
    dateOfBirth: `19${50 + (i % 50)}-0${1 + (i % 9)}-1${i % 10}`,
    drug: 'Lisinopril 10 mg',
    amountDue: 500 + (i % 3000),
    taxable: false,
    fsaHsaEligible: 500,
    hipaaNoticeRequired: i % 7 === 0,
    counselingRequired: i % 11 === 0,
    safetyCapWaiver: false,
    controlledSchedule: i % 13 === 0 ? 'II' : null,
    fillDate: TODAY,
    partialFill: false,
  });
/** The label printed for message i's fill, as the scanner reads it. */
const labelOf = (n: number) => `${600_000 + n}-${String(n % 3).padStart(2, '0')}`;
/** The n-th scan's message. 7,919 ≡ 4 (mod 5): each scan finds another surname than the last. */
const scanned = (k: number) => (k * 7_919) % ON_FILE;

export default async function pharmacyBench(ctx: BenchContext): Promise<BenchEntry[]> {
  const sim = await startRx30Simulator();
  const s = await createStoreServices({
    dataDir: ctx.workDir,
    secrets: new FileSecretStore(path.join(ctx.workDir, 'secrets.json'), () => {}),
    log: { info: () => {}, warn: () => {}, error: () => {} },
    clock: systemClock,
    rx30: { adapter: createRx30Adapter(), drivers: rx30Drivers },
    runIntegrations: true,
  });
  try {
    ctx.log('connecting the store relay to the Rx30 simulator…');
    await connectRelay(s, sim);
    ctx.log(`sending ${ON_FILE.toLocaleString('en')} READY messages from the simulator over TCP…`);
    const perSecond = await sendReady(sim);
    ctx.log(`  ${Math.round(perSecond).toLocaleString('en')} a second`);
    const onFile = s.store.db.prepare('SELECT count(*) FROM rx30_inbound').pluck().get();
    if (Number(onFile) < ON_FILE)
      throw new Error(`Only ${String(onFile)} of ${ON_FILE} READY messages were logged.`);
    const entries: BenchEntry[] = [
      atLeast(
        {
          name: 'pharmacy.ready_inbound.per_s',
          value: round(perSecond, 0),
          unit: 'msg/s',
          detail: `READY messages from simulators/rx30 over TCP on 127.0.0.1 to the store's relay (createStoreServices with the Rx30 drivers, the pharmacy.rx30 connection enabled in socket mode): STX/ETX framing and the backroom-text-1 codec both ways, each applied in its own transaction (encrypted SQLite, synchronous=FULL: duplicate check by message id and rx+fill, patient and prescription written, inbound log appended) and ACKed; Rx30 keeps ${IN_FLIGHT} messages in flight (PROTOCOL.md allows it), timed from the first send to the last ACK; ${ON_FILE.toLocaleString('en')} messages`,
        },
        READY_PER_S_TARGET,
      ),
    ];

    await s.auth.setupOwner(OWNER);
    const { token } = await s.auth.login(OWNER, 'bench');
    ctx.log(`timing ${LOOKUPS.toLocaleString('en')} label lookups through the API…`);
    const lookups = await apiLookups(s, token);
    entries.push(
      atMost(
        {
          name: 'pharmacy.label_lookup_api.p99_ms',
          value: round(percentile(lookups, 99), 2),
          unit: 'ms',
          detail: `what pharmacy.scan_to_screen.p99_ms measured before issue 15 (renamed: it never reached a screen): pharmacy.byLabel through the HTTP API with the signed-in session (session check, lookup by rx+fill, ready count, audited view) with ${ON_FILE.toLocaleString('en')} prescriptions on file; ${LOOKUPS.toLocaleString('en')} scans, p50 ${round(percentile(lookups, 50), 2)} ms; the scan-to-screen target`,
        },
        SCAN_P99_TARGET_MS,
      ),
    );

    ctx.log(`scanning ${SCREEN_SCANS} labels into the pickup page in Chromium…`);
    const screen = await scansToScreen(s, (m) => ctx.log(m));
    entries.push(
      atMost(
        {
          name: 'pharmacy.scan_to_screen.p99_ms',
          value: round(percentile(screen, 99), 2),
          unit: 'ms',
          detail: `a label scanned into the real pickup page (the built renderer from out/renderer, served by the store's HTTP server, in /usr/bin/chromium headless via playwright-core, signed in as the owner): from the Enter that ends the scan (its keydown, in the page) until the patient the label finds shows (the card's heading holds their name) and the next frame starts (requestAnimationFrame), timed inside the page; ${SCREEN_SCANS} scans after ${SCREEN_WARMUP} warm-up, each a different patient from the last, with ${ON_FILE.toLocaleString('en')} prescriptions on file`,
        },
        SCAN_P99_TARGET_MS,
      ),
      reported({
        name: 'pharmacy.scan_to_screen.p50_ms',
        value: round(percentile(screen, 50), 2),
        unit: 'ms',
        detail: 'the same scans',
      }),
    );
    return entries;
  } finally {
    await s.drain();
    s.close();
    await sim.stop();
  }
}

/** The store's pharmacy.rx30 connection in socket mode, enabled, its relay connected. */
async function connectRelay(s: StoreServices, sim: Rx30Simulator): Promise<void> {
  s.profile.update('bench', { name: 'Bench Pharmacy', state: 'TX' });
  const c = s.integrations.create('bench', { provider: 'pharmacy.rx30', location: 'main' });
  await s.integrations.connections.configure('bench', c.id, {
    mode: 'socket',
    host: '127.0.0.1',
    port: sim.port,
    storeId: 'S1',
  });
  await s.integrations.enable('bench', c.id);
  // "Test connection" was the first connection; the relay's own is the next.
  await sim.connection(2, 10_000);
  const deadline = nowMs() + 10_000;
  while (s.pharmacy.relay.mode() !== 'socket') {
    if (nowMs() > deadline) throw new Error('The relay did not take up socket mode.');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** READY messages from the simulator, IN_FLIGHT at a time; per second, first send to last ACK. */
async function sendReady(sim: Rx30Simulator): Promise<number> {
  let next = 0;
  const start = nowMs();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < ON_FILE) {
        const m = ready(next++);
        const answer = await sim.send(m, 30_000);
        if (answer !== 'ACK') throw new Error(`The store refused ${m.id}: ${answer.nak}`);
      }
    }),
  );
  return ON_FILE / ((nowMs() - start) / 1000);
}

async function apiLookups(s: StoreServices, token: string): Promise<number[]> {
  const api = await httpTransport(s);
  try {
    const samples: number[] = [];
    for (let i = 0; i < LOOKUPS; i++) {
      const code = labelOf(scanned(i));
      const t = nowMs();
      const r = await api.call({ path: 'pharmacy.byLabel', type: 'query' }, { code }, token);
      samples.push(nowMs() - t);
      if (r.error) throw new Error(`scan ${code}: ${r.error.message}`);
    }
    return samples;
  } finally {
    await api.close();
  }
}

/**
 * Arms the page for one scan: at the Enter keydown (capture, before the page's own handlers)
 * it notes the time; when the patient card's heading reads `name`, it waits for the next
 * animation frame and resolves window.__benchShown with the milliseconds between. Written as
 * page source (the bench is compiled without the DOM's types).
 */
const armScan = (page: Page, name: string) =>
  page.evaluate(`window.__benchShown = new Promise((resolve, reject) => {
    const expected = ${JSON.stringify(name)};
    let start = 0;
    const shown = () =>
      document.querySelector('[data-testid="pickup-patient"] h3')?.textContent?.trim() === expected;
    const observer = new MutationObserver(() => {
      if (start === 0 || !shown()) return;
      observer.disconnect();
      requestAnimationFrame(() => resolve(performance.now() - start));
    });
    // Never shown: the bench says so instead of waiting for ever.
    setTimeout(() => reject(new Error('the patient did not show within 30 s')), 30000);
    window.addEventListener('keydown', (e) => {
      if (e.key !== 'Enter') return;
      start = performance.now();
      observer.observe(document.body, { childList: true, subtree: true, characterData: true });
    }, { capture: true, once: true });
  }); undefined`);

async function scansToScreen(s: StoreServices, log: (m: string) => void): Promise<number[]> {
  ensureRendererBuilt();
  const server = await startHttpServer({
    services: s,
    host: '127.0.0.1',
    port: 0,
    rendererDir: path.join(repoRoot, 'out', 'renderer'),
  });
  const browser = await launchBrowser();
  try {
    const problems: string[] = [];
    const page = await openPage(browser, problems);
    await page.goto(server.url);
    await signIn(page, OWNER);
    await openSection(page, 'Pharmacy');
    // Setting up is not timed: a loaded PC may take longer than the tests' 5 s to draw the page.
    page.setDefaultTimeout(60_000);
    const field = page.getByLabel('Rx label', { exact: true });
    await page.locator('[data-testid="ready-rx"]').first().waitFor();
    await field.waitFor();
    const samples: number[] = [];
    for (let k = 0; k < SCREEN_WARMUP + SCREEN_SCANS; k++) {
      const m = ready(scanned(k));
      try {
        await field.fill(labelOf(scanned(k)));
        await armScan(page, `${m.lastName}, ${m.firstName}`);
        await field.press('Enter');
      } catch (error) {
        const shot = path.join(os.tmpdir(), 'backroom-bench-scan-to-screen.png');
        await page.screenshot({ path: shot, fullPage: true }).catch(() => undefined);
        const text = (await page.evaluate('document.body.innerText').catch(() => '')) as string;
        throw new Error(
          `Scan ${k} (${labelOf(scanned(k))}) failed: ${String(error)}\nThe page (${shot}) said: ${text.slice(0, 1_500)}`,
          { cause: error },
        );
      }
      const ms = (await page.evaluate('window.__benchShown')) as number;
      if (k >= SCREEN_WARMUP) samples.push(ms);
      if ((k + 1) % 100 === 0) log(`  ${k + 1} scans`);
    }
    if (problems.length > 0) throw new Error(`The page had problems: ${problems.join('; ')}`);
    return samples;
  } finally {
    await browser.close();
    await server.close();
  }
}
