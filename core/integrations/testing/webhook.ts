// Test helpers for the integration platform: store services on a manual clock with a
// webhook connection to a real sink on 127.0.0.1.
import { onTestFinished } from 'vitest';
import type { StoreServices } from '../../app/services.ts';
import type { ManualClock } from '../../clock.ts';
import { servicesForTest } from '../../testing/fixtures.ts';
import { startWebhookSink, type WebhookSink } from '../../../simulators/webhook-sink/sink.ts';
import type { ProviderDefinition } from '../model.ts';
import { loadProviders, PROVIDER_FILES } from '../registry.ts';

export const SECRET = 'a-signing-secret-of-at-least-32-characters';

/** Provider definitions with the webhook definition adjusted (shorter timeout, other rules). */
export function providersWith(
  webhook: Partial<ProviderDefinition>,
): Map<string, ProviderDefinition> {
  const base = PROVIDER_FILES['webhook.outbound.json'] as ProviderDefinition;
  return loadProviders({ ...PROVIDER_FILES, 'webhook.outbound.json': { ...base, ...webhook } });
}

export interface WebhookSetup {
  s: StoreServices & { clock: ManualClock };
  sink: WebhookSink;
  connectionId: number;
  /** Publishes n events (one transaction each, like n sales); returns their uids. */
  publish(n: number, type?: 'sale.completed' | 'backup.completed'): string[];
}

export async function webhookSetup(
  o: {
    webhook?: Partial<ProviderDefinition>;
    state?: string;
    enable?: boolean;
    concurrency?: number;
  } = {},
): Promise<WebhookSetup> {
  const s = await servicesForTest({
    providers: providersWith({
      delivery: { concurrency: 4, perSecond: 50, timeoutSeconds: 0.25 },
      ...o.webhook,
    }),
  });
  s.store.db
    .prepare("INSERT INTO settings (key, value) VALUES ('store.state', ?)")
    .run(o.state ?? 'TX');
  const sink = await startWebhookSink({ secret: SECRET, now: () => s.clock.now() });
  onTestFinished(() => sink.close());
  const i = s.integrations;
  const c = i.create('owner', { provider: 'webhook.outbound' });
  await i.connections.configure('owner', c.id, { url: sink.url, secret: SECRET });
  i.connections.setLimits('owner', c.id, {
    maxConcurrency: o.concurrency ?? 8,
    maxPerSecond: 10_000,
  });
  if (o.enable !== false) await i.enable('owner', c.id);
  const publish = (n: number, type: 'sale.completed' | 'backup.completed' = 'sale.completed') => {
    const uids: string[] = [];
    for (let k = 0; k < n; k++) {
      s.store.db.transaction(() => {
        uids.push(
          i.outbox.publish({ type, entity: 'sale', entityId: k, data: { total: 1000 + k } }).uid,
        );
      })();
    }
    return uids;
  };
  return { s, sink, connectionId: c.id, publish };
}
