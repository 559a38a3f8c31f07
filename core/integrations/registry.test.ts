import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { approvalFor } from './model.ts';
import { PROVIDER_FILES, loadProviders } from './registry.ts';

describe('the provider registry', () => {
  it('loads every definition in resources/providers, each valid', () => {
    const onDisk = fs.readdirSync(new URL('../../resources/providers/', import.meta.url)).sort();
    expect(Object.keys(PROVIDER_FILES).sort()).toEqual(onDisk);
    const registry = loadProviders();
    expect([...registry.keys()].sort()).toEqual([
      'accounting.quickbooks',
      'distributor.edi-x12',
      'pharmacy.rx30',
      'webhook.outbound',
    ]);
    expect(registry.get('pharmacy.rx30')?.scope).toBe('location');
  });

  it('names the file and the field of a bad definition', () => {
    const good = PROVIDER_FILES['webhook.outbound.json'] as Record<string, unknown>;
    expect(() =>
      loadProviders({ 'webhook.outbound.json': { ...good, approvedStates: ['ZZ'] } }),
    ).toThrow(/webhook\.outbound\.json .*approvedStates/);
    expect(() => loadProviders({ 'x.json': good })).toThrow(
      /name the file webhook\.outbound\.json/,
    );
    expect(() =>
      loadProviders({
        'webhook.outbound.json': {
          ...good,
          features: [
            {
              key: 'a',
              name: 'A',
              direction: 'outbound',
              defaultTrigger: { kind: 'on_schedule', cron: 'daily' },
              onResume: 'skip',
            },
          ],
        },
      }),
    ).toThrow(/cron/);
  });

  it('refuses a provider in a state it is not approved for, with the reason', () => {
    const good = PROVIDER_FILES['webhook.outbound.json'] as Record<string, unknown>;
    const p = loadProviders({
      'webhook.outbound.json': { ...good, approvedStates: ['TX', 'OK'] },
    }).get('webhook.outbound');
    expect(p && approvalFor(p, 'TX')).toEqual({ ok: true });
    expect(p && approvalFor(p, 'CA')).toEqual({
      ok: false,
      reason: 'Signed webhooks is not approved for stores in CA. It is approved in TX, OK.',
    });
  });
});

describe('provider permissions', () => {
  it('has an integration:sync:<provider> permission, named in roles.json, for every provider', async () => {
    const { permissions } = await import('../auth/model.ts');
    const roles = (await import('../../resources/roles.json', { with: { type: 'json' } })).default;
    for (const code of loadProviders().keys()) {
      const permission = `integration:sync:${code}`;
      expect(permissions as readonly string[]).toContain(permission);
      expect(Object.keys(roles.permissions)).toContain(permission);
      expect(roles.roles.owner).toContain(permission);
    }
  });
});
