import { Badge, Button, Group, Skeleton, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/app-client.ts';
import { useApiQuery } from '../../api/hooks.ts';
import { DoneAlert } from '../../components/DoneAlert.tsx';
import { Empty } from '../../components/Empty.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { can, useSession } from '../../state/session.ts';
import { ReasonDialog } from '../../components/ReasonDialog.tsx';

/**
 * Firearms held as suspect: released with a reason, or escalated (they stay held); and the
 * review list of firearms entered with no serial and not marked privately made.
 */
export function HoldsPanel() {
  return (
    <Stack gap="xl">
      <Holds />
      <ReviewList />
    </Stack>
  );
}

function Holds() {
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
      <Title order={3}>{t('firearms.hold.title')}</Title>
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

/**
 * Firearms entered as NSN and not marked privately made (27 CFR 478.92: a PMF is marked within
 * 7 days of receipt). Each leaves the list when corrected to PMF, or recorded as not one.
 */
function ReviewList() {
  const { t } = useTranslation();
  const [tick, setTick] = useState(0);
  const [review, setReview] = useState<{ itemId: number; privatelyMade: boolean } | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const list = useApiQuery(() => api.firearms.reviewList.query(), [tick]);
  const rows = list.data ?? [];
  return (
    <Stack gap="sm" data-testid="review-list">
      <Title order={3}>{t('firearms.compliance.review.title')}</Title>
      <Text size="sm" c="dimmed">
        {t('firearms.compliance.review.intro')}
      </Text>
      {done && <DoneAlert>{done}</DoneAlert>}
      <ProblemAlert problem={list.problem} />
      {list.loading ? (
        <Skeleton h={60} />
      ) : rows.length === 0 ? (
        <Empty title={t('firearms.compliance.review.empty')} testId="review-empty" />
      ) : (
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('firearms.columns.serial')}</Table.Th>
              <Table.Th>{t('firearms.columns.manufacturer')}</Table.Th>
              <Table.Th>{t('firearms.columns.model')}</Table.Th>
              <Table.Th>{t('firearms.columns.type')}</Table.Th>
              <Table.Th>{t('firearms.compliance.review.receivedOn')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((r) => (
              <Table.Tr key={r.itemId} data-testid="review-row">
                <Table.Td ff="monospace">{r.serial}</Table.Td>
                <Table.Td>{r.manufacturer}</Table.Td>
                <Table.Td>{r.model}</Table.Td>
                <Table.Td>{r.type}</Table.Td>
                <Table.Td>{r.receivedOn}</Table.Td>
                <Table.Td>
                  <Group gap="xs" wrap="nowrap">
                    <Button
                      size="xs"
                      onClick={() => setReview({ itemId: r.itemId, privatelyMade: true })}
                    >
                      {t('firearms.compliance.review.isPmf')}
                    </Button>
                    <Button
                      size="xs"
                      variant="default"
                      onClick={() => setReview({ itemId: r.itemId, privatelyMade: false })}
                    >
                      {t('firearms.compliance.review.notPmf')}
                    </Button>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <ReasonDialog
        opened={review !== null}
        title={t(
          review?.privatelyMade
            ? 'firearms.compliance.review.isPmf'
            : 'firearms.compliance.review.notPmf',
        )}
        submitLabel={t('firearms.compliance.flags.submit')}
        onClose={() => setReview(null)}
        action={async (reason) => {
          if (!review) return;
          await api.firearms.correctFlags.mutate({ ...review, reason });
          setDone(
            t(
              review.privatelyMade
                ? 'firearms.compliance.review.isPmf'
                : 'firearms.compliance.review.notPmf',
            ),
          );
          setReview(null);
          setTick((n) => n + 1);
        }}
      />
    </Stack>
  );
}
