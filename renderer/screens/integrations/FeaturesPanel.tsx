import {
  Button,
  Card,
  Checkbox,
  Group,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  TextInput,
} from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DoneAlert } from '../../components/DoneAlert.tsx';
import type { DomainEventType, Trigger } from '../../../core/integrations/model.ts';
import { api } from '../../api/app-client.ts';
import type { Outputs } from '../../api/client.ts';
import { useApiMutation } from '../../api/hooks.ts';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { formatEpoch } from '../../lib/format.ts';
import { DOMAIN_EVENTS, triggerSchema } from '../../lib/rules.ts';

type Detail = Outputs['integrations']['get'];
type Feature = Detail['features'][number];

function FeatureCard(props: {
  connectionId: number;
  feature: Feature;
  canManage: boolean;
  canSync: boolean;
  active: boolean;
  onChanged: () => void;
}) {
  const { t, i18n } = useTranslation();
  const f = props.feature;
  const [cron, setCron] = useState(f.trigger.kind === 'on_schedule' ? f.trigger.cron : '0 6 * * *');
  const [note, setNote] = useState<string | null>(null);
  const update = useApiMutation(
    (change: Parameters<typeof api.integrations.updateFeature.mutate>[0]['change']) =>
      api.integrations.updateFeature.mutate({ id: props.connectionId, feature: f.key, change }),
  );
  const sync = useApiMutation(() =>
    api.integrations.syncNow.mutate({ id: props.connectionId, feature: f.key }),
  );
  const apply = async (change: Parameters<typeof update.run>[0]) => {
    setNote(null);
    if (await update.run(change)) {
      setNote(t('integrations.features.saved'));
      props.onChanged();
    }
  };
  const kinds: Trigger['kind'][] = f.availableEvents
    ? ['on_event', 'on_schedule', 'on_manual']
    : ['on_schedule', 'on_manual'];
  const triggerFor = (kind: Trigger['kind']): Trigger =>
    kind === 'on_schedule'
      ? { kind, cron }
      : kind === 'on_event'
        ? { kind, events: (f.events ?? []) as DomainEventType[] }
        : { kind };
  const cronOk = triggerSchema.safeParse({ kind: 'on_schedule', cron }).success;
  const readOnly = !props.canManage;
  return (
    <Card withBorder radius="md" padding="md" data-testid={`feature-${f.key}`}>
      <Stack gap="sm">
        <Group justify="space-between" wrap="nowrap">
          <div>
            <Text fw={600}>{f.name}</Text>
            <Text size="xs" c="dimmed">
              {t(`integrations.features.direction.${f.direction}`)} ·{' '}
              {t(`integrations.features.resume.${f.onResume}`)}
            </Text>
          </div>
          <Switch
            label={t('integrations.features.on')}
            checked={f.enabled}
            disabled={readOnly || update.pending}
            onChange={(e) => void apply({ enabled: e.currentTarget.checked })}
            data-testid="feature-enabled"
          />
        </Group>
        <ProblemAlert problem={update.problem ?? sync.problem} />
        {note && <DoneAlert>{note}</DoneAlert>}
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <Select
            label={t('integrations.features.trigger')}
            disabled={readOnly}
            data={kinds.map((k) => ({
              value: k,
              label: t(`integrations.features.triggerKinds.${k}`),
            }))}
            value={f.trigger.kind}
            onChange={(v) => v && void apply({ trigger: triggerFor(v as Trigger['kind']) })}
            allowDeselect={false}
          />
          {f.trigger.kind === 'on_schedule' && (
            <Group align="flex-end" wrap="nowrap">
              <TextInput
                style={{ flex: 1 }}
                label={t('integrations.features.cron')}
                description={t('integrations.features.cronHint')}
                value={cron}
                disabled={readOnly}
                onChange={(e) => setCron(e.currentTarget.value)}
                error={cronOk ? undefined : t('integrations.features.cronHint')}
                spellCheck={false}
              />
              {!readOnly && (
                <Button
                  variant="default"
                  disabled={!cronOk}
                  onClick={() => void apply({ trigger: { kind: 'on_schedule', cron } })}
                >
                  {t('common.save')}
                </Button>
              )}
            </Group>
          )}
        </SimpleGrid>
        {f.availableEvents && (
          <Checkbox.Group
            label={t('integrations.features.events')}
            value={f.events ?? []}
            onChange={(v) => v.length > 0 && void apply({ events: v as DomainEventType[] })}
          >
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing={6} mt={6}>
              {f.availableEvents.map((e) => (
                <Checkbox
                  key={e}
                  value={e}
                  disabled={readOnly}
                  label={`${e} — ${DOMAIN_EVENTS[e]}`}
                />
              ))}
            </SimpleGrid>
          </Checkbox.Group>
        )}
        <Group justify="space-between">
          <Text size="xs" c="dimmed">
            {f.lastRunAt
              ? t('integrations.features.lastRun', {
                  time: formatEpoch(f.lastRunAt, i18n.language),
                })
              : ''}
            {f.nextRunAt
              ? ` · ${t('integrations.features.nextRun', { time: formatEpoch(f.nextRunAt, i18n.language) })}`
              : ''}
          </Text>
          <Group gap="xs">
            {f.overridden && !readOnly && (
              <Button variant="subtle" size="xs" onClick={() => void apply({ trigger: null })}>
                {t('integrations.features.useDefault')}
              </Button>
            )}
            {props.canSync && (
              <Button
                size="xs"
                variant="default"
                disabled={!props.active || !f.enabled}
                loading={sync.pending}
                onClick={async () => {
                  const r = await sync.run();
                  if (r) {
                    setNote(t('integrations.actions.synced', { count: r.queued }));
                    props.onChanged();
                  }
                }}
              >
                {t('integrations.actions.syncNow')}
              </Button>
            )}
          </Group>
        </Group>
      </Stack>
    </Card>
  );
}

export function FeaturesPanel(props: {
  detail: Detail;
  canManage: boolean;
  canSync: boolean;
  onChanged: () => void;
}) {
  return (
    <Stack gap="md">
      {props.detail.features.map((f) => (
        <FeatureCard
          key={`${f.key}-${JSON.stringify(f.trigger)}`}
          connectionId={props.detail.id}
          feature={f}
          canManage={props.canManage}
          canSync={props.canSync}
          active={props.detail.state === 'active'}
          onChanged={props.onChanged}
        />
      ))}
    </Stack>
  );
}
