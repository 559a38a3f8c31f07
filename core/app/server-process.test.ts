// The headless server as a process: start, answer, stop cleanly, and fail clearly.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { migrations } from '../db/migrations/index.ts';
import { tempDir } from '../testing/fixtures.ts';
import { DATABASE_FILE } from './services.ts';

const SERVER = fileURLToPath(new URL('../../scripts/server.ts', import.meta.url));

function run(dataDir: string, extra: string[] = []) {
  const child = spawn(
    process.execPath,
    [SERVER, '--port', '0', '--data-dir', dataDir, '--no-backup-schedule', ...extra],
    {
      env: { ...process.env, BACKROOM_KEYRING_SERVICE: 'backroom-process-test' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const listening = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => {
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      if (url) resolve(url);
    });
    void exited.then((code) => reject(new Error(`exited ${code}: ${err}`)));
  });
  // A test that expects the server to fail never awaits `listening`.
  listening.catch(() => {});
  return { child, listening, exited, output: () => ({ out, err }) };
}

describe('the headless store server process', () => {
  it('answers /healthz and closes the database cleanly on SIGTERM and SIGINT', async () => {
    const dataDir = tempDir();
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const p = run(dataDir);
      const url = await p.listening;
      const health = (await (await fetch(`${url}/healthz`)).json()) as Record<string, unknown>;
      expect(health).toMatchObject({
        status: 'ok',
        schemaVersion: migrations.length,
        version: expect.any(String),
      });
      expect(health['auditChain']).toMatchObject({ state: expect.stringMatching(/ok|verifying/) });
      p.child.kill(signal);
      expect(await p.exited).toBe(0);
      // A clean close checkpoints the write-ahead log into the database file.
      const wal = path.join(dataDir, `${DATABASE_FILE}-wal`);
      expect(!fs.existsSync(wal) || fs.statSync(wal).size === 0).toBe(true);
    }
  });

  it('refuses to start on a damaged database with a clear message, not a crash dump', async () => {
    const dataDir = tempDir();
    const first = run(dataDir);
    await first.listening;
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    const file = path.join(dataDir, DATABASE_FILE);
    const bytes = fs.readFileSync(file);
    bytes.fill(0, 0, Math.min(bytes.length, 16_384));
    fs.writeFileSync(file, bytes);
    const second = run(dataDir);
    expect(await second.exited).toBe(1);
    const { err } = second.output();
    expect(err).toMatch(
      /Backroom could not start: The store database .* is damaged .* Restore it from the latest backup/,
    );
    expect(err).not.toMatch(/\n\s+at /);
  });

  it('explains a port that is already taken', async () => {
    const a = run(tempDir());
    const url = await a.listening;
    const port = new URL(url).port;
    const b = spawn(
      process.execPath,
      [SERVER, '--port', port, '--data-dir', tempDir(), '--no-backup-schedule'],
      {
        env: { ...process.env, BACKROOM_KEYRING_SERVICE: 'backroom-process-test' },
      },
    );
    let err = '';
    b.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise((r) => b.on('exit', r));
    a.child.kill('SIGTERM');
    await a.exited;
    expect(code).toBe(1);
    expect(err).toMatch(new RegExp(`Port ${port} .* is already in use`));
  });
});
