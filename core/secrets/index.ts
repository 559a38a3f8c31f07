import { FileSecretStore } from './file.ts';
import { KeyringSecretStore } from './keyring.ts';
import type { SecretStore } from './port.ts';

export type { SecretStore, SecretsLocation } from './port.ts';
export { SecretStoreUnavailableError } from './port.ts';
export {
  DATA_DIR_SECRETS_FILE,
  MOVE_COMMAND,
  openServerSecretStore,
  planServerSecrets,
} from './server-choice.ts';

/**
 * The keychain, unless BACKROOM_SECRETS_FILE asks for the file fallback explicitly. The desktop
 * app uses this: it never falls back to a file by itself (only the headless server does, on a
 * fresh store with no keychain: openServerSecretStore in server-choice.ts).
 * BACKROOM_KEYRING_SERVICE names the keychain service (default `backroom`), so a second
 * store on the same PC, or a test run, keeps its own entries.
 */
export function openSecretStore(
  env: NodeJS.ProcessEnv,
  warn: (message: string) => void,
): SecretStore {
  const file = env['BACKROOM_SECRETS_FILE'];
  if (file) return new FileSecretStore(file, warn);
  return new KeyringSecretStore(env['BACKROOM_KEYRING_SERVICE'] || 'backroom');
}
