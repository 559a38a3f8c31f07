// Per-store (or per-location) connections to providers, moved through the lifecycle of
// rules.ts and kept in SQLite. Every change is audited. Credentials stay in the SecretStore;
// a connection keeps only its credential_ref.
import type { AuditLog } from '../audit/repo.ts';
import type { Db } from '../db/open.ts';
import { conflict, DomainError, forbidden, notFound } from '../errors.ts';
import { approvalFor, US_STATES, type ProviderDefinition, type UsState } from './model.ts';
import {
  LifecycleError,
  nextStatus,
  type ConnectionEvent,
  type ConnectionState,
  type ConnectionStatus,
} from './rules.ts';

export interface Connection extends ConnectionStatus {
  id: number;
  provider: string;
  location: string;
  credentialRef: string | null;
}

interface Row {
  id: number;
  provider: string;
  location: string;
  state: ConnectionState;
  consecutive_failures: number;
  attention: string | null;
  escalated: 0 | 1;
  credential_ref: string | null;
}

const toConnection = (r: Row): Connection => ({
  id: r.id,
  provider: r.provider,
  location: r.location,
  state: r.state,
  consecutiveFailures: r.consecutive_failures,
  attention: r.attention,
  escalated: r.escalated === 1,
  credentialRef: r.credential_ref,
});

export class ConnectionService {
  private readonly db: Db;
  private readonly audit: AuditLog;
  private readonly providers: ReadonlyMap<string, ProviderDefinition>;
  private readonly nowIso: () => string;

  constructor(o: {
    db: Db;
    audit: AuditLog;
    providers: ReadonlyMap<string, ProviderDefinition>;
    nowIso: () => string;
  }) {
    this.db = o.db;
    this.audit = o.audit;
    this.providers = o.providers;
    this.nowIso = o.nowIso;
  }

  /** The store's US state, which decides which providers may be enabled. */
  storeState(): UsState | null {
    const raw = this.db
      .prepare("SELECT value FROM settings WHERE key = 'store.state'")
      .pluck()
      .get() as string | undefined;
    return raw && (US_STATES as readonly string[]).includes(raw) ? (raw as UsState) : null;
  }

  get(id: number): Connection {
    const row = this.db.prepare('SELECT * FROM connections WHERE id = ?').get(id) as
      Row | undefined;
    if (!row) throw notFound('connection_not_found', `There is no connection ${id}.`);
    return toConnection(row);
  }

  /** A new connection, being configured. One per provider, or per provider and location. */
  create(
    actor: string,
    o: { provider: string; location?: string; credentialRef?: string },
  ): Connection {
    const p = this.providers.get(o.provider);
    if (!p) throw notFound('provider_not_found', `There is no provider ${o.provider}.`);
    const location = o.location ?? '';
    if (p.scope === 'location' && !location)
      throw new DomainError(
        'invalid',
        'location_required',
        `${p.name} connects per pharmacy location: choose the location.`,
      );
    if (p.scope === 'store' && location)
      throw new DomainError(
        'invalid',
        'store_wide',
        `${p.name} connects once for the whole store, not per location.`,
      );
    return this.db
      .transaction(() => {
        const exists = this.db
          .prepare('SELECT id FROM connections WHERE provider = ? AND location = ?')
          .get(o.provider, location);
        if (exists)
          throw conflict(
            'connection_exists',
            `${p.name} is already connected${location ? ` for ${location}` : ''}.`,
          );
        const now = this.nowIso();
        const id = Number(
          this.db
            .prepare(
              "INSERT INTO connections (provider, location, state, credential_ref, created_at, updated_at) VALUES (?, ?, 'configuring', ?, ?, ?)",
            )
            .run(o.provider, location, o.credentialRef ?? null, now, now).lastInsertRowid,
        );
        this.audit.record({
          actor,
          action: 'integration.create',
          entity: 'connection',
          entityId: id,
          payload: { provider: o.provider, location },
        });
        return this.get(id);
      })
      .immediate();
  }

  /**
   * Enables a connection: refused where the provider is not approved for the store's state;
   * otherwise the connection test decides (a failed test leaves it in "error" with the reason).
   */
  async enable(
    actor: string,
    id: number,
    test: () => Promise<{ ok: true } | { ok: false; message: string }>,
  ): Promise<Connection> {
    const c = this.get(id);
    const p = this.providers.get(c.provider);
    if (!p) throw notFound('provider_not_found', `There is no provider ${c.provider}.`);
    const state = this.storeState();
    if (!state)
      throw forbidden(
        'store_state_missing',
        "Set the store's state in the store settings before enabling integrations.",
      );
    const approval = approvalFor(p, state);
    if (!approval.ok) {
      this.audit.record({
        actor,
        action: 'integration.enable',
        entity: 'connection',
        entityId: id,
        outcome: 'denied',
        payload: { reason: 'not_approved', state },
      });
      throw forbidden('not_approved', approval.reason);
    }
    const result = await test();
    return this.apply(
      actor,
      id,
      result.ok ? { type: 'test_passed' } : { type: 'test_failed', message: result.message },
      'integration.enable',
    );
  }

  pause(actor: string, id: number): Connection {
    return this.apply(actor, id, { type: 'pause' }, 'integration.pause');
  }

  resume(actor: string, id: number): Connection {
    return this.apply(actor, id, { type: 'resume' }, 'integration.resume');
  }

  disconnect(actor: string, id: number): Connection {
    return this.apply(actor, id, { type: 'disconnect' }, 'integration.disconnect');
  }

  /** A job's outcome, as the workers report it (auto-pause and escalation follow rules.ts). */
  recordJobOutcome(
    id: number,
    event: Extract<ConnectionEvent, { type: 'job_succeeded' | 'job_failed' }>,
  ): Connection {
    return this.apply(
      'system',
      id,
      event,
      event.type === 'job_failed' ? 'integration.job_failed' : null,
    );
  }

  private apply(
    actor: string,
    id: number,
    event: ConnectionEvent,
    action: string | null,
  ): Connection {
    return this.db
      .transaction(() => {
        const before = this.get(id);
        let after: ConnectionStatus;
        try {
          after = nextStatus(before, event);
        } catch (error) {
          if (error instanceof LifecycleError) throw conflict('lifecycle', error.message);
          throw error;
        }
        this.db
          .prepare(
            'UPDATE connections SET state = ?, consecutive_failures = ?, attention = ?, escalated = ?, updated_at = ? WHERE id = ?',
          )
          .run(
            after.state,
            after.consecutiveFailures,
            after.attention,
            after.escalated ? 1 : 0,
            this.nowIso(),
            id,
          );
        const changedState = before.state !== after.state;
        if (action && (changedState || event.type !== 'job_failed')) {
          this.audit.record({
            actor,
            action,
            entity: 'connection',
            entityId: id,
            outcome: after.state === 'error' ? 'failed' : 'success',
            payload: { from: before.state, to: after.state },
          });
        }
        if (changedState && after.state === 'paused' && after.attention) {
          // An alert the dashboard lists until someone resumes the connection.
          this.audit.record({
            actor: 'system',
            action: 'integration.alert',
            entity: 'connection',
            entityId: id,
            outcome: 'failed',
            payload: { attention: after.attention, escalated: after.escalated },
          });
        }
        return this.get(id);
      })
      .immediate();
  }
}
