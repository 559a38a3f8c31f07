// Issue 6 (in part), on the real screens: the store server relays Rx30 (the simulator) and two
// PCs show the pickup screen (the back office and the pharmacy counter, two browser
// contexts). A READY sent by Rx30 shows on both within a second; at the counter a scanned
// label finds the patient by name only, the date of birth opens their ready prescriptions;
// the audit log has each view of patient data; a pickup with counseling declined, the HIPAA
// notice acknowledged, a signature and the ID for a schedule II medicine completes, and Rx30
// receives the SOLD.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { ReadyMessage } from '../core/pharmacy/messages.ts';
import { startRx30Simulator, type Rx30Simulator } from '../simulators/rx30/server.ts';
import {
  apiCall,
  apiQuery,
  ensureRendererBuilt,
  launchBrowser,
  openSection,
  screenshotAll,
  signIn,
  startServer,
  watchPage,
  type RunningServer,
} from './support.ts';

const OWNER = { displayName: 'Dana Reyes', username: 'dana', password: 'owner-password-1' };

let server: RunningServer;
let browser: Browser;
let rx30: Rx30Simulator;
let backOffice: Page;
let counter: Page;
let token = '';
const problems: string[] = [];

const until = <T>(read: () => T | Promise<T>, timeout = 10_000) =>
  expect.poll(read, { timeout, interval: 50 });

async function openPickup(): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 1400, height: 950 },
    locale: 'en-US',
  });
  context.setDefaultTimeout(5_000);
  const page = await context.newPage();
  watchPage(page, problems);
  await page.goto(server.url);
  await signIn(page, OWNER);
  await openSection(page, 'Pharmacy');
  await page.getByTestId('queue-empty').waitFor();
  return page;
}

beforeAll(async () => {
  ensureRendererBuilt();
  [server, browser, rx30] = await Promise.all([
    startServer(),
    launchBrowser(),
    startRx30Simulator(),
  ]);
  const call = (path: string, body: unknown) => apiCall(server, path, body, token);
  await apiCall(server, 'setup.createOwner', OWNER);
  token = (
    (await apiCall(server, 'auth.login', {
      username: OWNER.username,
      password: OWNER.password,
    })) as { token: string }
  ).token;
  await call('store.updateProfile', { name: 'Main Street Pharmacy', state: 'TX' });
  const c = (await call('integrations.create', {
    provider: 'pharmacy.rx30',
    location: 'main',
  })) as { id: number };
  await call('integrations.configure', {
    id: c.id,
    values: { mode: 'socket', host: '127.0.0.1', port: rx30.port, storeId: 'S1' },
  });
  await call('integrations.enable', { id: c.id });
  // "Test connection" first, then the relay's own connection.
  await rx30.connection(2);
  [backOffice, counter] = [await openPickup(), await openPickup()];
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await rx30?.stop();
});

const ready: ReadyMessage = {
  type: 'READY',
  id: 'R-1001',
  storeId: 'S1',
  rxNumber: '600123',
  fillNumber: 0,
  patientId: 'P-77',
  lastName: 'García',
  firstName: 'Ana',
  dateOfBirth: '1961-04-02',
  drug: 'Lisinopril 10 mg',
  amountDue: 1250,
  taxable: false,
  fsaHsaEligible: 1000,
  hipaaNoticeRequired: true,
  counselingRequired: false,
  safetyCapWaiver: false,
  controlledSchedule: 'II',
  willCallBin: 'B-14',
  fillDate: new Date().toISOString().slice(0, 10),
  partialFill: false,
};

describe('the pickup screen on two PCs, fed by Rx30', () => {
  const onFailure = () =>
    onTestFailed(async () => {
      const files = await screenshotAll({ backOffice, counter }, 'backroom-e2e-pharmacy');
      console.error(`Screenshots: ${files.join(', ')}\nServer log:\n${server.log()}`);
    });

  it('shows a READY from Rx30 on both PCs within a second', async () => {
    onFailure();
    const row = (page: Page) => page.locator('[data-testid="ready-rx"][data-rx="600123"]');
    const sent = Date.now();
    expect(await rx30.send(ready)).toBe('ACK');
    await Promise.all([
      until(() => row(backOffice).count(), 1_000).toBe(1),
      until(() => row(counter).count(), 1_000).toBe(1),
    ]);
    expect(Date.now() - sent).toBeLessThan(1_500);
    // The queue shows where the bag is, not who it is for.
    expect(await row(counter).textContent()).toContain('B-14');
    expect(await row(counter).textContent()).not.toContain('García');
  });

  it('finds the patient from the scanned label by name only, and opens the Rx once the date of birth matches', async () => {
    onFailure();
    await counter.getByLabel('Rx label').fill('600123-00');
    await counter.getByLabel('Rx label').press('Enter');
    const card = counter.getByTestId('pickup-patient');
    await until(() => card.getByRole('heading').textContent()).toBe('García, Ana');
    expect(await card.textContent()).not.toContain('Lisinopril');
    await card.getByLabel('Date of birth, as the patient says it').fill('1961-04-03');
    await card.getByRole('button', { name: 'Check' }).click();
    await until(() => card.getByText('does not match').isVisible()).toBe(true);
    await card.getByLabel('Date of birth, as the patient says it').fill('1961-04-02');
    await card.getByRole('button', { name: 'Check' }).click();
    await until(() => card.getByTestId('checkout').textContent()).toContain('Lisinopril 10 mg');
    expect(await card.getByTestId('pickup-total').textContent()).toBe(
      'Total $12.50 · FSA/HSA eligible $10.00',
    );

    const audit = (await apiQuery(server, 'audit.query', { action: 'patient.view' }, token)) as {
      entries: { actor: string; entityId: string }[];
    };
    expect(audit.entries.map((e) => [e.actor, e.entityId])).toEqual([
      ['dana', 'P-77'],
      ['dana', 'P-77'],
    ]);
    expect(problems).toEqual([]);
  });

  it('completes the pickup: counseling declined, HIPAA notice acknowledged, signed, ID recorded; Rx30 gets the SOLD', async () => {
    onFailure();
    const checkout = counter.getByTestId('checkout');
    expect(await checkout.getByTestId('checkout-blockers').textContent()).toContain('signs first');
    await checkout.getByLabel('The patient acknowledges the notice of privacy practices').check();
    const pad = checkout.getByTestId('signature-pad');
    const box = await pad.boundingBox();
    if (!box) throw new Error('no signature pad');
    await counter.mouse.move(box.x + 40, box.y + 70);
    await counter.mouse.down();
    for (let i = 1; i <= 40; i++)
      await counter.mouse.move(box.x + 40 + i * 6, box.y + 70 + 20 * Math.sin(i / 2));
    await counter.mouse.up();
    const id = checkout.getByTestId('id-capture');
    await id.getByLabel('ID type').click();
    await counter.getByRole('option', { name: 'drivers license' }).click();
    await id.getByLabel('ID number').fill('TX12345678');
    await id.getByLabel('Issued by').fill('TX');
    await until(() => checkout.getByTestId('checkout-blockers').count()).toBe(0);
    await checkout.getByRole('button', { name: 'Complete pickup · $12.50' }).click();
    const done = counter.getByTestId('pickup-done');
    await until(() => done.textContent()).toMatch(/Picked up: invoice P\d{8}-0001-/);
    expect(await done.textContent()).toContain('No receipt printer is set up');
    const invoice = /invoice (\S+)\./.exec((await done.textContent()) ?? '')?.[1];
    const [sold] = await rx30.until('SOLD', 1);
    expect(sold).toMatchObject({ type: 'SOLD', invoice, counseling: 'declined', idCaptured: true });
    // Picked up: off the queue on both PCs.
    await until(() => backOffice.getByTestId('queue-empty').isVisible()).toBe(true);
    expect(problems).toEqual([]);
  });

  it('lists a prescription not picked up within the payer’s window, to go back to stock', async () => {
    onFailure();
    const filled = new Date(Date.now() - 20 * 86_400_000).toISOString().slice(0, 10);
    expect(await rx30.send({ ...ready, id: 'R-OLD', rxNumber: '500001', fillDate: filled })).toBe(
      'ACK',
    );
    await until(() => backOffice.getByTestId('past-window').textContent()).toContain('500001-00');
    expect(await backOffice.getByTestId('past-window').textContent()).toContain(
      'filled 20 days ago',
    );
  });
});
