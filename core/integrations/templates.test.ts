// Partner templates: a partner's defaults for a provider. They are checked when received (never
// a secret), replaced only by a newer version, and fill gaps without overwriting what the store
// chose itself. Real SQLite file, real keychain, a real webhook sink on 127.0.0.1.
import { describe, expect, it, onTestFinished } from 'vitest';
import { startWebhookSink } from '../../simulators/webhook-sink/sink.ts';
import { servicesForTest } from '../testing/fixtures.ts';
import type { PartnerTemplate } from './templates.ts';
import { SECRET, webhookSetup } from './testing/webhook.ts';

const partnerTemplate = (o: Record<string, unknown> = {}) => ({
  code: 'acme.webhooks',
  provider: 'webhook.outbound',
  name: 'Acme POS partner defaults',
  version: 1,
  ...o,
});

async function setup() {
  const s = await servicesForTest();
  s.store.db.prepare("INSERT INTO settings (key, value) VALUES ('store.state', 'TX')").run();
  return { s, i: s.integrations };
}

const refusal = (f: () => unknown): unknown => {
  try {
    f();
  } catch (error) {
    return error;
  }
  return null;
};

/** Nothing was stored under the template's code. */
const notStored = (i: { templates: { get(code: string): unknown } }): boolean =>
  (refusal(() => i.templates.get('acme.webhooks')) as { reason?: string } | null)?.reason ===
  'template_not_found';

describe('partner templates', () => {
  it('stores a valid template with its defaults', async () => {
    const { s, i } = await setup();
    const t = i.templates.receive(
      'partner',
      partnerTemplate({
        config: { replayWindowSeconds: 600 },
        features: { domain_events: { events: ['sale.completed'] } },
        mappings: [{ group: 'EventName', internalCode: 'sale.completed', externalCode: 'order' }],
      }),
      s.clock.now(),
    );
    expect(t).toEqual<PartnerTemplate>({
      code: 'acme.webhooks',
      provider: 'webhook.outbound',
      name: 'Acme POS partner defaults',
      version: 1,
      config: { replayWindowSeconds: 600 },
      features: { domain_events: { events: ['sale.completed'] } },
      mappings: [{ group: 'EventName', internalCode: 'sale.completed', externalCode: 'order' }],
    });
    expect(i.templates.get('acme.webhooks')).toEqual(t);
    expect(s.audit.query({ action: 'integration.template' }).entries).toHaveLength(1);
  });

  it('lists the templates received, all of them or a provider’s', async () => {
    const { s, i } = await setup();
    const hooks = i.templates.receive('partner', partnerTemplate(), s.clock.now());
    const books = i.templates.receive(
      'partner',
      {
        code: 'acme.books',
        provider: 'accounting.quickbooks',
        name: 'Acme Accounting defaults',
        version: 1,
        config: { environment: 'sandbox' },
      },
      s.clock.now(),
    );
    expect(i.templates.list()).toEqual([books, hooks]); // by name
    expect(i.templates.list('webhook.outbound')).toEqual([hooks]);
    expect(i.templates.list('pharmacy.rx30')).toEqual([]);
  });

  it('refuses a template that carries a secret: secrets are set per store', async () => {
    const { s, i } = await setup();
    expect(
      refusal(() =>
        i.templates.receive(
          'partner',
          partnerTemplate({ config: { url: 'https://acme.example/hook', secret: SECRET } }),
          s.clock.now(),
        ),
      ),
    ).toMatchObject({
      kind: 'invalid',
      reason: 'template_has_secret',
      message: 'Template acme.webhooks carries secret; secrets are set per store.',
    });
    expect(notStored(i)).toBe(true);
  });

  it('refuses a setting the provider does not have, and a provider the store does not have', async () => {
    const { s, i } = await setup();
    expect(
      refusal(() =>
        i.templates.receive(
          'partner',
          partnerTemplate({ config: { endpoint: 'https://acme.example/hook' } }),
          s.clock.now(),
        ),
      ),
    ).toMatchObject({
      reason: 'template_unknown_setting',
      message: 'Signed webhooks has no setting endpoint.',
    });
    expect(
      refusal(() =>
        i.templates.receive('partner', partnerTemplate({ provider: 'pos.acme' }), s.clock.now()),
      ),
    ).toMatchObject({ kind: 'not_found', reason: 'provider_not_found' });
    expect(() =>
      i.templates.receive('partner', partnerTemplate({ code: 'Not A Code' }), s.clock.now()),
    ).toThrow('A template code is lowercase letters, digits, dots and dashes.');
    expect(notStored(i)).toBe(true);
  });

  it('ignores an older or equal version, and replaces the template with a newer one', async () => {
    const { s, i } = await setup();
    i.templates.receive(
      'partner',
      partnerTemplate({ version: 2, config: { replayWindowSeconds: 600 } }),
      s.clock.now(),
    );
    const older = i.templates.receive(
      'partner',
      partnerTemplate({ version: 1, name: 'Old defaults', config: { replayWindowSeconds: 60 } }),
      s.clock.now(),
    );
    expect(older).toMatchObject({ version: 2, config: { replayWindowSeconds: 600 } });
    i.templates.receive(
      'partner',
      partnerTemplate({ version: 2, config: { replayWindowSeconds: 120 } }),
      s.clock.now(),
    );
    expect(i.templates.get('acme.webhooks').config).toEqual({ replayWindowSeconds: 600 });
    const newer = i.templates.receive(
      'partner',
      partnerTemplate({ version: 3, name: 'New defaults', config: { replayWindowSeconds: 900 } }),
      s.clock.now(),
    );
    expect(newer).toMatchObject({
      version: 3,
      name: 'New defaults',
      config: { replayWindowSeconds: 900 },
    });
    expect(i.templates.get('acme.webhooks')).toEqual(newer);
  });

  it('fills feature choices and mappings the store has not made when the connection is enabled', async () => {
    const { s, sink, connectionId } = await webhookSetup({ enable: false });
    const i = s.integrations;
    i.templates.receive(
      'partner',
      partnerTemplate({
        features: {
          domain_events: {
            events: ['sale.completed', 'sale.voided'],
            trigger: { kind: 'on_event', events: ['sale.completed', 'sale.voided'] },
          },
        },
        mappings: [
          { group: 'EventName', internalCode: 'sale.completed', externalCode: 'order.paid' },
          { group: 'EventName', internalCode: 'sale.voided', externalCode: 'order.cancelled' },
        ],
      }),
      s.clock.now(),
    );
    i.connections.useTemplate('owner', connectionId, 'acme.webhooks');
    await i.enable('owner', connectionId);
    expect(i.connections.get(connectionId).state).toBe('active');
    const f = i.features.get(
      connectionId,
      i.connections.provider('webhook.outbound'),
      'domain_events',
    );
    expect(f).toMatchObject({
      events: ['sale.completed', 'sale.voided'],
      overridden: true,
      trigger: { kind: 'on_event', events: ['sale.completed', 'sale.voided'] },
    });
    expect(i.mappings.current(connectionId, 'EventName', s.clock.now())).toMatchObject([
      { internalCode: 'sale.completed', externalCode: 'order.paid', source: 'template' },
      { internalCode: 'sale.voided', externalCode: 'order.cancelled', source: 'template' },
    ]);
    // What the receiver gets follows the template: its event names, its events only.
    s.store.db.transaction(() => {
      i.outbox.publish({ type: 'backup.completed', data: {} });
      i.outbox.publish({ type: 'sale.completed', entity: 'sale', entityId: 7, data: {} });
    })();
    await i.runner.runUntilIdle();
    expect(sink.accepted().map((a) => a.type)).toEqual(['order.paid']);
  });

  it('keeps the store’s own mappings and event choices when it applies a template', async () => {
    const { s, connectionId } = await webhookSetup({ enable: false });
    const i = s.integrations;
    i.templates.receive(
      'partner',
      partnerTemplate({
        features: {
          domain_events: {
            events: ['sale.completed', 'sale.voided'],
            trigger: { kind: 'realtime' },
          },
        },
        mappings: [
          { group: 'EventName', internalCode: 'sale.completed', externalCode: 'order.paid' },
          { group: 'EventName', internalCode: 'sale.voided', externalCode: 'order.cancelled' },
          { group: 'EventName', internalCode: 'rx.ready', externalCode: 'rx.ready' },
        ],
      }),
      s.clock.now(),
    );
    i.updateFeature('owner', connectionId, 'domain_events', {
      events: ['backup.failed'],
      trigger: { kind: 'on_schedule', cron: '0 * * * *' },
    });
    i.setMapping('owner', connectionId, {
      group: 'EventName',
      internalCode: 'sale.completed',
      externalCode: 'sale',
    });
    // Removing a mapping is a choice too: the template does not bring it back.
    i.setMapping('owner', connectionId, {
      group: 'EventName',
      internalCode: 'rx.ready',
      externalCode: 'prescription.ready',
    });
    i.setMapping('owner', connectionId, {
      group: 'EventName',
      internalCode: 'rx.ready',
      externalCode: null,
    });
    i.connections.useTemplate('owner', connectionId, 'acme.webhooks');
    await i.enable('owner', connectionId);
    const f = i.features.get(
      connectionId,
      i.connections.provider('webhook.outbound'),
      'domain_events',
    );
    expect(f.events).toEqual(['backup.failed']);
    expect(f.trigger).toEqual({ kind: 'on_schedule', cron: '0 * * * *' });
    expect(i.mappings.current(connectionId, 'EventName', s.clock.now())).toMatchObject([
      { internalCode: 'sale.completed', externalCode: 'sale', source: 'local' },
      { internalCode: 'sale.voided', externalCode: 'order.cancelled', source: 'template' },
    ]);
  });

  it('refuses a template naming a feature, event or map code the provider does not have', async () => {
    const { s } = await webhookSetup({ enable: false });
    const receive = (t: Record<string, unknown>) =>
      s.integrations.templates.receive('partner', partnerTemplate(t), s.clock.now());
    expect(() =>
      receive({ features: { nightly_export: { trigger: { kind: 'on_manual' } } } }),
    ).toThrow(expect.objectContaining({ reason: 'template_unknown_feature' }));
    expect(() =>
      receive({ mappings: [{ group: 'TaxCategory', internalCode: 'x', externalCode: 'y' }] }),
    ).toThrow(expect.objectContaining({ reason: 'map_group_not_found' }));
    expect(() =>
      receive({ mappings: [{ group: 'EventName', internalCode: 'nope', externalCode: 'y' }] }),
    ).toThrow(expect.objectContaining({ reason: 'unknown_internal_code' }));
  });

  it('counts what it filled, and fills nothing the second time', async () => {
    const { s, connectionId } = await webhookSetup({ enable: false });
    const i = s.integrations;
    const template = i.templates.receive(
      'partner',
      partnerTemplate({
        features: {
          domain_events: { events: ['sale.completed'] },
        },
        mappings: [{ group: 'EventName', internalCode: 'sale.completed', externalCode: 'sale' }],
      }),
      s.clock.now(),
    );
    const apply = () =>
      i.templates.applyTo(
        'owner',
        {
          connectionId,
          provider: i.connections.provider('webhook.outbound'),
          template,
          features: i.features,
          mappings: i.mappings,
        },
        s.clock.now(),
      );
    expect(apply()).toEqual({ features: 1, mappings: 1 });
    expect(apply()).toEqual({ features: 0, mappings: 0 });
    expect(i.mappings.history(connectionId, 'EventName')).toHaveLength(1);
  });

  it('shows template settings under the store’s own, and a newer version through where the store set nothing', async () => {
    const { s, connectionId } = await webhookSetup({ enable: false });
    const i = s.integrations;
    i.templates.receive(
      'partner',
      partnerTemplate({ config: { replayWindowSeconds: 600 } }),
      s.clock.now(),
    );
    expect((await i.connections.settings(connectionId)).values).not.toHaveProperty(
      'replayWindowSeconds',
    );
    i.connections.useTemplate('owner', connectionId, 'acme.webhooks');
    const before = await i.connections.settings(connectionId);
    expect(before.values).toMatchObject({ replayWindowSeconds: 600 });
    expect(before.values['url']).toMatch(/^http:\/\/127\.0\.0\.1:/);
    expect(before.local).not.toHaveProperty('replayWindowSeconds');
    expect(before.secretsSet).toEqual(['secret']);
    expect(JSON.stringify(before)).not.toContain(SECRET);

    await i.connections.configure('owner', connectionId, { replayWindowSeconds: 120 });
    i.templates.receive(
      'partner',
      partnerTemplate({ version: 2, config: { replayWindowSeconds: 900 } }),
      s.clock.now(),
    );
    const local = await i.connections.settings(connectionId);
    expect(local.values['replayWindowSeconds']).toBe(120);
    expect(local.local['replayWindowSeconds']).toBe(120);

    // Clearing the store's value lets the template's (newest) value show through again.
    await i.connections.configure('owner', connectionId, { replayWindowSeconds: '' });
    const cleared = await i.connections.settings(connectionId);
    expect(cleared.values['replayWindowSeconds']).toBe(900);
    expect(cleared.local).not.toHaveProperty('replayWindowSeconds');
    expect(await i.connections.resolvedSettings(connectionId)).toMatchObject({
      replayWindowSeconds: 900,
      secret: SECRET,
    });
  });

  it('delivers to the address of the newest template version once it arrives', async () => {
    const { s, sink: oldSink, connectionId, publish } = await webhookSetup({ enable: false });
    const i = s.integrations;
    const newSink = await startWebhookSink({ secret: SECRET, now: () => s.clock.now() });
    onTestFinished(() => newSink.close());
    // The address comes from the template; the store keeps only its secret.
    i.templates.receive(
      'partner',
      partnerTemplate({ config: { url: oldSink.url } }),
      s.clock.now(),
    );
    i.connections.useTemplate('owner', connectionId, 'acme.webhooks');
    await i.connections.configure('owner', connectionId, { url: '' });
    expect((await i.connections.settings(connectionId)).local).toEqual({});
    await i.enable('owner', connectionId);
    publish(1);
    await i.runner.runUntilIdle();
    expect(oldSink.stats().accepted).toBe(1);

    // Settings are layered on read, so the workers must follow a newer version as the form does.
    i.templates.receive(
      'partner',
      partnerTemplate({ version: 2, config: { url: newSink.url } }),
      s.clock.now(),
    );
    expect((await i.connections.settings(connectionId)).values['url']).toBe(newSink.url);
    const [uid] = publish(1);
    await i.runner.runUntilIdle();
    expect(newSink.accepted().map((a) => a.eventId)).toEqual([uid]);
    expect(oldSink.stats().accepted).toBe(1);
  });
});
