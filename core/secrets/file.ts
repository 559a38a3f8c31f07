import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { SecretStoreUnavailableError, type SecretStore, type SecretsLocation } from './port.ts';

const fileShape = z.record(z.string(), z.string());

/**
 * Secrets in a 0600 JSON file, for headless servers that have no keychain: when
 * BACKROOM_SECRETS_FILE is set (`configured`), or when the headless server found no keychain
 * for a fresh store (`no_keychain`, see server-choice.ts, which prints its own, longer warning).
 * It is weaker than a keychain, so it says so loudly.
 */
export class FileSecretStore implements SecretStore {
  readonly description: string;
  readonly location: SecretsLocation;
  private readonly file: string;

  constructor(
    file: string,
    warn: (message: string) => void,
    why: 'configured' | 'no_keychain' = 'configured',
  ) {
    this.file = path.resolve(file);
    this.description = `secrets file ${this.file}`;
    this.location = { kind: 'file', file: this.file, why };
    if (why === 'configured') {
      warn(
        `WARNING: secrets are kept in a file (${this.file}) instead of the OS keychain. ` +
          'Anyone who can read this file can decrypt the store database. Use it only on a locked-down server.',
      );
    }
    if (!fs.existsSync(this.file)) {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      fs.writeFileSync(this.file, '{}\n', { mode: 0o600, flag: 'wx' });
    }
    const mode = fs.statSync(this.file).mode & 0o777;
    if (mode & 0o077) {
      throw new SecretStoreUnavailableError(
        `The secrets file ${this.file} can be read by other users (mode ${mode.toString(8)}). ` +
          `Run: chmod 600 ${this.file}`,
      );
    }
  }

  private read(): Record<string, string> {
    const raw = fs.readFileSync(this.file, 'utf8');
    const parsed = fileShape.safeParse(JSON.parse(raw));
    if (!parsed.success) {
      throw new SecretStoreUnavailableError(
        `The secrets file ${this.file} is damaged (it is not a JSON object of strings).`,
      );
    }
    return parsed.data;
  }

  private write(data: Record<string, string>): void {
    // Write then rename so a crash never leaves half a file; the new file keeps 0600.
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
    fs.renameSync(tmp, this.file);
  }

  /** Every entry, to move them into a keychain (server-choice.ts). */
  entries(): Record<string, string> {
    return this.read();
  }

  async get(ref: string): Promise<string | null> {
    return this.read()[ref] ?? null;
  }

  async set(ref: string, value: string): Promise<void> {
    this.write({ ...this.read(), [ref]: value });
  }

  async delete(ref: string): Promise<boolean> {
    const data = new Map(Object.entries(this.read()));
    if (!data.delete(ref)) return false;
    this.write(Object.fromEntries(data));
    return true;
  }
}
