import { describe, expect, it } from 'vitest';
import { makeServices, tempDir, testKeychain } from '../testing/fixtures.ts';

describe('the store services', () => {
  it('close cleanly while the audit chain is still being verified', async () => {
    const dataDir = tempDir();
    const secrets = testKeychain();
    const first = await makeServices({ dataDir, secrets });
    first.store.db.transaction(() => {
      for (let i = 0; i < 30_000; i++)
        first.audit.record({ actor: 'a', action: 'x', entity: 'e', entityId: i });
    })();
    first.close();
    const errors: unknown[] = [];
    const onRejection = (e: unknown) => errors.push(e);
    process.on('unhandledRejection', onRejection);
    try {
      const again = await makeServices({ dataDir, secrets });
      expect(again.chain.status().state).toBe('verifying');
      again.close(); // mid-verification: the next slice must not touch the closed database
      await new Promise((r) => setTimeout(r, 300));
      expect(errors).toEqual([]);
    } finally {
      process.off('unhandledRejection', onRejection);
    }
  });
});
