import {
  Alert,
  Anchor,
  Badge,
  Card,
  Group,
  SimpleGrid,
  Skeleton,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { Link } from 'react-router';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/app-client.ts';
import type { Outputs } from '../api/client.ts';
import { useApiQuery } from '../api/hooks.ts';
import { Empty } from '../components/Empty.tsx';
import { IconAlert, IconAudit, IconBackup, IconPrinter, IconUsers } from '../components/icons.tsx';
import { HealthBadge } from './devices/DevicesScreen.tsx';
import { LiveBadge } from '../components/LiveBadge.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { SecretsWarning } from '../components/SecretsWarning.tsx';
import { roleLabelKey } from '../i18n/index.ts';
import { formatBytes, formatDateTime, formatTime } from '../lib/format.ts';
import { useLiveTick } from '../state/live.ts';

type Summary = Outputs['dashboard']['summary'];

/** Today: the time; an older session: date and time. */
const sinceText = (iso: string, lang: string) =>
  new Date(iso).toDateString() === new Date().toDateString()
    ? formatTime(iso, lang)
    : formatDateTime(iso, lang);

function Tile(props: { title: string; icon: ReactNode; testId: string; children: ReactNode }) {
  return (
    <Card
      withBorder
      radius="md"
      padding="lg"
      data-testid={props.testId}
      component="section"
      aria-label={props.title}
    >
      <Group gap="xs" mb="sm" c="dimmed">
        {props.icon}
        <Text size="sm" fw={600} tt="uppercase" lts={0.4}>
          {props.title}
        </Text>
      </Group>
      <Stack gap={6}>{props.children}</Stack>
    </Card>
  );
}

/** What needs a look before the tiles (connections, compliance, devices): one look for all. */
function Notice(props: {
  title: string;
  icon: ReactNode;
  color: string;
  testId: string;
  children: ReactNode;
}) {
  return (
    <Alert
      color={props.color}
      variant="light"
      icon={props.icon}
      title={props.title}
      data-testid={props.testId}
    >
      <Stack gap={6}>{props.children}</Stack>
    </Alert>
  );
}

function ChainStatus({ chain }: { chain: Summary['auditChain'] }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  if (chain.state === 'verifying') {
    return (
      <>
        <Badge color="blue" variant="light" size="lg">
          {t('dashboard.chainVerifying')}
        </Badge>
        <Text size="sm" c="dimmed">
          {t('dashboard.chainEntries', { count: chain.head })}
        </Text>
      </>
    );
  }
  if (chain.state === 'broken') {
    return (
      <>
        <Badge color="red" variant="filled" size="lg">
          {t('dashboard.chainBroken')}
        </Badge>
        <Text size="sm" c="red.8" fw={500}>
          {t('dashboard.chainBrokenAt', { seq: chain.brokenAt, reason: chain.reason })}
        </Text>
        <Text size="xs" c="dimmed">
          {t('dashboard.chainCheckedAt', { time: formatDateTime(chain.checkedAt, lang) })}
        </Text>
      </>
    );
  }
  return (
    <>
      <Badge color="teal" variant="light" size="lg">
        {t('dashboard.chainOk')}
      </Badge>
      <Text size="sm">{t('dashboard.chainVerified', { count: chain.length })}</Text>
      <Text size="xs" c="dimmed">
        {t('dashboard.chainCheckedAt', { time: formatDateTime(chain.checkedAt, lang) })}
      </Text>
    </>
  );
}

function LastBackup({ summary }: { summary: Summary }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const b = summary.lastBackup;
  return (
    <>
      {b ? (
        <>
          <Group gap="xs">
            <Badge color={b.ok ? 'teal' : 'red'} variant={b.ok ? 'light' : 'filled'} size="lg">
              {b.ok ? t('dashboard.backupOk') : t('dashboard.backupFailed')}
            </Badge>
            <Text size="sm">{formatDateTime(b.finishedAt, lang)}</Text>
          </Group>
          {b.ok ? (
            <Text size="sm" c="dimmed">
              {formatBytes(b.bytes, lang)}
            </Text>
          ) : (
            <Text size="sm" c="red.8">
              {b.message}
            </Text>
          )}
        </>
      ) : (
        <Text size="sm" c="dimmed">
          {t('dashboard.noBackupYet')}
        </Text>
      )}
      <Text size="xs" c="dimmed">
        {summary.nextBackup
          ? t('dashboard.nextBackup', { time: formatDateTime(summary.nextBackup, lang) })
          : t('dashboard.noSchedule')}
      </Text>
    </>
  );
}

/** Connections that need someone: shown first, each with why and a way to it. */
function IntegrationAlerts({ alerts }: { alerts: Summary['integrationAlerts'] }) {
  const { t } = useTranslation();
  if (alerts.length === 0) return null;
  return (
    <Notice
      color="red"
      icon={<IconAlert />}
      title={t('dashboard.integrations')}
      testId="integration-alerts"
    >
      {alerts.map((a) => (
        <Group key={a.id} gap="xs" wrap="nowrap" align="flex-start">
          <Text size="sm" fw={600}>
            {a.providerName}:
          </Text>
          <Text size="sm" style={{ flex: 1 }}>
            {a.reasons.join(' ')}
          </Text>
          <Anchor component={Link} to={`/integrations/${a.id}`} size="sm">
            {t('dashboard.integrationsOpen')}
          </Anchor>
        </Group>
      ))}
    </Notice>
  );
}

/**
 * Firearms compliance items overdue (late entries, unmarked PMFs, multiple-sale reports not
 * filed by close of business…) and reports due today, with the way to the Reports tab.
 */
function ComplianceAlerts({ compliance }: { compliance: Summary['compliance'] }) {
  const { t } = useTranslation();
  if (!compliance || (compliance.overdue === 0 && compliance.dueToday === 0)) return null;
  const kinds = Object.entries(compliance.byKind) as [
    keyof NonNullable<Summary['compliance']>['byKind'],
    number,
  ][];
  return (
    <Notice
      color={compliance.overdue > 0 ? 'red' : 'orange'}
      icon={<IconAlert />}
      title={t('firearms.compliance.dashboard.title')}
      testId="compliance-alerts"
    >
      {compliance.overdue > 0 && (
        <Text size="sm" fw={600}>
          {t('firearms.compliance.dashboard.overdue', { count: compliance.overdue })}
          {kinds.length > 0 &&
            ` · ${kinds.map(([k, n]) => `${t(`firearms.compliance.alertKinds.${k}`)}: ${n}`).join(' · ')}`}
        </Text>
      )}
      {compliance.oldestDueOn && (
        <Text size="sm" c="dimmed">
          {t('firearms.compliance.dashboard.since', { date: compliance.oldestDueOn })}
        </Text>
      )}
      {compliance.dueToday > 0 && (
        <Text size="sm">
          {t('firearms.compliance.dashboard.dueToday', { count: compliance.dueToday })}
        </Text>
      )}
      <Anchor component={Link} to="/firearms/reports" size="sm">
        {t('firearms.compliance.dashboard.open')}
      </Anchor>
    </Notice>
  );
}

/** Each device and whether it answered its last check; the ones that did not say why. */
function DeviceHealth({ devices }: { devices: Summary['devices'] }) {
  const { t } = useTranslation();
  if (devices.length === 0) return null;
  const down = devices.filter((d) => d.connected === false);
  return (
    <Notice
      color={down.length > 0 ? 'red' : 'teal'}
      icon={<IconPrinter />}
      title={t('dashboard.devices')}
      testId="device-health-card"
    >
      {devices.map((d) => (
        <Group
          key={d.id}
          gap="xs"
          wrap="nowrap"
          align="flex-start"
          data-testid="dashboard-device"
          data-device={d.name}
        >
          <HealthBadge connected={d.connected} />
          <Text size="sm" fw={600}>
            {d.name}
          </Text>
          <Text size="sm" style={{ flex: 1 }}>
            {d.connected === false ? (d.lastError ?? '') : ''}
            {d.held > 0 ? ` ${t('devices.held', { count: d.held })}` : ''}
          </Text>
          <Anchor component={Link} to="/devices" size="sm">
            {t('dashboard.integrationsOpen')}
          </Anchor>
        </Group>
      ))}
    </Notice>
  );
}

export function DashboardScreen() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const tick = useLiveTick();
  const summary = useApiQuery(() => api.dashboard.summary.query(), [tick]);
  const s = summary.data;

  return (
    <>
      <PageHeader title={t('dashboard.title')} actions={<LiveBadge />} />
      <ProblemAlert problem={summary.problem} />
      {!s ? (
        summary.loading && (
          <SimpleGrid cols={{ base: 1, md: 3 }}>
            <Skeleton h={140} />
            <Skeleton h={140} />
            <Skeleton h={140} />
          </SimpleGrid>
        )
      ) : (
        <Stack gap="lg">
          <SecretsWarning secrets={s.secrets} />
          <ComplianceAlerts compliance={s.compliance} />
          <IntegrationAlerts alerts={s.integrationAlerts} />
          <DeviceHealth devices={s.devices} />
          <SimpleGrid cols={{ base: 1, md: 3 }} spacing="lg">
            <Tile title={t('dashboard.database')} icon={<IconBackup />} testId="tile-database">
              <Text size="xl" fw={700}>
                {formatBytes(s.databaseBytes, lang)}
              </Text>
              <Text size="sm" c="dimmed">
                {t('dashboard.databaseSize')}
              </Text>
              <Text size="xs" c="dimmed">
                {t('dashboard.schemaVersion', { version: s.schemaVersion })}
              </Text>
            </Tile>
            <Tile title={t('dashboard.lastBackup')} icon={<IconBackup />} testId="tile-backup">
              <LastBackup summary={s} />
            </Tile>
            <Tile title={t('dashboard.auditChain')} icon={<IconAudit />} testId="tile-chain">
              <ChainStatus chain={s.auditChain} />
            </Tile>
          </SimpleGrid>
          <Card
            withBorder
            radius="md"
            padding="lg"
            component="section"
            aria-label={t('dashboard.activeUsers')}
            data-testid="active-users"
          >
            <Group gap="xs" mb="sm" c="dimmed">
              <IconUsers />
              <Title order={2} size="sm" fw={600} tt="uppercase" lts={0.4}>
                {t('dashboard.activeUsers')}
              </Title>
              <Badge variant="light" color="gray">
                {s.activeUsers.length}
              </Badge>
            </Group>
            {s.activeUsers.length === 0 ? (
              <Empty title={t('dashboard.noActiveUsers')} />
            ) : (
              <Table verticalSpacing="xs">
                <Table.Tbody>
                  {s.activeUsers.map((u, i) => (
                    <Table.Tr key={`${u.username}-${i}`}>
                      <Table.Td>
                        <Text size="sm" fw={500}>
                          {u.displayName}
                        </Text>
                        <Text size="xs" c="dimmed">
                          {u.username}
                        </Text>
                      </Table.Td>
                      <Table.Td>{t(roleLabelKey(u.role))}</Table.Td>
                      <Table.Td>
                        <Text size="sm" c="dimmed">
                          {t('dashboard.since', { time: sinceText(u.since, lang) })}
                        </Text>
                      </Table.Td>
                      <Table.Td ta="right">
                        <Badge variant="dot" color={u.locked ? 'gray' : 'teal'}>
                          {u.locked ? t('dashboard.locked') : t('dashboard.active')}
                        </Badge>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
          </Card>
        </Stack>
      )}
    </>
  );
}
