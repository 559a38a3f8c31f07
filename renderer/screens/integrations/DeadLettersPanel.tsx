import {
  Button,
  Checkbox,
  Group,
  Modal,
  Skeleton,
  Stack,
  Table,
  Text,
  Textarea,
} from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DoneAlert } from '../../components/DoneAlert.tsx';
import { api } from '../../api/app-client.ts';
import { useApiMutation, useApiQuery } from '../../api/hooks.ts';
import { DialogActions } from '../../components/DialogActions.tsx';
import { Empty } from '../../components/Empty.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';

/** What a dead letter was: the event's type and id, else its key. */
function recordOf(job: { idempotencyKey: string; payload?: unknown }): string {
  const e = (job.payload as { event?: { type?: string; uid?: string } } | null)?.event;
  return e?.type ? `${e.type} ${e.uid ?? ''}` : job.idempotencyKey;
}

export function DeadLettersPanel(props: {
  connectionId: number;
  tick: number;
  canManage: boolean;
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const dead = useApiQuery(
    () => api.integrations.deadLetters.query({ id: props.connectionId }),
    [props.connectionId, props.tick],
  );
  const [selected, setSelected] = useState<number[]>([]);
  const [note, setNote] = useState<string | null>(null);
  const [dismissing, setDismissing] = useState<number | null>(null);
  const [reason, setReason] = useState('');
  const replay = useApiMutation((jobIds: number[]) =>
    api.integrations.replay.mutate({ id: props.connectionId, jobIds }),
  );
  const dismiss = useApiMutation((jobId: number, why: string) =>
    api.integrations.dismiss.mutate({ id: props.connectionId, jobId, reason: why }),
  );
  const retry = async (ids: number[]) => {
    setNote(null);
    const r = await replay.run(ids);
    if (r) {
      setNote(t('integrations.dead.replayed', { count: r.replayed }));
      setSelected([]);
      dead.reload();
      props.onChanged();
    }
  };
  if (dead.loading) return <Skeleton h={80} />;
  const list = dead.data ?? [];
  return (
    <Stack gap="sm">
      <ProblemAlert problem={dead.problem ?? replay.problem} />
      {note && <DoneAlert>{note}</DoneAlert>}
      {list.length === 0 ? (
        <Empty title={t('integrations.dead.empty')} testId="dead-letters-empty" />
      ) : (
        <>
          <Group justify="space-between">
            <Text size="sm" c="dimmed">
              {t('integrations.dead.intro')}
            </Text>
            {props.canManage && (
              <Button
                size="xs"
                variant="default"
                disabled={selected.length === 0}
                loading={replay.pending}
                onClick={() => void retry(selected)}
              >
                {t('integrations.dead.retrySelected', { count: selected.length })}
              </Button>
            )}
          </Group>
          <Table.ScrollContainer minWidth={720}>
            <Table verticalSpacing="sm" data-testid="dead-letters">
              <Table.Thead>
                <Table.Tr>
                  {props.canManage && (
                    <Table.Th w={40}>
                      <Checkbox
                        aria-label={t('integrations.dead.selectAll')}
                        checked={selected.length === list.length}
                        indeterminate={selected.length > 0 && selected.length < list.length}
                        onChange={(e) =>
                          setSelected(e.currentTarget.checked ? list.map((j) => j.id) : [])
                        }
                      />
                    </Table.Th>
                  )}
                  <Table.Th>{t('integrations.dead.columns.record')}</Table.Th>
                  <Table.Th>{t('integrations.dead.columns.attempts')}</Table.Th>
                  <Table.Th>{t('integrations.dead.columns.error')}</Table.Th>
                  {props.canManage && <Table.Th>{t('integrations.dead.columns.actions')}</Table.Th>}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.map((j) => (
                  <Table.Tr key={j.id}>
                    {props.canManage && (
                      <Table.Td>
                        <Checkbox
                          aria-label={t('integrations.dead.select')}
                          checked={selected.includes(j.id)}
                          onChange={(e) =>
                            setSelected((s) =>
                              e.currentTarget.checked ? [...s, j.id] : s.filter((x) => x !== j.id),
                            )
                          }
                        />
                      </Table.Td>
                    )}
                    <Table.Td>
                      <Text size="sm" ff="monospace">
                        {recordOf(j)}
                      </Text>
                    </Table.Td>
                    <Table.Td>{j.attempts}</Table.Td>
                    <Table.Td>
                      <Text size="sm" c="red.8" data-testid="dead-letter-error">
                        {j.errorMessage}
                      </Text>
                    </Table.Td>
                    {props.canManage && (
                      <Table.Td>
                        <Group gap={6} wrap="nowrap">
                          <Button size="xs" variant="default" onClick={() => void retry([j.id])}>
                            {t('integrations.dead.retry')}
                          </Button>
                          <Button
                            size="xs"
                            variant="subtle"
                            color="red"
                            onClick={() => {
                              setReason('');
                              setDismissing(j.id);
                            }}
                          >
                            {t('integrations.dead.dismiss')}
                          </Button>
                        </Group>
                      </Table.Td>
                    )}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </>
      )}
      <Modal
        opened={dismissing !== null}
        onClose={() => setDismissing(null)}
        title={t('integrations.dead.dismissTitle')}
      >
        <form
          onSubmit={async (e) => {
            e.preventDefault();
            if (dismissing === null || reason.trim().length < 3) return;
            if (await dismiss.run(dismissing, reason.trim())) {
              setDismissing(null);
              dead.reload();
              props.onChanged();
            }
          }}
        >
          <Stack gap="sm">
            <ProblemAlert problem={dismiss.problem} />
            <Textarea
              label={t('integrations.dead.dismissReason')}
              description={t('integrations.dead.dismissHint')}
              value={reason}
              onChange={(e) => setReason(e.currentTarget.value)}
              minRows={2}
              required
              data-autofocus
            />
          </Stack>
          <DialogActions
            onCancel={() => setDismissing(null)}
            pending={dismiss.pending}
            submitLabel={t('integrations.dead.dismiss')}
            color="red"
          />
        </form>
      </Modal>
    </Stack>
  );
}
