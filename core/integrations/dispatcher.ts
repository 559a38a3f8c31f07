// Fan-out: domain events in the outbox become jobs for every active connection whose
// feature subscribes to them, moving that feature's watermark in the same transaction, so
// an event is queued once per connection and feature however often this runs. Features on a
// schedule run from croner; manual runs come from "Sync now".
import { Cron } from 'croner';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/open.ts';
import { preparedFor, type Statement } from '../db/statements.ts';
import { conflict, notFound } from '../errors.ts';
import type { Logger } from '../log/logger.ts';
import type { FeatureSetting, FeatureSettings } from './features.ts';
import type { JobQueue } from './jobs.ts';
import type { ProviderDefinition } from './model.ts';
import type { DomainEvent, Outbox } from './outbox.ts';

/** Job kinds the platform creates; adapters perform them. */
export type JobKind = 'deliver_event' | 'run_feature';

export interface DeliverEventPayload {
  event: Omit<DomainEvent, 'id'> & { id: number };
  /** What sent it on its way (the sync log says so). */
  trigger: 'on_event' | 'on_schedule' | 'on_manual';
}
export interface RunFeaturePayload {
  trigger: 'on_schedule' | 'on_manual';
  scheduledFor: number;
}

/** One job per event, connection and feature: the key a receiver de-duplicates by. */
export const eventJobKey = (eventUid: string, connectionId: number, feature: string): string =>
  `${eventUid}.c${connectionId}.${feature}`;

const BATCH = 1_000;

export class Dispatcher {
  private readonly db: Db;
  private readonly sql: (sql: string) => Statement;
  private readonly outbox: Outbox;
  private readonly jobs: JobQueue;
  private readonly features: FeatureSettings;
  private readonly providers: ReadonlyMap<string, ProviderDefinition>;
  private readonly clock: Clock;
  private readonly log: Logger;
  /** Told when jobs were queued (the runner wakes). */
  private readonly onQueued: () => void;
  private crons = new Map<string, Cron>();
  private scheduleSignature = '';
  private scheduling = false;

  constructor(o: {
    db: Db;
    outbox: Outbox;
    jobs: JobQueue;
    features: FeatureSettings;
    providers: ReadonlyMap<string, ProviderDefinition>;
    clock: Clock;
    log: Logger;
    onQueued?: () => void;
  }) {
    this.db = o.db;
    this.sql = preparedFor(this.db);
    this.outbox = o.outbox;
    this.jobs = o.jobs;
    this.features = o.features;
    this.providers = o.providers;
    this.clock = o.clock;
    this.log = o.log;
    this.onQueued = o.onQueued ?? (() => {});
  }

  /** Features of active connections, with their provider. */
  private activeFeatures(): {
    connectionId: number;
    provider: ProviderDefinition;
    f: FeatureSetting;
  }[] {
    const rows = this.sql(
      "SELECT id, provider FROM connections WHERE state = 'active' ORDER BY id",
    ).all() as { id: number; provider: string }[];
    const out = [];
    for (const r of rows) {
      const provider = this.providers.get(r.provider);
      // A relay's link queues and sends its own jobs (Rx30): nothing to fan out or schedule.
      if (!provider || provider.deliveredBy === 'relay') continue;
      for (const f of this.features.list(r.id, provider))
        if (f.enabled) out.push({ connectionId: r.id, provider, f });
    }
    return out;
  }

  /** Queues jobs for every pending event of every live-triggered feature; returns jobs queued. */
  fanOut(): number {
    let queued = 0;
    const active = this.activeFeatures();
    for (const { connectionId, f } of active) {
      if (f.events && (f.trigger.kind === 'on_event' || f.trigger.kind === 'realtime'))
        queued += this.fanOutFeature(connectionId, f);
    }
    if (this.scheduling) this.reschedule(active);
    if (queued > 0) this.onQueued();
    return queued;
  }

  /** Sends a feature's pending events (from its watermark), in batches, once each. */
  fanOutFeature(
    connectionId: number,
    f: FeatureSetting,
    trigger: DeliverEventPayload['trigger'] = 'on_event',
  ): number {
    const types = new Set(f.events ?? []);
    let watermark = f.watermark;
    let queued = 0;
    let more = true;
    while (more) {
      // One transaction per batch: the jobs and the moved watermark commit together.
      more = this.db
        .transaction(() => {
          const events = this.outbox.after(watermark, BATCH);
          const last = events.at(-1);
          if (!last) return false;
          const now = this.clock.now();
          for (const e of events) {
            if (!types.has(e.type)) continue;
            const payload: DeliverEventPayload = { event: e, trigger };
            const { created } = this.jobs.enqueue(
              {
                connectionId,
                kind: 'deliver_event',
                feature: f.key,
                idempotencyKey: eventJobKey(e.uid, connectionId, f.key),
                payload,
              },
              now,
            );
            if (created) queued++;
          }
          watermark = last.id;
          this.features.advance(connectionId, f.key, watermark, now);
          return events.length === BATCH;
        })
        .immediate();
    }
    return queued;
  }

  /**
   * "Sync now": an event feature sends what is pending; any other feature queues one run.
   * Refused unless the connection is active and the feature on.
   */
  runNow(connectionId: number, featureKey: string): { queued: number } {
    const row = this.sql('SELECT provider, state FROM connections WHERE id = ?').get(
      connectionId,
    ) as { provider: string; state: string } | undefined;
    const provider = row && this.providers.get(row.provider);
    if (!row || !provider)
      throw notFound('connection_not_found', `There is no connection ${connectionId}.`);
    if (row.state !== 'active')
      throw conflict('not_active', `${provider.name} is ${row.state}: resume it before syncing.`);
    const f = this.features.get(connectionId, provider, featureKey);
    if (!f.enabled)
      throw conflict('feature_off', `"${f.name}" is switched off for this connection.`);
    const queued = f.events
      ? this.fanOutFeature(connectionId, f, 'on_manual')
      : this.queueRun(connectionId, f, 'on_manual');
    if (queued > 0) this.onQueued();
    return { queued };
  }

  private queueRun(
    connectionId: number,
    f: FeatureSetting,
    trigger: RunFeaturePayload['trigger'],
  ): number {
    const now = this.clock.now();
    const payload: RunFeaturePayload = { trigger, scheduledFor: now };
    const { created } = this.jobs.enqueue(
      {
        connectionId,
        kind: 'run_feature',
        feature: f.key,
        // A scheduled run is queued once per tick, even if two timers fire for it.
        idempotencyKey: `run.c${connectionId}.${f.key}.${trigger}.${now}`,
        payload,
      },
      now,
    );
    this.features.advance(connectionId, f.key, f.watermark, now);
    return created ? 1 : 0;
  }

  /**
   * What a schedule does when it fires: an event feature sends what gathered since its last
   * run (a digest); any other feature queues one run. Nothing for a connection no longer active.
   */
  runScheduled(connectionId: number, featureKey: string): number {
    const row = this.sql('SELECT provider, state FROM connections WHERE id = ?').get(
      connectionId,
    ) as { provider: string; state: string } | undefined;
    const provider = row && this.providers.get(row.provider);
    if (!row || !provider || row.state !== 'active') return 0;
    const f = this.features.get(connectionId, provider, featureKey);
    if (!f.enabled) return 0;
    const queued = f.events
      ? this.fanOutFeature(connectionId, f, 'on_schedule')
      : this.queueRun(connectionId, f, 'on_schedule');
    if (queued > 0) this.onQueued();
    return queued;
  }

  /** The scheduled features and when each runs next (the connection page shows it). */
  schedules(): { connectionId: number; feature: string; nextRun: Date | null }[] {
    return [...this.crons].map(([key, cron]) => {
      const [id, feature] = key.split(':');
      return { connectionId: Number(id), feature: feature ?? '', nextRun: cron.nextRun() };
    });
  }

  /** Keeps one croner timer per scheduled feature of an active connection. */
  startSchedules(): void {
    this.scheduling = true;
    this.reschedule(this.activeFeatures());
  }

  stop(): void {
    this.scheduling = false;
    for (const c of this.crons.values()) c.stop();
    this.crons.clear();
    this.scheduleSignature = '';
  }

  private reschedule(active: { connectionId: number; f: FeatureSetting }[]): void {
    const wanted = active.filter((a) => a.f.trigger.kind === 'on_schedule');
    const signature = wanted
      .map(
        (a) =>
          `${a.connectionId}:${a.f.key}:${a.f.trigger.kind === 'on_schedule' ? a.f.trigger.cron : ''}`,
      )
      .join('|');
    if (signature === this.scheduleSignature) return;
    this.scheduleSignature = signature;
    for (const c of this.crons.values()) c.stop();
    this.crons.clear();
    for (const { connectionId, f } of wanted) {
      if (f.trigger.kind !== 'on_schedule') continue;
      const cron = new Cron(f.trigger.cron, { protect: true }, () => {
        try {
          this.runScheduled(connectionId, f.key);
        } catch (error) {
          this.log.warn('A scheduled integration run could not be queued', {
            connectionId,
            feature: f.key,
            error: String(error),
          });
        }
      });
      this.crons.set(`${connectionId}:${f.key}`, cron);
    }
  }
}
