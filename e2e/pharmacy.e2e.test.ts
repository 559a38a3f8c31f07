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
import { readyMessage } from '../core/pharmacy/testing.ts';
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
  openPage,
  OWNER,
  type RunningServer,
} from './support.ts';

let server: RunningServer;
let browser: Browser;
let rx30: Rx30Simulator;
let backOffice: Page;
let counter: Page;
let token = '';
const problems: string[] = [];

/** Draws a signature on the checkout's pad. */
async function sign(page: Page): Promise<void> {
  const pad = page.getByTestId('checkout').getByTestId('signature-pad');
  await pad.scrollIntoViewIfNeeded();
  const box = await pad.boundingBox();
  if (!box) throw new Error('no signature pad');
  await page.mouse.move(box.x + 40, box.y + 70);
  await page.mouse.down();
  for (let i = 1; i <= 40; i++)
    await page.mouse.move(box.x + 40 + i * 6, box.y + 70 + 20 * Math.sin(i / 2));
  await page.mouse.up();
}

/** A label scanned (typed into the Rx label field and Enter, as a wedge scanner does). */
async function scanLabel(page: Page, code: string): Promise<void> {
  await page.getByLabel('Rx label').fill(code);
  await page.getByLabel('Rx label').press('Enter');
}

/** What still stands between the checkout and completing ('' when nothing does). */
const blockers = async (page: Page) => {
  const b = page.getByTestId('checkout-blockers');
  return (await b.count()) === 0 ? '' : ((await b.textContent()) ?? '');
};

const until = <T>(read: () => T | Promise<T>, timeout = 10_000) =>
  expect.poll(read, { timeout, interval: 50 });

/** A PC's browser with the Pharmacy page open, signed in as `user` (the owner by default). */
async function openPickup(user: { username: string; password: string } = OWNER): Promise<Page> {
  const page = await openPage(browser, problems);
  await page.goto(server.url);
  await signIn(page, user);
  await openSection(page, 'Pharmacy');
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
  for (const page of [backOffice, counter]) await page.getByTestId('queue-empty').waitFor();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await rx30?.stop();
});

// Ana's Lisinopril, filled today: schedule II (ID needed), HIPAA notice, $10 FSA/HSA, bin B-14.
const ready: ReadyMessage = readyMessage({
  id: 'R-1001',
  fsaHsaEligible: 1000,
  controlledSchedule: 'II',
  willCallBin: 'B-14',
  // eslint-disable-next-line no-restricted-syntax -- this server runs on the PC's clock: Rx30 fill dates are the PC's date
  fillDate: new Date().toISOString().slice(0, 10),
});

describe('the pickup screen on two PCs, fed by Rx30', () => {
  const onFailure = () =>
    onTestFailed(async () => {
      const files = await screenshotAll({ backOffice, counter }, 'backroom-e2e-pharmacy');
      console.error(`Screenshots: ${files.join(', ')}\nServer log:\n${server.log()}`);
    });

  it('shows a READY from Rx30 on both PCs within a second', async () => {
    onFailure();
    const row = (page: Page) => page.locator('[data-testid="ready-rx"][data-rx="600123"]');
    // eslint-disable-next-line no-restricted-syntax -- measures real delivery time to the screen
    const sent = Date.now();
    expect(await rx30.send(ready)).toBe('ACK');
    await Promise.all([
      until(() => row(backOffice).count(), 1_000).toBe(1),
      until(() => row(counter).count(), 1_000).toBe(1),
    ]);
    // eslint-disable-next-line no-restricted-syntax -- measures real delivery time to the screen
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
    const checkout = counter.getByTestId('checkout');
    await until(() => checkout.textContent()).toContain('Lisinopril 10 mg');
    expect(await card.count()).toBe(0);
    expect(await checkout.getByTestId('pickup-total').textContent()).toBe(
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
    await sign(counter);
    const id = checkout.getByTestId('id-capture');
    await id.getByLabel('ID type').click();
    await counter.getByRole('option', { name: 'drivers license' }).click();
    await id.getByLabel('ID number').fill('TX12345678');
    await id.getByLabel('Issued by').fill('TX');
    await until(() => blockers(counter)).toBe('');
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

  it('rings up two patients in one sale: a second label ticks its Rx, each patient verified, paid cash and check', async () => {
    onFailure();
    // eslint-disable-next-line no-restricted-syntax -- this server runs on the PC's clock: its today is the PC's date
    const today = new Date().toISOString().slice(0, 10);
    const more = (id: string, rxNumber: string, o: Partial<ReadyMessage> = {}) =>
      rx30.send({
        ...ready,
        id,
        rxNumber,
        drug: 'Metformin 500 mg',
        amountDue: 800,
        fsaHsaEligible: 0,
        hipaaNoticeRequired: false,
        controlledSchedule: null,
        fillDate: today,
        ...o,
      });
    expect(await more('R-2001', '600130')).toBe('ACK');
    expect(await more('R-2002', '600131', { amountDue: 450 })).toBe('ACK');
    expect(
      await more('R-2003', '700001', {
        patientId: 'P-88',
        lastName: 'García',
        firstName: 'Luis',
        dateOfBirth: '2012-06-01',
        drug: 'Amoxicillin 250 mg',
        amountDue: 1000,
      }),
    ).toBe('ACK');
    rx30.contacts.set('P-77', { address: '12 Oak St', phone: '555-0142' });
    // The last pickup's "done" still shows: the next scan starts the next sale by itself.
    await scanLabel(counter, '600130-00');
    await until(() => counter.getByTestId('pickup-done').count()).toBe(0);
    const verify = async (dob: string) => {
      const card = counter.getByTestId('pickup-patient');
      await card.getByLabel('Date of birth, as the patient says it').fill(dob);
      await card.getByRole('button', { name: 'Check' }).click();
      await until(() => card.count()).toBe(0);
    };
    await verify('1961-04-02');
    const bag = (patient: string) =>
      counter.locator(`[data-testid="patient-bag"][data-patient="${patient}"]`);
    const ticked = (patient: string, rx: string) =>
      bag(patient).getByLabel(`Rx ${rx} in the bag`).isChecked();
    expect([await ticked('P-77', '600130'), await ticked('P-77', '600131')]).toEqual([true, false]);
    // Her other label: into her bag, no second date-of-birth check; and scanned twice, once.
    await scanLabel(counter, '600131-00');
    await until(() => ticked('P-77', '600131')).toBe(true);
    expect(await counter.getByTestId('pickup-patient').count()).toBe(0);
    await scanLabel(counter, '600131-00');
    await until(() => counter.getByTestId('scan-notice').textContent()).toContain(
      'already in the bag',
    );
    // Her son's label: another patient, verified on his own, in a bag of his own.
    await scanLabel(counter, '700001-00');
    await verify('2012-06-01');
    await until(() => bag('P-88').count()).toBe(1);
    expect(await bag('P-77').textContent()).not.toContain('Amoxicillin');
    expect(await counter.getByTestId('pickup-total').textContent()).toBe(
      'Total $22.50 · FSA/HSA eligible $0.00',
    );
    // Contact details only on request, from Rx30.
    await bag('P-77').getByRole('button', { name: 'Contact details' }).click();
    await until(() => bag('P-77').getByTestId('patient-contact').textContent()).toBe(
      '12 Oak St · 555-0142',
    );

    // Paid $10 cash, the rest by check.
    const checkout = counter.getByTestId('checkout');
    await sign(counter);
    await checkout.getByLabel('Amount').first().fill('10.00');
    await until(() => checkout.getByTestId('tender-left').textContent()).toContain('$12.50');
    await checkout.getByRole('button', { name: 'Split the payment' }).click();
    const second = checkout.getByTestId('tender-line').nth(1);
    await second.getByLabel('Paid by').click();
    await counter.getByRole('option', { name: 'Check' }).click();
    await second.getByLabel('Check number').fill('1042');
    await until(() => blockers(counter)).toBe('');
    await checkout.getByRole('button', { name: 'Complete pickup · $22.50' }).click();
    const done = counter.getByTestId('pickup-done');
    await until(() => done.textContent()).toContain('one invoice per patient');
    const sold = (await rx30.until('SOLD', 3)).slice(1) as {
      invoice: string;
      lines: { rxNumber: string }[];
      payments: { type: string; amount: number }[];
    }[];
    expect(sold.map((m) => m.lines.map((l) => l.rxNumber))).toEqual([
      ['600130', '600131'],
      ['700001'],
    ]);
    expect(sold.map((m) => m.payments)).toEqual([
      [
        { type: 'cash', amount: 1000 },
        { type: 'check', amount: 250 },
      ],
      [{ type: 'check', amount: 1000 }],
    ]);
    for (const m of sold) expect(await done.textContent()).toContain(m.invoice);
    expect(problems).toEqual([]);
  });

  it('returns an Rx and voids a pickup from today’s list, telling Rx30 of each', async () => {
    onFailure();
    const sold = (await rx30.until('SOLD', 3)) as { invoice: string }[];
    const [first, second, third] = sold.map((m) => m.invoice);
    const list = backOffice.getByTestId('pickups-today');
    await until(() => list.getByRole('row').count()).toBe(3);
    // The day's list names no patient and no prescription.
    expect(await list.textContent()).not.toMatch(/García|6001/);
    await list.getByRole('button', { name: `Open pickup ${second}` }).click();
    // The whole sale opens: both patients' pickups.
    const found = backOffice.getByTestId('pickup-found');
    await until(() => found.count()).toBe(2);
    await found
      .first()
      .getByRole('row')
      .filter({ hasText: '600131-00' })
      .getByRole('button', { name: 'Return' })
      .click();
    const dialog = backOffice.getByRole('dialog');
    await dialog.getByLabel('Reason').fill('Patient allergic, brought it back');
    await dialog.getByRole('button', { name: 'Return' }).click();
    await until(() => backOffice.getByTestId('undo-done').textContent()).toContain(
      'Rx 600131 returned to stock',
    );
    const [ret] = await rx30.until('RETURN', 1);
    expect(ret).toMatchObject({ invoice: second, rxNumber: '600131' });
    // Returned one: that pickup can no longer be voided; the son's can.
    await until(() => found.first().getByRole('button', { name: 'Void pickup' }).count()).toBe(0);
    await found.nth(1).getByRole('button', { name: 'Void pickup' }).click();
    await dialog.getByLabel('Reason').fill('Rang up the wrong child');
    await dialog.getByRole('button', { name: 'Void pickup' }).click();
    await until(() => backOffice.getByTestId('undo-done').textContent()).toContain(
      `Pickup ${third} voided`,
    );
    const [voided] = await rx30.until('VOID', 1);
    expect(voided).toMatchObject({ invoice: third });
    // Voided: his Rx is ready again on every PC.
    await until(() => counter.locator('[data-testid="ready-rx"][data-rx="700001"]').count()).toBe(
      1,
    );
    // Only those two: the first pickup of the day is untouched, in Rx30 and in the list.
    expect(
      rx30.received.flatMap((m) =>
        m.type === 'RETURN' || m.type === 'VOID' ? [[m.type, m.invoice]] : [],
      ),
    ).toEqual([
      ['RETURN', second],
      ['VOID', third],
    ]);
    const badge = async (invoice: string | undefined) =>
      (await list
        .getByRole('row')
        .filter({ hasText: `${invoice}` })
        .locator('td')
        .last()
        .textContent()) ?? '';
    await until(() => badge(third)).toBe('Voided');
    expect([await badge(first), await badge(second)]).toEqual(['', '1 returned']);
    expect(problems).toEqual([]);
  });

  it('lets a store manager open the pharmacy in an emergency, with a reason, every step audited', async () => {
    onFailure();
    const MANAGER = { username: 'mona', password: 'manager-password-1' };
    await apiCall(
      server,
      'users.create',
      {
        username: MANAGER.username,
        displayName: 'Mona Park',
        role: 'store_manager',
        password: 'temporary-pass-1',
      },
      token,
    );
    const monaToken = (
      (await apiCall(server, 'auth.login', {
        username: MANAGER.username,
        password: 'temporary-pass-1',
      })) as {
        token: string;
      }
    ).token;
    await apiCall(
      server,
      'auth.changePassword',
      { currentPassword: 'temporary-pass-1', newPassword: MANAGER.password },
      monaToken,
    );
    const page = await openPickup(MANAGER);
    const gate = page.getByTestId('break-glass');
    await gate.getByLabel('Why is it needed?').fill('short');
    await gate.getByRole('button', { name: 'Open for the emergency' }).click();
    await until(() => gate.textContent()).toContain('10');
    await gate
      .getByLabel('Why is it needed?')
      .fill('Pharmacist called away; patient needs insulin now');
    await gate.getByRole('button', { name: 'Open for the emergency' }).click();
    await until(() => page.getByTestId('emergency-banner').textContent()).toContain(
      'Emergency access until',
    );
    await scanLabel(page, '700001-00');
    await until(() => page.getByTestId('pickup-patient').getByRole('heading').textContent()).toBe(
      'García, Luis',
    );
    const audit = (await apiQuery(
      server,
      'audit.query',
      { action: 'access.break_glass' },
      token,
    )) as {
      entries: { actor: string; entityId: string }[];
    };
    expect(audit.entries.map((e) => [e.actor, e.entityId])).toContainEqual([
      'mona',
      'pharmacy.byLabel',
    ]);
    await page.getByRole('button', { name: 'End emergency access' }).click();
    await until(() => page.getByTestId('break-glass').isVisible()).toBe(true);
    await page.context().close();
    expect(problems).toEqual([]);
  });

  it('shows a report Rx30 keeps refusing, and goes on once a manager sets it aside', async () => {
    onFailure();
    const [first] = (await rx30.until('SOLD', 1)) as { invoice: string }[];
    rx30.nak(1_000);
    await apiCall(
      server,
      'pharmacy.voidPickup',
      { invoice: first?.invoice, reason: 'Rang up on the wrong day' },
      token,
    );
    const card = counter.getByTestId('waiting-for-rx30');
    await until(() => card.textContent(), 15_000).toContain('Rx30 keeps refusing a report');
    expect(await card.textContent()).toContain(`Rx30 refuses ${first?.invoice}`);
    await card.getByRole('button', { name: 'Set aside' }).click();
    const dialog = counter.getByRole('dialog');
    await dialog.getByLabel('Reason').fill('Voided in Rx30 by hand');
    await dialog.getByRole('button', { name: 'Set aside' }).click();
    // Rx30 takes messages again only once the report is set aside: earlier, a retry could
    // deliver it first and leave nothing to set aside.
    rx30.behave();
    await until(() => card.count()).toBe(0);
    const audit = (await apiQuery(
      server,
      'audit.query',
      { action: 'integration.dismiss' },
      token,
    )) as { entries: unknown[] };
    expect(audit.entries).toHaveLength(1);
    expect(problems).toEqual([]);
  });

  it('lists a prescription not picked up within the payer’s window, to go back to stock', async () => {
    onFailure();
    // eslint-disable-next-line no-restricted-syntax -- this server runs on the PC's clock: a fill date 20 days back
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
