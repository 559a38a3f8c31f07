import type { StoreServices } from '../app/services.ts';

/** What /healthz and system.health answer: enough for a monitor, nothing personal. */
export function healthOf(s: StoreServices) {
  const chain = s.chain.status();
  return {
    status: chain.state === 'broken' ? ('degraded' as const) : ('ok' as const),
    version: s.version,
    schemaVersion: s.store.schemaVersion,
    auditChain: chain,
  };
}
