// The integration platform's shapes and pure rules: provider definitions (data, validated
// at start), the connection lifecycle, and the retry policy. Pure, so the renderer can show
// the same decisions the server makes. ARCHITECTURE.md "The integration platform".
import { z } from 'zod';

export const US_STATES = [
  'AL',
  'AK',
  'AZ',
  'AR',
  'CA',
  'CO',
  'CT',
  'DE',
  'DC',
  'FL',
  'GA',
  'HI',
  'ID',
  'IL',
  'IN',
  'IA',
  'KS',
  'KY',
  'LA',
  'ME',
  'MD',
  'MA',
  'MI',
  'MN',
  'MS',
  'MO',
  'MT',
  'NE',
  'NV',
  'NH',
  'NJ',
  'NM',
  'NY',
  'NC',
  'ND',
  'OH',
  'OK',
  'OR',
  'PA',
  'RI',
  'SC',
  'SD',
  'TN',
  'TX',
  'UT',
  'VT',
  'VA',
  'WA',
  'WV',
  'WI',
  'WY',
] as const;
export type UsState = (typeof US_STATES)[number];

/**
 * Domain events a connection can subscribe to. The store's domains publish them in the same
 * transaction as the change (core/integrations/outbox.ts); names are `entity.past_tense`.
 */
export const DOMAIN_EVENTS = {
  'sale.completed': 'A sale was completed at the register',
  'sale.voided': 'A completed sale was voided',
  'firearm.acquired': 'A firearm was entered in the bound book',
  'firearm.disposed': 'A firearm disposition was committed',
  'check.resolved': 'A background check got its final answer',
  'rx.ready': 'A prescription is ready for pickup',
  'rx.picked_up': 'A prescription was picked up',
  'rx.voided': 'A prescription pickup was voided',
  'rx.returned': 'A picked-up prescription was returned',
  'purchase_order.approved': 'A purchase order was approved for a distributor',
  'backup.completed': 'A verified backup was written',
  'backup.failed': 'A backup failed',
  'compliance.overdue': 'Bound book deadlines or multiple-sale reports are overdue (each morning)',
  'integration.test': 'A test event sent from the connection page',
} as const;
export type DomainEventType = keyof typeof DOMAIN_EVENTS;
export const domainEventTypeSchema = z.enum(
  Object.keys(DOMAIN_EVENTS) as [DomainEventType, ...DomainEventType[]],
  { error: 'That is not a domain event this store publishes.' },
);

const cron = z
  .string()
  .regex(/^(\S+\s+){4}\S+$/, 'A schedule is a five-field cron expression, e.g. "0 2 * * *".');

export const triggerSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('on_manual') }).strict(),
  z.object({ kind: z.literal('on_schedule'), cron }).strict(),
  z
    .object({
      kind: z.literal('on_event'),
      events: z.array(domainEventTypeSchema).min(1),
    })
    .strict(),
  z.object({ kind: z.literal('realtime') }).strict(),
]);
export type Trigger = z.infer<typeof triggerSchema>;

export const featureSchema = z
  .object({
    key: z.string().regex(/^[a-z][a-z0-9_]*$/),
    name: z.string().min(1),
    direction: z.enum(['outbound', 'inbound', 'both']),
    defaultTrigger: triggerSchema,
    /** After a pause: deliver what happened meanwhile, or start from now. */
    onResume: z.enum(['catch_up', 'skip']),
  })
  .strict();

/** A map group: internal codes (ours) mapped to the provider's codes. */
export const mappingGroupSchema = z
  .object({
    key: z.string().regex(/^[A-Z][A-Za-z]*$/, 'A map group is named like "PaymentMethod".'),
    name: z.string().min(1),
    /** one_to_one: an external code is used by one internal code at most. */
    cardinality: z.enum(['one_to_one', 'many_to_one']),
    /** Where the internal codes come from: the domain events, or a fixed list. */
    internalCodes: z.union([z.literal('domain_events'), z.array(z.string().min(1)).min(1)]),
    /** Reference data (cached from the provider) that offers the external codes, if any. */
    referenceKind: z.string().optional(),
  })
  .strict();
export type MappingGroup = z.infer<typeof mappingGroupSchema>;

/** How hard the workers may drive a provider: jobs at once and jobs per second. */
export const deliveryLimitsSchema = z
  .object({
    concurrency: z.number().int().min(1).max(64),
    perSecond: z.number().int().min(1).max(10_000),
    // Fractions allowed: tests use a short timeout so a hanging receiver costs little time.
    timeoutSeconds: z.number().min(0.1).max(300),
  })
  .strict();
export type DeliveryLimits = z.infer<typeof deliveryLimitsSchema>;

export const configFieldSchema = z
  .object({
    key: z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]*$/),
    label: z.string().min(1),
    type: z.enum(['string', 'url', 'number', 'boolean', 'select', 'secret']),
    required: z.boolean(),
    options: z.array(z.string()).optional(),
    help: z.string().optional(),
  })
  .strict()
  .refine((f) => (f.type === 'select') === (f.options !== undefined), {
    message: 'A select field lists its options, and only a select field does.',
  });

export const providerSchema = z
  .object({
    code: z.string().regex(/^[a-z]+\.[a-z0-9-]+$/, 'A provider code looks like "category.name".'),
    name: z.string().min(1),
    category: z.enum(['accounting', 'pharmacy', 'distributor', 'webhook', 'hardware', 'cloud']),
    scope: z.enum(['store', 'location']),
    authMethod: z.enum(['oauth2', 'api_key', 'hmac_secret', 'sftp_key', 'none']),
    credentialScope: z.enum(['store', 'location', 'none']),
    capabilities: z
      .array(
        z.enum([
          'orders',
          'catalog',
          'invoices',
          'payments',
          'webhooks',
          'checks',
          'prescriptions',
          'journal',
        ]),
      )
      .min(1),
    requiredModule: z.enum(['core', 'pharmacy', 'firearms', 'alcohol']),
    /** US states where the provider may be enabled; ["*"] for everywhere. */
    approvedStates: z.union([z.tuple([z.literal('*')]), z.array(z.enum(US_STATES)).min(1)]),
    config: z.array(configFieldSchema),
    features: z.array(featureSchema).min(1),
    delivery: deliveryLimitsSchema,
    /**
     * Who sends a connection's jobs: the platform's workers (the default), or the connector's
     * own long-lived link ("relay": Rx30), which sends them one at a time in the order queued
     * and waits out any outage; the workers leave such a connection's jobs alone.
     */
    deliveredBy: z.enum(['workers', 'relay']).default('workers'),
    mappingGroups: z.array(mappingGroupSchema).default([]),
  })
  .strict()
  .refine((p) => (p.authMethod === 'none') === (p.credentialScope === 'none'), {
    message:
      'A provider without authentication has no credential scope, and one with authentication has one.',
  });
export type ProviderDefinition = z.infer<typeof providerSchema>;

/** Whether a provider may be enabled in a store in this state, and if not, why. */
export function approvalFor(
  p: ProviderDefinition,
  state: UsState,
): { ok: true } | { ok: false; reason: string } {
  const everywhere = p.approvedStates[0] === '*';
  if (everywhere || (p.approvedStates as readonly string[]).includes(state)) return { ok: true };
  return {
    ok: false,
    reason: `${p.name} is not approved for stores in ${state}. It is approved in ${p.approvedStates.join(', ')}.`,
  };
}

/** The permission that lets a user run a provider's features by hand ("Sync now"). */
export const syncPermissionOf = (provider: string): string => `integration:sync:${provider}`;

/** A feature's trigger as this connection uses it: the override, else the default. */
export function effectiveTrigger(
  feature: z.infer<typeof featureSchema>,
  override: Trigger | null,
): Trigger {
  return override ?? feature.defaultTrigger;
}

/** A setting's problem, for a form field: which field and what to do. */
export interface SettingProblem {
  field: string;
  message: string;
}

export type SettingValue = string | number | boolean;
export const settingsInputSchema = z.record(
  z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]*$/),
  z.union([z.string().max(2_000), z.number().finite(), z.boolean()]),
);

/**
 * Checks settings against the provider's configuration schema: required fields, types and
 * choices. `secretsSet` names secret fields already in the keychain (never sent back).
 */
export function settingsProblems(
  p: ProviderDefinition,
  values: Readonly<Record<string, SettingValue | undefined>>,
  secretsSet: readonly string[] = [],
): SettingProblem[] {
  const problems: SettingProblem[] = [];
  const known = new Set(p.config.map((f) => f.key));
  for (const key of Object.keys(values))
    if (!known.has(key))
      problems.push({ field: key, message: `${p.name} has no setting "${key}".` });
  for (const f of p.config) {
    const v = values[f.key];
    const empty = v === undefined || v === '';
    if (empty) {
      if (f.required && !(f.type === 'secret' && secretsSet.includes(f.key)))
        problems.push({ field: f.key, message: `${f.label} is required.` });
      continue;
    }
    switch (f.type) {
      case 'number':
        if (typeof v !== 'number')
          problems.push({ field: f.key, message: `${f.label} is a number.` });
        break;
      case 'boolean':
        if (typeof v !== 'boolean')
          problems.push({ field: f.key, message: `${f.label} is yes or no.` });
        break;
      case 'url':
        if (typeof v !== 'string' || !URL.canParse(v))
          problems.push({
            field: f.key,
            message: `${f.label} is a web address, like https://example.com/hook.`,
          });
        break;
      case 'select':
        if (typeof v !== 'string' || !f.options?.includes(v))
          problems.push({
            field: f.key,
            message: `${f.label} is one of: ${f.options?.join(', ')}.`,
          });
        break;
      default:
        if (typeof v !== 'string') problems.push({ field: f.key, message: `${f.label} is text.` });
    }
  }
  return problems;
}
