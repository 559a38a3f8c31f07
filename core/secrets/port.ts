// The one door to secrets (QuickBooks tokens, distributor keys, the database key).
// SQLite stores only a credential_ref; the value lives behind this port.
export interface SecretStore {
  /** Where secrets live, for the dashboard and logs (never a secret itself). */
  readonly description: string;
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
