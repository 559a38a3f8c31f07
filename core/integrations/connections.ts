// Per-store (or per-location) connections to providers, moved through the lifecycle of
// rules.ts and kept in SQLite. Every change is audited. Credentials stay in the SecretStore;
// a connection keeps only its credential_ref.
import type { AuditLog } from '../audit/repo.ts';
import type { Db } from '../db/open.ts';
import { preparedFor, type Statement } from '../db/statements.ts';
import { conflict, DomainError, forbidden, notFound } from '../errors.ts';
import type { SecretStore } from '../secrets/port.ts';
import type { FeatureSettings } from './features.ts';
import type { JobQueue } from './jobs.ts';
import {
  approvalFor,
  type DeliveryLimits,
  type ProviderDefinition,
  type SettingValue,
  type UsState,
} from './model.ts';
import { connectionSettingsProblems } from './providers/rules.ts';
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
  /** Limits this store set, replacing the provider's (null: the provider's). */
  maxConcurrency: number | null;
  maxPerSecond: number | null;
  templateCode: string | null;
  activatedAt: number | null;
}

/** What the settings form shows: values (secrets never leave the keychain) and which are set. */
export interface ConnectionSettings {
  values: Record<string, SettingValue>;
  /** Values the store set itself (a template's defaults show through where it did not). */
  local: Record<string, SettingValue>;
  secretsSet: string[];
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
  config: string;
  max_concurrency: number | null;
  max_per_second: number | null;
  template_code: string | null;
  activated_at: number | null;
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
  maxConcurrency: r.max_concurrency,
  maxPerSecond: r.max_per_second,
  templateCode: r.template_code,
  activatedAt: r.activated_at,
});

/** Where a connection's secrets live in the SecretStore (the row keeps only this ref). */
export const credentialRefOf = (id: number): string => `integration.connection.${id}`;

export class ConnectionService {
  private readonly db: Db;
  private readonly sql: (sql: string) => Statement;
  private readonly audit: AuditLog;
  private readonly providers: ReadonlyMap<string, ProviderDefinition>;
  private readonly now: () => number;
  private readonly secrets: SecretStore;
  private readonly features: FeatureSettings;
  private readonly jobs: JobQueue;
  private readonly storeState: () => UsState | null;
  /** Template settings under local ones; set by the integration service. */
  templateConfig: (code: string) => Record<string, SettingValue> = () => ({});
  /** Told after every change (the runner drops cached settings; screens refresh). */
  onChange: (id: number) => void = () => {};

  constructor(o: {
    db: Db;
    audit: AuditLog;
    providers: ReadonlyMap<string, ProviderDefinition>;
    now: () => number;
    secrets: SecretStore;
    features: FeatureSettings;
    jobs: JobQueue;
    /** The store's US state (store details), which decides which providers may be enabled. */
    storeState: () => UsState | null;
  }) {
    this.db = o.db;
    this.sql = preparedFor(this.db);
    this.audit = o.audit;
    this.providers = o.providers;
    this.now = o.now;
    this.secrets = o.secrets;
    this.features = o.features;
    this.jobs = o.jobs;
    this.storeState = o.storeState;
  }

  private nowIso(): string {
    return new Date(this.now()).toISOString();
  }

  provider(code: string): ProviderDefinition {
    const p = this.providers.get(code);
    if (!p) throw notFound('provider_not_found', `There is no provider ${code}.`);
    return p;
  }

  list(): Connection[] {
    return (this.sql('SELECT * FROM connections ORDER BY provider, location').all() as Row[]).map(
      toConnection,
    );
  }

  /** The provider's delivery limits, with this store's overrides. */
  limits(c: Connection): DeliveryLimits {
    const d = this.provider(c.provider).delivery;
    return {
      concurrency: c.maxConcurrency ?? d.concurrency,
      perSecond: c.maxPerSecond ?? d.perSecond,
      timeoutSeconds: d.timeoutSeconds,
    };
  }

  setLimits(
    actor: string,
    id: number,
    o: { maxConcurrency: number | null; maxPerSecond: number | null },
  ): Connection {
    this.get(id);
    this.db
      .transaction(() => {
        this.sql(
          'UPDATE connections SET max_concurrency = ?, max_per_second = ?, updated_at = ? WHERE id = ?',
        ).run(o.maxConcurrency, o.maxPerSecond, this.nowIso(), id);
        this.audit.record({
          actor,
          action: 'integration.limits',
          entity: 'connection',
          entityId: id,
          payload: o,
        });
      })
      .immediate();
    this.onChange(id);
    return this.get(id);
  }

  private localConfig(id: number): Record<string, SettingValue> {
    const raw = this.sql('SELECT config FROM connections WHERE id = ?').pluck().get(id) as string;
    return JSON.parse(raw) as Record<string, SettingValue>;
  }

  private async secretValues(c: Connection): Promise<Record<string, string>> {
    if (!c.credentialRef) return {};
    const raw = await this.secrets.get(c.credentialRef);
    return raw ? (JSON.parse(raw) as Record<string, string>) : {};
  }

  /** The form's view of the settings: no secret values, only whether each is set. */
  async settings(id: number): Promise<ConnectionSettings> {
    const c = this.get(id);
    const local = this.localConfig(id);
    const template = c.templateCode ? this.templateConfig(c.templateCode) : {};
    return {
      values: { ...template, ...local },
      local,
      secretsSet: Object.keys(await this.secretValues(c)),
    };
  }

  /** Everything an adapter needs to act: settings with secrets, for the store server only. */
  async resolvedSettings(id: number): Promise<Record<string, SettingValue>> {
    const c = this.get(id);
    const { values } = await this.settings(id);
    return { ...values, ...(await this.secretValues(c)) };
  }

  /**
   * Saves settings (those sent; the rest stay): checked against the provider's schema and its
   * own rules; secret fields go to the keychain (an empty secret keeps the one already set).
   * Audited without values.
   */
  async configure(
    actor: string,
    id: number,
    input: Record<string, SettingValue>,
  ): Promise<ConnectionSettings> {
    const c = this.get(id);
    if (c.state === 'disconnected')
      throw conflict('lifecycle', 'This connection is disconnected. Set it up again to use it.');
    const p = this.provider(c.provider);
    const secretKeys = new Set(p.config.filter((f) => f.type === 'secret').map((f) => f.key));
    const current = await this.secretValues(c);
    const secrets: Record<string, string> = { ...current };
    // Fields not sent keep their value; an empty field clears it (a secret keeps its own).
    const local = new Map(Object.entries(this.localConfig(id)));
    for (const [k, v] of Object.entries(input)) {
      if (secretKeys.has(k)) {
        if (typeof v === 'string' && v !== '') secrets[k] = v;
      } else if (v === '') local.delete(k);
      else local.set(k, v);
    }
    const template = c.templateCode ? this.templateConfig(c.templateCode) : {};
    const problems = connectionSettingsProblems(p, {
      ...template,
      ...Object.fromEntries(local),
      ...secrets,
    });
    if (problems.length) {
      throw new DomainError(
        'invalid',
        'invalid_settings',
        problems.map((x) => x.message).join(' '),
        problems.map((x) => ({ path: x.field, message: x.message })),
      );
    }
    const ref = c.credentialRef ?? credentialRefOf(id);
    if (Object.keys(secrets).length) await this.secrets.set(ref, JSON.stringify(secrets));
    this.db
      .transaction(() => {
        this.sql(
          'UPDATE connections SET config = ?, credential_ref = ?, updated_at = ? WHERE id = ?',
        ).run(
          JSON.stringify(Object.fromEntries(local)),
          Object.keys(secrets).length ? ref : c.credentialRef,
          this.nowIso(),
          id,
        );
        this.audit.record({
          actor,
          action: 'integration.configure',
          entity: 'connection',
          entityId: id,
          // Which settings changed, never their values: a secret must not reach the log.
          payload: { keys: Object.keys(input).sort() },
        });
      })
      .immediate();
    this.onChange(id);
    return this.settings(id);
  }

  /** Chooses the partner template whose defaults this connection uses (null: none). */
  useTemplate(actor: string, id: number, code: string | null): Connection {
    const c = this.get(id);
    if (code !== null) {
      const provider = this.sql('SELECT provider FROM partner_templates WHERE code = ?')
        .pluck()
        .get(code) as string | undefined;
      if (!provider) throw notFound('template_not_found', `There is no partner template ${code}.`);
      if (provider !== c.provider)
        throw new DomainError(
          'invalid',
          'template_wrong_provider',
          `Template ${code} is for ${provider}, not ${this.provider(c.provider).name}.`,
        );
    }
    this.db
      .transaction(() => {
        this.sql('UPDATE connections SET template_code = ?, updated_at = ? WHERE id = ?').run(
          code,
          this.nowIso(),
          id,
        );
        this.audit.record({
          actor,
          action: 'integration.template_use',
          entity: 'connection',
          entityId: id,
          payload: { code },
        });
      })
      .immediate();
    this.onChange(id);
    return this.get(id);
  }

  get(id: number): Connection {
    const row = this.sql('SELECT * FROM connections WHERE id = ?').get(id) as Row | undefined;
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
        const exists = this.sql(
          'SELECT id FROM connections WHERE provider = ? AND location = ?',
        ).get(o.provider, location);
        if (exists)
          throw conflict(
            'connection_exists',
            `${p.name} is already connected${location ? ` for ${location}` : ''}.`,
          );
        const now = this.nowIso();
        const id = Number(
          this.sql(
            "INSERT INTO connections (provider, location, state, credential_ref, created_at, updated_at) VALUES (?, ?, 'configuring', ?, ?, ?)",
          ).run(o.provider, location, o.credentialRef ?? null, now, now).lastInsertRowid,
        );
        this.features.ensure(id, p);
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
    let changedState = false;
    const result = this.db
      .transaction(() => {
        const before = this.get(id);
        let after: ConnectionStatus;
        try {
          after = nextStatus(before, event);
        } catch (error) {
          if (error instanceof LifecycleError) throw conflict('lifecycle', error.message);
          throw error;
        }
        const unchanged =
          before.state === after.state &&
          before.consecutiveFailures === after.consecutiveFailures &&
          before.attention === after.attention &&
          before.escalated === after.escalated;
        // A delivery to a healthy connection changes nothing: no write on the hot path.
        if (unchanged && action === null) return before;
        this.sql(
          'UPDATE connections SET state = ?, consecutive_failures = ?, attention = ?, escalated = ?, updated_at = ? WHERE id = ?',
        ).run(
          after.state,
          after.consecutiveFailures,
          after.attention,
          after.escalated ? 1 : 0,
          this.nowIso(),
          id,
        );
        changedState = before.state !== after.state;
        if (
          after.state === 'active' &&
          (before.state === 'configuring' || before.state === 'error')
        ) {
          // First start: from now on, not the store's whole history.
          this.features.startFromNow(id);
          this.sql('UPDATE connections SET activated_at = ? WHERE id = ?').run(this.now(), id);
        }
        if (after.state === 'active' && before.state === 'paused') {
          // Resumed by a person: what waited meanwhile is sent (or skipped, per feature), and
          // retries waiting for later go now, since the cause was presumably fixed.
          this.features.resumeAll(id, this.provider(before.provider));
          this.jobs.retryWaitingNow(id, this.now());
        }
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
    // Enabled, paused, resumed, in error: whoever runs beside the connection follows it.
    if (changedState) this.onChange(id);
    return result;
  }
}
