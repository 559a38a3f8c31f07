import { Badge, Button, Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/app-client.ts';
import type { Outputs } from '../../api/client.ts';
import { useApiMutation, useApiQuery } from '../../api/hooks.ts';
import { Empty } from '../../components/Empty.tsx';
import { LiveBadge } from '../../components/LiveBadge.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { formatEpoch } from '../../lib/format.ts';
import { useLiveTick } from '../../state/live.ts';
import { can, useSession } from '../../state/session.ts';
import { SignaturePad } from '../../components/SignaturePad.tsx';
import type { Signature } from '../../lib/signature.ts';
import { DeviceDialog } from './DeviceDialog.tsx';
import { DeviceTests } from './DeviceTests.tsx';
import { PrintJobs } from './PrintJobs.tsx';

type Device = Outputs['devices']['list'][number];

/** Green when the device answered last time, red with why when not, grey before the first check. */
export function HealthBadge(props: { connected: boolean | null }) {
  const { t } = useTranslation();
  const state = props.connected === null ? 'unknown' : props.connected ? 'ok' : 'down';
  return (
    <Badge
      color={state === 'ok' ? 'teal' : state === 'down' ? 'red' : 'gray'}
      variant="light"
      data-testid="device-health"
      data-health={state}
    >
      {t(`devices.health.${state}`)}
    </Badge>
  );
}

/**
 * The signature pad is the screen itself (a pen tablet or touch screen drawing on a canvas):
 * nothing to set up, so here it can be tried, and what it would keep is shown.
 */
function SignatureTry() {
  const { t } = useTranslation();
  const [signature, setSignature] = useState<Signature | null>(null);
  return (
    <Card withBorder mt="lg" component="section" aria-label={t('devices.signature.title')}>
      <Stack gap="xs">
        <Title order={3} size="h4">
          {t('devices.signature.title')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('devices.signature.hint')}
        </Text>
        <SignaturePad label={t('devices.signature.pad')} onChange={setSignature} height={140} />
        {signature && (
          <Text size="sm" c="teal" data-testid="signature-kept">
            {t('devices.signature.kept', {
              count: signature.strokes.length,
              points: signature.strokes.reduce((n, s) => n + s.points.length, 0),
            })}
          </Text>
        )}
      </Stack>
    </Card>
  );
}

/** The device manager: each device with its health, its tests and (printers) its queue. */
export function DevicesScreen() {
  const { t, i18n } = useTranslation();
  const tick = useLiveTick();
  const session = useSession((s) => s.session);
  const canManage = can(session, 'devices:manage');
  const list = useApiQuery(() => api.devices.list.query(), [tick]);
  const [editing, setEditing] = useState<Device | null | 'new'>(null);
  const [open, setOpen] = useState<number | null>(null);
  const retire = useApiMutation((id: number) => api.devices.retire.mutate({ id }));
  const devices = list.data ?? [];
  return (
    <>
      <PageHeader
        title={t('devices.title')}
        intro={t('devices.intro')}
        actions={
          <Group gap="xs">
            <LiveBadge />
            {canManage && <Button onClick={() => setEditing('new')}>{t('devices.add')}</Button>}
          </Group>
        }
      />
      <ProblemAlert problem={list.problem ?? retire.problem} />
      {devices.length === 0 && !list.loading ? (
        <Empty
          title={t('devices.empty')}
          description={t('devices.emptyHint')}
          testId="devices-empty"
        />
      ) : (
        <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
          {devices.map((d) => (
            <Card
              key={d.id}
              withBorder
              component="section"
              aria-label={d.name}
              data-testid="device-card"
              data-device={d.name}
            >
              <Stack gap="xs">
                <Group justify="space-between" wrap="nowrap">
                  <div>
                    <Title order={3} size="h4">
                      {d.name}
                    </Title>
                    <Text size="sm" c="dimmed">
                      {t(`devices.kinds.${d.kind}`)} · {t(`devices.models.${d.config.model}`)}
                      {'connection' in d.config && d.config.connection
                        ? ` · ${
                            d.config.connection.type === 'tcp'
                              ? `${d.config.connection.host}:${d.config.connection.port}`
                              : `${d.config.connection.path} @ ${d.config.connection.baudRate}`
                          }`
                        : ''}
                    </Text>
                  </div>
                  <HealthBadge connected={d.health.connected} />
                </Group>
                <Text size="xs" c="dimmed" data-testid="device-seen">
                  {d.health.lastSeenAt
                    ? t('devices.lastSeen', {
                        when: formatEpoch(d.health.lastSeenAt, i18n.language),
                      })
                    : t('devices.neverSeen')}
                </Text>
                {d.health.connected === false && d.health.lastError && (
                  <Text size="sm" c="red" data-testid="device-error">
                    {d.health.lastError}
                  </Text>
                )}
                {d.queue.waiting > 0 && (
                  <Text
                    size="sm"
                    c={d.queue.held > 0 ? 'orange' : 'dimmed'}
                    data-testid="device-queue"
                  >
                    {t('devices.waiting', { count: d.queue.waiting })}
                    {d.queue.held > 0 ? ` · ${t('devices.held', { count: d.queue.held })}` : ''}
                  </Text>
                )}
                <DeviceTests device={d} canManage={canManage} />
                <Group gap="xs">
                  {(d.kind === 'receipt_printer' || d.kind === 'label_printer') && (
                    <Button
                      size="xs"
                      variant="subtle"
                      onClick={() => setOpen(open === d.id ? null : d.id)}
                    >
                      {open === d.id ? t('devices.hideJobs') : t('devices.showJobs')}
                    </Button>
                  )}
                  {canManage && (
                    <>
                      <Button size="xs" variant="subtle" onClick={() => setEditing(d)}>
                        {t('devices.edit')}
                      </Button>
                      <Button
                        size="xs"
                        variant="subtle"
                        color="red"
                        onClick={() => {
                          if (window.confirm(t('devices.retireConfirm', { name: d.name })))
                            void retire.run(d.id).then(() => list.reload());
                        }}
                      >
                        {t('devices.retire')}
                      </Button>
                    </>
                  )}
                </Group>
                {open === d.id && <PrintJobs device={d} />}
              </Stack>
            </Card>
          ))}
        </SimpleGrid>
      )}
      <SignatureTry />
      <DeviceDialog
        opened={editing !== null}
        device={editing === 'new' ? null : editing}
        onClose={() => setEditing(null)}
        onSaved={() => {
          setEditing(null);
          list.reload();
        }}
      />
    </>
  );
}
