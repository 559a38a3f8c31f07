import { AsyncEntry } from '@napi-rs/keyring';
import { SecretStoreUnavailableError, type SecretStore } from './port.ts';

/** The OS keychain: Windows Credential Manager, macOS Keychain, Secret Service on Linux. */
export class KeyringSecretStore implements SecretStore {
  readonly description = 'OS keychain';
  private readonly service: string;

  constructor(service = 'backroom') {
    this.service = service;
  }

  private entry(ref: string): AsyncEntry {
    // On Linux, pin the Secret Service: without one, the library would quietly fall back to
    // the kernel keyring, which forgets everything at reboot (and with it the database key).
    return new AsyncEntry(this.service, ref, { linux: { store: 'secret-service' } });
  }

  async get(ref: string): Promise<string | null> {
    return this.call(() => this.entry(ref).getPassword());
  }

  async set(ref: string, value: string): Promise<void> {
    await this.call(() => this.entry(ref).setPassword(value));
  }

  async delete(ref: string): Promise<boolean> {
    return this.call(() => this.entry(ref).deletePassword());
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      // The keyring's own message names the platform failure; it never contains the secret.
      const why = error instanceof Error ? error.message : String(error);
      throw new SecretStoreUnavailableError(
        `The OS keychain did not answer (${why}). On a headless server without a keychain, ` +
          'set BACKROOM_SECRETS_FILE to a file path to keep secrets in a protected file instead.',
      );
    }
  }
}
