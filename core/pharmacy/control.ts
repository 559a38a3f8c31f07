// Runs the Rx30 relay the way the store's pharmacy.rx30 connection says: in socket mode the
// link to the Rx30 server over the connection's framing (inbound applied once, the outbox
// sending pickups), in file mode the reader of the named drop file (Rx30 is not told of
// pickups). One relay: the first active connection. Re-read whenever integrations change
// (enabled, paused, settings saved); any setting changed restarts it.
import { DomainError } from '../errors.ts';
import type { Logger } from '../log/logger.ts';
import type { Rx30FileImport } from './file-import.ts';
import type { Rx30Outbox } from './outbox.ts';
import type { Rx30Link } from './ports.ts';
import type { PatientContact, Rx30Relay } from './relay.ts';

/**
 * How frames are cut on the socket (drivers/rx30/PROTOCOL.md, section 2). Named here because
 * core never imports drivers; drivers/rx30/framing.ts has one framer per name.
 */
export const rx30Framings = ['stx-etx', 'mllp', 'newline', 'length-prefix'] as const;
export type Rx30Framing = (typeof rx30Framings)[number];

/** The file Rx30 writes into the drop folder when the connection names none. */
export const DEFAULT_RX30_FILE_NAME = 'rx30.txt';

export interface Rx30Settings {
  mode: 'socket' | 'file';
  host?: string;
  port?: number;
  /** stx-etx when the connection names none. */
  framing: Rx30Framing;
  folder?: string;
  /** The drop file's name in the folder: rx30.txt when the connection names none. */
  fileName: string;
  storeId: string;
}

/**
 * Why a drop file name is not one, or null. Only a name is accepted: a path would let the
 * setting reach outside the drop folder the store chose.
 */
export function rx30FileNameProblem(fileName: string): string | null {
  if (fileName === '' || fileName === '.' || fileName === '..' || /[/\\\0]/.test(fileName))
    return `The drop file name "${fileName}" is not a file name: enter only the name of the file Rx30 writes into the drop folder, like ${DEFAULT_RX30_FILE_NAME}.`;
  return null;
}

/**
 * What a pharmacy.rx30 connection's settings mean to the relay. Test connection reads them
 * the same way. Empty choices take their defaults; a framing the relay does not know
 * (the settings form offers only rx30Framings) is the default too.
 */
export function rx30SettingsOf(v: Readonly<Record<string, unknown>>): Rx30Settings {
  const fileName = typeof v['fileName'] === 'string' ? v['fileName'].trim() : '';
  return {
    mode: v['mode'] === 'file' ? 'file' : 'socket',
    ...(typeof v['host'] === 'string' ? { host: v['host'] } : {}),
    ...(typeof v['port'] === 'number' ? { port: v['port'] } : {}),
    framing: rx30Framings.find((f) => f === v['framing']) ?? 'stx-etx',
    ...(typeof v['folder'] === 'string' ? { folder: v['folder'] } : {}),
    fileName: fileName || DEFAULT_RX30_FILE_NAME,
    storeId: typeof v['storeId'] === 'string' ? v['storeId'] : '',
  };
}

/** What the drivers give the store for Rx30 (drivers/rx30, handed in by the launcher). */
export interface Rx30Drivers {
  socketLink(o: { host: string; port: number; framing: Rx30Framing }): Rx30Link;
  fileImport(o: { folder: string; fileName: string; sink: Rx30FileImport }): {
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
  private readonly active: () => Promise<Readonly<Record<string, unknown>> | null>;
  private readonly log: Logger;
  private running: { key: string; mode: RelayMode; stop: () => Promise<void> } | null = null;
  /** Why the relay waits instead of running, when a setting is wrong rather than missing. */
  private notRunningBecause: string | null = null;
  private syncing: Promise<void> = Promise.resolve();

  constructor(o: {
    drivers: Rx30Drivers | null;
    relay: Rx30Relay;
    outbox: Rx30Outbox;
    fileSink: Rx30FileImport;
    /** The active pharmacy.rx30 connection's resolved settings, or null when there is none. */
    active: () => Promise<Readonly<Record<string, unknown>> | null>;
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
   * or the relay not running, yellow while connecting, and why a message is stuck. What waits
   * is counted by the platform (the outbox's messages are the connection's jobs).
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
        reason:
          this.notRunningBecause ?? 'The Rx30 relay is not running: check the address or folder.',
        lastSyncAt: null,
        queueDepth: 0,
      };
    if (mode === 'file') return { level: 'green', reason: null, lastSyncAt: null, queueDepth: 0 };
    const base = { lastSyncAt: h.lastMessageAt, queueDepth: 0 };
    const stuck = this.outbox.stuck();
    if (h.state === 'connected' && stuck)
      return {
        ...base,
        level: 'red',
        reason: `Rx30 keeps refusing ${stuck.type}${stuck.invoice ? ` for invoice ${stuck.invoice}` : ''}: ${stuck.lastError ?? 'no reason given'}. ${waiting - 1} pickup message(s) wait behind it. Replay it once Rx30 can take it, or settle it in Rx30 by hand and set it aside (dismiss it).`,
      };
    if (h.state === 'connected') return { ...base, level: 'green', reason: null };
    if (h.state === 'connecting')
      return { ...base, level: 'yellow', reason: 'Connecting to Rx30…' };
    return {
      ...base,
      level: 'red',
      reason: `${h.detail ?? 'The link to Rx30 is down.'}${waiting > 0 ? ` ${waiting} pickup message(s) wait for it.` : ''}`,
    };
  }

  /** A patient's contact details from Rx30 (socket mode only: a drop file cannot be asked). */
  askPatient(o: { storeId: string; patientId: string }): Promise<PatientContact> {
    if (this.mode() === 'file')
      return Promise.reject(
        new DomainError(
          'unavailable',
          'rx30_file_mode',
          'In file mode Rx30 cannot be asked for contact details: look them up in Rx30.',
        ),
      );
    return this.relay.askPatient(o);
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
    const values = this.drivers ? await this.active() : null;
    const settings = values ? rx30SettingsOf(values) : null;
    const key = settings ? JSON.stringify(settings) : 'off';
    if (this.running?.key === key) return;
    await this.running?.stop();
    this.running = null;
    this.notRunningBecause = null;
    if (!settings || !this.drivers) return;
    const { framing, fileName } = settings;
    const badFileName = settings.mode === 'file' ? rx30FileNameProblem(fileName) : null;
    if (settings.mode === 'socket' && settings.host && settings.port) {
      const link = this.drivers.socketLink({ host: settings.host, port: settings.port, framing });
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
      this.log.info('The Rx30 relay is connecting', {
        host: settings.host,
        port: settings.port,
        framing,
      });
    } else if (settings.mode === 'file' && settings.folder && badFileName) {
      this.notRunningBecause = badFileName;
      this.log.warn('The Rx30 drop file name is not a file name; the relay waits', { fileName });
    } else if (settings.mode === 'file' && settings.folder) {
      const reader = this.drivers.fileImport({
        folder: settings.folder,
        fileName,
        sink: this.fileSink,
      });
      await reader.start();
      this.running = { key, mode: 'file', stop: () => reader.stop() };
      this.log.info('The Rx30 relay reads the drop folder', { folder: settings.folder, fileName });
    } else {
      this.log.warn('The Rx30 connection is missing its address or folder; the relay waits');
    }
  }
}
