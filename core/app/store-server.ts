import { startHttpServer, type RunningHttpServer } from '../api/http.ts';
import type { Clock, OffsetClock } from '../clock.ts';
import { createLogger, type Logger } from '../log/logger.ts';
import { openSecretStore, type SecretStore } from '../secrets/index.ts';
import type { DeviceDrivers } from '../devices/ports.ts';
import { createStoreServices, type ServicesOptions, type StoreServices } from './services.ts';

export interface StoreServerOptions {
  dataDir: string;
  host: string;
  port: number;
  rendererDir: string | null;
  env?: NodeJS.ProcessEnv;
  secrets?: SecretStore;
  clock?: Clock;
  /** Tests only: the server runs on this clock and lets tests move it over HTTP. */
  testClock?: OffsetClock;
  idleTimeoutMs?: number;
  scheduleBackups?: boolean;
  /** Run integration deliveries (on unless a test drives them by hand). */
  runIntegrations?: boolean;
  /** The store's device drivers (drivers/index.ts), handed in by the launcher. */
  deviceDrivers?: DeviceDrivers | null;
  /** How often each device is checked (default 15 s). */
  deviceCheckEveryMs?: number;
  /** The Rx30 relay's drivers and connector (drivers/rx30), handed in by the launcher. */
  rx30?: ServicesOptions['rx30'];
  log?: Logger;
}

export interface RunningStoreServer {
  url: string;
  services: StoreServices;
  http: RunningHttpServer;
  close(): Promise<void>;
}

/** The headless store server: services + HTTP (API, /healthz, the built screens). */
export async function startStoreServer(o: StoreServerOptions): Promise<RunningStoreServer> {
  const log = o.log ?? createLogger(o.dataDir);
  const clock = o.testClock ?? o.clock;
  const secrets = o.secrets ?? openSecretStore(o.env ?? process.env, (m) => log.warn(m));
  const services = await createStoreServices({
    dataDir: o.dataDir,
    secrets,
    log,
    ...(clock ? { clock } : {}),
    ...(o.idleTimeoutMs ? { idleTimeoutMs: o.idleTimeoutMs } : {}),
    scheduleBackups: o.scheduleBackups ?? true,
    runIntegrations: o.runIntegrations ?? true,
    deviceDrivers: o.deviceDrivers ?? null,
    ...(o.rx30 ? { rx30: o.rx30 } : {}),
    runDevices: true,
    ...(o.deviceCheckEveryMs
      ? {
          deviceTiming: {
            probeEveryMs: o.deviceCheckEveryMs,
            // A printer back after a short outage prints its queue within a check or two.
            printBackoff: { firstMs: Math.min(2_000, o.deviceCheckEveryMs), maxMs: 30_000 },
          },
        }
      : {}),
  });
  let httpServer: RunningHttpServer;
  try {
    httpServer = await startHttpServer({
      services,
      host: o.host,
      port: o.port,
      rendererDir: o.rendererDir,
      ...(o.testClock ? { testClock: o.testClock } : {}),
    });
  } catch (error) {
    services.close();
    throw error;
  }
  let closed = false;
  return {
    url: httpServer.url,
    services,
    http: httpServer,
    close: async () => {
      if (closed) return;
      closed = true;
      await httpServer.close();
      // Deliveries in flight finish and are recorded; anything cut off is re-sent, same key.
      await Promise.race([services.drain(), new Promise((r) => setTimeout(r, 5_000))]);
      services.close();
    },
  };
}
