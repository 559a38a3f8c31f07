import {
  Alert,
  Button,
  FileButton,
  Group,
  NumberInput,
  PasswordInput,
  Select,
  Stack,
  Switch,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DoneAlert } from '../../components/DoneAlert.tsx';
import type { SettingValue } from '../../../core/integrations/model.ts';
import { api } from '../../api/app-client.ts';
import type { Outputs } from '../../api/client.ts';
import { useApiMutation } from '../../api/hooks.ts';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { connectionSettingsProblems } from '../../lib/rules.ts';

type Detail = Outputs['integrations']['get'];

/** 32 random bytes as base64url: a signing secret nobody has to invent. */
function generateSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

/** Form text to the setting's type (numbers as numbers, empty as "not set"). */
function toValues(detail: Detail, raw: Record<string, string>): Record<string, SettingValue> {
  const out: Record<string, SettingValue> = {};
  for (const f of detail.definition.config) {
    const v = raw[f.key] ?? '';
    if (v === '') continue;
    out[f.key] = f.type === 'number' ? Number(v) : f.type === 'boolean' ? v === 'true' : v;
  }
  return out;
}

export function SettingsPanel(props: { detail: Detail; canManage: boolean; onSaved: () => void }) {
  const { t } = useTranslation();
  const { detail } = props;
  const initial = Object.fromEntries(
    detail.definition.config.map((f) => [
      f.key,
      f.type === 'secret' ? '' : String(detail.settings.local[f.key] ?? ''),
    ]),
  );
  const [raw, setRaw] = useState<Record<string, string>>(initial);
  const [saved, setSaved] = useState(false);
  const [touched, setTouched] = useState(false);
  const values = toValues(detail, raw);
  // The provider's own pure rules, the same ones the store server runs before saving.
  const problems = connectionSettingsProblems(
    detail.definition,
    { ...detail.settings.values, ...values },
    detail.settings.secretsSet,
  );
  const problemOf = (key: string) => problems.find((p) => p.field === key)?.message;
  const save = useApiMutation(() => api.integrations.configure.mutate({ id: detail.id, values }));

  const limitsInitial = { c: detail.maxConcurrency, p: detail.maxPerSecond };
  const [limits, setLimits] = useState(limitsInitial);
  const [limitsSaved, setLimitsSaved] = useState(false);
  const saveLimits = useApiMutation(() =>
    api.integrations.setLimits.mutate({
      id: detail.id,
      maxConcurrency: limits.c,
      maxPerSecond: limits.p,
    }),
  );
  const template = useApiMutation((code: string | null) =>
    api.integrations.useTemplate.mutate({ id: detail.id, code }),
  );
  const readOnly = !props.canManage;
  const [imported, setImported] = useState<string | null>(null);
  const [notJson, setNotJson] = useState(false);
  // A partner's template file: JSON, checked whole by the store server before it is kept.
  const importTemplate = useApiMutation((body: unknown) =>
    api.integrations.receiveTemplate.mutate(
      body as Parameters<typeof api.integrations.receiveTemplate.mutate>[0],
    ),
  );

  return (
    <Stack gap="xl">
      <form
        noValidate
        aria-label={t('integrations.settings.title')}
        onSubmit={async (e) => {
          e.preventDefault();
          setTouched(true);
          setSaved(false);
          if (problems.length) return;
          if (await save.run()) {
            setSaved(true);
            setRaw((r) =>
              Object.fromEntries(
                Object.entries(r).map(([k, v]) => [
                  k,
                  detail.definition.config.find((f) => f.key === k)?.type === 'secret' ? '' : v,
                ]),
              ),
            );
            props.onSaved();
          }
        }}
      >
        <Stack gap="sm">
          <Title order={3} size="h5">
            {t('integrations.settings.title')}
          </Title>
          {readOnly && (
            <Text size="sm" c="dimmed">
              {t('integrations.settings.readOnly')}
            </Text>
          )}
          <ProblemAlert problem={save.problem} />
          {saved && <DoneAlert>{t('integrations.settings.saved')}</DoneAlert>}
          {detail.definition.config.map((f) => {
            const common = {
              label: f.label,
              description:
                f.type === 'secret' && detail.settings.secretsSet.includes(f.key)
                  ? t('integrations.settings.secretSet')
                  : f.help,
              required: f.required,
              disabled: readOnly,
              error: touched || raw[f.key] ? problemOf(f.key) : undefined,
              name: f.key,
            };
            const set = (v: string) => setRaw((r) => ({ ...r, [f.key]: v }));
            switch (f.type) {
              case 'secret':
                return (
                  <Group key={f.key} align="flex-end" wrap="nowrap">
                    <PasswordInput
                      style={{ flex: 1 }}
                      {...common}
                      value={raw[f.key] ?? ''}
                      onChange={(e) => set(e.currentTarget.value)}
                      autoComplete="new-password"
                    />
                    {!readOnly && (
                      <Button variant="default" onClick={() => set(generateSecret())}>
                        {t('integrations.settings.generate')}
                      </Button>
                    )}
                  </Group>
                );
              case 'select':
                return (
                  <Select
                    key={f.key}
                    {...common}
                    data={f.options ?? []}
                    value={raw[f.key] || null}
                    onChange={(v) => set(v ?? '')}
                  />
                );
              case 'boolean':
                return (
                  <Switch
                    key={f.key}
                    label={f.label}
                    description={f.help}
                    disabled={readOnly}
                    checked={raw[f.key] === 'true'}
                    onChange={(e) => set(e.currentTarget.checked ? 'true' : 'false')}
                  />
                );
              case 'number':
                return (
                  <TextInput
                    key={f.key}
                    {...common}
                    inputMode="numeric"
                    value={raw[f.key] ?? ''}
                    onChange={(e) => set(e.currentTarget.value)}
                  />
                );
              default:
                return (
                  <TextInput
                    key={f.key}
                    {...common}
                    spellCheck={false}
                    placeholder={
                      detail.settings.values[f.key] !== undefined
                        ? String(detail.settings.values[f.key])
                        : undefined
                    }
                    value={raw[f.key] ?? ''}
                    onChange={(e) => set(e.currentTarget.value)}
                  />
                );
            }
          })}
          {!readOnly && (
            <Group justify="flex-end">
              <Button type="submit" variant="default" loading={save.pending}>
                {t('common.save')}
              </Button>
            </Group>
          )}
        </Stack>
      </form>

      <Stack gap="sm" component="section" aria-label={t('integrations.settings.limits')}>
        <Title order={3} size="h5">
          {t('integrations.settings.limits')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('integrations.settings.limitsIntro', {
            concurrency: detail.definition.delivery.concurrency,
            perSecond: detail.definition.delivery.perSecond,
          })}
        </Text>
        <ProblemAlert problem={saveLimits.problem} />
        {limitsSaved && <DoneAlert>{t('integrations.settings.limitsSaved')}</DoneAlert>}
        <Group align="flex-end">
          <NumberInput
            label={t('integrations.settings.concurrency')}
            min={1}
            max={64}
            allowDecimal={false}
            disabled={readOnly}
            value={limits.c ?? ''}
            onChange={(v) => setLimits((l) => ({ ...l, c: typeof v === 'number' ? v : null }))}
          />
          <NumberInput
            label={t('integrations.settings.perSecond')}
            min={1}
            max={10_000}
            allowDecimal={false}
            disabled={readOnly}
            value={limits.p ?? ''}
            onChange={(v) => setLimits((l) => ({ ...l, p: typeof v === 'number' ? v : null }))}
          />
          {!readOnly && (
            <Button
              variant="default"
              loading={saveLimits.pending}
              onClick={async () => {
                setLimitsSaved(false);
                if (await saveLimits.run()) {
                  setLimitsSaved(true);
                  props.onSaved();
                }
              }}
            >
              {t('common.save')}
            </Button>
          )}
        </Group>
      </Stack>

      {(detail.templates.length > 0 || !readOnly) && (
        <Stack gap="sm" component="section" aria-label={t('integrations.settings.template')}>
          <Title order={3} size="h5">
            {t('integrations.settings.template')}
          </Title>
          <ProblemAlert problem={template.problem ?? importTemplate.problem} />
          {notJson && (
            <Alert color="red" variant="light" role="alert">
              {t('integrations.settings.templateNotJson')}
            </Alert>
          )}
          {imported && (
            <DoneAlert>{t('integrations.settings.templateImported', { name: imported })}</DoneAlert>
          )}
          <Group align="flex-end">
            <Select
              style={{ flex: 1 }}
              description={t('integrations.settings.templateHint')}
              disabled={readOnly || detail.templates.length === 0}
              data={[
                { value: '', label: t('integrations.settings.templateNone') },
                ...detail.templates.map((x) => ({
                  value: x.code,
                  label: `${x.name} (v${x.version})`,
                })),
              ]}
              value={detail.templateCode ?? ''}
              onChange={async (v) => {
                if (await template.run(v || null)) props.onSaved();
              }}
            />
            {!readOnly && (
              <FileButton
                accept="application/json,.json"
                onChange={async (file) => {
                  setImported(null);
                  setNotJson(false);
                  if (!file) return;
                  let body: unknown;
                  try {
                    body = JSON.parse(await file.text());
                  } catch {
                    setNotJson(true);
                    return;
                  }
                  const t0 = await importTemplate.run(body);
                  if (t0) {
                    setImported(t0.name);
                    props.onSaved();
                  }
                }}
              >
                {(p) => (
                  <Button variant="default" loading={importTemplate.pending} {...p}>
                    {t('integrations.settings.templateImport')}
                  </Button>
                )}
              </FileButton>
            )}
          </Group>
        </Stack>
      )}
    </Stack>
  );
}
