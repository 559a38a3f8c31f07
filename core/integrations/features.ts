// Per-connection feature settings: on or off, the trigger (the provider's default or this
// store's override), the events chosen, and the watermark — the last domain event already
// fanned out. The watermark is what lets a paused or switched-off feature pick up where it
// stopped ("catch_up") or start from now ("skip"), as the provider's feature says.
import { z } from 'zod';
import type { AuditLog } from '../audit/repo.ts';
import type { Db } from '../db/open.ts';
import { preparedFor, type Statement } from '../db/statements.ts';
import { invalid, notFound } from '../errors.ts';
import {
  domainEventTypeSchema,
  effectiveTrigger,
  triggerSchema,
  type DomainEventType,
  type ProviderDefinition,
  type Trigger,
} from './model.ts';
import type { Outbox } from './outbox.ts';
import type { SyncLog } from './sync-log.ts';

export interface FeatureSetting {
  key: string;
  name: string;
  direction: 'outbound' | 'inbound' | 'both';
  enabled: boolean;
  trigger: Trigger;
  defaultTrigger: Trigger;
  overridden: boolean;
  /** The store chose which events to send (else: every event the feature offers). */
  eventsChosen: boolean;
  /** The store switched this feature on or off itself. */
  enabledChosen: boolean;
  /** For event features: the events this connection sends (a subset of the feature's). */
  events: DomainEventType[] | null;
  availableEvents: DomainEventType[] | null;
  onResume: 'catch_up' | 'skip';
  watermark: number;
  lastRunAt: number | null;
}

export const featureUpdateSchema = z
  .object({
    enabled: z.boolean().optional(),
    /** null puts the provider's default trigger back. */
    trigger: triggerSchema.nullable().optional(),
    /** null sends every event the feature offers. */
    events: z
      .array(domainEventTypeSchema)
      .min(1, 'Choose at least one event.')
      .nullable()
      .optional(),
  })
  .strict();
export type FeatureUpdate = z.infer<typeof featureUpdateSchema>;

interface Row {
  connection_id: number;
  feature: string;
  enabled: 0 | 1;
  enabled_chosen: 0 | 1;
  trigger_override: string | null;
  events: string | null;
  watermark: number;
  last_run_at: number | null;
}

/** The events a feature offers: those of its default on_event trigger. */
export const eventsOffered = (
  f: ProviderDefinition['features'][number],
): DomainEventType[] | null =>
  f.defaultTrigger.kind === 'on_event' ? f.defaultTrigger.events : null;

export class FeatureSettings {
  private readonly db: Db;
  private readonly sql: (sql: string) => Statement;
  private readonly audit: AuditLog;
  private readonly outbox: Outbox;
  private readonly syncLog: SyncLog;
  private readonly now: () => number;

  constructor(o: { db: Db; audit: AuditLog; outbox: Outbox; syncLog: SyncLog; now: () => number }) {
    this.db = o.db;
    this.sql = preparedFor(this.db);
    this.audit = o.audit;
    this.outbox = o.outbox;
    this.syncLog = o.syncLog;
    this.now = o.now;
  }

  /** Adds the rows a connection's features need; a new feature starts from now. */
  ensure(connectionId: number, provider: ProviderDefinition): void {
    const insert = this.sql(
      'INSERT OR IGNORE INTO connection_features (connection_id, feature, watermark) VALUES (?, ?, ?)',
    );
    const head = this.outbox.head();
    for (const f of provider.features) insert.run(connectionId, f.key, head);
  }

  list(connectionId: number, provider: ProviderDefinition): FeatureSetting[] {
    const read = () =>
      new Map(
        (
          this.sql('SELECT * FROM connection_features WHERE connection_id = ?').all(
            connectionId,
          ) as Row[]
        ).map((r) => [r.feature, r]),
      );
    let rows = read();
    // A feature added to the provider since the connection was made gets its row now; the
    // usual read (every worker pump) writes nothing.
    if (provider.features.some((f) => !rows.has(f.key))) {
      this.ensure(connectionId, provider);
      rows = read();
    }
    return provider.features.map((f) => {
      const r = rows.get(f.key);
      if (!r) throw new Error(`connection_features row for ${f.key} is missing`);
      const override = r.trigger_override
        ? triggerSchema.parse(JSON.parse(r.trigger_override))
        : null;
      const offered = eventsOffered(f);
      const chosen = r.events
        ? z.array(domainEventTypeSchema).parse(JSON.parse(r.events))
        : offered;
      return {
        key: f.key,
        name: f.name,
        direction: f.direction,
        enabled: r.enabled === 1,
        trigger: effectiveTrigger(f, override),
        defaultTrigger: f.defaultTrigger,
        overridden: override !== null,
        eventsChosen: r.events !== null,
        enabledChosen: r.enabled_chosen === 1,
        events: chosen,
        availableEvents: offered,
        onResume: f.onResume,
        watermark: r.watermark,
        lastRunAt: r.last_run_at,
      };
    });
  }

  get(connectionId: number, provider: ProviderDefinition, key: string): FeatureSetting {
    const f = this.list(connectionId, provider).find((x) => x.key === key);
    if (!f) throw notFound('feature_not_found', `${provider.name} has no feature "${key}".`);
    return f;
  }

  /** Changes a feature's settings (audited). Switching one back on follows its onResume rule. */
  update(
    actor: string,
    connectionId: number,
    provider: ProviderDefinition,
    key: string,
    change: FeatureUpdate,
    o: { fromTemplate?: boolean } = {},
  ): FeatureSetting {
    const parsed = featureUpdateSchema.parse(change);
    return this.db
      .transaction(() => {
        const before = this.get(connectionId, provider, key);
        if (parsed.events) {
          const offered = before.availableEvents;
          if (!offered)
            throw invalid('not_an_event_feature', `"${before.name}" does not send store events.`);
          const extra = parsed.events.filter((e) => !offered.includes(e));
          if (extra.length)
            throw invalid(
              'event_not_offered',
              `"${before.name}" cannot send ${extra.join(', ')}. It offers: ${offered.join(', ')}.`,
            );
        }
        if (parsed.trigger && parsed.trigger.kind === 'on_event' && before.availableEvents) {
          const extra = parsed.trigger.events.filter((e) => !before.availableEvents?.includes(e));
          if (extra.length)
            throw invalid('event_not_offered', `"${before.name}" cannot send ${extra.join(', ')}.`);
        }
        const sets: string[] = [];
        const args: (string | number | null)[] = [];
        if (parsed.enabled !== undefined) {
          sets.push('enabled = ?');
          args.push(parsed.enabled ? 1 : 0);
          if (!o.fromTemplate) sets.push('enabled_chosen = 1');
        }
        if (parsed.trigger !== undefined) {
          sets.push('trigger_override = ?');
          args.push(parsed.trigger ? JSON.stringify(parsed.trigger) : null);
        }
        if (parsed.events !== undefined) {
          sets.push('events = ?');
          args.push(parsed.events ? JSON.stringify(parsed.events) : null);
        }
        if (sets.length) {
          this.sql(
            `UPDATE connection_features SET ${sets.join(', ')} WHERE connection_id = ? AND feature = ?`,
          ).run(...args, connectionId, key);
        }
        if (!before.enabled && parsed.enabled === true) this.resumeFeature(connectionId, before);
        this.audit.record({
          actor,
          action: 'integration.feature',
          entity: 'connection',
          entityId: connectionId,
          payload: { feature: key, ...parsed, ...(o.fromTemplate ? { fromTemplate: true } : {}) },
        });
        return this.get(connectionId, provider, key);
      })
      .immediate();
  }

  /** A connection's first activation: its features start from now, not from history. */
  startFromNow(connectionId: number): void {
    this.sql('UPDATE connection_features SET watermark = ? WHERE connection_id = ?').run(
      this.outbox.head(),
      connectionId,
    );
  }

  /** A connection resumes after a pause: each feature catches up or skips, as it says. */
  resumeAll(connectionId: number, provider: ProviderDefinition): void {
    for (const f of this.list(connectionId, provider))
      if (f.enabled) this.resumeFeature(connectionId, f);
  }

  advance(connectionId: number, key: string, watermark: number, now: number): void {
    this.sql(
      'UPDATE connection_features SET watermark = max(watermark, ?), last_run_at = ? WHERE connection_id = ? AND feature = ?',
    ).run(watermark, now, connectionId, key);
  }

  /** Events of the chosen types after the watermark (what a catch-up would send). */
  pendingCount(connectionId: number, f: FeatureSetting): number {
    if (!f.events) return 0;
    return this.sql(
      `SELECT count(*) FROM domain_events WHERE id > ? AND type IN (${f.events.map(() => '?').join(',')})`,
    )
      .pluck()
      .get(f.watermark, ...f.events) as number;
  }

  private resumeFeature(connectionId: number, f: FeatureSetting): void {
    if (f.onResume === 'catch_up' || !f.events) return; // the dispatcher sends what is pending
    const skipped = this.pendingCount(connectionId, f);
    const now = this.now();
    this.advance(connectionId, f.key, this.outbox.head(), now);
    if (skipped > 0) {
      this.syncLog.record({
        connectionId,
        feature: f.key,
        direction: f.direction,
        trigger: 'resume',
        pushed: 0,
        pulled: 0,
        errors: 0,
        message: `Skipped ${skipped} event(s) that happened while this was off: "${f.name}" starts from now when resumed.`,
        startedAt: now,
        durationMs: 0,
      });
    }
  }
}
