// Partner templates: a partner's defaults for a provider (settings, feature choices and
// mappings). A connection that uses one gets them when it is enabled; anything the store
// set itself is kept — templates fill gaps, they never overwrite local edits.
import { z } from 'zod';
import type { AuditLog } from '../audit/repo.ts';
import type { Db } from '../db/open.ts';
import { preparedFor, type Statement } from '../db/statements.ts';
import { invalid, notFound } from '../errors.ts';
import { eventsOffered, featureUpdateSchema, type FeatureSettings } from './features.ts';
import { internalCodesOf, type Mappings } from './mappings.ts';
import { settingsInputSchema, type ProviderDefinition } from './model.ts';

export const partnerTemplateSchema = z
  .object({
    code: z
      .string()
      .regex(
        /^[a-z0-9][a-z0-9._-]{1,63}$/,
        'A template code is lowercase letters, digits, dots and dashes.',
      ),
    provider: z.string().min(1).max(60),
    name: z.string().min(1).max(120),
    version: z.number().int().min(1),
    /** Default settings (never secrets: those are the store's own). */
    config: settingsInputSchema.default({}),
    features: z.record(z.string(), featureUpdateSchema).default({}),
    mappings: z
      .array(
        z
          .object({ group: z.string(), internalCode: z.string(), externalCode: z.string().min(1) })
          .strict(),
      )
      .default([]),
  })
  .strict();
export type PartnerTemplate = z.infer<typeof partnerTemplateSchema>;

export class PartnerTemplates {
  private readonly db: Db;
  private readonly sql: (sql: string) => Statement;
  private readonly audit: AuditLog;
  private readonly providers: ReadonlyMap<string, ProviderDefinition>;
  /** Told the code of a template that changed (connections using it drop cached settings). */
  onReceived: (code: string) => void = () => {};

  constructor(o: { db: Db; audit: AuditLog; providers: ReadonlyMap<string, ProviderDefinition> }) {
    this.db = o.db;
    this.sql = preparedFor(this.db);
    this.audit = o.audit;
    this.providers = o.providers;
  }

  /** Stores a template (from a partner, later through cloud sync); an older version is ignored. */
  receive(actor: string, raw: unknown, now: number): PartnerTemplate {
    const t = partnerTemplateSchema.parse(raw);
    const p = this.providers.get(t.provider);
    if (!p)
      throw notFound(
        'provider_not_found',
        `Template ${t.code} is for ${t.provider}, which this store does not have.`,
      );
    const secrets = p.config.filter((f) => f.type === 'secret').map((f) => f.key);
    const leaked = Object.keys(t.config).filter((k) => secrets.includes(k));
    if (leaked.length)
      throw invalid(
        'template_has_secret',
        `Template ${t.code} carries ${leaked.join(', ')}; secrets are set per store.`,
      );
    const keys = new Set(p.config.map((f) => f.key));
    const unknown = Object.keys(t.config).filter((k) => !keys.has(k));
    if (unknown.length)
      throw invalid('template_unknown_setting', `${p.name} has no setting ${unknown.join(', ')}.`);
    // Everything else a template sets is checked now, so a bad one never half-applies later.
    for (const [key, change] of Object.entries(t.features)) {
      const f = p.features.find((x) => x.key === key);
      if (!f) throw invalid('template_unknown_feature', `${p.name} has no feature "${key}".`);
      const offered = eventsOffered(f) ?? [];
      const events = [
        ...(change.events ?? []),
        ...(change.trigger?.kind === 'on_event' ? change.trigger.events : []),
      ];
      const extra = events.filter((e) => !offered.includes(e));
      if (extra.length)
        throw invalid('event_not_offered', `"${f.name}" cannot send ${extra.join(', ')}.`);
    }
    for (const m of t.mappings) {
      const g = p.mappingGroups.find((x) => x.key === m.group);
      if (!g) throw invalid('map_group_not_found', `${p.name} has no map group "${m.group}".`);
      if (!internalCodesOf(g).includes(m.internalCode))
        throw invalid(
          'unknown_internal_code',
          `"${m.internalCode}" is not one of the codes ${g.name} maps.`,
        );
    }
    const existing = this.sql('SELECT provider FROM partner_templates WHERE code = ?')
      .pluck()
      .get(t.code) as string | undefined;
    if (existing && existing !== t.provider)
      throw invalid(
        'template_provider_changed',
        `Template ${t.code} is for ${existing}, not ${t.provider}.`,
      );
    this.db
      .transaction(() => {
        this.sql(
          `INSERT INTO partner_templates (code, provider, name, version, body, received_at) VALUES (?, ?, ?, ?, ?, ?)
             ON CONFLICT (code) DO UPDATE SET name = excluded.name, version = excluded.version, body = excluded.body, received_at = excluded.received_at
             WHERE excluded.version > partner_templates.version`,
        ).run(t.code, t.provider, t.name, t.version, JSON.stringify(t), now);
        this.audit.record({
          actor,
          action: 'integration.template',
          entity: 'template',
          entityId: t.code,
          payload: { version: t.version, provider: t.provider },
        });
      })
      .immediate();
    this.onReceived(t.code);
    return this.get(t.code);
  }

  get(code: string): PartnerTemplate {
    const body = this.sql('SELECT body FROM partner_templates WHERE code = ?').pluck().get(code) as
      string | undefined;
    if (!body) throw notFound('template_not_found', `There is no partner template ${code}.`);
    return partnerTemplateSchema.parse(JSON.parse(body));
  }

  list(provider?: string): PartnerTemplate[] {
    const rows = this.sql(
      'SELECT body FROM partner_templates WHERE @p IS NULL OR provider = @p ORDER BY name',
    )
      .pluck()
      .all({ p: provider ?? null }) as string[];
    return rows.map((b) => partnerTemplateSchema.parse(JSON.parse(b)));
  }

  /**
   * Applies a template to a connection being enabled: feature choices the store has not
   * made and mappings for codes it never mapped. Settings are layered on read instead
   * (template under local), so a newer template version still shows through.
   */
  applyTo(
    actor: string,
    o: {
      connectionId: number;
      provider: ProviderDefinition;
      template: PartnerTemplate;
      features: FeatureSettings;
      mappings: Mappings;
    },
    now: number,
  ): { features: number; mappings: number } {
    let features = 0;
    let mappings = 0;
    for (const [key, change] of Object.entries(o.template.features)) {
      const f = o.provider.features.find((x) => x.key === key);
      if (!f) continue;
      const current = o.features.get(o.connectionId, o.provider, key);
      const gap = {
        ...(change.enabled !== undefined && !current.enabledChosen
          ? { enabled: change.enabled }
          : {}),
        ...(change.trigger !== undefined && !current.overridden ? { trigger: change.trigger } : {}),
        ...(change.events !== undefined && !current.eventsChosen ? { events: change.events } : {}),
      };
      if (Object.keys(gap).length) {
        o.features.update(actor, o.connectionId, o.provider, key, gap, { fromTemplate: true });
        features++;
      }
    }
    for (const m of o.template.mappings) {
      if (o.mappings.hasHistory(o.connectionId, m.group, m.internalCode)) continue;
      o.mappings.set(
        actor,
        {
          connectionId: o.connectionId,
          provider: o.provider,
          group: m.group,
          internalCode: m.internalCode,
          externalCode: m.externalCode,
          source: 'template',
        },
        now,
      );
      mappings++;
    }
    return { features, mappings };
  }
}
