// The integration platform's use cases, composed from its parts: what the API and the
// screens call. Connectors add an adapter; everything else here is shared.
import type { AuditLog } from '../audit/repo.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/open.ts';
import { conflict, notFound } from '../errors.ts';
import type { Logger } from '../log/logger.ts';
import type { SecretStore } from '../secrets/port.ts';
import type { ProviderAdapter } from './adapter.ts';
import { ConnectionService, type Connection } from './connections.ts';
import { Dispatcher } from './dispatcher.ts';
import { FeatureSettings, type FeatureUpdate } from './features.ts';
import { JobQueue } from './jobs.ts';
import { groupOf, internalCodesOf, Mappings } from './mappings.ts';
import {
  approvalFor,
  type DeliveryLimits,
  type ProviderDefinition,
  type UsState,
} from './model.ts';
import { Outbox } from './outbox.ts';
import { healthOf, type HealthLevel } from './rules.ts';
import { JobRunner } from './runner.ts';
import { SyncLog } from './sync-log.ts';
import { PartnerTemplates } from './templates.ts';

export interface ConnectionHealth {
  level: HealthLevel;
  reasons: string[];
  lastSyncAt: number | null;
  succeeded24h: number;
  failed24h: number;
  queueDepth: number;
  retrying: number;
  deadLetters: number;
  tokenExpiresInDays: number | null;
}

/** What a long-lived link adds to its connection's health (see the liveHealth option). */
export interface LiveHealth {
  level: HealthLevel;
  reason: string | null;
  lastSyncAt?: number | null;
  queueDepth?: number;
}

export interface ConnectionOverview extends Connection {
  providerName: string;
  health: ConnectionHealth;
}

export class IntegrationService {
  readonly outbox: Outbox;
  readonly jobs: JobQueue;
  readonly connections: ConnectionService;
  readonly features: FeatureSettings;
  readonly dispatcher: Dispatcher;
  readonly runner: JobRunner;
  readonly mappings: Mappings;
  readonly syncLog: SyncLog;
  readonly templates: PartnerTemplates;
  private readonly db: Db;
  private readonly audit: AuditLog;
  private readonly clock: Clock;
  private readonly providers: ReadonlyMap<string, ProviderDefinition>;
  private readonly adapters: ReadonlyMap<string, ProviderAdapter>;

  constructor(o: {
    db: Db;
    audit: AuditLog;
    clock: Clock;
    secrets: SecretStore;
    log: Logger;
    providers: ReadonlyMap<string, ProviderDefinition>;
    adapters: ReadonlyMap<string, ProviderAdapter>;
    random?: () => number;
    /** The store's US state, from the store details. */
    storeState: () => UsState | null;
    /** Told when integration state changed (screens refresh). */
    onChange?: () => void;
    /**
     * Health a connector knows beyond jobs (a long-lived link such as the Rx30 relay): its
     * level, why, and what waits. Null when it has nothing to add.
     */
    liveHealth?: (c: Connection) => LiveHealth | null;
    /**
     * "Sync now" for a connection whose own link sends its jobs (deliveredBy "relay"): sends
     * what waits now rather than after its wait; returns how many wait.
     */
    relayNow?: (c: Connection) => number;
  }) {
    this.liveHealth = o.liveHealth ?? (() => null);
    this.relayNow = o.relayNow ?? (() => 0);
    this.db = o.db;
    this.audit = o.audit;
    this.clock = o.clock;
    this.providers = o.providers;
    this.adapters = o.adapters;
    const now = () => o.clock.now();
    const onChange = o.onChange ?? (() => {});
    this.syncLog = new SyncLog(o.db);
    // The outbox wakes the dispatcher through the runner's loop (after the change commits).
    this.outbox = new Outbox(o.db, o.clock, () => this.runner.wake());
    this.jobs = new JobQueue(o.db, o.audit);
    this.features = new FeatureSettings({
      db: o.db,
      audit: o.audit,
      outbox: this.outbox,
      syncLog: this.syncLog,
      now,
    });
    this.mappings = new Mappings(o.db, o.audit);
    this.templates = new PartnerTemplates({ db: o.db, audit: o.audit, providers: o.providers });
    this.connections = new ConnectionService({
      db: o.db,
      audit: o.audit,
      providers: o.providers,
      now,
      secrets: o.secrets,
      features: this.features,
      jobs: this.jobs,
      storeState: o.storeState,
    });
    this.connections.templateConfig = (code) => this.templates.get(code).config;
    // A newer template version changes the settings of the connections that use it.
    this.templates.onReceived = (code) => {
      for (const c of this.connections.list())
        if (c.templateCode === code) this.connections.onChange(c.id);
    };
    this.dispatcher = new Dispatcher({
      db: o.db,
      outbox: this.outbox,
      jobs: this.jobs,
      features: this.features,
      providers: o.providers,
      clock: o.clock,
      log: o.log,
      onQueued: () => this.runner.wake(),
    });
    this.runner = new JobRunner({
      db: o.db,
      jobs: this.jobs,
      connections: this.connections,
      dispatcher: this.dispatcher,
      mappings: this.mappings,
      syncLog: this.syncLog,
      adapters: o.adapters,
      clock: o.clock,
      log: o.log,
      ...(o.random ? { random: o.random } : {}),
      onRecorded: onChange,
    });
    this.connections.onChange = (id) => {
      this.runner.forget(id);
      this.runner.wake();
      onChange();
    };
  }

  /** Starts the workers and schedules (the store server calls this once). */
  start(): void {
    this.runner.start();
    this.dispatcher.startSchedules();
  }

  /** Stops at once, without waiting for deliveries in flight (see JobRunner.halt). */
  halt(): void {
    this.dispatcher.stop();
    this.runner.halt();
  }

  async stop(): Promise<void> {
    this.dispatcher.stop();
    await this.runner.stop();
  }

  private provider(code: string): ProviderDefinition {
    const p = this.providers.get(code);
    if (!p) throw notFound('provider_not_found', `There is no provider ${code}.`);
    return p;
  }

  /** Every provider, with whether it may be enabled in this store and why not. */
  catalog(state: UsState | null): {
    provider: ProviderDefinition;
    available: boolean;
    approved: boolean;
    reason: string | null;
  }[] {
    return [...this.providers.values()].map((p) => {
      const available = this.adapters.has(p.code);
      const approval = state
        ? approvalFor(p, state)
        : { ok: false as const, reason: "Set the store's state first." };
      return {
        provider: p,
        available,
        approved: approval.ok,
        reason: !available
          ? `${p.name} is not available in this version of Backroom yet.`
          : approval.ok
            ? null
            : approval.reason,
      };
    });
  }

  private readonly liveHealth: (c: Connection) => LiveHealth | null;
  private readonly relayNow: (c: Connection) => number;

  health(c: Connection): ConnectionHealth {
    const now = this.clock.now();
    const counts = this.jobs.counts(c.id);
    const totals = this.syncLog.totals(c.id, now - 86_400_000);
    const h = healthOf({
      state: c.state,
      attention: c.attention,
      escalated: c.escalated,
      deadLetters: counts.dead,
      retrying: counts.retrying,
      oldestWaitingAt: counts.oldestWaitingAt,
      tokenExpiresAt: null,
      now,
    });
    const live = c.state === 'active' ? this.liveHealth(c) : null;
    const rank: Record<HealthLevel, number> = { off: 0, green: 1, yellow: 2, red: 3 };
    return {
      ...h,
      ...(live
        ? {
            level: rank[live.level] > rank[h.level] ? live.level : h.level,
            reasons: [...h.reasons, ...(live.reason ? [live.reason] : [])],
          }
        : {}),
      lastSyncAt: Math.max(totals.lastRunAt ?? 0, live?.lastSyncAt ?? 0) || null,
      succeeded24h: totals.succeeded,
      failed24h: totals.failed,
      queueDepth: this.jobs.depth(c.id, counts) + (live?.queueDepth ?? 0),
      retrying: counts.retrying,
      deadLetters: counts.dead,
      tokenExpiresInDays: null,
    };
  }

  overview(): ConnectionOverview[] {
    return this.connections
      .list()
      .map((c) => ({ ...c, providerName: this.provider(c.provider).name, health: this.health(c) }));
  }

  detail(
    id: number,
  ): ConnectionOverview & { definition: ProviderDefinition; limits: DeliveryLimits } {
    const c = this.connections.get(id);
    const definition = this.provider(c.provider);
    return {
      ...c,
      providerName: definition.name,
      health: this.health(c),
      definition,
      limits: this.connections.limits(c),
    };
  }

  create(actor: string, o: { provider: string; location?: string }): Connection {
    const p = this.provider(o.provider);
    if (!this.adapters.has(p.code))
      throw conflict(
        'not_available',
        `${p.name} is not available in this version of Backroom yet.`,
      );
    return this.connections.create(actor, o);
  }

  /** Enable: state approval, then the partner template's gaps, then a live connection test. */
  async enable(actor: string, id: number): Promise<Connection> {
    const c = this.connections.get(id);
    const p = this.provider(c.provider);
    const adapter = this.adapters.get(p.code);
    if (!adapter)
      throw conflict(
        'not_available',
        `${p.name} is not available in this version of Backroom yet.`,
      );
    return this.connections.enable(actor, id, async () => {
      if (c.templateCode) {
        this.templates.applyTo(
          actor,
          {
            connectionId: id,
            provider: p,
            template: this.templates.get(c.templateCode),
            features: this.features,
            mappings: this.mappings,
          },
          this.clock.now(),
        );
      }
      const controller = new AbortController();
      return adapter.test({
        connection: c,
        provider: p,
        settings: await this.connections.resolvedSettings(id),
        mapping: (g, code) => this.mappings.lookup(id, g, code, this.clock.now()),
        signal: controller.signal,
        now: () => this.clock.now(),
      });
    });
  }

  /**
   * "Retry all": a person fixed the cause. Resumes a paused connection, sends the dead
   * letters again and brings waiting retries forward (audited).
   */
  retryAll(actor: string, id: number): { replayed: number; retried: number } {
    const c = this.connections.get(id);
    if (c.state === 'paused') this.connections.resume(actor, id);
    else if (c.state !== 'active')
      throw conflict('not_active', `This connection is ${c.state}; enable it before retrying.`);
    const replayed = this.jobs.replay(id, 'all', actor, this.clock.now());
    const retried = this.jobs.retryWaitingNow(id, this.clock.now());
    this.runner.wake();
    return { replayed, retried };
  }

  replay(actor: string, id: number, ids: number[] | 'all'): number {
    const n = this.jobs.replay(id, ids, actor, this.clock.now());
    this.runner.wake();
    return n;
  }

  updateFeature(actor: string, id: number, key: string, change: FeatureUpdate) {
    const c = this.connections.get(id);
    const f = this.features.update(actor, id, this.provider(c.provider), key, change);
    this.runner.wake();
    return f;
  }

  mappingView(id: number) {
    const c = this.connections.get(id);
    const p = this.provider(c.provider);
    const now = this.clock.now();
    return p.mappingGroups.map((g) => ({
      group: g,
      internalCodes: internalCodesOf(g),
      current: this.mappings.current(id, g.key, now),
      reference: g.referenceKind ? this.mappings.reference(id, g.referenceKind) : null,
    }));
  }

  setMapping(
    actor: string,
    id: number,
    o: { group: string; internalCode: string; externalCode: string | null },
  ) {
    const c = this.connections.get(id);
    const p = this.provider(c.provider);
    groupOf(p, o.group);
    return this.mappings.set(actor, { connectionId: id, provider: p, ...o }, this.clock.now());
  }

  /** "Sync now" for one feature; needs the provider's own sync permission (checked by the API). */
  runNow(actor: string, id: number, feature: string): { queued: number } {
    const c = this.connections.get(id);
    const result =
      this.connections.provider(c.provider).deliveredBy === 'relay'
        ? { queued: this.relayNow(c) }
        : this.dispatcher.runNow(id, feature);
    this.audit.record({
      actor,
      action: 'integration.sync_now',
      entity: 'connection',
      entityId: id,
      payload: { feature, queued: result.queued },
    });
    return result;
  }

  /** Publishes a test event, so a receiver can be checked end to end. */
  sendTestEvent(actor: string, id: number): { eventId: string } {
    const c = this.connections.get(id);
    if (c.state !== 'active')
      throw conflict('not_active', 'Enable the connection before sending a test event.');
    const listening = this.features
      .list(id, this.provider(c.provider))
      .some((f) => f.enabled && f.events?.includes('integration.test'));
    if (!listening)
      throw conflict(
        'test_event_not_sent',
        'This connection does not send test events: tick “integration.test” among the events a feature sends.',
      );
    return this.db
      .transaction(() => {
        const { uid } = this.outbox.publish({
          type: 'integration.test',
          entity: 'connection',
          entityId: id,
          data: { message: 'A test event from Backroom.', requestedBy: actor },
        });
        this.audit.record({
          actor,
          action: 'integration.test_event',
          entity: 'connection',
          entityId: id,
          externalRef: uid,
        });
        return { eventId: uid };
      })
      .immediate();
  }
}
