import { hash, verify } from '@node-rs/argon2';

// argon2id (the library's default algorithm) with its defaults (19 MiB, 2 passes): OWASP's
// recommended floor. The test checks the stored hash really says $argon2id$.
export const hashSecret = (secret: string) => hash(secret);

export async function secretMatches(storedHash: string, secret: string): Promise<boolean> {
  try {
    return await verify(storedHash, secret);
  } catch {
    return false;
  }
}
