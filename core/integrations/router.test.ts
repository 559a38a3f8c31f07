// The integrations API over HTTP: running a provider by hand needs that provider's own
// integration:sync:<provider> permission, on top of seeing integrations at all.
import { describe, expect, it, onTestFinished } from 'vitest';
import { httpTransport } from '../api/testing.ts';
import { OWNER } from '../testing/fixtures.ts';
import { webhookSetup } from './testing/webhook.ts';

describe('the integrations API', () => {
  it('refuses “Sync now” and test events to a role without the provider’s sync permission, on record', async () => {
    const { s, connectionId } = await webhookSetup();
    const api = await httpTransport(s);
    onTestFinished(() => api.close());
    await s.auth.setupOwner(OWNER);
    const owner = await s.auth.login(OWNER, 'test');
    await s.auth.createUser(
      { userId: owner.session.user.id, username: OWNER.username },
      {
        username: 'audrey',
        displayName: 'Audrey Auditor',
        role: 'auditor',
        password: 'auditor password 1',
      },
    );
    const auditor = await s.auth.login(
      { username: 'audrey', password: 'auditor password 1' },
      'test',
    );
    // A new user chooses their own password before anything else (issue 14 §4).
    await s.auth.changePassword(s.auth.authenticate(auditor.token).session, {
      currentPassword: 'auditor password 1',
      newPassword: 'auditor password 2',
    });
    // The auditor may read the connection…
    const read = await api.call(
      { path: 'integrations.get', type: 'query' },
      { id: connectionId },
      auditor.token,
    );
    expect(read.error).toBeNull();
    // …but not run it.
    for (const path of ['integrations.syncNow', 'integrations.sendTestEvent']) {
      const input =
        path === 'integrations.syncNow'
          ? { id: connectionId, feature: 'domain_events' }
          : { id: connectionId };
      const r = await api.call({ path, type: 'mutation' }, input, auditor.token);
      expect(r.error?.data.code, path).toBe('FORBIDDEN');
      expect(r.error?.data.reason).toBe('missing_permission');
      expect(r.error?.message).toMatch(/may not run Signed webhooks by hand/);
    }
    expect(s.audit.query({ action: 'access.denied' }).entries[0]).toMatchObject({
      actor: 'audrey',
      entity: 'connection',
      outcome: 'denied',
    });
    const ok = await api.call(
      { path: 'integrations.sendTestEvent', type: 'mutation' },
      { id: connectionId },
      owner.token,
    );
    expect(ok.error).toBeNull();
  });
});
