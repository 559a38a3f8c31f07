// The one door to secrets (QuickBooks tokens, distributor keys, the database key).
// SQLite stores only a credential_ref; the value lives behind this port.

/**
 * Where a store's secrets live. A file is weaker than a keychain (anyone who can read it, or a
 * copy of it, can open the store database), so screens and /healthz say so: `configured` when
 * BACKROOM_SECRETS_FILE asked for it, `no_keychain` when the headless server chose it because
 * no OS keychain answered on a fresh store.
 */
export type SecretsLocation =
  { kind: 'keychain' } | { kind: 'file'; file: string; why: 'configured' | 'no_keychain' };

export interface SecretStore {
  /** Where secrets live, for the dashboard and logs (never a secret itself). */
  readonly description: string;
  readonly location: SecretsLocation;
  get(ref: string): Promise<string | null>;
  set(ref: string, value: string): Promise<void>;
  delete(ref: string): Promise<boolean>;
}

export class SecretStoreUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretStoreUnavailableError';
  }
}
