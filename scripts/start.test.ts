// `npm start` on a headless Linux box: when does it start a private Secret Service
// (dbus-run-session + gnome-keyring-daemon) before the store server? Order (issue 14):
// BACKROOM_SECRETS_FILE → the OS keychain if it answers → a private gnome-keyring session if
// the tools exist → (in the server) a 0600 file in the data folder for a fresh store.
import { describe, expect, it } from 'vitest';
import { needsPrivateKeyring, type KeyringFacts } from './start.ts';

const facts = (over: Partial<KeyringFacts> = {}): KeyringFacts & { asked: () => number } => {
  let asked = 0;
  return {
    platform: 'linux',
    env: {},
    dataDirFileExists: false,
    moving: false,
    onPath: () => true,
    keychainAnswers: async () => {
      asked += 1;
      return false;
    },
    ...over,
    asked: () => asked,
  };
};

describe('npm start and the private keyring', () => {
  it('starts one on Linux when no keychain answers and dbus-run-session and gnome-keyring-daemon are installed', async () => {
    expect(await needsPrivateKeyring(facts())).toBe(true);
  });

  it('does not start one when the OS keychain answers (a desktop session)', async () => {
    expect(await needsPrivateKeyring(facts({ keychainAnswers: async () => true }))).toBe(false);
  });

  it('does not start one without the tools: the server then decides (a file, for a fresh store)', async () => {
    for (const missing of ['dbus-run-session', 'gnome-keyring-daemon']) {
      const f = facts({ onPath: (tool) => tool !== missing });
      expect(await needsPrivateKeyring(f)).toBe(false);
    }
  });

  it('does not start one when secrets are in a file: BACKROOM_SECRETS_FILE, or the data-folder file that holds the key', async () => {
    const configured = facts({ env: { BACKROOM_SECRETS_FILE: '/srv/secrets.json' } });
    expect(await needsPrivateKeyring(configured)).toBe(false);
    expect(configured.asked()).toBe(0); // an explicit file: the keychain is not even asked
    expect(await needsPrivateKeyring(facts({ dataDirFileExists: true }))).toBe(false);
  });

  it('starts one to move the data-folder file into when asked to (--move-secrets-to-keychain)', async () => {
    expect(await needsPrivateKeyring(facts({ dataDirFileExists: true, moving: true }))).toBe(true);
  });

  it('never nests: not inside its own private session, and not off Linux', async () => {
    const inside = facts({ env: { BACKROOM_IN_PRIVATE_KEYRING_SESSION: '1' } });
    expect(await needsPrivateKeyring(inside)).toBe(false);
    for (const platform of ['win32', 'darwin'] as const)
      expect(await needsPrivateKeyring(facts({ platform }))).toBe(false);
  });
});
