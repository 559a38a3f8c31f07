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

const cron = z
  .string()
  .regex(/^(\S+\s+){4}\S+$/, 'A schedule is a five-field cron expression, e.g. "0 2 * * *".');

export const triggerSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('on_manual') }).strict(),
  z.object({ kind: z.literal('on_schedule'), cron }).strict(),
  z
    .object({
      kind: z.literal('on_event'),
      events: z.array(z.string().regex(/^[a-z_]+\.[a-z_]+$/)).min(1),
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
