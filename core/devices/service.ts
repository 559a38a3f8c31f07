// The store's devices: configured in the device manager, tested from it, watched for health
// (connected, last seen, last error) and used through one print queue. Drivers are opened
// here from the DeviceDrivers the composition root hands in (drivers/ implements them).
import { EventEmitter } from 'node:events';
import type { AuditLog } from '../audit/repo.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/open.ts';
import { preparedFor, type Statement } from '../db/statements.ts';
import { conflict, DomainError, notFound } from '../errors.ts';
import type { Logger } from '../log/logger.ts';
import {
  deviceConfigSchema,
  labelSchema,
  poleTextSchema,
  receiptSchema,
  scannerSchema,
  type DeviceConfig,
  type DeviceKind,
  type Label,
  type PoleText,
  type ReceiptInput,
  type ScaleReading,
  type ScannerConfig,
} from './model.ts';
import {
  DeviceError,
  type DeviceDrivers,
  type LabelPrinter,
  type PoleDisplay,
  type Probe,
  type ReceiptPrinter,
  type Scale,
} from './ports.ts';
import { PrintQueue, type PrintDocument, type PrintJob } from './print-queue.ts';

export interface DeviceHealth {
  /** Null until the first check. */
  connected: boolean | null;
  checkedAt: number | null;
  lastSeenAt: number | null;
  lastError: string | null;
  lastErrorAt: number | null;
}

export interface DeviceView {
  id: number;
  kind: DeviceKind;
  name: string;
  config: DeviceConfig;
  health: DeviceHealth;
  queue: { waiting: number; held: number };
}

interface Row {
  id: number;
  kind: DeviceKind;
  name: string;
  config: string;
  connected: 0 | 1 | null;
  checked_at: number | null;
  last_seen_at: number | null;
  last_error: string | null;
  last_error_at: number | null;
}

/** A driver opened for a device, kept while its settings stay the same. */
type Handle =
  | { kind: 'receipt_printer'; driver: ReturnType<DeviceDrivers['receiptPrinter']> }
  | { kind: 'label_printer'; driver: ReturnType<DeviceDrivers['labelPrinter']> }
  | { kind: 'scale'; driver: ReturnType<DeviceDrivers['scale']> }
  | { kind: 'pole_display'; driver: ReturnType<DeviceDrivers['poleDisplay']> }
  | { kind: 'scanner'; driver: ReturnType<DeviceDrivers['serialScanner']> | null };

/** A health check that takes longer than this counts as no answer. */
const PROBE_LIMIT_MS = 5_000;

/** The driver each kind of device is used through. */
interface DriverOf {
  receipt_printer: ReceiptPrinter;
  label_printer: LabelPrinter;
  scale: Scale;
  pole_display: PoleDisplay;
}

const noDrivers = () =>
  new DomainError(
    'unavailable',
    'no_device_drivers',
    'This copy of the store server runs without device drivers: devices can be set up but not reached.',
  );

/** A DeviceError as the API shows it: the clerk's message, with its code as the reason. */
const asProblem = (e: unknown) =>
  e instanceof DeviceError ? new DomainError('unavailable', `device_${e.code}`, e.message) : e;

export class DeviceService {
  readonly queue: PrintQueue;
  private readonly db: Db;
  private readonly sql: (sql: string) => Statement;
  private readonly audit: AuditLog;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly drivers: DeviceDrivers | null;
  private readonly onChange: () => void;
  private readonly probeEveryMs: number;
  private readonly handles = new Map<number, { config: string; handle: Handle }>();
  private monitor: NodeJS.Timeout | null = null;
  private probing: Promise<void> | null = null;
  private halted = false;
  private running = false;
  /** Serial scanners being listened to, by device id, with the settings they were opened with. */
  private readonly listening = new Map<number, { config: string; stop: () => void }>();
  /** Codes read by serial scanners: the API streams them to the open screens. */
  readonly scans = new EventEmitter<{ scan: [{ deviceId: number; code: string }] }>();

  constructor(o: {
    db: Db;
    audit: AuditLog;
    clock: Clock;
    log: Logger;
    drivers: DeviceDrivers | null;
    onChange?: () => void;
    /** How often each device is checked (the dashboard's health). */
    probeEveryMs?: number;
    /** Print retry waits (tests shorten them). */
    printBackoff?: { firstMs: number; maxMs: number };
  }) {
    this.db = o.db;
    this.sql = preparedFor(o.db);
    this.audit = o.audit;
    this.clock = o.clock;
    this.log = o.log;
    this.drivers = o.drivers;
    this.onChange = o.onChange ?? (() => {});
    this.probeEveryMs = o.probeEveryMs ?? 15_000;
    this.queue = new PrintQueue({
      db: o.db,
      audit: o.audit,
      clock: o.clock,
      log: o.log,
      print: (deviceId, doc, copies) => this.printNow(deviceId, doc, copies),
      onChange: this.onChange,
      ...(o.printBackoff
        ? { firstBackoffMs: o.printBackoff.firstMs, maxBackoffMs: o.printBackoff.maxMs }
        : {}),
    });
  }

  // -- Configuration ------------------------------------------------------------------

  list(): DeviceView[] {
    const waiting = this.queue.waiting();
    return (
      this.sql(
        `SELECT d.id, d.kind, d.name, d.config, h.connected, h.checked_at, h.last_seen_at, h.last_error, h.last_error_at
         FROM devices d LEFT JOIN device_health h ON h.device_id = d.id
         WHERE d.retired_at IS NULL ORDER BY d.kind, d.name`,
      ).all() as Row[]
    ).map((r) => this.view(r, waiting.get(r.id)));
  }

  get(id: number): DeviceView {
    const found = this.list().find((d) => d.id === id);
    if (!found) throw notFound('device_not_found', `There is no device ${id} (it may be removed).`);
    return found;
  }

  add(actor: string, raw: unknown): DeviceView {
    const config = deviceConfigSchema.parse(raw);
    this.nameFree(config.name);
    const now = this.clock.now();
    const id = Number(
      this.sql(
        'INSERT INTO devices (kind, name, config, created_at, updated_at) VALUES (?, ?, ?, ?, ?)',
      ).run(config.kind, config.name, JSON.stringify(config), now, now).lastInsertRowid,
    );
    return this.settled(actor, 'device.add', id, config);
  }

  update(actor: string, id: number, raw: unknown): DeviceView {
    const before = this.get(id);
    const config = deviceConfigSchema.parse(raw);
    if (config.kind !== before.kind)
      throw conflict(
        'kind_changed',
        `Device ${before.name} is a ${before.kind.replace('_', ' ')}: add a new device for a different kind.`,
      );
    this.nameFree(config.name, id);
    this.sql('UPDATE devices SET name = ?, config = ?, updated_at = ? WHERE id = ?').run(
      config.name,
      JSON.stringify(config),
      this.clock.now(),
      id,
    );
    void this.close(id);
    return this.settled(actor, 'device.update', id, config);
  }

  /** A device added or changed: audited, checked at once, scanners listened to again. */
  private settled(
    actor: string,
    action: 'device.add' | 'device.update',
    id: number,
    config: DeviceConfig,
  ): DeviceView {
    this.audit.record({ actor, action, entity: 'device', entityId: id, payload: config });
    this.onChange();
    void this.probe(id);
    this.listenToScanners();
    return this.get(id);
  }

  /** Takes a device out of use; its print history stays. Jobs still waiting are cancelled. */
  retire(actor: string, id: number): void {
    const d = this.get(id);
    this.db.transaction(() => {
      this.sql('UPDATE devices SET retired_at = ? WHERE id = ?').run(this.clock.now(), id);
      this.sql(
        "UPDATE print_jobs SET state = 'cancelled', cancelled_by = ?, cancelled_at = ? WHERE device_id = ? AND state IN ('queued', 'held')",
      ).run(actor, this.clock.now(), id);
      this.audit.record({
        actor,
        action: 'device.retire',
        entity: 'device',
        entityId: id,
        payload: { name: d.name },
      });
    })();
    this.listenToScanners();
    void this.close(id);
    this.onChange();
  }

  /**
   * Listens to every serial scanner in use (and stops listening to removed or changed ones):
   * what they read goes to `scans`, and so to the screens. Only while running.
   */
  private listenToScanners(): void {
    if (!this.running) return;
    const wanted = new Map(
      (
        this.sql(
          "SELECT id, config FROM devices WHERE kind = 'scanner' AND retired_at IS NULL",
        ).all() as { id: number; config: string }[]
      )
        .filter((r) => (JSON.parse(r.config) as { model?: string }).model === 'serial')
        .map((r) => [r.id, r.config]),
    );
    for (const [id, l] of this.listening)
      if (wanted.get(id) !== l.config) {
        l.stop();
        this.listening.delete(id);
      }
    for (const [id, config] of wanted) {
      if (this.listening.has(id)) continue;
      try {
        const { driver } = this.handle(id);
        if (!driver || !('listen' in driver)) continue;
        const stop = driver.listen(
          (code) => {
            this.recordHealth(id, { connected: true });
            this.scans.emit('scan', { deviceId: id, code });
          },
          (error) =>
            this.recordHealth(id, {
              connected: false,
              problem: { code: error.code, message: error.message },
            }),
        );
        this.listening.set(id, { config, stop });
      } catch (error) {
        this.log.warn('A serial scanner could not be listened to', { id, error: String(error) });
      }
    }
  }

  /** The keyboard-wedge settings the screens use to tell a scan from typing. */
  scannerSettings(): Pick<ScannerConfig, 'maxGapMs' | 'minLength' | 'prefix' | 'suffix'> {
    const scanner = this.list().find(
      (d) => d.config.kind === 'scanner' && d.config.model === 'keyboard',
    );
    const c =
      scanner?.config.kind === 'scanner'
        ? scanner.config
        : scannerSchema.parse({ kind: 'scanner', name: 'default', model: 'keyboard' });
    return { maxGapMs: c.maxGapMs, minLength: c.minLength, prefix: c.prefix, suffix: c.suffix };
  }

  // -- Health -------------------------------------------------------------------------

  /** Checks one device now and records what it said (a device that hangs counts as not answering). */
  async probe(id: number): Promise<DeviceHealth> {
    let result: Probe;
    let timer: NodeJS.Timeout | undefined;
    try {
      const { driver } = this.handle(id);
      // A keyboard-wedge scanner is the keyboard: nothing to reach.
      result = driver
        ? await Promise.race([
            driver.probe(),
            new Promise<never>((_, reject) => {
              timer = setTimeout(
                () =>
                  reject(new DeviceError('timeout', 'The device did not answer within 5 seconds.')),
                PROBE_LIMIT_MS,
              );
            }),
          ])
        : { connected: true };
    } catch (error) {
      result = {
        connected: false,
        problem: {
          code: error instanceof DeviceError ? error.code : 'offline',
          message: error instanceof Error ? error.message : String(error),
        },
      };
    } finally {
      clearTimeout(timer);
    }
    return this.recordHealth(id, result);
  }

  /** Checks every device at once (the monitor's tick): one slow device holds up no other. */
  async probeAll(): Promise<void> {
    this.probing ??= (async () => {
      try {
        await Promise.all(this.list().map((d) => this.probe(d.id)));
      } finally {
        this.probing = null;
      }
    })();
    return this.probing;
  }

  /** Starts the print queue, the periodic health checks and listening to serial scanners. */
  start(): void {
    this.running = true;
    this.queue.start();
    this.listenToScanners();
    const tick = () => {
      void this.probeAll().finally(() => {
        if (this.monitor) this.monitor = setTimeout(tick, this.probeEveryMs);
      });
    };
    this.monitor = setTimeout(tick, 0);
  }

  /** Stops for good before the database closes (ports are closed in the background). */
  halt(): void {
    this.halted = true;
    this.running = false;
    for (const l of this.listening.values()) l.stop();
    this.listening.clear();
    if (this.monitor) clearTimeout(this.monitor);
    this.monitor = null;
    this.queue.halt();
    for (const id of [...this.handles.keys()]) void this.close(id);
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const l of this.listening.values()) l.stop();
    this.listening.clear();
    if (this.monitor) clearTimeout(this.monitor);
    this.monitor = null;
    this.queue.stop();
    await this.probing?.catch(() => undefined);
    await Promise.all([...this.handles.keys()].map((id) => this.close(id)));
  }

  // -- Actions ------------------------------------------------------------------------

  /** Queues a receipt once per key (a sale's receipt prints once, however often asked). */
  printReceipt(actor: string, deviceId: number, key: string, receipt: ReceiptInput) {
    this.ofKind(deviceId, 'receipt_printer');
    return this.queue.enqueue(actor, {
      deviceId,
      key,
      document: { kind: 'receipt', receipt: receiptSchema.parse(receipt) },
    });
  }

  printLabel(actor: string, deviceId: number, key: string, label: Label, copies: number) {
    this.ofKind(deviceId, 'label_printer');
    return this.queue.enqueue(actor, {
      deviceId,
      key,
      copies,
      document: { kind: 'label', label: labelSchema.parse(label) },
    });
  }

  /** A test page through the queue, so the test shows what a real job would do. */
  printTestPage(actor: string, deviceId: number): PrintJob {
    const d = this.get(deviceId);
    if (d.kind !== 'receipt_printer' && d.kind !== 'label_printer')
      throw conflict('not_a_printer', `${d.name} is not a printer.`);
    const key = `test:${deviceId}:${this.clock.now()}:${Math.random().toString(36).slice(2)}`;
    const title = `Test page · ${d.name}`;
    const document: PrintDocument =
      d.kind === 'receipt_printer'
        ? { kind: 'test_page', title }
        : {
            kind: 'label',
            label: { template: 'shelf', description: title, price: 0, barcode: 'TEST-123' },
          };
    this.audit.record({
      actor,
      action: 'device.test',
      entity: 'device',
      entityId: deviceId,
      payload: { test: 'print' },
    });
    return this.queue.enqueue(actor, { deviceId, key, document }).job;
  }

  async openDrawer(actor: string, deviceId: number): Promise<void> {
    const h = this.handleOf(deviceId, 'receipt_printer');
    // Audited: a drawer opened outside a sale is what a manager wants to see.
    this.audit.record({
      actor,
      action: 'device.open_drawer',
      entity: 'device',
      entityId: deviceId,
    });
    await this.run(deviceId, () => h.openDrawer());
  }

  async readWeight(deviceId: number): Promise<ScaleReading> {
    const h = this.handleOf(deviceId, 'scale');
    return this.run(deviceId, () => h.readStable());
  }

  async zeroScale(actor: string, deviceId: number): Promise<void> {
    const h = this.handleOf(deviceId, 'scale');
    this.audit.record({ actor, action: 'device.zero_scale', entity: 'device', entityId: deviceId });
    await this.run(deviceId, () => h.zero());
  }

  async showText(deviceId: number, raw: PoleText | null): Promise<void> {
    const h = this.handleOf(deviceId, 'pole_display');
    await this.run(deviceId, () => (raw ? h.show(poleTextSchema.parse(raw)) : h.showIdle()));
  }

  /** A label as the printer would print it, rendered to PNG (no printer needed). */
  async labelPreview(deviceId: number, label: Label): Promise<{ zpl: string; png: Buffer }> {
    const h = this.handleOf(deviceId, 'label_printer');
    const parsed = labelSchema.parse(label);
    return { zpl: h.zpl(parsed), png: await h.preview(parsed) };
  }

  // -- Internals ----------------------------------------------------------------------

  private async printNow(deviceId: number, doc: PrintDocument, copies: number): Promise<void> {
    const handle = this.handle(deviceId, { includeRetired: false });
    const done = async () => {
      if (handle.kind === 'receipt_printer') {
        if (doc.kind === 'receipt')
          for (let i = 0; i < copies; i++) await handle.driver.printReceipt(doc.receipt);
        else if (doc.kind === 'test_page') await handle.driver.printTestPage(doc.title);
        else throw new DeviceError('unsupported', 'A receipt printer cannot print labels.');
      } else if (handle.kind === 'label_printer') {
        if (doc.kind !== 'label')
          throw new DeviceError('unsupported', 'A label printer prints labels only.');
        await handle.driver.print(doc.label, copies);
      } else throw new DeviceError('unsupported', 'That device is not a printer.');
    };
    await this.run(deviceId, done, { raw: true });
  }

  /** Runs a device call, recording its health either way; device errors become API problems. */
  private async run<T>(
    deviceId: number,
    call: () => Promise<T>,
    o: { raw?: boolean } = {},
  ): Promise<T> {
    try {
      const result = await call();
      this.recordHealth(deviceId, { connected: true });
      return result;
    } catch (error) {
      if (
        error instanceof DeviceError &&
        error.code !== 'unstable' &&
        error.code !== 'over_range' &&
        error.code !== 'under_zero'
      )
        this.recordHealth(deviceId, {
          connected: false,
          problem: { code: error.code, message: error.message },
        });
      throw o.raw ? error : asProblem(error);
    }
  }

  private recordHealth(id: number, p: Probe): DeviceHealth {
    const now = this.clock.now();
    if (this.halted)
      return {
        connected: p.connected,
        checkedAt: now,
        lastSeenAt: null,
        lastError: null,
        lastErrorAt: null,
      };
    // Ready is what the staff need: a printer that answers but is out of paper is not.
    const ready = p.connected && !p.problem;
    const before = this.sql('SELECT connected FROM device_health WHERE device_id = ?')
      .pluck()
      .get(id) as 0 | 1 | undefined;
    this.sql(
      `INSERT INTO device_health (device_id, connected, checked_at, last_seen_at, last_error, last_error_at)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (device_id) DO UPDATE SET connected = excluded.connected, checked_at = excluded.checked_at,
         last_seen_at = coalesce(excluded.last_seen_at, last_seen_at),
         last_error = coalesce(excluded.last_error, last_error),
         last_error_at = coalesce(excluded.last_error_at, last_error_at)`,
    ).run(
      id,
      ready ? 1 : 0,
      now,
      p.connected ? now : null,
      p.problem?.message ?? null,
      p.problem ? now : null,
    );
    if (before !== (ready ? 1 : 0)) {
      this.onChange();
      if (ready) this.queue.printerBack(id);
    }
    const h = this.sql('SELECT * FROM device_health WHERE device_id = ?').get(id) as {
      connected: 0 | 1;
      checked_at: number;
      last_seen_at: number | null;
      last_error: string | null;
      last_error_at: number | null;
    };
    return {
      connected: h.connected === 1,
      checkedAt: h.checked_at,
      lastSeenAt: h.last_seen_at,
      lastError: h.last_error,
      lastErrorAt: h.last_error_at,
    };
  }

  private view(r: Row, queue = { waiting: 0, held: 0 }): DeviceView {
    return {
      id: r.id,
      kind: r.kind,
      name: r.name,
      config: deviceConfigSchema.parse(JSON.parse(r.config)),
      health: {
        connected: r.connected === null ? null : r.connected === 1,
        checkedAt: r.checked_at,
        lastSeenAt: r.last_seen_at,
        lastError: r.last_error,
        lastErrorAt: r.last_error_at,
      },
      queue,
    };
  }

  private nameFree(name: string, except?: number): void {
    const clash = this.sql(
      'SELECT id FROM devices WHERE name = ? AND retired_at IS NULL AND id != ?',
    )
      .pluck()
      .get(name, except ?? 0);
    if (clash !== undefined)
      throw new DomainError(
        'conflict',
        'device_name_taken',
        `A device is already called “${name}”: give this one another name.`,
        [{ path: 'name', message: 'Another device has this name.' }],
      );
  }

  private ofKind(id: number, kind: DeviceKind): DeviceView {
    const d = this.get(id);
    if (d.kind !== kind)
      throw conflict(
        'wrong_device_kind',
        `${d.name} is a ${d.kind.replace('_', ' ')}, not a ${kind.replace('_', ' ')}.`,
      );
    return d;
  }

  private handleOf<K extends keyof DriverOf>(id: number, kind: K): DriverOf[K] {
    this.ofKind(id, kind);
    const h = this.handle(id);
    if (!h.driver) throw noDrivers();
    return h.driver as DriverOf[K];
  }

  /** The device's driver, opened on first use and reopened when its settings change. */
  private handle(id: number, o: { includeRetired?: boolean } = {}): Handle {
    const row = this.sql(
      `SELECT config FROM devices WHERE id = ?${o.includeRetired === false ? ' AND retired_at IS NULL' : ''}`,
    )
      .pluck()
      .get(id) as string | undefined;
    if (row === undefined) throw new DeviceError('unsupported', `Device ${id} has been removed.`);
    const open = this.handles.get(id);
    if (open?.config === row) return open.handle;
    if (open) void this.close(id);
    if (!this.drivers) throw noDrivers();
    const c = deviceConfigSchema.parse(JSON.parse(row));
    const d = this.drivers;
    const handle: Handle =
      c.kind === 'receipt_printer'
        ? { kind: c.kind, driver: d.receiptPrinter(c) }
        : c.kind === 'label_printer'
          ? { kind: c.kind, driver: d.labelPrinter(c) }
          : c.kind === 'scale'
            ? { kind: c.kind, driver: d.scale(c) }
            : c.kind === 'pole_display'
              ? { kind: c.kind, driver: d.poleDisplay(c) }
              : { kind: c.kind, driver: c.model === 'serial' ? d.serialScanner(c) : null };
    this.handles.set(id, { config: row, handle });
    return handle;
  }

  private async close(id: number): Promise<void> {
    const open = this.handles.get(id);
    this.handles.delete(id);
    const h = open?.handle;
    if (!h?.driver || !('close' in h.driver)) return;
    await h.driver
      .close()
      .catch((error: unknown) =>
        this.log.warn('A device did not close cleanly', { id, error: String(error) }),
      );
  }
}
