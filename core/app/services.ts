import path from 'node:path';
import pkg from '../../package.json' with { type: 'json' };
import { AuditLog } from '../audit/repo.ts';
import { AnchorKeeper } from '../audit/anchor.ts';
import { StoreIntegrity } from '../audit/integrity.ts';
import { securityPolicy } from '../auth/policy.ts';
import { AuthService } from '../auth/service.ts';
import { holdDataFolder } from '../backup/restore.ts';
import { BackupService } from '../backup/service.ts';
import { systemClock, type Clock } from '../clock.ts';
import { threadsSettled } from '../workers.ts';
import { openStoreDatabase, type StoreDatabase } from '../db/open.ts';
import type { Logger } from '../log/logger.ts';
import type { SecretStore } from '../secrets/port.ts';
import { ChainMonitor } from './chain-monitor.ts';
import type { ProviderDefinition } from '../integrations/model.ts';
import { loadProviders } from '../integrations/registry.ts';
import { ChangeFeed } from './change-feed.ts';
import type { ProviderAdapter } from '../integrations/adapter.ts';
import { IntegrationService, type LiveHealth } from '../integrations/service.ts';
import { WebhookAdapter } from '../integrations/webhook/adapter.ts';
import { StoreProfileService } from '../store/service.ts';
import { CheckDesk } from '../checks/service.ts';
import { FirearmsLedger } from '../firearms/service.ts';
import { BookReports } from '../firearms/reports.ts';
import { BookCompliance } from '../firearms/compliance.ts';
import { FlagCorrections } from '../firearms/flags.ts';
import { StoreHoursSettings } from '../firearms/hours.ts';
import { StateRules } from '../checks/state-rules.ts';
import { DeviceService } from '../devices/service.ts';
import { SignatureStore } from '../signatures/service.ts';
import { PharmacyDesk } from '../pharmacy/desk.ts';
import { PharmacyInbox } from '../pharmacy/inbox.ts';
import { Rx30Outbox } from '../pharmacy/outbox.ts';
import { Rx30Relay } from '../pharmacy/relay.ts';
import { Rx30RelayControl, type Rx30Drivers } from '../pharmacy/control.ts';
import { Rx30FileImport } from '../pharmacy/file-import.ts';
import { PickupDesk } from '../pharmacy/pickups.ts';
import { NetworkStatus } from './network.ts';
import type { DeviceDrivers } from '../devices/ports.ts';

export interface StoreServices {
  readonly version: string;
  readonly dataDir: string;
  readonly store: StoreDatabase;
  readonly audit: AuditLog;
  readonly auth: AuthService;
  readonly backups: BackupService;
  readonly chain: ChainMonitor;
  /** Damaged pages: checked at start and in the background; read-only while damaged. */
  readonly integrity: StoreIntegrity;
  readonly changes: ChangeFeed;
  readonly clock: Clock;
  readonly log: Logger;
  readonly secrets: SecretStore;
  /** Integration providers from resources/providers/, validated at start. */
  readonly providers: ReadonlyMap<string, ProviderDefinition>;
  readonly integrations: IntegrationService;
  readonly profile: StoreProfileService;
  /** The firearms bound book and the background-check desk. */
  readonly firearms: FirearmsLedger;
  readonly checks: CheckDesk;
  /** Bound book exports (by hand and daily) and multiple-sale reports. */
  readonly bookReports: BookReports;
  /** Serial format rules, PMF marking, permits and returns. */
  readonly compliance: BookCompliance;
  /** Corrections of a firearm's PMF and 3310.12 flags, and the NSN review list. */
  readonly flags: FlagCorrections;
  /** The store's own check rules for its state (override, default proceed, permits). */
  readonly stateRules: StateRules;
  /** The store's hours, time zone and closures: the calendar the book counts in. */
  readonly storeHours: StoreHoursSettings;
  /** Printers, scale, pole display and scanners: settings, health, and the print queue. */
  readonly devices: DeviceService;
  /** Signatures from the signature pad, kept with the record that needed them. */
  readonly signatures: SignatureStore;
  /** The pharmacy: Rx30's messages applied once, the pickup screen's lookups and pickups. */
  readonly pharmacy: {
    inbox: PharmacyInbox;
    desk: PharmacyDesk;
    outbox: Rx30Outbox;
    pickups: PickupDesk;
    relay: Rx30RelayControl;
  };
  /** Whether the store is online (card tenders need it). */
  readonly network: NetworkStatus;
  /** Stops deliveries gracefully (waits for those in flight), before close(). */
  drain(): Promise<void>;
  close(): void;
}

export interface ServicesOptions {
  dataDir: string;
  secrets: SecretStore;
  log: Logger;
  clock?: Clock;
  idleTimeoutMs?: number;
  /** Daily backups on the configured schedule (off in most tests). */
  scheduleBackups?: boolean;
  /** Run the integration workers and schedules (tests drive them by hand instead). */
  runIntegrations?: boolean;
  /** Connector adapters by provider code (default: every connector this version ships). */
  adapters?: ReadonlyMap<string, ProviderAdapter>;
  /** Provider definitions (default: resources/providers/, validated). Tests vary them. */
  providers?: ReadonlyMap<string, ProviderDefinition>;
  /** The store's device drivers (drivers/, handed in by the composition root; none in tests). */
  deviceDrivers?: DeviceDrivers | null;
  /** Print queue and device health checks running (tests drive them by hand instead). */
  runDevices?: boolean;
  /** The Rx30 relay's drivers and its connector (drivers/rx30, handed in by the launcher). */
  rx30?: { adapter: ProviderAdapter; drivers: Rx30Drivers };
  /**
   * Index the audit log for search on a timer (default on). Off in tests: the timer writes
   * its watermark to settings at moments a test does not control; a query catches up anyway.
   */
  indexAuditInBackground?: boolean;
  /** How often devices are checked, and print retry waits (tests shorten them). */
  deviceTiming?: { probeEveryMs: number; printBackoff: { firstMs: number; maxMs: number } };
}

export const DATABASE_FILE = 'backroom.db';

/** The store server's composition root, shared by the headless server and the desktop app. */
export async function createStoreServices(o: ServicesOptions): Promise<StoreServices> {
  const clock = o.clock ?? systemClock;
  // A bad provider definition stops the start, naming the file and field.
  const providers = o.providers ?? loadProviders();
  const dataDir = path.resolve(o.dataDir);
  // Marks the database as in use (`npm run restore` refuses meanwhile) and applies a restore
  // staged on the Backups screen, before anything opens the file.
  const held = holdDataFolder(path.join(dataDir, DATABASE_FILE), () => clock.now());
  const store = await openStoreDatabase({
    file: path.join(dataDir, DATABASE_FILE),
    secrets: o.secrets,
    now: () => new Date(clock.now()).toISOString(),
  }).catch((error: unknown) => {
    held.release();
    throw error;
  });
  // Damaged pages: checked before anything reads the store (docs/tamper-evidence.md).
  const integrity = new StoreIntegrity(store, clock, o.log);
  await integrity.checkAtStart();
  const writable = () => !integrity.damaged();
  // The chain head, anchored in the keychain a moment after each batch of commits.
  const anchor = new AnchorKeeper({
    db: store.db,
    secrets: o.secrets,
    hexKey: store.keyMaterial.hexKey,
    clock,
    log: o.log,
  });
  try {
    // Before this start writes anything: the chain as it was found.
    await anchor.check();
    const changes = new ChangeFeed();
    const audit = new AuditLog(store.db, clock, () => {
      changes.raise('audit');
      anchor.noteAppend();
    });
    // Regulated rows still waiting for an entry (the baseline after migration 22) are covered.
    if (writable()) audit.sealPendingRecords();
    const auth = new AuthService({
      db: store.db,
      audit,
      clock,
      policy: securityPolicy,
      ...(o.idleTimeoutMs ? { idleTimeoutMs: o.idleTimeoutMs } : {}),
    });
    // The last run's sessions are gone: an emergency period it left open is closed on record.
    if (writable()) auth.closeEmergenciesLeftOpen();
    const profile = new StoreProfileService(store.db, audit);
    const integrations = new IntegrationService({
      db: store.db,
      audit,
      clock,
      secrets: o.secrets,
      log: o.log,
      providers,
      storeState: () => profile.get().state,
      adapters:
        o.adapters ??
        new Map<string, ProviderAdapter>([
          ['webhook.outbound', new WebhookAdapter({ version: pkg.version })],
          ...(o.rx30 ? [['pharmacy.rx30', o.rx30.adapter] as const] : []),
        ]),
      onChange: () => changes.raise('integrations'),
      // The Rx30 relay is one long-lived link: its state is part of its connection's health.
      liveHealth: (c) => (c.provider === 'pharmacy.rx30' ? (relayHealth.of?.() ?? null) : null),
      relayNow: (c) => (c.provider === 'pharmacy.rx30' ? (relayHealth.now?.() ?? 0) : 0),
    });
    // Filled once the relay exists (it needs the integrations built here first).
    const relayHealth: { of?: () => LiveHealth; now?: () => number } = {};
    const storeHours = new StoreHoursSettings({ db: store.db, audit });
    const stateRules = new StateRules({
      db: store.db,
      audit,
      clock,
      timeZone: () => storeHours.calendar().timeZone,
    });
    const policy = (date: string) => stateRules.policyOn(date);
    const checks = new CheckDesk({
      db: store.db,
      audit,
      clock,
      policy,
      timeZone: () => storeHours.calendar().timeZone,
    });
    const firearms = new FirearmsLedger({
      db: store.db,
      audit,
      outbox: integrations.outbox,
      clock,
      checks,
      storeState: () => profile.get().state,
      storeCalendar: () => storeHours.calendar(),
      timeZone: () => storeHours.calendar().timeZone,
      form4473FiledNumerically: () => profile.get().form4473FiledNumerically,
      policy,
      keyMaterial: store.keyMaterial,
      onThreadFailure: (error) =>
        o.log.warn('A bound book check ran on the main thread: its own thread failed', {
          error: error instanceof Error ? error.message : String(error),
        }),
    });
    const backups = new BackupService({
      store,
      audit,
      outbox: integrations.outbox,
      clock,
      defaultFolder: path.join(dataDir, 'backups'),
      secrets: o.secrets,
      log: o.log,
    });
    if (held.restored && writable()) {
      backups.recordRestore(held.restored);
      held.recorded();
      // A deliberate restore: the restored chain is the new anchor, not a truncation.
      await anchor.reanchor();
    }
    const compliance = new BookCompliance({
      db: store.db,
      audit,
      clock,
      ledger: firearms,
      store: () => profile.get(),
      policy,
      timeZone: () => storeHours.calendar().timeZone,
    });
    const flags = new FlagCorrections({
      db: store.db,
      audit,
      clock,
      storeState: () => profile.get().state,
      storeCalendar: () => storeHours.calendar(),
      policy,
    });
    const bookReports = new BookReports({
      db: store.db,
      audit,
      clock,
      folder: () => backups.folder(),
      log: o.log,
      openReader: () => store.openCopy(store.file, { readonly: true }),
      store: () => profile.get(),
      storeCalendar: () => storeHours.calendar(),
      policy,
      outbox: integrations.outbox,
    });
    const devices = new DeviceService({
      db: store.db,
      audit,
      clock,
      log: o.log,
      drivers: o.deviceDrivers ?? null,
      onChange: () => changes.raise('devices'),
      ...(o.deviceTiming
        ? { probeEveryMs: o.deviceTiming.probeEveryMs, printBackoff: o.deviceTiming.printBackoff }
        : {}),
    });
    const signatures = new SignatureStore({ db: store.db, audit, clock });
    // The pharmacy.rx30 connection pickups are reported on (paused too: they wait for it).
    const rx30Connection = () =>
      integrations.connections
        .list()
        .find((c) => c.provider === 'pharmacy.rx30' && c.state !== 'disconnected') ?? null;
    // Its "Report pickups, voids and returns" feature switched off: Rx30 is not told.
    const reportsPickups = () => {
      const c = rx30Connection();
      return (
        c !== null &&
        integrations.features.get(c.id, integrations.connections.provider(c.provider), 'pickups')
          .enabled
      );
    };
    const rx30Outbox = new Rx30Outbox({
      jobs: integrations.jobs,
      connectionId: () => rx30Connection()?.id ?? null,
      clock,
      log: o.log,
      // Stuck or through again: the pharmacy page and the connection's health change.
      onStuckChange: () => {
        changes.raise('pharmacy');
        changes.raise('integrations');
      },
    });
    const rx30Inbox = new PharmacyInbox({
      db: store.db,
      clock,
      onChange: () => changes.raise('pharmacy'),
    });
    const rx30 = new Rx30RelayControl({
      drivers: o.rx30?.drivers ?? null,
      relay: new Rx30Relay({ inbox: rx30Inbox, log: o.log, now: () => clock.now() }),
      outbox: rx30Outbox,
      fileSink: new Rx30FileImport({ db: store.db, inbox: rx30Inbox, clock, log: o.log }),
      active: async () => {
        const c = integrations.connections
          .list()
          .find((x) => x.provider === 'pharmacy.rx30' && x.state === 'active');
        // What the settings mean (framing, file name, defaults) is the control's to read.
        return c ? integrations.connections.resolvedSettings(c.id) : null;
      },
      log: o.log,
    });
    relayHealth.of = () => rx30.health();
    relayHealth.now = () => {
      rx30Outbox.wake();
      return rx30Outbox.waiting();
    };
    if (o.runIntegrations) {
      void rx30.sync();
      // Enabled, paused or settings saved (each an integrations change): the relay follows.
      changes.emitter.on('change', (topic) => {
        if (topic === 'integrations') void rx30.sync();
      });
    }
    const network = new NetworkStatus();
    if (o.runDevices) network.start();
    const chain = new ChainMonitor(store, audit, clock, o.log, { anchor, integrity });
    // The anchor and the triggers, before the first request; the rows in the background.
    await chain.checkAtStart();
    if (o.scheduleBackups && writable()) {
      backups.schedule();
      // The book's daily copy goes with the backups (same folder, same "scheduled" switch).
      bookReports.scheduleDaily();
    }
    if (o.runIntegrations && writable()) {
      integrations.start();
      // The morning compliance.overdue event, for webhooks that alert someone.
      bookReports.scheduleAlerts();
    }
    if (o.runDevices) devices.start();
    void chain.verify();
    // "Who" and "which record" are indexed a batch at a time, off the write path.
    const lookups =
      o.indexAuditInBackground === false
        ? null
        : setInterval(() => {
            try {
              // A few thousand entries a tick (tens of milliseconds); a query catches up the rest.
              audit.catchUpLookups({ batch: 5_000, batches: 1 });
            } catch (error) {
              o.log.warn('Indexing the audit log for search failed; it will be tried again', {
                error: String(error),
              });
            }
          }, 2_000);
    lookups?.unref();
    // From here on a damaged store refuses every write (starting up had to write a little).
    integrity.started();
    return {
      version: pkg.version,
      dataDir,
      store,
      audit,
      auth,
      backups,
      chain,
      integrity,
      changes,
      clock,
      log: o.log,
      secrets: o.secrets,
      providers,
      integrations,
      profile,
      firearms,
      checks,
      bookReports,
      compliance,
      flags,
      stateRules,
      storeHours,
      devices,
      signatures,
      pharmacy: {
        inbox: rx30Inbox,
        desk: new PharmacyDesk({ db: store.db, audit }),
        outbox: rx30Outbox,
        relay: rx30,
        pickups: new PickupDesk({
          db: store.db,
          audit,
          clock,
          signatures,
          // File mode is one-way, and the reporting feature may be off: Rx30 is not told of
          // pickups. Otherwise they are queued and wait while the relay is off or Rx30 is down.
          outbox: () => (rx30.mode() === 'file' || !reportsPickups() ? null : rx30Outbox),
          online: () => network.online(),
        }),
      },
      network,
      drain: async () => {
        await Promise.all([integrations.stop(), devices.stop(), rx30.stop(), anchor.flush()]);
        // Background threads (verify, integrity, backup, book checks) exit on their own.
        await threadsSettled();
      },
      close: () => {
        if (lookups) clearInterval(lookups);
        integrations.halt();
        devices.halt();
        network.stop();
        // The relay's link and outbox stop writing before the database closes.
        void rx30.stop();
        chain.stop();
        anchor.stop();
        integrity.stop();
        backups.stop();
        bookReports.stop();
        store.close();
        held.release();
      },
    };
  } catch (error) {
    // Nothing half-started stays open.
    anchor.stop();
    integrity.stop();
    store.close();
    held.release();
    // A damaged page met while starting: the refusal says how to restore, not a stack trace.
    throw integrity.explainStartFailure(error);
  }
}
