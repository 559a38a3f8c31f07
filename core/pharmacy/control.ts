// Runs the Rx30 relay the way the store's pharmacy.rx30 connection says: in socket mode the
// link to the Rx30 server (inbound applied once, the outbox sending pickups), in file mode the
// drop-file reader (Rx30 is not told of pickups). One relay: the first active connection.
// Re-read whenever integrations change (enabled, paused, settings saved).
import type { Logger } from '../log/logger.ts';
import type { Rx30FileImport } from './file-import.ts';
import type { Rx30Outbox } from './outbox.ts';
import type { Rx30Link } from './ports.ts';
import type { Rx30Relay } from './relay.ts';

export interface Rx30Settings {
  mode: 'socket' | 'file';
  host?: string;
  port?: number;
  folder?: string;
  storeId: string;
}

/** What the drivers give the store for Rx30 (drivers/rx30, handed in by the launcher). */
export interface Rx30Drivers {
  socketLink(o: { host: string; port: number }): Rx30Link;
  fileImport(o: { folder: string; sink: Rx30FileImport }): {
    start(): Promise<void>;
    stop(): Promise<void>;
  };
}

export type RelayMode = 'off' | 'socket' | 'file';

export class Rx30RelayControl {
  private readonly drivers: Rx30Drivers | null;
  private readonly relay: Rx30Relay;
  private readonly outbox: Rx30Outbox;
  private readonly fileSink: Rx30FileImport;
  private readonly active: () => Promise<Rx30Settings | null>;
  private readonly log: Logger;
  private running: { key: string; mode: RelayMode; stop: () => Promise<void> } | null = null;
  private syncing: Promise<void> = Promise.resolve();

  constructor(o: {
    drivers: Rx30Drivers | null;
    relay: Rx30Relay;
    outbox: Rx30Outbox;
    fileSink: Rx30FileImport;
    /** The active pharmacy.rx30 connection's settings, or null when there is none. */
    active: () => Promise<Rx30Settings | null>;
    log: Logger;
  }) {
    this.drivers = o.drivers;
    this.relay = o.relay;
    this.outbox = o.outbox;
    this.fileSink = o.fileSink;
    this.active = o.active;
    this.log = o.log;
  }

  /**
   * What the relay adds to the pharmacy.rx30 connection's health: red while the link is down
   * or the relay not running, yellow while connecting; what waits in the outbox.
   */
  health(): {
    level: 'green' | 'yellow' | 'red';
    reason: string | null;
    lastSyncAt: number | null;
    queueDepth: number;
  } {
    const waiting = this.outbox.waiting();
    const h = this.relay.health();
    const mode = this.mode();
    if (mode === 'off')
      return {
        level: 'red',
        reason: 'The Rx30 relay is not running: check the address or folder.',
        lastSyncAt: null,
        queueDepth: waiting,
      };
    if (mode === 'file') return { level: 'green', reason: null, lastSyncAt: null, queueDepth: 0 };
    const base = { lastSyncAt: h.lastMessageAt, queueDepth: waiting };
    if (h.state === 'connected') return { ...base, level: 'green', reason: null };
    if (h.state === 'connecting')
      return { ...base, level: 'yellow', reason: 'Connecting to Rx30…' };
    return {
      ...base,
      level: 'red',
      reason: `${h.detail ?? 'The link to Rx30 is down.'}${waiting > 0 ? ` ${waiting} pickup message(s) wait for it.` : ''}`,
    };
  }

  /** How the relay runs now: the pickup screen says "Rx30 is not told" in file mode. */
  mode(): RelayMode {
    return this.running?.mode ?? 'off';
  }

  /** Brings the relay in line with the connection (one sync at a time, in order). */
  sync(): Promise<void> {
    this.syncing = this.syncing
      .then(() => this.apply())
      .catch((error: unknown) => {
        this.log.error('The Rx30 relay could not be started', { error: String(error) });
      });
    return this.syncing;
  }

  async stop(): Promise<void> {
    await this.syncing;
    await this.running?.stop();
    this.running = null;
  }

  private async apply(): Promise<void> {
    const settings = this.drivers ? await this.active() : null;
    const key = settings ? JSON.stringify(settings) : 'off';
    if (this.running?.key === key) return;
    await this.running?.stop();
    this.running = null;
    if (!settings || !this.drivers) return;
    if (settings.mode === 'socket' && settings.host && settings.port) {
      const link = this.drivers.socketLink({ host: settings.host, port: settings.port });
      this.relay.start(link);
      this.outbox.start(link);
      this.running = {
        key,
        mode: 'socket',
        stop: async () => {
          await this.outbox.stop();
          await this.relay.stop();
        },
      };
      this.log.info('The Rx30 relay is connecting', { host: settings.host, port: settings.port });
    } else if (settings.mode === 'file' && settings.folder) {
      const reader = this.drivers.fileImport({ folder: settings.folder, sink: this.fileSink });
      await reader.start();
      this.running = { key, mode: 'file', stop: () => reader.stop() };
      this.log.info('The Rx30 relay reads the drop folder', { folder: settings.folder });
    } else {
      this.log.warn('The Rx30 connection is missing its address or folder; the relay waits');
    }
  }
}
