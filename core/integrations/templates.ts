// Partner templates: a partner's defaults for a provider (settings, feature choices and
// mappings). A connection that uses one gets them when it is enabled; anything the store
// set itself is kept — templates fill gaps, they never overwrite local edits.
import { z } from 'zod';
import type { AuditLog } from '../audit/repo.ts';
import type { Db } from '../db/open.ts';
import { invalid, notFound } from '../errors.ts';
import { featureUpdateSchema, type FeatureSettings } from './features.ts';
import type { Mappings } from './mappings.ts';
import { settingsInputSchema, type ProviderDefinition } from './model.ts';

export const partnerTemplateSchema = z
  .object({
    code: z
      .string()
      .regex(
        /^[a-z0-9][a-z0-9._-]{1,63}$/,
        'A template code is lowercase letters, digits, dots and dashes.',
      ),
    provider: z.string().min(1),
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
  private readonly audit: AuditLog;
  private readonly providers: ReadonlyMap<string, ProviderDefinition>;

  constructor(o: { db: Db; audit: AuditLog; providers: ReadonlyMap<string, ProviderDefinition> }) {
    this.db = o.db;
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
    this.db
      .transaction(() => {
        this.db
          .prepare(
            `INSERT INTO partner_templates (code, provider, name, version, body, received_at) VALUES (?, ?, ?, ?, ?, ?)
             ON CONFLICT (code) DO UPDATE SET name = excluded.name, version = excluded.version, body = excluded.body, received_at = excluded.received_at
             WHERE excluded.version > partner_templates.version`,
          )
          .run(t.code, t.provider, t.name, t.version, JSON.stringify(t), now);
        this.audit.record({
          actor,
          action: 'integration.template',
          entity: 'template',
          entityId: t.code,
          payload: { version: t.version, provider: t.provider },
        });
      })
      .immediate();
    return this.get(t.code);
  }

  get(code: string): PartnerTemplate {
    const body = this.db
      .prepare('SELECT body FROM partner_templates WHERE code = ?')
      .pluck()
      .get(code) as string | undefined;
    if (!body) throw notFound('template_not_found', `There is no partner template ${code}.`);
    return partnerTemplateSchema.parse(JSON.parse(body));
  }

  list(provider?: string): PartnerTemplate[] {
    const rows = this.db
      .prepare('SELECT body FROM partner_templates WHERE ?1 IS NULL OR provider = ?1 ORDER BY name')
      .pluck()
      .all(provider ?? null) as string[];
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
        ...(change.trigger !== undefined && !current.overridden ? { trigger: change.trigger } : {}),
        ...(change.events !== undefined && !current.eventsChosen ? { events: change.events } : {}),
      };
      if (Object.keys(gap).length) {
        o.features.update(actor, o.connectionId, o.provider, key, gap);
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
