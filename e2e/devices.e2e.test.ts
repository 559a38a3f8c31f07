// Issue 5 acceptance, on the real screens: the manager adds a network receipt printer and a
// serial scale (simulators on 127.0.0.1 and a pseudo-terminal) in the device manager, runs
// their tests (test page, sample receipt, drawer, weight), then watches the printer's health
// go red when it is switched off (the dashboard too) and green when it is back; a receipt
// asked for while it was off waits and prints once it returns.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import {
  startEscPosPrinter,
  type EscPosPrinterSimulator,
} from '../simulators/escpos-printer/printer.ts';
import {
  startScaleSimulator,
  type RunningScaleSimulator,
} from '../simulators/serial-scale/simulator.ts';
import {
  fieldsOf,
  startZplPrinter,
  type ZplPrinterSimulator,
} from '../simulators/zpl-printer/printer.ts';
import {
  apiCall,
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
let page: Page;
let printer: EscPosPrinterSimulator;
let scale: RunningScaleSimulator;
let labels: ZplPrinterSimulator;
const pageProblems: string[] = [];

const until = <T>(read: () => T | Promise<T>, timeout = 10_000) =>
  expect.poll(read, { timeout, interval: 100 });

const call = (path: string, body: unknown, token?: string) => apiCall(server, path, body, token);

beforeAll(async () => {
  ensureRendererBuilt();
  [server, browser, printer, scale, labels] = await Promise.all([
    startServer({ deviceCheckSeconds: 1 }),
    launchBrowser(),
    startEscPosPrinter(),
    startScaleSimulator({ protocol: 'mt-sics' }),
    startZplPrinter(),
  ]);
  scale.simulator.setWeight(1.234, 'kg');
  await call('setup.createOwner', OWNER);
  page = await openPage(browser, pageProblems);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await printer?.stop();
  await scale?.close();
  await labels?.stop();
});

const card = (name: string) => page.locator(`[data-testid="device-card"][data-device="${name}"]`);
const health = (name: string) =>
  card(name).getByTestId('device-health').getAttribute('data-health');

describe('the device manager, end to end', () => {
  const onFailure = () =>
    onTestFailed(async () => {
      const files = await screenshotAll({ page }, 'backroom-e2e-devices');
      console.error(`Screenshots: ${files.join(', ')}\nServer log:\n${server.log()}`);
    });

  it('adds a network receipt printer and runs its tests: test page, sample receipt, drawer', async () => {
    onFailure();
    await page.goto(server.url);
    await signIn(page, OWNER);
    await openSection(page, 'Devices');
    await until(() => page.getByTestId('devices-empty').isVisible()).toBe(true);

    await page.getByRole('button', { name: 'Add a device' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name', { exact: true }).fill('Front counter');
    await dialog.getByLabel('Address', { exact: true }).fill('127.0.0.1');
    await dialog.getByLabel('Port', { exact: true }).fill(String(printer.port));
    await dialog.getByRole('button', { name: 'Save device' }).click();
    await until(() => dialog.isVisible()).toBe(false);
    await until(() => health('Front counter')).toBe('ok');

    await card('Front counter').getByRole('button', { name: 'Print a test page' }).click();
    const [testPage] = await printer.waitForJobs(1, 5_000);
    // The title is printed double size, so it wraps: read the words, not the lines.
    expect(testPage?.lines.join(' ').replace(/\s+/g, ' ')).toContain('Test page · Front counter');
    await card('Front counter').getByRole('button', { name: 'Print a sample receipt' }).click();
    const jobs = await printer.waitForJobs(2, 5_000);
    expect(jobs[1]?.lines.join('\n')).toContain('Sample item');
    expect(jobs[1]?.barcodes).toEqual(['SAMPLE-0001']);
    await card('Front counter').getByRole('button', { name: 'Open the drawer' }).click();
    await until(() => card('Front counter').getByTestId('device-test-result').textContent()).toBe(
      'Drawer opened.',
    );
    expect(printer.receipts().flatMap((r) => r.drawerKicks)).toEqual([
      { pin: 2, t1: 0x19, t2: 0xfa },
    ]);
    await card('Front counter').getByRole('button', { name: 'Print jobs' }).click();
    await until(() => card('Front counter').getByTestId('print-job').count()).toBe(2);
    expect(
      await card('Front counter')
        .locator('[data-testid="print-job"][data-state="printed"]')
        .count(),
    ).toBe(2);
  });

  it('adds a serial scale on its port and reads a settled weight', async () => {
    onFailure();
    await page.getByRole('button', { name: 'Add a device' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Kind of device').click();
    await page.getByRole('option', { name: 'Scale', exact: true }).click();
    await dialog.getByLabel('Name', { exact: true }).fill('Deli scale');
    await dialog.getByRole('textbox', { name: 'Serial port' }).fill(scale.hostPath);
    await dialog.getByRole('button', { name: 'Save device' }).click();
    await until(() => dialog.isVisible()).toBe(false);
    await until(() => health('Deli scale')).toBe('ok');
    scale.simulator.moving(2);
    await card('Deli scale').getByRole('button', { name: 'Read the weight' }).click();
    await until(() => card('Deli scale').getByTestId('device-test-result').textContent()).toBe(
      'Weight: 1.234 kg',
    );
  });

  it('shows the printer red when it is switched off (the dashboard too), holds a receipt, and goes green and prints it when it is back', async () => {
    onFailure();
    await printer.offline();
    await until(() => health('Front counter')).toBe('down');
    expect(await card('Front counter').getByTestId('device-error').textContent()).toMatch(
      /refused the connection/,
    );
    await card('Front counter').getByRole('button', { name: 'Print a sample receipt' }).click();
    await until(() => card('Front counter').getByTestId('device-queue').textContent()).toContain(
      '1 job waiting',
    );

    await openSection(page, 'Dashboard');
    const tile = page.locator('[data-testid="dashboard-device"][data-device="Front counter"]');
    await until(() => tile.getByTestId('device-health').getAttribute('data-health')).toBe('down');
    expect(
      await page
        .locator('[data-testid="dashboard-device"][data-device="Deli scale"]')
        .getByTestId('device-health')
        .getAttribute('data-health'),
    ).toBe('ok');

    await printer.online();
    await until(() => tile.getByTestId('device-health').getAttribute('data-health')).toBe('ok');
    // Test page, sample receipt and drawer before; now the held receipt, once.
    const jobs = await printer.waitForJobs(4, 10_000);
    expect(jobs[3]?.lines.join('\n')).toContain('Sample item');
    await openSection(page, 'Devices');
    await until(() => health('Front counter')).toBe('ok');
    expect(await card('Front counter').getByTestId('device-queue').count()).toBe(0);
    expect(printer.receipts()).toHaveLength(4);
    expect(pageProblems).toEqual([]);
  });

  it('previews a firearm tag as it will print, then prints it on the label printer', async () => {
    onFailure();
    await page.getByRole('button', { name: 'Add a device' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Kind of device').click();
    await page.getByRole('option', { name: 'Label printer', exact: true }).click();
    await dialog.getByLabel('Name', { exact: true }).fill('Gun counter labels');
    await dialog.getByLabel('Address', { exact: true }).fill('127.0.0.1');
    await dialog.getByLabel('Port', { exact: true }).fill(String(labels.port));
    await dialog.getByRole('button', { name: 'Save device' }).click();
    await until(() => dialog.isVisible()).toBe(false);
    await until(() => health('Gun counter labels')).toBe('ok');
    const tags = card('Gun counter labels');
    await tags.getByText('Firearm tag', { exact: true }).click();
    await tags.getByLabel('Manufacturer').fill('Glock');
    await tags.getByLabel('Model').fill('19 Gen5');
    await tags.getByLabel('Serial').fill('BKRM101');
    await tags.getByLabel('Caliber').fill('9mm');
    await tags.getByRole('button', { name: 'Preview' }).click();
    const preview = tags.getByTestId('label-preview');
    await until(() =>
      preview.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth),
    ).toBe(457);
    await tags.getByRole('button', { name: 'Print label' }).click();
    const printed = await labels.waitForLabels(1, 5_000);
    expect(printed.map(fieldsOf)).toEqual([['Glock', '19 Gen5', 'Cal. 9mm', 'BKRM101']]);
    expect(pageProblems).toEqual([]);
  });

  it('takes a signature on the pad: a dot is refused, a name is kept with its strokes', async () => {
    onFailure();
    const pad = page.getByTestId('signature-pad');
    await pad.scrollIntoViewIfNeeded();
    const box = await pad.boundingBox();
    if (!box) throw new Error('the signature pad is not on screen');
    const at = (x: number, y: number) => page.mouse.move(box.x + x, box.y + y);
    await at(60, 70);
    await page.mouse.down();
    await page.mouse.up();
    await until(
      () => page.getByText('That is a dot or a tick, not a signature.').isVisible(),
      5_000,
    ).toBe(true);
    expect(await page.getByTestId('signature-kept').count()).toBe(0);
    await page.getByRole('button', { name: 'Clear' }).click();
    await at(40, 80);
    await page.mouse.down();
    for (let i = 1; i <= 40; i++) await at(40 + i * 6, 80 + 25 * Math.sin(i / 2));
    await page.mouse.up();
    await until(() => page.getByTestId('signature-kept').textContent()).toMatch(
      /: 1 stroke, \d+ points/,
    );
    expect(pageProblems).toEqual([]);
  });
});
