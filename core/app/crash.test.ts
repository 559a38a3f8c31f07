// SIGKILL the real server process in the middle of a burst of audited writes, many times:
// every write the server acknowledged must be there after restart, and the chain must verify.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { payloadHashOf } from '../audit/chain.ts';
import { AuditLog } from '../audit/repo.ts';
import { systemClock } from '../clock.ts';
import { openStoreDatabase } from '../db/open.ts';
import { KeyringSecretStore } from '../secrets/keyring.ts';
import { OWNER, tempDir } from '../testing/fixtures.ts';
import { killServersAfterAll, post, startServerProcess } from '../testing/server-process.ts';
import { DATABASE_FILE } from './services.ts';

killServersAfterAll();

describe('a server killed mid-burst', () => {
  it('keeps every acknowledged audited write and a sound chain, across many SIGKILLs', async () => {
    const dataDir = tempDir();
    const acked: { folder: string; keep: number; dailyAt: string }[] = [];
    let n = 0;
    for (let round = 0; round < 8; round++) {
      const { child, url } = await startServerProcess(dataDir, 'backroom-crash-test');
      if (round === 0) expect((await post(url, 'setup.createOwner', OWNER)).status).toBe(200);
      // After every restart the server's own verification of the whole chain comes out sound.
      await expect
        .poll(
          async () =>
            ((await (await fetch(`${url}/healthz`)).json()) as { auditChain: { state: string } })
              .auditChain.state,
          { timeout: 10_000 },
        )
        .toBe('ok');
      const login = (await (
        await post(url, 'auth.login', { username: OWNER.username, password: OWNER.password })
      ).json()) as {
        result: { data: { token: string } };
      };
      const token = login.result.data.token;
      // Four writers in parallel until the kill lands at a random moment.
      const killAt = 30 + Math.random() * 250;
      let killed = false;
      setTimeout(() => {
        killed = true;
        child.kill('SIGKILL');
      }, killAt);
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          while (!killed) {
            const settings = {
              folder: `/srv/backups/${++n}`,
              keep: 1 + (n % 300),
              dailyAt: '02:00',
            };
            try {
              const res = await post(url, 'backup.updateSettings', settings, token);
              if (res.status === 200) acked.push(settings);
            } catch {
              // Connection reset by the kill: not acknowledged, so not counted.
            }
          }
        }),
      );
      if (child.exitCode === null && child.signalCode === null)
        await new Promise((r) => child.once('exit', r));
    }
    expect(acked.length).toBeGreaterThan(20);

    const store = await openStoreDatabase({
      file: path.join(dataDir, DATABASE_FILE),
      secrets: new KeyringSecretStore('backroom-crash-test'),
    });
    try {
      const audit = new AuditLog(store.db, systemClock);
      expect(audit.verify()).toMatchObject({ ok: true });
      const hashes = new Set(
        store.db
          .prepare("SELECT payload_hash FROM audit_log WHERE action = 'backup.settings'")
          .pluck()
          .all() as string[],
      );
      const lost = acked.filter((a) => !hashes.has(payloadHashOf(a)));
      expect(lost).toEqual([]);
    } finally {
      store.close();
    }
  });
});
