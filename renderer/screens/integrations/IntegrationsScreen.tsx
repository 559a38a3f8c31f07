import {
  Badge,
  Button,
  Card,
  Group,
  Modal,
  SimpleGrid,
  Skeleton,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Route, Routes, useNavigate } from 'react-router';
import { api } from '../../api/app-client.ts';
import type { Outputs } from '../../api/client.ts';
import { useApiMutation, useApiQuery } from '../../api/hooks.ts';
import { DialogActions } from '../../components/DialogActions.tsx';
import { Empty } from '../../components/Empty.tsx';
import { HealthBadge } from '../../components/HealthBadge.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { formatEpoch } from '../../lib/format.ts';
import { can, useSession } from '../../state/session.ts';
import { useLiveTick } from '../../state/live.ts';
import { ConnectionScreen } from './ConnectionScreen.tsx';
import { StoreProfileCard } from './StoreProfileCard.tsx';

type Connection = Outputs['integrations']['list'][number];
type CatalogEntry = Outputs['integrations']['catalog']['entries'][number];

function ConnectionsTable({ connections }: { connections: Connection[] }) {
  const { t, i18n } = useTranslation();
  if (connections.length === 0)
    return <Empty title={t('integrations.noConnections')} testId="connections-empty" />;
  return (
    <Table.ScrollContainer minWidth={820}>
      <Table verticalSpacing="sm" horizontalSpacing="md" highlightOnHover data-testid="connections">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('integrations.columns.provider')}</Table.Th>
            <Table.Th>{t('integrations.columns.health')}</Table.Th>
            <Table.Th>{t('integrations.columns.lastSync')}</Table.Th>
            <Table.Th>{t('integrations.columns.day')}</Table.Th>
            <Table.Th>{t('integrations.columns.queue')}</Table.Th>
            <Table.Th>{t('integrations.columns.dead')}</Table.Th>
            <Table.Th>{t('integrations.columns.token')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {connections.map((c) => (
            <Table.Tr key={c.id} data-testid={`connection-${c.provider}`}>
              <Table.Td>
                <Link to={`/integrations/${c.id}`}>
                  <Text fw={600} span>
                    {c.providerName}
                  </Text>
                </Link>
                {c.location && (
                  <Text size="xs" c="dimmed">
                    {c.location}
                  </Text>
                )}
                <Text size="xs" c="dimmed">
                  {t(`integrations.state.${c.state}`)}
                </Text>
              </Table.Td>
              <Table.Td>
                <HealthBadge level={c.health.level} reasons={c.health.reasons} />
              </Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>
                {c.health.lastSyncAt
                  ? formatEpoch(c.health.lastSyncAt, i18n.language)
                  : t('integrations.never')}
              </Table.Td>
              <Table.Td>
                {t('integrations.dayCounts', {
                  ok: c.health.succeeded24h,
                  failed: c.health.failed24h,
                })}
              </Table.Td>
              <Table.Td data-testid="queue-depth">{c.health.queueDepth}</Table.Td>
              <Table.Td>
                <Text
                  c={c.health.deadLetters ? 'red.8' : undefined}
                  fw={c.health.deadLetters ? 600 : 400}
                >
                  {c.health.deadLetters}
                </Text>
              </Table.Td>
              <Table.Td>
                {c.health.tokenExpiresInDays === null
                  ? t('common.none')
                  : t('integrations.tokenDays', { count: c.health.tokenExpiresInDays })}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function Catalog(props: { entries: CatalogEntry[]; connected: Set<string>; canManage: boolean }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [asking, setAsking] = useState<CatalogEntry | null>(null);
  const [location, setLocation] = useState('');
  const create = useApiMutation((provider: string, loc?: string) =>
    api.integrations.create.mutate({ provider, ...(loc ? { location: loc } : {}) }),
  );
  const connect = async (e: CatalogEntry, loc?: string) => {
    const c = await create.run(e.provider.code, loc);
    if (c) {
      setAsking(null);
      void navigate(`/integrations/${c.id}`);
    }
  };
  return (
    <Stack gap="sm">
      <ProblemAlert problem={create.problem} />
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="md">
        {props.entries.map((e) => {
          const taken = e.provider.scope === 'store' && props.connected.has(e.provider.code);
          const usable = e.available && e.approved;
          return (
            <Card
              key={e.provider.code}
              withBorder
              radius="md"
              padding="md"
              data-testid={`provider-${e.provider.code}`}
            >
              <Group justify="space-between" align="flex-start" wrap="nowrap">
                <div>
                  <Text fw={600}>{e.provider.name}</Text>
                  <Text size="xs" c="dimmed">
                    {t(`integrations.scope.${e.provider.scope}`)}
                  </Text>
                </div>
                {taken ? (
                  <Badge variant="light" color="teal">
                    {t('integrations.connected')}
                  </Badge>
                ) : !usable ? (
                  <Badge variant="light" color="gray">
                    {t('integrations.notApproved')}
                  </Badge>
                ) : null}
              </Group>
              <Text size="sm" mt="xs">
                {t('integrations.capabilities', { list: e.provider.capabilities.join(', ') })}
              </Text>
              {e.reason && (
                <Text size="sm" c="dimmed" mt="xs" data-testid="provider-reason">
                  {e.reason}
                </Text>
              )}
              {props.canManage && usable && !taken && (
                <Group justify="flex-end" mt="sm">
                  <Button
                    size="xs"
                    loading={create.pending}
                    onClick={() =>
                      e.provider.scope === 'location' ? setAsking(e) : void connect(e)
                    }
                  >
                    {t('integrations.connect')}
                  </Button>
                </Group>
              )}
            </Card>
          );
        })}
      </SimpleGrid>
      <Modal opened={asking !== null} onClose={() => setAsking(null)} title={asking?.provider.name}>
        <form
          onSubmit={(ev) => {
            ev.preventDefault();
            if (asking && location.trim()) void connect(asking, location.trim());
          }}
        >
          <TextInput
            label={t('integrations.location')}
            description={t('integrations.locationHint')}
            value={location}
            onChange={(ev) => setLocation(ev.currentTarget.value)}
            data-autofocus
            required
          />
          <DialogActions
            onCancel={() => setAsking(null)}
            pending={create.pending}
            submitLabel={t('integrations.connect')}
          />
        </form>
      </Modal>
    </Stack>
  );
}

function Overview() {
  const { t } = useTranslation();
  const tick = useLiveTick();
  const session = useSession((s) => s.session);
  const profile = useApiQuery(() => api.store.profile.query(), []);
  const list = useApiQuery(() => api.integrations.list.query(), [tick]);
  const catalog = useApiQuery(() => api.integrations.catalog.query(), [tick, profile.data?.state]);
  const connected = new Set(
    (list.data ?? []).filter((c) => c.state !== 'disconnected').map((c) => c.provider),
  );
  return (
    <>
      <PageHeader title={t('integrations.title')} intro={t('integrations.intro')} />
      <Stack gap="lg">
        <ProblemAlert problem={profile.problem ?? list.problem ?? catalog.problem} />
        {profile.data && (
          <StoreProfileCard
            key={`${profile.data.name}-${profile.data.state}`}
            profile={profile.data}
            canEdit={can(session, 'store:manage')}
            onSaved={profile.reload}
          />
        )}
        <Card
          withBorder
          radius="md"
          padding={0}
          component="section"
          aria-label={t('integrations.connections')}
        >
          <Title order={2} size="h4" p="lg" pb="xs">
            {t('integrations.connections')}
          </Title>
          {list.data ? (
            <ConnectionsTable connections={list.data} />
          ) : (
            list.loading && <Skeleton h={80} m="lg" />
          )}
        </Card>
        <section aria-label={t('integrations.catalog')}>
          <Title order={2} size="h4">
            {t('integrations.catalog')}
          </Title>
          <Text size="sm" c="dimmed" mb="sm">
            {t('integrations.catalogIntro')}
          </Text>
          {catalog.data ? (
            <Catalog
              entries={catalog.data.entries}
              connected={connected}
              canManage={can(session, 'integration:manage')}
            />
          ) : (
            catalog.loading && <Skeleton h={120} />
          )}
        </section>
      </Stack>
    </>
  );
}

/** /integrations: the overview; /integrations/:id: one connection. */
export function IntegrationsScreen() {
  return (
    <Routes>
      <Route index element={<Overview />} />
      <Route path=":id" element={<ConnectionScreen />} />
    </Routes>
  );
}
