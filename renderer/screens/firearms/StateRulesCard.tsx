import {
  Button,
  Card,
  Checkbox,
  Group,
  Stack,
  Table,
  TagsInput,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/app-client.ts';
import type { Inputs } from '../../api/client.ts';
import { useApiMutation, useApiQuery } from '../../api/hooks.ts';
import { DoneAlert } from '../../components/DoneAlert.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { RulesInForceView } from './RulesInForce.tsx';

type Rule = Inputs['checks']['recordStateRule'];

/**
 * The check rules for the store's state: whether a delayed transfer may proceed by default,
 * whether a supervisor may override, which state permits stand in for a check. Recorded with
 * where they come from and from when; earlier versions stay listed. Above the form: every rule
 * in force today, where it comes from, and which are assumptions.
 */
export function StateRulesCard(props: { canEdit: boolean }) {
  const { t } = useTranslation();
  const rules = useApiQuery(() => api.checks.stateRules.query(), []);
  const inForce = useApiQuery(() => api.checks.rulesInForce.query(), []);
  const [draft, setDraft] = useState<Omit<Rule, 'state'> | null>(null);
  const [saved, setSaved] = useState(false);
  const record = useApiMutation((r: Rule) => api.checks.recordStateRule.mutate(r));
  const data = rules.data;
  useEffect(() => {
    if (!data?.state) return;
    const base = data.inForce ?? data.shipped;
    setDraft({
      effective: data.today,
      noDefaultProceed: base?.noDefaultProceed ?? false,
      overrideAllowed: base?.overrideAllowed ?? false,
      qualifyingPermits: base?.qualifyingPermits ?? [],
      source: '',
    });
  }, [data]);
  const edit = (next: Partial<Omit<Rule, 'state'>>) => {
    setSaved(false);
    setDraft((d) => (d ? { ...d, ...next } : d));
  };
  return (
    <Card withBorder component="section" aria-label={t('firearms.settings.stateTitle')}>
      <Stack gap="sm">
        <Title order={3}>
          {t('firearms.settings.stateTitle')}
          {data?.state ? ` · ${data.state}` : ''}
        </Title>
        <Text size="sm" c="dimmed">
          {t('firearms.settings.stateHint')}
        </Text>
        <ProblemAlert problem={rules.problem ?? inForce.problem ?? record.problem} />
        {inForce.data && (
          <Stack gap={4} data-testid="state-rules-in-force">
            <Text fw={600} size="sm">
              {t('firearms.statePolicy.title')}
            </Text>
            <Text size="xs" c="dimmed">
              {t('firearms.statePolicy.hint')} {t('firearms.statePolicy.recordRuleHint')}
            </Text>
            <RulesInForceView data={inForce.data} />
          </Stack>
        )}
        {data?.state && !data.inForce && (
          <Text size="sm" data-testid="state-rules-shipped">
            {t('firearms.statePolicy.shippedOnly')}
          </Text>
        )}
        {draft && data?.state && (
          <Stack gap="xs">
            <Checkbox
              label={t('firearms.settings.noDefaultProceed')}
              checked={draft.noDefaultProceed}
              disabled={!props.canEdit}
              onChange={(e) => edit({ noDefaultProceed: e.currentTarget.checked })}
            />
            <Checkbox
              label={t('firearms.settings.overrideAllowed')}
              checked={draft.overrideAllowed}
              disabled={!props.canEdit}
              onChange={(e) => edit({ overrideAllowed: e.currentTarget.checked })}
            />
            <TagsInput
              label={t('firearms.settings.permits')}
              description={t('firearms.settings.permitsHint')}
              value={draft.qualifyingPermits}
              disabled={!props.canEdit}
              onChange={(v) => edit({ qualifyingPermits: v })}
              maxTags={20}
              clearable
              clearButtonProps={{ 'aria-label': t('firearms.a11y.clear') }}
            />
            {props.canEdit && (
              <Group gap="xs" align="flex-end" wrap="wrap">
                <TextInput
                  type="date"
                  label={t('firearms.settings.effective')}
                  value={draft.effective}
                  onChange={(e) => edit({ effective: e.currentTarget.value })}
                  w={160}
                />
                <TextInput
                  label={t('firearms.settings.source')}
                  placeholder={t('firearms.settings.sourcePlaceholder')}
                  value={draft.source}
                  onChange={(e) => edit({ source: e.currentTarget.value })}
                  style={{ flex: 1 }}
                  miw={260}
                />
                <Button
                  loading={record.pending}
                  onClick={() =>
                    void record.run({ ...draft, state: data.state ?? 'TX' }).then((r) => {
                      if (!r) return;
                      setSaved(true);
                      rules.reload();
                      inForce.reload();
                    })
                  }
                >
                  {t('firearms.settings.recordRule')}
                </Button>
              </Group>
            )}
            {saved && (
              <DoneAlert testId="state-rule-saved">{t('firearms.settings.ruleSaved')}</DoneAlert>
            )}
          </Stack>
        )}
        {(data?.history.length ?? 0) > 0 && (
          <Table data-testid="state-rule-history">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('firearms.settings.effective')}</Table.Th>
                <Table.Th>{t('firearms.settings.rule')}</Table.Th>
                <Table.Th>{t('firearms.settings.source')}</Table.Th>
                <Table.Th>{t('firearms.settings.recordedBy')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data?.history.map((r) => (
                <Table.Tr key={r.id} fw={r.id === data.inForce?.id ? 600 : undefined}>
                  <Table.Td>{r.effective}</Table.Td>
                  <Table.Td>
                    {[
                      r.noDefaultProceed ? t('firearms.settings.noDefaultProceedShort') : '',
                      r.overrideAllowed ? t('firearms.settings.overrideAllowedShort') : '',
                      r.qualifyingPermits.length
                        ? t('firearms.settings.permitsShort', {
                            permits: r.qualifyingPermits.join(', '),
                          })
                        : '',
                    ]
                      .filter(Boolean)
                      .join(' · ') || t('firearms.settings.noSpecialRules')}
                  </Table.Td>
                  <Table.Td>{r.source}</Table.Td>
                  <Table.Td>{r.recordedBy}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
    </Card>
  );
}
