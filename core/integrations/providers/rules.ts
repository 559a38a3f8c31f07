// Each provider's own pure validators (the "client processors"): the screens import them to
// enable or disable actions at once; the store server runs them again before doing the work.
import {
  settingsProblems,
  type ProviderDefinition,
  type SettingProblem,
  type SettingValue,
} from '../model.ts';
import { rx30FileNameProblem } from '../../pharmacy/control.ts';
import { webhookSettingsProblems } from '../webhook/rules.ts';

type Values = Readonly<Record<string, SettingValue | undefined>>;

/** Rx30: what each link needs (an address and port, or a folder), and a file name, not a path. */
function rx30SettingsProblems(v: Values): SettingProblem[] {
  const problems: SettingProblem[] = [];
  const text = (k: string) => (typeof v[k] === 'string' ? (v[k] as string).trim() : '');
  if (v['mode'] === 'socket') {
    if (!text('host'))
      problems.push({ field: 'host', message: 'Enter the Rx30 server’s address.' });
    const port = v['port'];
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65_535)
      problems.push({ field: 'port', message: 'Enter the Rx30 server’s port (1 to 65535).' });
  }
  if (v['mode'] === 'file') {
    if (!text('folder'))
      problems.push({ field: 'folder', message: 'Enter the folder Rx30 writes its file into.' });
    const name = text('fileName');
    const bad = name ? rx30FileNameProblem(name) : null;
    if (bad) problems.push({ field: 'fileName', message: bad });
  }
  return problems;
}

const providerSettingsChecks: Readonly<Record<string, (v: Values) => SettingProblem[]>> = {
  'webhook.outbound': webhookSettingsProblems,
  'pharmacy.rx30': rx30SettingsProblems,
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
