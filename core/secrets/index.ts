import { FileSecretStore } from './file.ts';
import { KeyringSecretStore } from './keyring.ts';
import type { SecretStore } from './port.ts';

export type { SecretStore } from './port.ts';
export { SecretStoreUnavailableError } from './port.ts';

/**
 * The keychain, unless BACKROOM_SECRETS_FILE asks for the file fallback explicitly.
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
