// Each provider's own pure validators (the "client processors"): the screens import them to
// enable or disable actions at once; the store server runs them again before doing the work.
import {
  settingsProblems,
  type ProviderDefinition,
  type SettingProblem,
  type SettingValue,
} from '../model.ts';
import { webhookSettingsProblems } from '../webhook/rules.ts';

type Values = Readonly<Record<string, SettingValue | undefined>>;

const providerSettingsChecks: Readonly<Record<string, (v: Values) => SettingProblem[]>> = {
  'webhook.outbound': webhookSettingsProblems,
};

/** Every problem with a connection's settings: the provider's schema, then its own rules. */
export function connectionSettingsProblems(
  p: ProviderDefinition,
  values: Values,
  secretsSet: readonly string[] = [],
): SettingProblem[] {
  return [
    ...settingsProblems(p, values, secretsSet),
    ...(providerSettingsChecks[p.code]?.(values) ?? []),
  ];
}
