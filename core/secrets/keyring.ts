import { AsyncEntry } from '@napi-rs/keyring';
import { SecretStoreUnavailableError, type SecretStore, type SecretsLocation } from './port.ts';

/** The OS keychain: Windows Credential Manager, macOS Keychain, Secret Service on Linux. */
export class KeyringSecretStore implements SecretStore {
  readonly description = 'OS keychain';
  readonly location: SecretsLocation = { kind: 'keychain' };
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

  /**
   * Whether the keychain answers: null if it does, else why not. A read of an entry that does
   * not exist, bounded in time (a Secret Service that hangs counts as not answering).
   */
  async probe(timeoutMs = 10_000): Promise<string | null> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve(`no answer within ${timeoutMs / 1000} s`), timeoutMs);
    });
    const why = (error: unknown) => (error instanceof Error ? error.message : String(error));
    try {
      // The entry's constructor itself throws when there is no session bus at all.
      const read = Promise.resolve()
        .then(() => this.entry('backroom/keychain-probe').getPassword())
        .then(() => null, why);
      return await Promise.race([read, timeout]);
    } finally {
      clearTimeout(timer);
    }
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
