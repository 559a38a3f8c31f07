// Where the headless store server keeps its secrets (issue 14, "the first five minutes"):
// `npm ci && npm start` must run on a bare Linux machine with no keychain, keeping secrets in a
// 0600 file in the data folder and saying so loudly; never doing so where a keychain answers,
// and never losing the database key once it is in that file.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../app/services.ts';
import { OWNER, tempDir } from '../testing/fixtures.ts';
import { call } from '../testing/server-process.ts';
import { KeyringSecretStore } from './keyring.ts';
import {
  DATA_DIR_SECRETS_FILE,
  MOVE_COMMAND,
  dataDirFileWarning,
  planServerSecrets,
  type ServerSecretsFacts,
} from './server-choice.ts';

const SERVER = fileURLToPath(new URL('../../scripts/server.ts', import.meta.url));

describe('the headless server’s choice of secret store', () => {
  const facts = (over: Partial<ServerSecretsFacts> = {}): ServerSecretsFacts => ({
    configuredFile: null,
    dataDirFile: '/data/secrets.json',
    dataDirFileExists: false,
    databaseExists: false,
    keychain: { answers: true },
    moveToKeychain: false,
    ...over,
  });
  const noKeychain = { answers: false, why: 'no session bus' } as const;

  it('uses the OS keychain whenever it answers, and then never creates a file', () => {
    expect(planServerSecrets(facts())).toEqual({ use: 'keychain' });
    expect(planServerSecrets(facts({ databaseExists: true }))).toEqual({ use: 'keychain' });
  });

  it('uses BACKROOM_SECRETS_FILE first when it is set, keychain or not', () => {
    for (const keychain of [{ answers: true } as const, noKeychain]) {
      expect(
        planServerSecrets(
          facts({ configuredFile: '/etc/backroom/s.json', keychain, dataDirFileExists: true }),
        ),
      ).toEqual({ use: 'configured_file', file: '/etc/backroom/s.json' });
    }
  });

  it('falls back to a new file in the data folder only for a fresh store with no keychain', () => {
    expect(planServerSecrets(facts({ keychain: noKeychain }))).toEqual({
      use: 'data_dir_file',
      file: '/data/secrets.json',
      fresh: true,
    });
  });

  it('keeps using the data-folder file once the key is in it, even when a keychain appears', () => {
    for (const keychain of [{ answers: true } as const, noKeychain]) {
      expect(
        planServerSecrets(facts({ dataDirFileExists: true, databaseExists: true, keychain })),
      ).toEqual({ use: 'data_dir_file', file: '/data/secrets.json', fresh: false });
    }
  });

  it('never gives an existing store a new file: its key is in a keychain that did not answer', () => {
    const plan = planServerSecrets(facts({ databaseExists: true, keychain: noKeychain }));
    expect(plan.use).toBe('refuse');
    expect(plan.use === 'refuse' && plan.message).toMatch(
      /did not answer \(no session bus\).*will not start it with a new secrets file.*BACKROOM_SECRETS_FILE/s,
    );
  });

  it('moves the data-folder file into the keychain only when asked and a keychain answers', () => {
    expect(planServerSecrets(facts({ moveToKeychain: true, dataDirFileExists: true }))).toEqual({
      use: 'move_to_keychain',
      file: '/data/secrets.json',
    });
    const refused = [
      facts({ moveToKeychain: true, dataDirFileExists: true, keychain: noKeychain }),
      facts({ moveToKeychain: true, dataDirFileExists: false }),
      facts({ moveToKeychain: true, dataDirFileExists: true, configuredFile: '/x.json' }),
    ].map((f) => planServerSecrets(f));
    expect(refused.map((p) => p.use)).toEqual(['refuse', 'refuse', 'refuse']);
    expect(refused[0]?.use === 'refuse' && refused[0].message).toMatch(
      /stay in \/data\/secrets\.json.*did not answer/s,
    );
  });

  it('warns in the words the issue asks for, with how to set up the keychain and move the file', () => {
    const none = dataDirFileWarning('/data/secrets.json', noKeychain);
    expect(none).toContain(
      'secrets are in a file on this PC — set up the keychain before real use',
    );
    expect(none).toMatch(/No OS keychain answered \(no session bus\)/);
    expect(none).toMatch(/apt-get install dbus gnome-keyring/);
    expect(none).toContain(MOVE_COMMAND);
    expect(none).toMatch(/never delete it/);
    expect(dataDirFileWarning('/data/secrets.json', { answers: true })).toMatch(
      /A keychain answers on this PC now: move the secrets into it with npm start -- --move-secrets-to-keychain/,
    );
  });
});

// ---- the real server process -------------------------------------------------------------

const children = new Set<ChildProcess>();
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
});

interface Run {
  child: ChildProcess;
  listening: Promise<string>;
  exited: Promise<number | null>;
  output(): { out: string; err: string };
}

function runServer(dataDir: string, env: NodeJS.ProcessEnv, extra: string[] = []): Run {
  const child = spawn(
    process.execPath,
    [SERVER, '--port', '0', '--data-dir', dataDir, '--no-backup-schedule', ...extra],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.add(child);
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      children.delete(child);
      resolve(code);
    }),
  );
  const listening = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => {
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      if (url) resolve(url);
    });
    void exited.then((code) => reject(new Error(`exited ${code}: ${err}`)));
  });
  listening.catch(() => {});
  return { child, listening, exited, output: () => ({ out, err }) };
}

async function stop(run: Run): Promise<void> {
  run.child.kill('SIGTERM');
  expect(await run.exited).toBe(0);
}

const health = async (url: string) =>
  (await (await fetch(`${url}/healthz`)).json()) as Record<string, unknown>;

/**
 * A bare server: no D-Bus session (no DBUS_SESSION_BUS_ADDRESS, no XDG_RUNTIME_DIR bus), and a
 * PATH that holds only node — no dbus-run-session, no gnome-keyring-daemon.
 */
function bareEnv(service: string): NodeJS.ProcessEnv {
  const bin = tempDir('backroom-bare-bin-');
  fs.symlinkSync(process.execPath, path.join(bin, 'node'));
  const env: NodeJS.ProcessEnv = {
    PATH: bin,
    HOME: tempDir('backroom-bare-home-'),
    TMPDIR: os.tmpdir(),
    BACKROOM_KEYRING_SERVICE: service,
  };
  const tools = spawnSync(
    '/bin/sh',
    [
      '-c',
      'command -v dbus-run-session || command -v gnome-keyring-daemon || command -v dbus-daemon',
    ],
    { env, encoding: 'utf8' },
  );
  expect(tools.status, `found ${tools.stdout}`).not.toBe(0);
  return env;
}

/** This test run's private Secret Service (scripts/vitest-global-setup.ts): a keychain exists. */
function keychainEnv(service: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, BACKROOM_KEYRING_SERVICE: service };
  delete env['BACKROOM_SECRETS_FILE'];
  expect(env['DBUS_SESSION_BUS_ADDRESS']).toBeTruthy();
  return env;
}

const uniqueService = (what: string) =>
  `backroom-${what}-${process.pid}-${Math.random().toString(36).slice(2)}`;

async function signIn(url: string): Promise<void> {
  const login = await call<{ token: string }>(url, 'auth.login', {
    username: OWNER.username,
    password: OWNER.password,
  });
  expect(login.token).toEqual(expect.any(String));
}

const keyRefOf = (dataDir: string) =>
  (
    JSON.parse(fs.readFileSync(path.join(dataDir, `${DATABASE_FILE}.key.json`), 'utf8')) as {
      keyRef: string;
    }
  ).keyRef;

const WARNING = 'secrets are in a file on this PC — set up the keychain before real use';

describe('the headless server with no keychain (no D-Bus, no gnome-keyring)', () => {
  it('starts on a fresh store with secrets in a 0600 data-folder file, says so loudly and in /healthz, and reopens the same database next time', async () => {
    const dataDir = path.join(tempDir(), 'data');
    const env = bareEnv(uniqueService('bare'));
    const file = path.join(dataDir, DATA_DIR_SECRETS_FILE);

    const first = runServer(dataDir, env);
    const url = await first.listening;
    expect(await health(url)).toMatchObject({
      status: 'ok',
      secrets: { where: 'file', why: 'no_keychain' },
    });
    expect(first.output().err).toContain(WARNING);
    expect(first.output().err).toMatch(/No OS keychain answered/);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const keyRef = keyRefOf(dataDir);
    const stored = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>;
    expect(stored[keyRef]).toMatch(/^[0-9a-f]{64}$/);
    await call(url, 'setup.createOwner', OWNER);
    await stop(first);

    // Second start: the same key from the same file opens the same database.
    const second = runServer(dataDir, env);
    const url2 = await second.listening;
    expect(await health(url2)).toMatchObject({ secrets: { where: 'file' } });
    expect(second.output().err).toContain(WARNING);
    await signIn(url2);
    expect(keyRefOf(dataDir)).toBe(keyRef);
    // The same database key, in the same file (the audit chain's anchor sits beside it and
    // moves forward as the store writes).
    const again = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>;
    expect(again[keyRef]).toBe(stored[keyRef]);
    expect(Object.keys(again).filter((k) => !k.startsWith('audit-anchor/'))).toEqual(
      Object.keys(stored).filter((k) => !k.startsWith('audit-anchor/')),
    );
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    await stop(second);
  }, 60_000);

  it('refuses, and writes no file, for an existing store whose key is in a keychain that does not answer', async () => {
    const dataDir = path.join(tempDir(), 'data');
    const service = uniqueService('kept');
    const withKeychain = runServer(dataDir, keychainEnv(service));
    await withKeychain.listening;
    await stop(withKeychain);

    const bare = runServer(dataDir, bareEnv(service));
    expect(await bare.exited).toBe(1);
    expect(bare.output().err).toMatch(
      /Backroom could not start: The OS keychain did not answer .*will not start it with a new secrets file/s,
    );
    expect(fs.existsSync(path.join(dataDir, DATA_DIR_SECRETS_FILE))).toBe(false);
  }, 60_000);
});

describe('the headless server where a keychain exists', () => {
  it('keeps secrets in the keychain, creates no file and warns of none', async () => {
    const dataDir = path.join(tempDir(), 'data');
    const service = uniqueService('keychain');
    const run = runServer(dataDir, keychainEnv(service));
    const url = await run.listening;
    expect(await health(url)).toMatchObject({ status: 'ok', secrets: { where: 'keychain' } });
    expect(fs.existsSync(path.join(dataDir, DATA_DIR_SECRETS_FILE))).toBe(false);
    expect(run.output().err).not.toContain(WARNING);
    expect(await new KeyringSecretStore(service).get(keyRefOf(dataDir))).toMatch(/^[0-9a-f]{64}$/);
    await stop(run);
  }, 60_000);

  it('keeps a store that started without one on its file, then moves the secrets in only when asked, removing the file only after the database opened', async () => {
    const dataDir = path.join(tempDir(), 'data');
    const service = uniqueService('move');
    const file = path.join(dataDir, DATA_DIR_SECRETS_FILE);

    const bare = runServer(dataDir, bareEnv(service));
    await call(await bare.listening, 'setup.createOwner', OWNER);
    await stop(bare);
    const dbKey = (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>)[
      keyRefOf(dataDir)
    ];

    // A keychain appears: the store keeps its file (the key is there) and says how to move.
    const kept = runServer(dataDir, keychainEnv(service));
    const url = await kept.listening;
    expect(await health(url)).toMatchObject({ secrets: { where: 'file', why: 'no_keychain' } });
    expect(kept.output().err).toMatch(/A keychain answers on this PC now/);
    await signIn(url);
    await stop(kept);
    expect(await new KeyringSecretStore(service).get(keyRefOf(dataDir))).toBeNull();

    const moving = runServer(dataDir, keychainEnv(service), ['--move-secrets-to-keychain']);
    const url2 = await moving.listening;
    expect(await health(url2)).toMatchObject({ secrets: { where: 'keychain' } });
    await signIn(url2);
    expect(fs.existsSync(file)).toBe(false);
    expect(moving.output().err).toMatch(
      /removed .*secrets\.json\. Secrets are in the keychain now/,
    );
    await stop(moving);
    expect(await new KeyringSecretStore(service).get(keyRefOf(dataDir))).toBe(dbKey);

    const after = runServer(dataDir, keychainEnv(service));
    const url3 = await after.listening;
    expect(await health(url3)).toMatchObject({ secrets: { where: 'keychain' } });
    await signIn(url3);
    expect(after.output().err).not.toContain(WARNING);
    await stop(after);
  }, 90_000);
});
