// Test fixtures: real temp folders, real encrypted SQLite files, the real keychain session
// that vitest's global setup starts (scripts/vitest-global-setup.ts).
import fs from 'node:fs';
import { onTestFinished } from 'vitest';
import os from 'node:os';
import path from 'node:path';
import { createStoreServices, type ServicesOptions, type StoreServices } from '../app/services.ts';
import { ManualClock } from '../clock.ts';
import type { Logger } from '../log/logger.ts';
import { KeyringSecretStore } from '../secrets/keyring.ts';
import type { SecretStore } from '../secrets/port.ts';

export function tempDir(prefix = 'backroom-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export const quietLog: Logger = { info: () => {}, warn: () => {}, error: () => {} };

/** A keychain namespace of its own per test file, so parallel files never collide. */
export function testKeychain(): SecretStore {
  return new KeyringSecretStore(
    `backroom-test-${process.pid}-${Math.random().toString(36).slice(2)}`,
  );
}

export async function makeServices(
  o: {
    dataDir?: string;
    clock?: ManualClock;
    idleTimeoutMs?: number;
    secrets?: SecretStore;
    providers?: ServicesOptions['providers'];
    deviceDrivers?: ServicesOptions['deviceDrivers'];
    deviceTiming?: ServicesOptions['deviceTiming'];
    rx30?: ServicesOptions['rx30'];
    runIntegrations?: boolean;
  } = {},
): Promise<StoreServices & { clock: ManualClock }> {
  const clock = o.clock ?? new ManualClock();
  const services = await createStoreServices({
    dataDir: o.dataDir ?? tempDir(),
    secrets: o.secrets ?? testKeychain(),
    log: quietLog,
    clock,
    ...(o.idleTimeoutMs ? { idleTimeoutMs: o.idleTimeoutMs } : {}),
    ...(o.providers ? { providers: o.providers } : {}),
    ...(o.deviceDrivers ? { deviceDrivers: o.deviceDrivers } : {}),
    ...(o.deviceTiming ? { deviceTiming: o.deviceTiming } : {}),
    ...(o.rx30 ? { rx30: o.rx30 } : {}),
    ...(o.runIntegrations ? { runIntegrations: true } : {}),
    // No timer writing to the database behind a test's back (queries index what they need).
    indexAuditInBackground: false,
  });
  return Object.assign(services, { clock });
}

/** makeServices for one test: closed when the test finishes, whatever its outcome. */
export async function servicesForTest(
  o: Parameters<typeof makeServices>[0] = {},
): Promise<StoreServices & { clock: ManualClock }> {
  const s = await makeServices(o);
  onTestFinished(() => s.close());
  return s;
}

export const OWNER = {
  username: 'owner',
  displayName: 'Olivia Owner',
  password: 'correct horse battery',
  pin: '2468',
};
