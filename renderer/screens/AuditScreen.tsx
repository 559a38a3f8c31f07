import {
  Alert,
  Badge,
  Button,
  Card,
  Code,
  Group,
  Select,
  SimpleGrid,
  Skeleton,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuditOutcome } from '../../core/audit/model.ts';
import { api } from '../api/app-client.ts';
import type { Outputs } from '../api/client.ts';
import { problemOf, type ApiProblem } from '../api/errors.ts';
import { useApiMutation, useApiQuery } from '../api/hooks.ts';
import { Empty } from '../components/Empty.tsx';
import { IconShield } from '../components/icons.tsx';
import { LiveBadge } from '../components/LiveBadge.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { actionLabelKey } from '../i18n/index.ts';
import {
  appendOlder,
  hasFilters,
  mergeNewest,
  noFilters,
  queryOf,
  type AuditFilters,
  type Page,
} from '../lib/audit.ts';
import { formatDateTime } from '../lib/format.ts';
import { useLiveTick } from '../state/live.ts';

const PAGE = 50;

const outcomeColor: Record<AuditOutcome, string> = {
  success: 'teal',
  denied: 'orange',
  failed: 'red',
};

type Verdict = Outputs['audit']['verify'];

function VerifyResult({ verdict }: { verdict: Verdict }) {
  const { t } = useTranslation();
  if (verdict.state === 'ok') {
    return (
      <Alert
        color="teal"
        variant="light"
        icon={<IconShield />}
        role="status"
        data-testid="verify-result"
      >
        {t('audit.verifyOk', { count: verdict.length })}
      </Alert>
    );
  }
  if (verdict.state === 'broken') {
    return (
      <Alert color="red" variant="filled" role="alert" data-testid="verify-result">
        {t('audit.verifyBroken', { seq: verdict.brokenAt, reason: verdict.reason })}
      </Alert>
    );
  }
  return (
    <Alert color="blue" variant="light" role="status" data-testid="verify-result">
      {t('audit.verifyStillRunning')}
    </Alert>
  );
}

type EmergencyAccess = Outputs['audit']['emergencyAccess'];

/** Emergency access periods with the reason in words: the log keeps only a hash of it. */
function EmergencyAccessCard({ records }: { records: EmergencyAccess }) {
  const { t, i18n } = useTranslation();
  const at = (iso: string) => formatDateTime(iso, i18n.language);
  if (records.length === 0)
    return <Empty title={t('audit.emergency.empty')} testId="emergency-empty" />;
  return (
    <Table.ScrollContainer minWidth={700}>
      <Table verticalSpacing="xs" horizontalSpacing="md" striped data-testid="emergency-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('audit.emergency.who')}</Table.Th>
            <Table.Th>{t('audit.emergency.opened')}</Table.Th>
            <Table.Th>{t('audit.emergency.ended')}</Table.Th>
            <Table.Th>{t('audit.emergency.reason')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {records.map((r) => (
            <Table.Tr key={r.id} data-testid="emergency-row" data-actor={r.username}>
              <Table.Td>{r.username}</Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>{at(r.openedAt)}</Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>
                {r.ended
                  ? t(`audit.emergency.how.${r.ended.how}`, { time: at(r.ended.at) })
                  : t('audit.emergency.openUntil', { time: at(r.until) })}
              </Table.Td>
              <Table.Td style={{ wordBreak: 'break-word' }}>{r.reason}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

export function AuditScreen() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const tick = useLiveTick();
  const [filters, setFilters] = useState<AuditFilters>(noFilters);
  const [page, setPage] = useState<Page>({ entries: [], nextBeforeSeq: null });
  const [loading, setLoading] = useState(true);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const facets = useApiQuery(() => api.audit.facets.query(), [tick]);
  const verify = useApiMutation(() => api.audit.verify.mutate());
  const emergency = useApiQuery(() => api.audit.emergencyAccess.query(), [tick]);
  const [verdict, setVerdict] = useState<Verdict | null>(null);

  const dateProblem =
    filters.fromDay && filters.toDay && filters.fromDay > filters.toDay
      ? t('validation.dateOrder')
      : null;
  const query = queryOf(filters, PAGE);
  const queryKey = JSON.stringify(query);
  // Answers for older filters are dropped.
  const generation = useRef(0);

  useEffect(() => {
    if (dateProblem) return;
    const mine = ++generation.current;
    setLoading(true);
    api.audit.query.query(query).then(
      (first) => {
        if (mine !== generation.current) return;
        setPage(first);
        setProblem(null);
        setLoading(false);
      },
      (error: unknown) => {
        if (mine !== generation.current) return;
        setProblem(problemOf(error));
        setLoading(false);
      },
    );
    // `query` is rebuilt each render; its JSON is the real dependency.
  }, [queryKey, dateProblem]);

  // Live: new entries go on top, older pages the reader loaded stay.
  const firstTick = useRef(tick);
  useEffect(() => {
    if (tick === firstTick.current || dateProblem) return;
    const mine = generation.current;
    api.audit.query.query(query).then(
      (newest) => {
        if (mine === generation.current) setPage((shown) => mergeNewest(shown, newest));
      },
      () => undefined,
    );
  }, [tick]);

  const loadOlder = async () => {
    if (page.nextBeforeSeq === null) return;
    const mine = generation.current;
    setLoadingOlder(true);
    try {
      const older = await api.audit.query.query({ ...query, beforeSeq: page.nextBeforeSeq });
      if (mine === generation.current) setPage((shown) => appendOlder(shown, older));
    } catch (error) {
      setProblem(problemOf(error));
    } finally {
      setLoadingOlder(false);
    }
  };

  const set = (patch: Partial<AuditFilters>) => setFilters((f) => ({ ...f, ...patch }));
  const options = (values: string[] | undefined) =>
    (values ?? []).map((v) => ({ value: v, label: v }));
  const actionOptions = (facets.data?.actions ?? []).map((a) => {
    const key = actionLabelKey(a);
    return { value: a, label: key ? `${t(key)} · ${a}` : a };
  });

  return (
    <>
      <PageHeader
        title={t('audit.title')}
        intro={t('audit.intro')}
        actions={
          <>
            <LiveBadge />
            <Button
              variant="default"
              leftSection={<IconShield />}
              loading={verify.pending}
              onClick={async () => {
                setVerdict(null);
                const v = await verify.run();
                if (v) setVerdict(v);
              }}
            >
              {verify.pending ? t('audit.verifying') : t('audit.verify')}
            </Button>
          </>
        }
      />
      <Stack gap="md">
        {verdict && <VerifyResult verdict={verdict} />}
        <ProblemAlert problem={verify.problem} />
        <Card
          withBorder
          radius="md"
          padding="md"
          component="section"
          aria-label={t('audit.filters')}
        >
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 5 }} spacing="sm">
            <Select
              label={t('audit.actor')}
              placeholder={t('audit.any')}
              data={options(facets.data?.actors)}
              value={filters.actor}
              onChange={(v) => set({ actor: v })}
              searchable
              clearable
              nothingFoundMessage={t('audit.emptyFiltered')}
              data-testid="filter-actor"
            />
            <Select
              label={t('audit.entity')}
              placeholder={t('audit.any')}
              data={options(facets.data?.entities)}
              value={filters.entity}
              onChange={(v) => set({ entity: v })}
              searchable
              clearable
              nothingFoundMessage={t('audit.emptyFiltered')}
              data-testid="filter-entity"
            />
            <Select
              label={t('audit.action')}
              placeholder={t('audit.any')}
              data={actionOptions}
              value={filters.action}
              onChange={(v) => set({ action: v })}
              searchable
              clearable
              nothingFoundMessage={t('audit.emptyFiltered')}
              data-testid="filter-action"
            />
            <TextInput
              type="date"
              label={t('audit.from')}
              value={filters.fromDay}
              onChange={(e) => set({ fromDay: e.currentTarget.value })}
            />
            <TextInput
              type="date"
              label={t('audit.to')}
              value={filters.toDay}
              onChange={(e) => set({ toDay: e.currentTarget.value })}
              error={dateProblem}
            />
          </SimpleGrid>
          {hasFilters(filters) && (
            <Group justify="flex-end" mt="sm">
              <Button variant="subtle" size="xs" onClick={() => setFilters(noFilters)}>
                {t('audit.clearFilters')}
              </Button>
            </Group>
          )}
        </Card>
        <ProblemAlert problem={problem} />
        <Card withBorder radius="md" padding={0}>
          {loading && page.entries.length === 0 ? (
            <Stack p="md">
              <Skeleton h={24} />
              <Skeleton h={24} />
              <Skeleton h={24} />
            </Stack>
          ) : page.entries.length === 0 ? (
            <Empty title={hasFilters(filters) ? t('audit.emptyFiltered') : t('audit.empty')} />
          ) : (
            <Table.ScrollContainer minWidth={900}>
              <Table
                verticalSpacing="xs"
                horizontalSpacing="md"
                striped
                highlightOnHover
                data-testid="audit-table"
              >
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th ta="right">{t('audit.columns.seq')}</Table.Th>
                    <Table.Th>{t('audit.columns.time')}</Table.Th>
                    <Table.Th>{t('audit.columns.actor')}</Table.Th>
                    <Table.Th>{t('audit.columns.action')}</Table.Th>
                    <Table.Th>{t('audit.columns.entity')}</Table.Th>
                    <Table.Th>{t('audit.columns.entityId')}</Table.Th>
                    <Table.Th>{t('audit.columns.outcome')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {page.entries.map((e) => {
                    const label = actionLabelKey(e.action);
                    return (
                      <Table.Tr
                        key={e.seq}
                        data-testid="audit-row"
                        data-action={e.action}
                        data-actor={e.actor}
                      >
                        <Table.Td ta="right" ff="monospace">
                          {e.seq}
                        </Table.Td>
                        <Table.Td style={{ whiteSpace: 'nowrap' }}>
                          {formatDateTime(e.time, lang)}
                        </Table.Td>
                        <Table.Td>{e.actor}</Table.Td>
                        <Table.Td>
                          {label && <Text size="sm">{t(label)}</Text>}
                          <Code>{e.action}</Code>
                        </Table.Td>
                        <Table.Td>{e.entity}</Table.Td>
                        <Table.Td ff="monospace" style={{ wordBreak: 'break-all' }}>
                          {e.entityId ?? t('common.none')}
                        </Table.Td>
                        <Table.Td>
                          <Badge color={outcomeColor[e.outcome]} variant="light">
                            {t(`outcomes.${e.outcome}`)}
                          </Badge>
                        </Table.Td>
                      </Table.Tr>
                    );
                  })}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </Card>
        {page.entries.length > 0 && (
          <Group justify="space-between">
            <Text size="sm" c="dimmed">
              {t('audit.showing', { count: page.entries.length })}
            </Text>
            {page.nextBeforeSeq !== null ? (
              <Button variant="default" onClick={() => void loadOlder()} loading={loadingOlder}>
                {t('audit.loadOlder')}
              </Button>
            ) : (
              <Text size="sm" c="dimmed">
                {t('audit.end')}
              </Text>
            )}
          </Group>
        )}
        <Card
          withBorder
          radius="md"
          padding={0}
          component="section"
          aria-label={t('audit.emergency.title')}
        >
          <Title order={2} size="h4" p="md" pb="xs">
            {t('audit.emergency.title')}
          </Title>
          <ProblemAlert problem={emergency.problem} />
          {emergency.data ? (
            <EmergencyAccessCard records={emergency.data} />
          ) : (
            emergency.loading && <Skeleton h={48} m="md" />
          )}
        </Card>
      </Stack>
    </>
  );
}
