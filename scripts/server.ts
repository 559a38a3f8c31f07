// npm run server -- [--port 4870] [--host 127.0.0.1 | --lan] [--data-dir DIR] [--idle-timeout SECONDS]
//                   [--device-check-seconds 15]
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startStoreServer } from '../core/app/store-server.ts';
import { OffsetClock } from '../core/clock.ts';
import { DatabaseOpenError } from '../core/db/errors.ts';
import { SecretStoreUnavailableError } from '../core/secrets/index.ts';
import { storeDrivers } from '../drivers/index.ts';
import { createRx30Adapter, rx30Drivers } from '../drivers/rx30/index.ts';

export const DEFAULT_PORT = 4870;

export function defaultDataDir(env = process.env): string {
  if (env['BACKROOM_DATA_DIR']) return env['BACKROOM_DATA_DIR'];
  if (process.platform === 'win32') return path.join(env['APPDATA'] ?? os.homedir(), 'Backroom');
  return path.join(env['XDG_DATA_HOME'] ?? path.join(os.homedir(), '.local', 'share'), 'backroom');
}

const here = import.meta.dirname;

export async function runServer(argv: string[]): Promise<void> {
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
    },
    strict: true,
  });
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
  const dataDir = path.resolve(values['data-dir'] ?? defaultDataDir());

  const server = await startStoreServer({
    dataDir,
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
