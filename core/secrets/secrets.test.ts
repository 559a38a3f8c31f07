import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createStoreServices, DATABASE_FILE, type StoreServices } from '../app/services.ts';
import { startHttpServer } from '../api/http.ts';
import { createLogger } from '../log/logger.ts';
import { OWNER, tempDir, testKeychain } from '../testing/fixtures.ts';
import { FileSecretStore } from './file.ts';
import { openSecretStore } from './index.ts';
import { KeyringSecretStore } from './keyring.ts';

let open: StoreServices[] = [];
afterEach(() => {
  for (const s of open) s.close();
  open = [];
});

describe('the OS keychain (a real Secret Service)', () => {
  it('stores, reads and deletes a secret', async () => {
    const store = testKeychain();
    expect(await store.get('qbo/refresh-token')).toBeNull();
    await store.set('qbo/refresh-token', 'rt-secret-value');
    expect(await store.get('qbo/refresh-token')).toBe('rt-secret-value');
    expect(await store.delete('qbo/refresh-token')).toBe(true);
    expect(await store.get('qbo/refresh-token')).toBeNull();
  });

  it('is what the desktop app uses unless a secrets file is configured: it never falls back to a file by itself', () => {
    const warnings: string[] = [];
    // Even with no session bus at all, the desktop app gets the keychain (and its error), not a file.
    const store = openSecretStore({ DBUS_SESSION_BUS_ADDRESS: '' }, (m) => warnings.push(m));
    expect(store).toBeInstanceOf(KeyringSecretStore);
    expect(store.location).toEqual({ kind: 'keychain' });
    expect(warnings).toEqual([]);
  });

  it('explains how to run headless when no keychain answers', () => {
    // A process with no reachable session bus, as on a headless server.
    const script = `import { KeyringSecretStore } from ${JSON.stringify(new URL('./keyring.ts', import.meta.url).href)};
      new KeyringSecretStore('backroom-nobus').get('x').then(() => console.log('ANSWERED'), (e) => console.log(e.name + ': ' + e.message));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' },
      encoding: 'utf8',
    });
    expect(r.stdout).toMatch(
      /SecretStoreUnavailableError: The OS keychain did not answer .*BACKROOM_SECRETS_FILE/s,
    );
  });
});

describe('the secrets file fallback', () => {
  it('is used only when BACKROOM_SECRETS_FILE is set, is created 0600 and warns loudly', async () => {
    const file = path.join(tempDir(), 'secrets.json');
    const warnings: string[] = [];
    const store = openSecretStore({ BACKROOM_SECRETS_FILE: file }, (m) => warnings.push(m));
    expect(store).toBeInstanceOf(FileSecretStore);
    expect(store.location).toEqual({ kind: 'file', file, why: 'configured' });
    expect(warnings.join()).toMatch(/WARNING: secrets are kept in a file/);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    await store.set('a', '1');
    await store.set('b', '2');
    expect(await store.delete('a')).toBe(true);
    expect(await store.get('b')).toBe('2');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('refuses a file other users can read', () => {
    const file = path.join(tempDir(), 'secrets.json');
    fs.writeFileSync(file, '{}', { mode: 0o644 });
    fs.chmodSync(file, 0o644);
    expect(() => new FileSecretStore(file, () => {})).toThrow(/chmod 600/);
  });
});

describe('no secret leaks', () => {
  it('never writes a stored secret, the database key, a password or a session token to the database, its log or an error', async () => {
    const dataDir = tempDir();
    const secrets = testKeychain();
    const SECRET = 'qbo-refresh-token-7f3a9c1e5b';
    await secrets.set('accounting.quickbooks/refresh', SECRET);
    const log = createLogger(dataDir, { quiet: true });
    const s = await createStoreServices({ dataDir, secrets, log });
    open.push(s);
    const server = await startHttpServer({
      services: s,
      host: '127.0.0.1',
      port: 0,
      rendererDir: null,
    });
    const post = (p: string, body: unknown, token?: string) =>
      fetch(`${server.url}/api/${p}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(body),
      }).then((r) => r.text());
    const answers: string[] = [];
    answers.push(await post('setup.createOwner', OWNER));
    const login = JSON.parse(
      await post('auth.login', { username: OWNER.username, password: OWNER.password }),
    ) as { result: { data: { token: string } } };
    const token = login.result.data.token;
    answers.push(
      await post('auth.login', { username: OWNER.username, password: `${OWNER.password}x` }),
    );
    answers.push(await post('auth.unlock', { pin: '0000' }, token));
    const created = await post(
      'users.create',
      { username: 'cashier1', displayName: 'Cash Ier', role: 'cashier', password: SECRET },
      token,
    );
    expect(created).toContain('"username":"cashier1"'); // the password really went in
    answers.push(created);
    // A password typed into the username field of the sign-in screen.
    answers.push(await post('auth.login', { username: SECRET, password: 'whatever' }));
    log.error('a failure with a secret in a field', {
      password: OWNER.password,
      refreshToken: SECRET,
    });
    await server.close();
    s.close();
    open = [];

    const info = JSON.parse(
      fs.readFileSync(path.join(dataDir, `${DATABASE_FILE}.key.json`), 'utf8'),
    ) as { keyRef: string };
    const dbKey = (await secrets.get(info.keyRef)) ?? '';
    expect(dbKey).toHaveLength(64);
    const files = fs
      .readdirSync(dataDir, { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile())
      .map((d) => path.join(d.parentPath, d.name));
    expect(files.some((f) => f.endsWith('backroom.log'))).toBe(true);
    for (const needle of [SECRET, dbKey, OWNER.password, OWNER.pin && `"${OWNER.pin}"`, token]) {
      for (const f of files)
        expect(fs.readFileSync(f).includes(needle), `${needle.slice(0, 6)}… in ${f}`).toBe(false);
      for (const a of answers) expect(a.includes(needle)).toBe(false);
    }
  });
});
