// Where the headless store server (`npm start` without Electron, `npm run server`) keeps its
// secrets. The desktop app never comes here: it uses openSecretStore (the keychain, or an
// explicit BACKROOM_SECRETS_FILE) and never falls back to a file by itself.
import fs from 'node:fs';
import path from 'node:path';
import { FileSecretStore } from './file.ts';
import { KeyringSecretStore } from './keyring.ts';
import { SecretStoreUnavailableError, type SecretStore } from './port.ts';

/** The file the headless server keeps secrets in when no keychain answers on a fresh store. */
export const DATA_DIR_SECRETS_FILE = 'secrets.json';

/** The command that moves a data-folder secrets file into the keychain. */
export const MOVE_COMMAND = 'npm start -- --move-secrets-to-keychain';

export type KeychainAnswer = { answers: true } | { answers: false; why: string };

export interface ServerSecretsFacts {
  /** BACKROOM_SECRETS_FILE, if set. */
  configuredFile: string | null;
  /** <data-dir>/secrets.json, and whether it is there (an earlier start chose it). */
  dataDirFile: string;
  dataDirFileExists: boolean;
  /** The store database is already there: its key is wherever it was put at setup. */
  databaseExists: boolean;
  keychain: KeychainAnswer;
  /** --move-secrets-to-keychain was given. */
  moveToKeychain: boolean;
}

export type ServerSecretsPlan =
  | { use: 'configured_file'; file: string }
  | { use: 'keychain' }
  | { use: 'data_dir_file'; file: string; fresh: boolean }
  | { use: 'move_to_keychain'; file: string }
  | { use: 'refuse'; message: string };

const HOW_TO_SET_UP =
  'How to set up the keychain: run Backroom in a desktop session (Windows and macOS always have a keychain), ' +
  'or on a Linux server install a Secret Service (Debian/Ubuntu: sudo apt-get install dbus gnome-keyring), ' +
  'with which `npm start` starts a private one by itself.';

/**
 * The choice, in order: BACKROOM_SECRETS_FILE if set; the data-folder file if an earlier start
 * put the secrets there (the database key is in it, so it is kept even when a keychain appears,
 * until the owner moves it with --move-secrets-to-keychain); the OS keychain if it answers; a new
 * data-folder file only for a store that does not exist yet. A store whose key was put in a
 * keychain never gets a new file: that would hide its key, not replace it.
 */
export function planServerSecrets(f: ServerSecretsFacts): ServerSecretsPlan {
  if (f.moveToKeychain) {
    if (f.configuredFile) {
      return {
        use: 'refuse',
        message:
          `--move-secrets-to-keychain moves the file Backroom chose by itself (${f.dataDirFile}); ` +
          `BACKROOM_SECRETS_FILE is set (${f.configuredFile}). Start without --move-secrets-to-keychain.`,
      };
    }
    if (!f.dataDirFileExists) {
      return {
        use: 'refuse',
        message: `There is no secrets file to move (${f.dataDirFile} does not exist): this store already keeps its secrets in the keychain. Start without --move-secrets-to-keychain.`,
      };
    }
    if (!f.keychain.answers) {
      return {
        use: 'refuse',
        message: `The secrets stay in ${f.dataDirFile}: the OS keychain did not answer (${f.keychain.why}). ${HOW_TO_SET_UP} Then run ${MOVE_COMMAND} again.`,
      };
    }
    return { use: 'move_to_keychain', file: f.dataDirFile };
  }
  if (f.configuredFile) return { use: 'configured_file', file: f.configuredFile };
  if (f.dataDirFileExists) return { use: 'data_dir_file', file: f.dataDirFile, fresh: false };
  if (f.keychain.answers) return { use: 'keychain' };
  if (f.databaseExists) {
    return {
      use: 'refuse',
      message:
        `The OS keychain did not answer (${f.keychain.why}). The store database in ${path.dirname(f.dataDirFile)} ` +
        'was set up with its key in a keychain (or in the file BACKROOM_SECRETS_FILE named then), so Backroom ' +
        'will not start it with a new secrets file. Start it where that keychain answers (the desktop session of ' +
        'the user who set it up, or `npm start`, which starts its private keychain when gnome-keyring is installed), ' +
        'or set BACKROOM_SECRETS_FILE to the file that holds its key.',
    };
  }
  return { use: 'data_dir_file', file: f.dataDirFile, fresh: true };
}

/** The loud words for secrets in the data-folder file, at every start. */
export function dataDirFileWarning(file: string, keychain: KeychainAnswer): string {
  const rule = '='.repeat(78);
  const lines = [
    rule,
    'WARNING: secrets are in a file on this PC — set up the keychain before real use.',
    keychain.answers
      ? `This store keeps its database key and other secrets in ${file} (an earlier start found no keychain).`
      : `No OS keychain answered (${keychain.why}), so the store database key and other secrets are kept in ${file}.`,
    'Only this user can read it (mode 0600), but anyone who can read it, or a copy of it, can open the store database.',
    keychain.answers
      ? `A keychain answers on this PC now: move the secrets into it with ${MOVE_COMMAND}`
      : `${HOW_TO_SET_UP} Then move the secrets into it with ${MOVE_COMMAND}`,
    '(Give the same --data-dir to that command if you gave one here.)',
    'Until then this store keeps using this file: its database key is in it, so never delete it.',
    rule,
  ];
  return lines.join('\n');
}

export interface ChosenSecrets {
  store: SecretStore;
  /**
   * Call once the store database has opened with `store`: after a move, that proves the key in
   * the keychain is the right one, and only then is the file removed.
   */
  afterOpen(): void;
}

/** Makes the choice (planServerSecrets) with the real file system and keychain. */
export async function openServerSecretStore(o: {
  env: NodeJS.ProcessEnv;
  dataDir: string;
  databaseExists: boolean;
  moveToKeychain?: boolean;
  warn: (message: string) => void;
  info: (message: string) => void;
  /** How long to wait for the keychain before counting it as absent. */
  probeTimeoutMs?: number;
}): Promise<ChosenSecrets> {
  const configuredFile = o.env['BACKROOM_SECRETS_FILE'] || null;
  const dataDirFile = path.join(o.dataDir, DATA_DIR_SECRETS_FILE);
  const service = o.env['BACKROOM_KEYRING_SERVICE'] || 'backroom';
  const keychainStore = new KeyringSecretStore(service);
  const nothing = () => {};
  const moveToKeychain = o.moveToKeychain ?? false;
  // An explicit file needs no keychain: do not touch one (not even to ask).
  const why =
    configuredFile && !moveToKeychain ? null : await keychainStore.probe(o.probeTimeoutMs);
  const keychain: KeychainAnswer = why === null ? { answers: true } : { answers: false, why };
  const plan = planServerSecrets({
    configuredFile,
    dataDirFile,
    dataDirFileExists: fs.existsSync(dataDirFile),
    databaseExists: o.databaseExists,
    keychain,
    moveToKeychain,
  });
  switch (plan.use) {
    case 'configured_file':
      return { store: new FileSecretStore(plan.file, o.warn, 'configured'), afterOpen: nothing };
    case 'keychain':
      return { store: keychainStore, afterOpen: nothing };
    case 'data_dir_file': {
      const store = new FileSecretStore(plan.file, nothing, 'no_keychain');
      o.warn(dataDirFileWarning(plan.file, keychain));
      return { store, afterOpen: nothing };
    }
    case 'move_to_keychain': {
      const file = new FileSecretStore(plan.file, nothing, 'no_keychain');
      const moved = await copyIntoKeychain(file, keychainStore, service);
      o.info(
        `Copied ${moved} secret(s) from ${plan.file} into the OS keychain and read each back.`,
      );
      return {
        store: keychainStore,
        afterOpen: () => {
          fs.rmSync(plan.file);
          o.info(
            `The store database opened with its key from the OS keychain; removed ${plan.file}. Secrets are in the keychain now.`,
          );
        },
      };
    }
    case 'refuse':
      throw new SecretStoreUnavailableError(plan.message);
  }
}

/** Copies every entry, then reads each back through a fresh keychain handle. */
async function copyIntoKeychain(
  file: FileSecretStore,
  keychain: KeyringSecretStore,
  service: string,
): Promise<number> {
  const entries = Object.entries(file.entries());
  for (const [ref, value] of entries) {
    const there = await keychain.get(ref);
    if (there !== null && there !== value) {
      throw new SecretStoreUnavailableError(
        `The OS keychain already holds a different value for ${ref}; nothing was moved and the secrets file is unchanged. ` +
          'Remove that keychain entry only if you are sure it is not in use, then try again.',
      );
    }
  }
  for (const [ref, value] of entries) await keychain.set(ref, value);
  const check = new KeyringSecretStore(service);
  for (const [ref, value] of entries) {
    if ((await check.get(ref)) !== value) {
      throw new SecretStoreUnavailableError(
        `The OS keychain did not give back ${ref} as written; the secrets stay in the file, which is unchanged.`,
      );
    }
  }
  return entries.length;
}
