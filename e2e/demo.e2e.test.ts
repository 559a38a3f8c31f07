// Issue 14 §1: `npm run demo` shows every flow working in one command. The demo is started as
// a newcomer starts it (node scripts/demo.ts, in a folder of its own, on free ports); once it
// prints its URL, the owner signs in with the printed password (no change asked) and walks one
// flow per area on the real screens. Then the demo is stopped and no process it started is left.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { DemoSummary } from '../core/demo/seed.ts';
import { DEMO_SEEDED } from '../core/demo/folder.ts';
import { DEMO_USERS } from '../core/demo/users.ts';
import {
  ensureRendererBuilt,
  launchBrowser,
  openPage,
  openSection,
  repoRoot,
  screenshotAll,
  signIn,
} from './support.ts';

let demo: ChildProcess;
let output = '';
let url = '';
let dataDir = '';
let summary: DemoSummary;
/** Every process under the demo once it is up (simulators, socat, the server). */
let started: number[] = [];
let browser: Browser;
let page: Page;
const problems: string[] = [];

const until = <T>(read: () => T | Promise<T>, timeout = 10_000) =>
  expect.poll(read, { timeout, interval: 100 });

/** The processes below `pid`, from /proc (Linux, as CI and the tests run). */
function descendants(pid: number): number[] {
  const parent = new Map<number, number>();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      // "pid (comm) state ppid …": comm may hold spaces, so read after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parent.set(Number(name), ppid);
    } catch {
      // gone meanwhile
    }
  }
  const found: number[] = [];
  const walk = (p: number) => {
    for (const [child, pp] of parent)
      if (pp === p) {
        found.push(child);
        walk(child);
      }
  };
  walk(pid);
  return found;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    // A zombie has exited; only its parent has not read its status yet.
    return !/^\S+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

beforeAll(async () => {
  ensureRendererBuilt();
  dataDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'backroom-e2e-demo-')), 'demo');
  demo = spawn(
    process.execPath,
    [path.join(repoRoot, 'scripts', 'demo.ts'), '--port', '0', '--data-dir', dataDir],
    { cwd: repoRoot, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  demo.stdout?.setEncoding('utf8').on('data', (d: string) => (output += d));
  demo.stderr?.setEncoding('utf8').on('data', (d: string) => (output += d));
  // Waits for what the demo prints, not for a time: its URL, after the banner is complete.
  // (The hook's own time limit fails the test if it never comes.)
  await new Promise<void>((resolve) => {
    demo.stdout?.on('data', () => /Press Ctrl-C/.test(output) && resolve());
    demo.once('exit', () => resolve());
  });
  const m = /Backroom demo ready at (http:\/\/\S+)/.exec(output);
  if (!m?.[1]) throw new Error(`The demo did not start:\n${output}`);
  url = m[1];
  summary = JSON.parse(fs.readFileSync(path.join(dataDir, DEMO_SEEDED), 'utf8')) as DemoSummary;
  started = descendants(demo.pid ?? -1);
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  // After a failure: whatever is still running under the demo goes too (never other processes).
  const left = new Set([...started, ...(demo?.pid ? descendants(demo.pid) : [])]);
  if (demo && demo.exitCode === null) demo.kill('SIGKILL');
  for (const pid of left) if (alive(pid)) process.kill(pid, 'SIGKILL');
  if (dataDir) fs.rmSync(path.dirname(dataDir), { recursive: true, force: true });
});

/** A new PC (browser context) signed in as the demo's user with `role`, password as printed. */
async function signInAs(role: (typeof DEMO_USERS)[number]['role']): Promise<void> {
  const user = DEMO_USERS.find((u) => u.role === role);
  if (!user) throw new Error(`The demo has no ${role}.`);
  await page?.context().close();
  page = await openPage(browser, problems);
  await page.goto(url);
  await signIn(page, user);
  await until(() => page.getByTestId('current-user').textContent()).toContain(user.displayName);
}

describe('npm run demo', () => {
  const onFailure = () =>
    onTestFailed(async () => {
      const files = await screenshotAll({ page }, 'backroom-e2e-demo');
      console.error(`Screenshots: ${files.join(', ')}\nDemo output:\n${output}`);
    });

  it('prints where to go, every user with a password, and keeps out of the real data folder', () => {
    onFailure();
    for (const u of DEMO_USERS) expect(output).toContain(`${u.username}`);
    for (const u of DEMO_USERS) expect(output).toContain(u.password);
    expect(output).toContain('no password change needed');
    expect(output).toContain(`Data: ${dataDir}`);
    // The simulators and the server: six simulators (two with socat below them) and the server.
    expect(started.length).toBeGreaterThanOrEqual(7);
  });

  it('firearms: the compliance clerk signs in with the printed password (no change asked); the book shows its entries and the check desk its checks', async () => {
    onFailure();
    await signInAs('compliance_clerk');
    await openSection(page, 'Firearms');
    await until(() => page.getByTestId('ledger-row').count()).toBeGreaterThan(10);
    await page.getByRole('tab', { name: 'Check desk' }).click();
    const card = (form4473: string) =>
      page.locator(`[data-testid="check-card"][data-form4473="${form4473}"]`);
    await until(() => card(summary.checks.delayed).getByTestId('check-status').textContent()).toBe(
      'Delayed',
    );
    expect(await card(summary.checks.delayed).getByTestId('may-proceed').textContent()).toContain(
      summary.delayedMayProceedOn ?? 'no date',
    );
    expect(await card(summary.checks.pending).count()).toBe(1);
    expect(await card(summary.checks.proceed).count()).toBe(1);
  });

  it('pharmacy: the pharmacy staff sign in; prescriptions ready for pickup are listed', async () => {
    onFailure();
    await signInAs('pharmacy_staff');
    await openSection(page, 'Pharmacy');
    const first = summary.prescriptions[0]?.rxLabel.slice(0, 6) ?? '';
    await until(() => page.locator(`[data-testid="ready-rx"][data-rx="${first}"]`).count()).toBe(1);
    expect(await page.getByTestId('ready-rx').count()).toBe(summary.prescriptions.length);
  });

  it('devices: the owner signs in; the receipt printer simulator is online, and a test page prints on it', async () => {
    onFailure();
    await signInAs('owner');
    await openSection(page, 'Devices');
    const card = page.locator('[data-testid="device-card"][data-device="Front counter printer"]');
    await until(() => card.getByTestId('device-health').getAttribute('data-health')).toBe('ok');
    await card.getByRole('button', { name: 'Print a test page' }).click();
    // The simulator prints what it received as text, in the demo's output.
    await until(() => /\[receipt\] .*Test page/.test(output)).toBe(true);
  });

  it('integrations: the webhook connection is healthy', async () => {
    onFailure();
    await openSection(page, 'Integrations');
    const row = page.getByTestId('connection-webhook.outbound');
    await until(() => row.getByTestId('health-badge').getAttribute('data-level')).toBe('green');
  });

  it('backups: "Back up now" makes a verified backup in the demo folder', async () => {
    onFailure();
    await openSection(page, 'Backups');
    await page.getByRole('button', { name: 'Back up now' }).click();
    await until(() => page.getByTestId('backup-result').textContent(), 20_000).toContain(
      path.join(dataDir, 'backups'),
    );
    expect(await page.getByTestId('backup-result').textContent()).not.toContain('failed');
    expect(problems).toEqual([]);
  });

  it('stops on SIGTERM, and no process it started is left', async () => {
    onFailure();
    demo.kill('SIGTERM');
    await until(() => demo.exitCode, 30_000).toBe(0);
    expect(output).toContain('every process it started has ended');
    expect(started.filter(alive)).toEqual([]);
  });
});
