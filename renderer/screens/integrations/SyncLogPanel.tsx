import { Badge, Button, Group, Skeleton, Stack, Table, Text, UnstyledButton } from '@mantine/core';
import { Fragment, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/app-client.ts';
import type { Outputs } from '../../api/client.ts';
import { useApiQuery } from '../../api/hooks.ts';
import { Empty } from '../../components/Empty.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { formatEpoch } from '../../lib/format.ts';

type Run = Outputs['integrations']['syncLog'][number];

const statusColor = { success: 'teal', partial: 'yellow', failed: 'red' } as const;
const PAGE = 50;

function RunRecords({ runId }: { runId: number }) {
  const { t } = useTranslation();
  const records = useApiQuery(() => api.integrations.runRecords.query({ runId }), [runId]);
  if (records.loading) return <Skeleton h={40} />;
  if (records.problem) return <ProblemAlert problem={records.problem} />;
  if (!records.data?.length)
    return (
      <Text size="sm" c="dimmed">
        {t('integrations.log.noDetails')}
      </Text>
    );
  return (
    <Table withRowBorders={false} verticalSpacing={4} data-testid="run-records">
      <Table.Tbody>
        {records.data.map((r, i) => (
          <Table.Tr key={`${r.jobId}-${i}`}>
            <Table.Td style={{ whiteSpace: 'nowrap' }}>
              <Badge
                size="sm"
                variant="light"
                color={r.outcome === 'success' ? 'teal' : r.outcome === 'dead' ? 'red' : 'yellow'}
              >
                {t(`integrations.log.outcome.${r.outcome}`)}
              </Badge>
            </Table.Td>
            <Table.Td>
              <Text size="sm" ff="monospace">
                {r.record}
              </Text>
            </Table.Td>
            <Table.Td>
              <Text size="sm" c="dimmed">
                {r.message}
              </Text>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

const triggerKey = (trigger: string) =>
  (['on_event', 'on_schedule', 'on_manual', 'realtime', 'retry', 'resume'] as const).find(
    (k) => k === trigger,
  );

export function SyncLogPanel({ connectionId, tick }: { connectionId: number; tick: number }) {
  const { t, i18n } = useTranslation();
  const [before, setBefore] = useState<number | undefined>(undefined);
  const [open, setOpen] = useState<number | null>(null);
  const runs = useApiQuery(
    () =>
      api.integrations.syncLog.query({
        id: connectionId,
        limit: PAGE,
        ...(before ? { before } : {}),
      }),
    [connectionId, before, before ? 0 : tick],
  );
  if (runs.loading) return <Skeleton h={80} />;
  if (runs.problem) return <ProblemAlert problem={runs.problem} />;
  const list: Run[] = runs.data ?? [];
  if (list.length === 0 && !before)
    return <Empty title={t('integrations.log.empty')} testId="sync-log-empty" />;
  return (
    <Stack gap="sm">
      <Table.ScrollContainer minWidth={760}>
        <Table verticalSpacing="sm" data-testid="sync-log">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('integrations.log.columns.started')}</Table.Th>
              <Table.Th>{t('integrations.log.columns.feature')}</Table.Th>
              <Table.Th>{t('integrations.log.columns.trigger')}</Table.Th>
              <Table.Th>{t('integrations.log.columns.status')}</Table.Th>
              <Table.Th>{t('integrations.log.columns.counts')}</Table.Th>
              <Table.Th>{t('integrations.log.columns.duration')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.map((r) => {
              const key = triggerKey(r.trigger);
              return (
                <Fragment key={r.id}>
                  <Table.Tr>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      <UnstyledButton
                        onClick={() => setOpen(open === r.id ? null : r.id)}
                        aria-expanded={open === r.id}
                        aria-label={t('integrations.log.details')}
                      >
                        <Text size="sm" td="underline">
                          {formatEpoch(r.startedAt, i18n.language)}
                        </Text>
                      </UnstyledButton>
                    </Table.Td>
                    <Table.Td>{r.feature}</Table.Td>
                    <Table.Td>{key ? t(`integrations.log.trigger.${key}`) : r.trigger}</Table.Td>
                    <Table.Td>
                      <Badge color={statusColor[r.status]} variant="light" data-testid="run-status">
                        {t(`integrations.log.status.${r.status}`)}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">
                        {t('integrations.log.counts', {
                          pushed: r.pushed,
                          pulled: r.pulled,
                          errors: r.errors,
                        })}
                      </Text>
                      {r.message && (
                        <Text size="xs" c="dimmed">
                          {r.message}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>{(r.durationMs / 1000).toFixed(1)} s</Table.Td>
                  </Table.Tr>
                  {open === r.id && (
                    <Table.Tr>
                      <Table.Td colSpan={6} bg="gray.0">
                        <RunRecords runId={r.id} />
                      </Table.Td>
                    </Table.Tr>
                  )}
                </Fragment>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <Group justify="flex-end" gap="xs">
        {before && (
          <Button variant="subtle" size="xs" onClick={() => setBefore(undefined)}>
            {t('common.refresh')}
          </Button>
        )}
        {list.length === PAGE && (
          <Button variant="default" size="xs" onClick={() => setBefore(list.at(-1)?.id)}>
            {t('integrations.log.more')}
          </Button>
        )}
      </Group>
    </Stack>
  );
}
