// Issue 3 acceptance, walked on the real screens: the owner sets the store's state, connects
// signed webhooks to a real sink on 127.0.0.1, sees deliveries arrive, makes the sink fail,
// watches the badge turn red and the connection pause (and the dashboard alert), fixes the
// sink, presses "Retry all", and the badge goes green with everything delivered once.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { startWebhookSink, type WebhookSink } from '../simulators/webhook-sink/sink.ts';
import {
  ensureRendererBuilt,
  launchBrowser,
  openSection,
  screenshotAll,
  signIn,
  startServer,
  openPage,
  type RunningServer,
} from './support.ts';

const OWNER = { displayName: 'Maria Lopez', username: 'maria', password: 'owner-password-1' };
const SECRET = 'e2e-signing-secret-that-is-long-enough-1234';

let server: RunningServer;
let browser: Browser;
let sink: WebhookSink;
let page: Page;
const pageProblems: string[] = [];

const until = <T>(read: () => T | Promise<T>, timeout = 10_000) =>
  expect.poll(read, { timeout, interval: 100 });

beforeAll(async () => {
  ensureRendererBuilt();
  [server, browser, sink] = await Promise.all([
    startServer(),
    launchBrowser(),
    startWebhookSink({ secret: SECRET }),
  ]);
  const created = await fetch(`${server.url}/api/setup.createOwner`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(OWNER),
  });
  expect(created.status).toBe(200);
  page = await openPage(browser, pageProblems, { width: 1280, height: 900 });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await sink?.close();
});

const badge = () => page.getByTestId('connection-health').getAttribute('data-level');

describe('integrations, end to end', () => {
  const onFailure = () =>
    onTestFailed(async () => {
      const files = await screenshotAll({ page }, 'backroom-e2e-integrations');
      console.error(`Screenshots: ${files.join(', ')}\nServer log:\n${server.log()}`);
    });

  it('sets the store’s state, then connects signed webhooks from the catalog', async () => {
    onFailure();
    await page.goto(server.url);
    await signIn(page, OWNER);
    await openSection(page, 'Integrations');
    await until(() => page.getByTestId('store-state-missing').isVisible()).toBe(true);
    // Providers cannot be enabled before the state is known: the catalog says why.
    expect(
      await page
        .getByTestId('provider-webhook.outbound')
        .getByTestId('provider-reason')
        .textContent(),
    ).toContain('Set the store');
    await page.getByLabel('Store name').fill('Main Street Outfitters');
    await page.getByTestId('store-state').fill('TX');
    await page.getByRole('option', { name: 'TX', exact: true }).click();
    await page.getByRole('button', { name: 'Save' }).click();
    await until(() => page.getByTestId('store-summary').textContent()).toBe(
      'Main Street Outfitters, in TX',
    );
    // Providers without a connector in this version say so instead of offering "Connect".
    expect(
      await page
        .getByTestId('provider-accounting.quickbooks')
        .getByTestId('provider-reason')
        .textContent(),
    ).toContain('not available in this version');
    await page
      .getByTestId('provider-webhook.outbound')
      .getByRole('button', { name: 'Connect' })
      .click();
    await until(() => page.getByRole('heading', { name: 'Signed webhooks' }).isVisible()).toBe(
      true,
    );
    expect(await page.getByTestId('connection-state').textContent()).toBe('Being set up');
  });

  it('checks settings as they are typed, saves them, and enables after a passing test', async () => {
    onFailure();
    const enable = page.getByRole('button', { name: 'Test and enable' });
    expect(await enable.isDisabled()).toBe(true); // nothing set yet: the provider's rules say no
    await page.getByLabel('Receiving address').fill('ftp://example.com/hook');
    await until(() =>
      page.getByText('is a web address').or(page.getByText('Use an https://')).first().isVisible(),
    ).toBe(true);
    await page.getByLabel('Receiving address').fill(sink.url);
    await page.getByLabel('Signing secret').fill('too-short');
    await until(() =>
      page.getByText('The signing secret needs at least 32 characters').isVisible(),
    ).toBe(true);
    await page.getByLabel('Signing secret').fill(SECRET);
    await page.getByRole('button', { name: 'Save' }).first().click();
    await until(() => page.getByText('Settings saved.').isVisible()).toBe(true);
    await until(() => enable.isDisabled()).toBe(false);
    await enable.click();
    await until(() => page.getByTestId('connection-note').textContent()).toContain(
      'Signed webhooks is active',
    );
    await until(badge).toBe('green');
    expect(sink.stats().pings).toBe(1);
  });

  it('sends test events that arrive at the sink, and shows them in the sync log', async () => {
    onFailure();
    for (let n = 0; n < 3; n++)
      await page.getByRole('button', { name: 'Send a test event' }).click();
    await until(() => sink.stats().accepted).toBe(3);
    await page.getByRole('tab', { name: 'Sync log' }).click();
    await until(() => page.getByTestId('sync-log').isVisible()).toBe(true);
    await until(() => page.getByTestId('run-status').first().textContent()).toBe('Success');
  });

  it('turns red and pauses when the sink fails; the dashboard shows the alert', async () => {
    onFailure();
    sink.setFault({ kind: 'status', status: 503, message: 'Receiver down for maintenance' });
    for (let n = 0; n < 3; n++)
      await page.getByRole('button', { name: 'Send a test event' }).click();
    await until(() => page.getByTestId('connection-state').textContent()).toBe('Paused');
    await until(badge).toBe('red');
    await page.getByRole('tab', { name: 'Overview' }).click();
    await until(() => page.getByTestId('health-reasons').textContent()).toContain(
      'Paused after 3 failures in a row',
    );
    await openSection(page, 'Dashboard');
    await until(() => page.getByTestId('integration-alerts').textContent()).toContain(
      'Signed webhooks',
    );
    await page.getByTestId('integration-alerts').getByRole('link', { name: 'Open' }).click();
    await until(() => page.getByRole('heading', { name: 'Signed webhooks' }).isVisible()).toBe(
      true,
    );
  });

  it('after the sink is fixed, “Retry all” delivers everything once and the badge goes green', async () => {
    onFailure();
    sink.setFault({ kind: 'none' });
    await page.getByRole('button', { name: 'Retry all' }).click();
    await until(() => sink.stats().accepted).toBe(6);
    await until(badge).toBe('green');
    expect(await page.getByTestId('connection-state').textContent()).toBe('Active');
    expect(sink.stats().eventsAcceptedTwice).toEqual([]);
    expect(pageProblems).toEqual([]);
  });

  it('a refused event waits in the dead letters with the receiver’s words, and “Retry” sends it once', async () => {
    onFailure();
    sink.setFault({ kind: 'status', status: 400, message: 'field total is required' });
    await page.getByRole('button', { name: 'Send a test event' }).click();
    await until(() => page.getByRole('tab', { name: 'Dead letters (1)' }).isVisible()).toBe(true);
    await page.getByRole('tab', { name: 'Dead letters (1)' }).click();
    await until(() => page.getByTestId('dead-letter-error').textContent()).toBe(
      'The receiver answered 400 Bad Request: field total is required',
    );
    sink.setFault({ kind: 'none' });
    await page
      .getByTestId('dead-letters')
      .getByRole('button', { name: 'Retry', exact: true })
      .click();
    await until(() => sink.stats().accepted).toBe(7);
    await until(() => page.getByTestId('dead-letters-empty').isVisible()).toBe(true);
    await until(badge).toBe('green');
    expect(sink.stats().eventsAcceptedTwice).toEqual([]);
    expect(pageProblems).toEqual([]);
  });
});
