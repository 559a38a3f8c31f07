import { Badge, Button, Group, Skeleton, Stack, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/app-client.ts';
import { useApiQuery } from '../../api/hooks.ts';
import { DoneAlert } from '../../components/DoneAlert.tsx';
import { Empty } from '../../components/Empty.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { can, useSession } from '../../state/session.ts';
import { ReasonDialog } from '../../components/ReasonDialog.tsx';

/** Firearms held as suspect: released with a reason, or escalated (they stay held). */
export function HoldsPanel() {
  const { t } = useTranslation();
  const session = useSession((s) => s.session);
  const mayReview = can(session, 'firearms:holds:review');
  const [tick, setTick] = useState(0);
  const [review, setReview] = useState<{ itemId: number; decision: 'release' | 'escalate' } | null>(
    null,
  );
  const [done, setDone] = useState<string | null>(null);
  const holds = useApiQuery(() => api.firearms.holds.query(), [tick]);
  if (holds.loading) return <Skeleton h={120} />;
  const list = holds.data ?? [];
  return (
    <Stack gap="sm">
      <Text size="sm" c="dimmed">
        {t('firearms.hold.intro')}
      </Text>
      {done && <DoneAlert>{done}</DoneAlert>}
      <ProblemAlert problem={holds.problem} />
      {list.length === 0 ? (
        <Empty title={t('firearms.hold.empty')} testId="holds-empty" />
      ) : (
        <Table data-testid="holds">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('firearms.columns.serial')}</Table.Th>
              <Table.Th>{t('firearms.columns.manufacturer')}</Table.Th>
              <Table.Th>{t('firearms.columns.model')}</Table.Th>
              <Table.Th>{t('firearms.hold.state')}</Table.Th>
              <Table.Th>{t('firearms.reason')}</Table.Th>
              {mayReview && <Table.Th />}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.map((h) => (
              <Table.Tr key={h.itemId}>
                <Table.Td ff="monospace">{h.serial}</Table.Td>
                <Table.Td>{h.manufacturer}</Table.Td>
                <Table.Td>{h.model}</Table.Td>
                <Table.Td>
                  <Badge color={h.hold === 'escalated' ? 'red' : 'orange'}>
                    {t(`firearms.hold.states.${h.hold as 'held'}`)}
                  </Badge>
                </Table.Td>
                <Table.Td>{h.reason}</Table.Td>
                {mayReview && (
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      <Button
                        size="xs"
                        variant="default"
                        onClick={() => setReview({ itemId: h.itemId, decision: 'release' })}
                      >
                        {t('firearms.hold.release')}
                      </Button>
                      {h.hold !== 'escalated' && (
                        <Button
                          size="xs"
                          variant="subtle"
                          color="red"
                          onClick={() => setReview({ itemId: h.itemId, decision: 'escalate' })}
                        >
                          {t('firearms.hold.escalate')}
                        </Button>
                      )}
                    </Group>
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <ReasonDialog
        opened={review !== null}
        title={t(
          review?.decision === 'escalate' ? 'firearms.hold.escalate' : 'firearms.hold.release',
        )}
        submitLabel={t(
          review?.decision === 'escalate' ? 'firearms.hold.escalate' : 'firearms.hold.release',
        )}
        onClose={() => setReview(null)}
        action={async (reason) => {
          if (!review) return;
          await api.firearms.reviewHold.mutate({ ...review, reason });
          setDone(
            t(review.decision === 'release' ? 'firearms.hold.released' : 'firearms.hold.escalated'),
          );
          setReview(null);
          setTick((n) => n + 1);
        }}
      />
    </Stack>
  );
}
