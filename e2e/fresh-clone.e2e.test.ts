// Acceptance: on a fresh clone, on a machine without the Electron binary, `npm ci && npm start`
// brings up the headless store server, and the screens load from it in Chromium.
// It runs the committed HEAD, exactly as CI's clone has it, with no D-Bus session in the
// environment (as on a bare server), so `npm start` must find its own way to a keychain.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { launchBrowser, repoRoot } from './support.ts';

let child: ChildProcess | undefined;
let browser: Browser | undefined;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'backroom-fresh-'));

afterAll(async () => {
  await browser?.close();
  if (child?.pid && child.exitCode === null) {
    // npm start runs node under dbus-run-session: stop the whole process group.
    process.kill(-child.pid, 'SIGTERM');
    await new Promise((r) => setTimeout(r, 1500));
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  fs.rmSync(work, { recursive: true, force: true });
});

function freshEnv(): NodeJS.ProcessEnv {
  // No D-Bus session, no secrets file, no test keychain: a bare server.
  const {
    DBUS_SESSION_BUS_ADDRESS: _bus,
    BACKROOM_SECRETS_FILE: _file,
    BACKROOM_KEYRING_SERVICE: _service,
    npm_config_prefix: _prefix,
    ...inherited
  } = process.env;
  const env: NodeJS.ProcessEnv = {
    ...inherited,
    ELECTRON_SKIP_BINARY_DOWNLOAD: '1',
    BACKROOM_DATA_DIR: path.join(work, 'data'),
    // Keep the private keychain npm start creates out of the real home folder.
    XDG_DATA_HOME: path.join(work, 'xdg-data'),
    XDG_RUNTIME_DIR: path.join(work, 'xdg-runtime'),
  };
  // Outside npm's own PATH additions, as a person at a shell would be.
  env['PATH'] = (env['PATH'] ?? '')
    .split(path.delimiter)
    .filter((p) => !p.includes('node_modules'))
    .join(path.delimiter);
  return env;
}

describe('a fresh clone', () => {
  it('installs with npm ci, starts the headless server with npm start, and serves the first-run screen', async () => {
    const clone = path.join(work, 'backroom');
    const env = freshEnv();
    fs.mkdirSync(env['XDG_DATA_HOME'] ?? '', { recursive: true });
    fs.mkdirSync(env['XDG_RUNTIME_DIR'] ?? '', { recursive: true, mode: 0o700 });
    const git = spawnSync(
      'git',
      ['clone', '--quiet', '--depth', '1', `file://${repoRoot}`, clone],
      { encoding: 'utf8' },
    );
    expect(git.status, git.stderr).toBe(0);
    expect(fs.existsSync(path.join(clone, 'node_modules'))).toBe(false);

    const ci = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--prefer-offline'], {
      cwd: clone,
      env,
      encoding: 'utf8',
      timeout: 600_000,
    });
    expect(ci.status, `${ci.stdout}\n${ci.stderr}`).toBe(0);
    expect(fs.existsSync(path.join(clone, 'node_modules', 'electron', 'dist'))).toBe(false);

    child = spawn('npm', ['start', '--', '--port', '0'], {
      cwd: clone,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (out += d));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`npm start did not come up in 180 s:\n${out}`)),
        180_000,
      );
      const look = () => {
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m?.[1]) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      };
      child?.stdout?.on('data', look);
      child?.once('exit', (code) => reject(new Error(`npm start exited (${code}):\n${out}`)));
    });
    expect(out).toMatch(/Electron is not installed/);
    // No desktop session: npm start found a keychain of its own, and says how weak it is.
    expect(out).toMatch(/started a private Secret Service/);
    expect(out).toMatch(/WARNING: this private keyring is unlocked with an empty password/);

    const health = (await (await fetch(`${url}/healthz`)).json()) as Record<string, unknown>;
    expect(health).toMatchObject({ status: 'ok', schemaVersion: expect.any(Number) });

    browser = await launchBrowser();
    const page = await browser.newPage();
    await page.goto(url);
    await expect
      .poll(() => page.getByRole('heading', { name: 'Set up this store' }).isVisible(), {
        timeout: 15_000,
      })
      .toBe(true);
    // The database key went to the keychain's store, not into the data folder.
    expect(fs.readdirSync(path.join(work, 'data')).some((f) => /secret/i.test(f))).toBe(false);
    expect(fs.readdirSync(path.join(work, 'xdg-data', 'keyrings')).length).toBeGreaterThan(0);
  });
});
