// npm run server -- [--port 4870] [--host 127.0.0.1 | --lan] [--data-dir DIR] [--idle-timeout SECONDS]
//                   [--device-check-seconds 15] [--move-secrets-to-keychain]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DATABASE_FILE } from '../core/app/services.ts';
import { startStoreServer } from '../core/app/store-server.ts';
import { OffsetClock } from '../core/clock.ts';
import { DatabaseOpenError } from '../core/db/errors.ts';
import { createLogger } from '../core/log/logger.ts';
import { openServerSecretStore, SecretStoreUnavailableError } from '../core/secrets/index.ts';
import { storeDrivers } from '../drivers/index.ts';
import { createRx30Adapter, rx30Drivers } from '../drivers/rx30/index.ts';

export const DEFAULT_PORT = 4870;

export function defaultDataDir(env = process.env): string {
  if (env['BACKROOM_DATA_DIR']) return env['BACKROOM_DATA_DIR'];
  if (process.platform === 'win32') return path.join(env['APPDATA'] ?? os.homedir(), 'Backroom');
  return path.join(env['XDG_DATA_HOME'] ?? path.join(os.homedir(), '.local', 'share'), 'backroom');
}

const here = import.meta.dirname;

/** The server's options (throws ERR_PARSE_ARGS_* on a bad one); start.ts reads --data-dir here too. */
export function parseServerArgs(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      lan: { type: 'boolean', default: false },
      'data-dir': { type: 'string' },
      'idle-timeout': { type: 'string' },
      'no-backup-schedule': { type: 'boolean', default: false },
      // How often each device (printers, scale, display) is checked; default 15.
      'device-check-seconds': { type: 'string' },
      // End-to-end tests only: time can be moved forward over HTTP (never in a store).
      'test-clock': { type: 'boolean', default: false },
      // Once: move secrets from <data-dir>/secrets.json (no keychain at setup) into the keychain.
      'move-secrets-to-keychain': { type: 'boolean', default: false },
    },
    strict: true,
  });
  return { values, dataDir: path.resolve(values['data-dir'] ?? defaultDataDir()) };
}

/** As core/db/open.ts counts it: an empty file is a first run that never finished. */
function databaseExists(dataDir: string): boolean {
  const file = path.join(dataDir, DATABASE_FILE);
  return fs.existsSync(file) && fs.statSync(file).size > 0;
}

export async function runServer(argv: string[]): Promise<void> {
  const { values, dataDir } = parseServerArgs(argv);
  const port = Number(values.port ?? process.env['BACKROOM_PORT'] ?? DEFAULT_PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`--port must be a number from 0 to 65535 (got ${values.port}).`);
  const idle = values['idle-timeout'] ? Number(values['idle-timeout']) * 1000 : undefined;
  if (idle !== undefined && !(idle > 0))
    throw new Error('--idle-timeout is a number of seconds above 0.');
  const deviceCheck = values['device-check-seconds']
    ? Number(values['device-check-seconds']) * 1000
    : undefined;
  if (deviceCheck !== undefined && !(deviceCheck >= 500))
    throw new Error('--device-check-seconds is a number of seconds, 0.5 or more.');
  const host = values.host ?? (values.lan ? '0.0.0.0' : '127.0.0.1');

  const log = createLogger(dataDir);
  // The keychain if it answers; on a fresh store where none does, a 0600 file in the data
  // folder, said loudly here and on the dashboard (core/secrets/server-choice.ts).
  const secrets = await openServerSecretStore({
    env: process.env,
    dataDir,
    databaseExists: databaseExists(dataDir),
    moveToKeychain: values['move-secrets-to-keychain'],
    warn: (m) => log.warn(m),
    info: (m) => log.info(m),
  });
  const server = await startStoreServer({
    dataDir,
    log,
    secrets: secrets.store,
    host,
    port,
    rendererDir: path.join(here, '..', 'out', 'renderer'),
    scheduleBackups: !values['no-backup-schedule'],
    ...(values['test-clock'] ? { testClock: new OffsetClock() } : {}),
    ...(idle ? { idleTimeoutMs: idle } : {}),
    deviceDrivers: storeDrivers,
    rx30: { adapter: createRx30Adapter(), drivers: rx30Drivers },
    ...(deviceCheck ? { deviceCheckEveryMs: deviceCheck } : {}),
  });
  try {
    secrets.afterOpen();
  } catch (error) {
    log.warn(
      `The secrets are in the keychain now, but the old file could not be removed (${error instanceof Error ? error.message : String(error)}). Delete it by hand.`,
    );
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    server.services.log.info(`Stopping (${signal}); closing the database cleanly.`);
    void server.close().then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  server.services.log.info(`Backroom store server ready at ${server.url} (data: ${dataDir})`);
  // A line tests and launch scripts can wait for (after the signal handlers are in place).
  process.stdout.write(`Backroom store server listening on ${server.url}\n`);
}

// Run directly (not imported by start.ts): compare real paths, which works on Windows and with spaces.
if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  runServer(process.argv.slice(2)).catch((error: unknown) => {
    const known =
      error instanceof DatabaseOpenError || error instanceof SecretStoreUnavailableError;
    process.stderr.write(
      `\nBackroom could not start: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    if (!known && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    process.exit(1);
  });
}
