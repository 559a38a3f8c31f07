import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.ts';
import { PROVIDER_FILES, loadProviders } from './registry.ts';
import { IntegrationService } from './service.ts';
import { StoreProfileService } from '../store/service.ts';
import { quietLog, servicesForTest } from '../testing/fixtures.ts';

async function setup(o: { state?: string; approvedStates?: string[] } = {}) {
  const s = await servicesForTest();
  const webhook = PROVIDER_FILES['webhook.outbound.json'] as Record<string, unknown>;
  const providers = loadProviders({
    ...PROVIDER_FILES,
    ...(o.approvedStates
      ? { 'webhook.outbound.json': { ...webhook, approvedStates: o.approvedStates } }
      : {}),
  });
  if (o.state)
    s.store.db.prepare("INSERT INTO settings (key, value) VALUES ('store.state', ?)").run(o.state);
  const { connections } = new IntegrationService({
    db: s.store.db,
    audit: s.audit,
    clock: s.clock,
    secrets: s.secrets,
    log: quietLog,
    providers,
    adapters: new Map(),
    storeState: () => new StoreProfileService(s.store.db, s.audit).get().state,
  });
  return { s, connections };
}

const passing = async () => ({ ok: true as const });

describe('connections', () => {
  it('are enabled only after a passing connection test, and a failing one leaves the reason', async () => {
    const { connections } = await setup({ state: 'TX' });
    const c = connections.create('owner', {
      provider: 'webhook.outbound',
      credentialRef: 'webhook/1',
    });
    expect(c).toMatchObject({ state: 'configuring', credentialRef: 'webhook/1' });
    const failed = await connections.enable('owner', c.id, async () => ({
      ok: false,
      message: 'the address did not answer',
    }));
    expect(failed).toMatchObject({
      state: 'error',
      attention: 'The connection test failed: the address did not answer',
    });
    expect((await connections.enable('owner', c.id, passing)).state).toBe('active');
  });

  it('refuses a provider not approved for the store’s state, with the reason, on record', async () => {
    const { s, connections } = await setup({ state: 'CA', approvedStates: ['TX'] });
    const c = connections.create('owner', { provider: 'webhook.outbound' });
    const e = await connections.enable('owner', c.id, passing).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DomainError);
    expect((e as DomainError).message).toBe(
      'Signed webhooks is not approved for stores in CA. It is approved in TX.',
    );
    expect(s.audit.query({ action: 'integration.enable' }).entries[0]).toMatchObject({
      outcome: 'denied',
    });
    expect(connections.get(c.id).state).toBe('configuring');
  });

  it('asks for the store’s state before any provider is enabled', async () => {
    const { connections } = await setup();
    const c = connections.create('owner', { provider: 'webhook.outbound' });
    await expect(connections.enable('owner', c.id, passing)).rejects.toMatchObject({
      reason: 'store_state_missing',
    });
  });

  it('pauses after three failed jobs in a row and raises an alert; resuming clears it', async () => {
    const { s, connections } = await setup({ state: 'TX' });
    const c = connections.create('owner', { provider: 'webhook.outbound' });
    await connections.enable('owner', c.id, passing);
    for (let i = 0; i < 3; i++)
      connections.recordJobOutcome(c.id, { type: 'job_failed', errorClass: 'network' });
    expect(connections.get(c.id)).toMatchObject({ state: 'paused', consecutiveFailures: 3 });
    expect(s.audit.query({ action: 'integration.alert' }).entries).toHaveLength(1);
    expect(connections.resume('owner', c.id)).toMatchObject({ state: 'active', attention: null });
    connections.recordJobOutcome(c.id, { type: 'job_succeeded' });
    expect(connections.get(c.id).consecutiveFailures).toBe(0);
  });

  it('keeps one connection per provider (and location), in the provider’s scope', async () => {
    const { connections } = await setup({ state: 'TX' });
    connections.create('owner', { provider: 'webhook.outbound' });
    expect(() => connections.create('owner', { provider: 'webhook.outbound' })).toThrow(
      /already connected/,
    );
    expect(() => connections.create('owner', { provider: 'pharmacy.rx30' })).toThrow(
      /per pharmacy location/,
    );
    connections.create('owner', { provider: 'pharmacy.rx30', location: 'main-st' });
    connections.create('owner', { provider: 'pharmacy.rx30', location: 'elm-st' });
    expect(() =>
      connections.create('owner', { provider: 'webhook.outbound', location: 'main-st' }),
    ).toThrow(/whole store/);
  });

  it('refuses moves the lifecycle does not allow, and a disconnected connection stays so', async () => {
    const { connections } = await setup({ state: 'TX' });
    const c = connections.create('owner', { provider: 'webhook.outbound' });
    expect(() => connections.pause('owner', c.id)).toThrow(/Only an active connection/);
    await connections.enable('owner', c.id, passing);
    connections.disconnect('owner', c.id);
    expect(() => connections.resume('owner', c.id)).toThrow(/disconnected/);
  });
});
