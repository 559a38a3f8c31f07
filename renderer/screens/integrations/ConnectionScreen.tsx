import {
  Alert,
  Anchor,
  Button,
  Card,
  Group,
  List,
  Modal,
  SimpleGrid,
  Skeleton,
  Stack,
  Tabs,
  Text,
} from '@mantine/core';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { DoneAlert } from '../../components/DoneAlert.tsx';
import { Link, useParams } from 'react-router';
import type { Permission } from '../../../core/auth/model.ts';
import { api } from '../../api/app-client.ts';
import type { Outputs } from '../../api/client.ts';
import { useApiMutation, useApiQuery } from '../../api/hooks.ts';
import { HealthBadge } from '../../components/HealthBadge.tsx';
import { IconRefresh } from '../../components/icons.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { formatEpoch } from '../../lib/format.ts';
import { connectionSettingsProblems, syncPermissionOf } from '../../lib/rules.ts';
import { useLiveTick } from '../../state/live.ts';
import { can, useSession } from '../../state/session.ts';
import { NotFoundScreen } from '../NoAccessScreen.tsx';
import { DeadLettersPanel } from './DeadLettersPanel.tsx';
import { FeaturesPanel } from './FeaturesPanel.tsx';
import { MappingsPanel } from './MappingsPanel.tsx';
import { SettingsPanel } from './SettingsPanel.tsx';
import { SyncLogPanel } from './SyncLogPanel.tsx';

type Detail = Outputs['integrations']['get'];

function Stat(props: { label: string; value: ReactNode; testId?: string }) {
  return (
    <Card withBorder radius="md" padding="sm">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {props.label}
      </Text>
      <Text size="xl" fw={600} data-testid={props.testId}>
        {props.value}
      </Text>
    </Card>
  );
}

function OverviewPanel({ detail }: { detail: Detail }) {
  const { t, i18n } = useTranslation();
  const h = detail.health;
  return (
    <Stack gap="md">
      {h.reasons.length ? (
        <Alert
          color={h.level === 'red' ? 'red' : 'yellow'}
          variant="light"
          title={t('integrations.overview.reasons')}
          data-testid="health-reasons"
        >
          <List size="sm">
            {h.reasons.map((r) => (
              <List.Item key={r}>{r}</List.Item>
            ))}
          </List>
        </Alert>
      ) : (
        detail.state === 'active' && (
          <Alert color="teal" variant="light">
            {t('integrations.overview.allGood')}
          </Alert>
        )
      )}
      <SimpleGrid cols={{ base: 2, md: 3 }} spacing="sm">
        <Stat label={t('integrations.overview.queue')} value={h.queueDepth} testId="stat-queue" />
        <Stat label={t('integrations.overview.retrying')} value={h.retrying} />
        <Stat label={t('integrations.overview.dead')} value={h.deadLetters} testId="stat-dead" />
        <Stat label={t('integrations.overview.day')} value={h.succeeded24h} testId="stat-sent" />
        <Stat label={t('integrations.overview.dayFailed')} value={h.failed24h} />
        <Stat
          label={t('integrations.overview.lastSync')}
          value={
            <Text size="sm">
              {h.lastSyncAt ? formatEpoch(h.lastSyncAt, i18n.language) : t('integrations.never')}
            </Text>
          }
        />
      </SimpleGrid>
      {detail.escalated && (
        <Text size="sm" c="red.8">
          {t('integrations.overview.escalated')}
        </Text>
      )}
    </Stack>
  );
}

export function ConnectionScreen() {
  const { t } = useTranslation();
  const params = useParams();
  const id = Number(params['id']);
  const tick = useLiveTick();
  const session = useSession((s) => s.session);
  const canManage = can(session, 'integration:manage');
  const detail = useApiQuery(() => api.integrations.get.query({ id }), [id, tick]);
  const [note, setNote] = useState<string | null>(null);
  const [confirmDisconnect, setConfirmDisconnect] = useState(false);
  const act = useApiMutation(
    async (action: 'enable' | 'pause' | 'resume' | 'disconnect' | 'retryAll' | 'sendTestEvent') => {
      switch (action) {
        case 'enable':
          return api.integrations.enable
            .mutate({ id })
            .then((c) =>
              c.state === 'active'
                ? t('integrations.actions.enabled', { name: detail.data?.providerName })
                : null,
            );
        case 'retryAll':
          return api.integrations.retryAll
            .mutate({ id })
            .then((r) => t('integrations.actions.retried', r));
        case 'sendTestEvent':
          return api.integrations.sendTestEvent
            .mutate({ id })
            .then(() => t('integrations.actions.testSent'));
        default:
          return api.integrations[action].mutate({ id }).then(() => null);
      }
    },
  );
  const run = async (action: Parameters<typeof act.run>[0]) => {
    setNote(null);
    const message = await act.run(action);
    if (message) setNote(message);
    detail.reload();
  };

  if (!Number.isInteger(id) || id <= 0 || detail.problem?.reason === 'connection_not_found')
    return <NotFoundScreen home="/integrations" />;
  if (!detail.data)
    return detail.loading ? <Skeleton h={200} /> : <ProblemAlert problem={detail.problem} />;
  const d = detail.data;
  const canSync = can(session, syncPermissionOf(d.provider) as Permission);
  const settingsProblems = connectionSettingsProblems(
    d.definition,
    d.settings.values,
    d.settings.secretsSet,
  );
  const canEnable =
    (d.state === 'configuring' || d.state === 'error') && settingsProblems.length === 0;

  return (
    <>
      <Anchor component={Link} to="/integrations" size="sm">
        ← {t('integrations.back')}
      </Anchor>
      <PageHeader
        title={d.location ? `${d.providerName} · ${d.location}` : d.providerName}
        intro={
          <Group gap="xs" component="span">
            <HealthBadge
              level={d.health.level}
              reasons={d.health.reasons}
              testId="connection-health"
            />
            <Text span size="sm" data-testid="connection-state">
              {t(`integrations.state.${d.state}`)}
            </Text>
          </Group>
        }
        actions={
          canManage && (
            <>
              {(d.state === 'configuring' || d.state === 'error') && (
                <Button
                  onClick={() => void run('enable')}
                  loading={act.pending}
                  disabled={!canEnable}
                  title={settingsProblems.map((p) => p.message).join(' ')}
                >
                  {t('integrations.actions.enable')}
                </Button>
              )}
              {d.state === 'active' && (
                <Button variant="default" onClick={() => void run('pause')} loading={act.pending}>
                  {t('integrations.actions.pause')}
                </Button>
              )}
              {d.state === 'paused' && (
                <Button variant="default" onClick={() => void run('resume')} loading={act.pending}>
                  {t('integrations.actions.resume')}
                </Button>
              )}
              {(d.state === 'active' || d.state === 'paused') && (
                <Button
                  leftSection={<IconRefresh />}
                  onClick={() => void run('retryAll')}
                  loading={act.pending}
                >
                  {t('integrations.actions.retryAll')}
                </Button>
              )}
              {d.state !== 'disconnected' && (
                <Button variant="subtle" color="red" onClick={() => setConfirmDisconnect(true)}>
                  {t('integrations.actions.disconnect')}
                </Button>
              )}
            </>
          )
        }
      />
      <Stack gap="md">
        <ProblemAlert problem={act.problem} />
        {note && <DoneAlert testId="connection-note">{note}</DoneAlert>}
        {canSync && d.provider === 'webhook.outbound' && d.state === 'active' && (
          <Group>
            <Button
              variant="default"
              size="xs"
              onClick={() => void run('sendTestEvent')}
              loading={act.pending}
            >
              {t('integrations.actions.testEvent')}
            </Button>
          </Group>
        )}
        <Tabs
          defaultValue={d.state === 'configuring' ? 'settings' : 'overview'}
          keepMounted={false}
        >
          <Tabs.List>
            <Tabs.Tab value="overview">{t('integrations.tabs.overview')}</Tabs.Tab>
            <Tabs.Tab value="settings">{t('integrations.tabs.settings')}</Tabs.Tab>
            <Tabs.Tab value="features">{t('integrations.tabs.features')}</Tabs.Tab>
            <Tabs.Tab value="log">{t('integrations.tabs.log')}</Tabs.Tab>
            <Tabs.Tab value="dead">
              {t('integrations.tabs.dead')}
              {d.health.deadLetters > 0 ? ` (${d.health.deadLetters})` : ''}
            </Tabs.Tab>
            <Tabs.Tab value="mappings">{t('integrations.tabs.mappings')}</Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="overview" pt="md">
            <OverviewPanel detail={d} />
          </Tabs.Panel>
          <Tabs.Panel value="settings" pt="md">
            <SettingsPanel
              detail={d}
              canManage={canManage && d.state !== 'disconnected'}
              onSaved={detail.reload}
            />
          </Tabs.Panel>
          <Tabs.Panel value="features" pt="md">
            <FeaturesPanel
              detail={d}
              canManage={canManage}
              canSync={canSync}
              onChanged={detail.reload}
            />
          </Tabs.Panel>
          <Tabs.Panel value="log" pt="md">
            <SyncLogPanel connectionId={id} tick={tick} />
          </Tabs.Panel>
          <Tabs.Panel value="dead" pt="md">
            <DeadLettersPanel
              connectionId={id}
              tick={tick}
              canManage={canManage}
              onChanged={detail.reload}
            />
          </Tabs.Panel>
          <Tabs.Panel value="mappings" pt="md">
            <MappingsPanel connectionId={id} canManage={canManage} />
          </Tabs.Panel>
        </Tabs>
      </Stack>
      <Modal
        opened={confirmDisconnect}
        onClose={() => setConfirmDisconnect(false)}
        title={t('integrations.actions.disconnect')}
      >
        <Text size="sm">
          {t('integrations.actions.disconnectConfirm', { name: d.providerName })}
        </Text>
        <Group justify="flex-end" mt="md">
          <Button variant="default" onClick={() => setConfirmDisconnect(false)}>
            {t('common.cancel')}
          </Button>
          <Button
            color="red"
            onClick={async () => {
              setConfirmDisconnect(false);
              await run('disconnect');
            }}
          >
            {t('integrations.actions.disconnect')}
          </Button>
        </Group>
      </Modal>
    </>
  );
}
