// End-to-end helpers: the real headless store server in a child process, the real built
// screens, and the Debian Chromium through playwright-core.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const repoRoot = path.resolve(import.meta.dirname, '..');

/** The store owner the section e2e tests set up and sign in as. */
export const OWNER = { displayName: 'Dana Reyes', username: 'dana', password: 'owner-password-1' };
const rendererSrc = path.join(repoRoot, 'renderer');
const rendererIndex = path.join(repoRoot, 'out', 'renderer', 'index.html');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    newest = Math.max(newest, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/**
 * Builds the screens when out/renderer is missing, or older than renderer/ or the Vite
 * config, so the test never walks yesterday's screens.
 */
export function ensureRendererBuilt(): void {
  const built = fs.existsSync(rendererIndex) ? fs.statSync(rendererIndex).mtimeMs : 0;
  const config = path.join(repoRoot, 'vite.renderer.config.ts');
  if (built && built >= newestMtime(rendererSrc) && built >= fs.statSync(config).mtimeMs) return;
  // Run Vite with this Node (24): the system node may be too old.
  const vite = path.join(repoRoot, 'node_modules', 'vite', 'bin', 'vite.js');
  const result = spawnSync(
    process.execPath,
    [vite, 'build', '--config', config, '--logLevel', 'warn'],
    {
      cwd: repoRoot,
      encoding: 'utf8',
    },
  );
  if (result.status !== 0 || !fs.existsSync(rendererIndex)) {
    throw new Error(`Building the renderer failed:\n${result.stdout}\n${result.stderr}`);
  }
}

export interface RunningServer {
  url: string;
  dataDir: string;
  /** What the server wrote on stderr (shown when a test fails). */
  log(): string;
  stop(): Promise<void>;
}

/** Signs in on the sign-in screen, as a person types it (Enter in the password field). */
export async function signIn(
  page: Page,
  user: { username: string; password: string },
): Promise<void> {
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Password', { exact: true }).fill(user.password);
  await page.getByLabel('Password', { exact: true }).press('Enter');
}

/** Opens a section from the main navigation. */
export async function openSection(page: Page, name: string): Promise<void> {
  await page
    .getByRole('navigation', { name: 'Main navigation' })
    .getByRole('link', { name })
    .click();
}

/** Calls the store server's API over HTTP (setting up what a test does not walk through). */
export async function apiCall(
  server: Pick<RunningServer, 'url'>,
  path: string,
  body: unknown,
  token?: string,
): Promise<unknown> {
  const res = await fetch(`${server.url}/api/${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as { result?: { data?: unknown } };
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
  return json.result?.data;
}

/** Reads from the store server's API over HTTP (a tRPC query is a GET). */
export async function apiQuery(
  server: Pick<RunningServer, 'url'>,
  path: string,
  input: unknown,
  token: string,
): Promise<unknown> {
  const res = await fetch(
    `${server.url}/api/${path}?input=${encodeURIComponent(JSON.stringify(input))}`,
    { headers: { authorization: `Bearer ${token}` } },
  );
  const json = (await res.json()) as { result?: { data?: unknown } };
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
  return json.result?.data;
}

export async function startServer(
  o: { idleTimeoutSeconds?: number; testClock?: boolean; deviceCheckSeconds?: number } = {},
): Promise<RunningServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'backroom-e2e-'));
  const args = [
    path.join(repoRoot, 'scripts', 'server.ts'),
    '--port',
    '0',
    '--data-dir',
    dataDir,
    '--no-backup-schedule',
    ...(o.idleTimeoutSeconds ? ['--idle-timeout', String(o.idleTimeoutSeconds)] : []),
    ...(o.testClock ? ['--test-clock'] : []),
    ...(o.deviceCheckSeconds ? ['--device-check-seconds', String(o.deviceCheckSeconds)] : []),
  ];
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: repoRoot,
    env: { ...process.env, BACKROOM_SECRETS_FILE: path.join(dataDir, 'secrets.json') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );

  const url = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(
      () => reject(new Error(`The store server did not start in 30 s.\n${stderr}`)),
      30_000,
    );
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      const m = /Backroom store server listening on (http:\/\/\S+)/.exec(stdout);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`The store server exited (${code}) before listening.\n${stderr}`));
    });
  });

  return {
    url,
    dataDir,
    log: () => stderr,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const code = await Promise.race([
          exited,
          new Promise((r) => setTimeout(() => r('timeout'), 10_000)),
        ]);
        if (code === 'timeout') child.kill('SIGKILL');
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Moves a --test-clock server's time forward by whole days. */
export async function advanceServerClock(server: RunningServer, days: number): Promise<void> {
  const res = await fetch(`${server.url}/__test__/clock`, {
    method: 'POST',
    body: JSON.stringify({ advanceDays: days }),
  });
  if (!res.ok) throw new Error(`Moving the test clock failed: ${res.status} ${await res.text()}`);
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Fails the test on any uncaught error or CSP violation in the page. */
export function watchPage(page: Page, problems: string[]): void {
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/.test(m.text())) {
      problems.push(`console: ${m.text()}`);
    }
  });
}

/**
 * A fresh browser context (one PC) with one page, watched for problems. Its reads time out
 * within 5 s, so one read never outwaits the poll around it.
 */
export async function openPage(
  browser: Browser,
  problems: string[],
  viewport: { width: number; height: number } = { width: 1400, height: 950 },
): Promise<Page> {
  const context = await browser.newContext({ viewport, locale: 'en-US' });
  context.setDefaultTimeout(5_000);
  const page = await context.newPage();
  watchPage(page, problems);
  return page;
}

/** Saves what each open page shows, for a failed run. Returns the files written. */
export async function screenshotAll(
  pages: Record<string, Page | undefined>,
  prefix: string,
): Promise<string[]> {
  const files: string[] = [];
  for (const [name, page] of Object.entries(pages)) {
    if (!page || page.isClosed()) continue;
    const file = path.join(os.tmpdir(), `${prefix}-${name}.png`);
    await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
    files.push(file);
  }
  return files;
}

/**
 * axe-core's critical and serious violations on the page (or the part `context` names), as
 * "rule: targets" lines. Colour contrast is left out: the shared Mantine theme's contrast is
 * an app-wide matter, fixed theme-wide (the same exclusion e2e/checks.e2e.test.ts makes).
 */
export async function seriousA11yViolations(
  page: Page,
  context: unknown = 'html',
): Promise<string[]> {
  const loaded = await page.evaluate(() => 'axe' in globalThis);
  if (!loaded) {
    const axe = await import('axe-core');
    await page.evaluate(axe.default.source);
  }
  return page.evaluate(async (c) => {
    const w = globalThis as unknown as {
      axe: {
        run: (
          c: unknown,
          o: unknown,
        ) => Promise<{
          violations: { id: string; impact: string; nodes: { target: string[] }[] }[];
        }>;
      };
    };
    const result = await w.axe.run(c, { rules: { 'color-contrast': { enabled: false } } });
    return result.violations
      .filter((v) => v.impact === 'critical' || v.impact === 'serious')
      .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  }, context);
}
