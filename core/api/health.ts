import type { StoreServices } from '../app/services.ts';
import type { SecretsLocation } from '../secrets/port.ts';

/**
 * Where secrets live, for a monitor: the keychain, or a file on this PC (and whether someone
 * configured it or the headless server chose it because no keychain answered). No path.
 */
export function secretsHealth(location: SecretsLocation) {
  return location.kind === 'keychain'
    ? { where: 'keychain' as const }
    : { where: 'file' as const, why: location.why };
}

/** What /healthz and system.health answer: enough for a monitor, nothing personal. */
export function healthOf(s: StoreServices) {
  const chain = s.chain.status();
  const integrity = s.integrity.status();
  return {
    // damaged: read-only until restored (integrity.whatToDo says how); degraded: the chain or
    // a tamper check found something (auditChain.tamper names it).
    status:
      integrity.state === 'damaged'
        ? ('damaged' as const)
        : chain.state === 'broken' || chain.tamper.findings.length > 0
          ? ('degraded' as const)
          : ('ok' as const),
    version: s.version,
    schemaVersion: s.store.schemaVersion,
    integrity,
    auditChain: chain,
    secrets: secretsHealth(s.secrets.location),
  };
}
