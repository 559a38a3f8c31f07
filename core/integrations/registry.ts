// The provider registry: definitions are data in resources/providers/, validated when the
// store server starts, so a bad definition stops it with the file and field named.
import quickbooks from '../../resources/providers/accounting.quickbooks.json' with { type: 'json' };
import ediX12 from '../../resources/providers/distributor.edi-x12.json' with { type: 'json' };
import rx30 from '../../resources/providers/pharmacy.rx30.json' with { type: 'json' };
import webhooks from '../../resources/providers/webhook.outbound.json' with { type: 'json' };
import { providerSchema, type ProviderDefinition } from './model.ts';

/** Every file in resources/providers/, by file name (a test checks none is left out). */
export const PROVIDER_FILES: Readonly<Record<string, unknown>> = {
  'accounting.quickbooks.json': quickbooks,
  'distributor.edi-x12.json': ediX12,
  'pharmacy.rx30.json': rx30,
  'webhook.outbound.json': webhooks,
};

export class ProviderDefinitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProviderDefinitionError';
  }
}

/** Validates definitions; the file is named after its code, and codes are unique. */
export function loadProviders(
  files: Readonly<Record<string, unknown>> = PROVIDER_FILES,
): Map<string, ProviderDefinition> {
  const registry = new Map<string, ProviderDefinition>();
  for (const [file, raw] of Object.entries(files)) {
    const parsed = providerSchema.safeParse(raw);
    if (!parsed.success) {
      const why = parsed.error.issues
        .map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`)
        .join('; ');
      throw new ProviderDefinitionError(
        `resources/providers/${file} is not a valid provider definition: ${why}`,
      );
    }
    const p = parsed.data;
    if (file !== `${p.code}.json`)
      throw new ProviderDefinitionError(
        `resources/providers/${file} defines ${p.code}; name the file ${p.code}.json.`,
      );
    if (registry.has(p.code))
      throw new ProviderDefinitionError(`Provider ${p.code} is defined twice.`);
    const keys = p.features.map((f) => f.key);
    if (new Set(keys).size !== keys.length)
      throw new ProviderDefinitionError(`${p.code} lists a feature twice.`);
    const groups = p.mappingGroups.map((g) => g.key);
    if (new Set(groups).size !== groups.length)
      throw new ProviderDefinitionError(`${p.code} lists a map group twice.`);
    registry.set(p.code, p);
  }
  return registry;
}
