import { Badge, Button, Group, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/app-client.ts';
import type { Outputs } from '../../api/client.ts';
import { useApiMutation, useApiQuery } from '../../api/hooks.ts';
import { Empty } from '../../components/Empty.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { ReasonDialog } from '../../components/ReasonDialog.tsx';
import { formatEpoch } from '../../lib/format.ts';
import { useLiveTick } from '../../state/live.ts';

type Device = Outputs['devices']['list'][number];
type Job = Outputs['devices']['jobs'][number];
const stateColor: Record<Job['state'], string> = {
  queued: 'gray',
  printing: 'blue',
  printed: 'teal',
  held: 'orange',
  cancelled: 'gray',
};

/** A printer's recent jobs: what waits and why, with reprint (on purpose), retry and cancel. */
export function PrintJobs(props: { device: Device }) {
  const { t, i18n } = useTranslation();
  const tick = useLiveTick();
  const jobs = useApiQuery(() => api.devices.jobs.query({ id: props.device.id }), [tick]);
  const [asking, setAsking] = useState<{ job: Job; what: 'reprint' | 'cancel' } | null>(null);
  const retry = useApiMutation((jobId: number) => api.devices.retryJob.mutate({ jobId }));
  if ((jobs.data?.length ?? 0) === 0)
    return <Empty title={t('devices.jobs.empty')} testId="print-jobs-empty" />;
  return (
    <>
      <Table data-testid="print-jobs" fz="sm">
        <Table.Tbody>
          {jobs.data?.map((j) => (
            <Table.Tr key={j.id} data-testid="print-job" data-state={j.state}>
              <Table.Td>
                <Text size="sm">
                  {t(`devices.jobs.kinds.${j.kind}`)}
                  {j.reprintOf ? ` · ${t('devices.jobs.reprintOf', { id: j.reprintOf })}` : ''}
                </Text>
                <Text size="xs" c="dimmed">
                  {j.summary} · {formatEpoch(j.createdAt, i18n.language)} · {j.requestedBy}
                </Text>
                {j.state === 'held' && j.error && (
                  <Text size="xs" c="orange">
                    {j.error}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <Badge color={stateColor[j.state]} variant="light">
                  {t(`devices.jobs.states.${j.state}`)}
                </Badge>
              </Table.Td>
              <Table.Td>
                <Group gap={4} justify="flex-end" wrap="nowrap">
                  {j.state === 'printed' && (
                    <Button
                      size="compact-xs"
                      variant="subtle"
                      onClick={() => setAsking({ job: j, what: 'reprint' })}
                    >
                      {t('devices.jobs.reprint')}
                    </Button>
                  )}
                  {j.state === 'held' && (
                    <Button
                      size="compact-xs"
                      variant="subtle"
                      onClick={() => void retry.run(j.id).then(() => jobs.reload())}
                    >
                      {t('devices.jobs.retry')}
                    </Button>
                  )}
                  {(j.state === 'queued' || j.state === 'held') && (
                    <Button
                      size="compact-xs"
                      variant="subtle"
                      color="red"
                      onClick={() => setAsking({ job: j, what: 'cancel' })}
                    >
                      {t('devices.jobs.cancel')}
                    </Button>
                  )}
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <ProblemAlert problem={jobs.problem ?? retry.problem} />
      {asking && (
        <ReasonDialog
          opened
          title={t(
            asking.what === 'reprint' ? 'devices.jobs.reprintTitle' : 'devices.jobs.cancelTitle',
            { id: asking.job.id },
          )}
          submitLabel={t(
            asking.what === 'reprint' ? 'devices.jobs.reprint' : 'devices.jobs.cancel',
          )}
          onClose={() => setAsking(null)}
          action={async (reason) => {
            const o = { jobId: asking.job.id, reason };
            await (asking.what === 'reprint'
              ? api.devices.reprint.mutate(o)
              : api.devices.cancelJob.mutate(o));
            setAsking(null);
            jobs.reload();
          }}
        />
      )}
    </>
  );
}
