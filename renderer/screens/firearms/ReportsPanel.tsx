import {
  Badge,
  Button,
  Card,
  Checkbox,
  Group,
  Progress,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/app-client.ts';
import type { Inputs, Outputs } from '../../api/client.ts';
import { useApiMutation, useApiQuery } from '../../api/hooks.ts';
import { FormDialog } from '../../components/FormDialog.tsx';
import { Empty } from '../../components/Empty.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { formatEpoch, localToday } from '../../lib/format.ts';
import { ReconcileCards } from './ReconcileCards.tsx';
import { useStoreToday } from './store-today.ts';
import { TypeFilter } from './TypeFilter.tsx';

const formats = ['csv', 'ascii', 'pdf', 'corrections'] as const;

/** Exports, multiple-sale reports, deadlines, the inventory audit and the consistency check. */
export function ReportsPanel() {
  return (
    <Stack gap="lg">
      <ExportsCard />
      <MultipleSalesCard />
      <ReconcileCards />
    </Stack>
  );
}

type ExportFilter = Inputs['firearms']['startExport']['filter'] & {};
type Part = { from: string; to: string; type: string; manufacturer: string; inStoreOnly: boolean };
const wholeBook: Part = { from: '', to: '', type: '', manufacturer: '', inStoreOnly: false };

/** The part of the book asked for, without the empty fields. */
function filterOf(p: Part, format: (typeof formats)[number]): ExportFilter {
  const period = {
    ...(p.from ? { from: p.from } : {}),
    ...(p.to ? { to: p.to } : {}),
  };
  // The correction report covers a period only: it lists corrections, not firearms.
  if (format === 'corrections') return period;
  return {
    ...period,
    ...(p.type ? { type: p.type as NonNullable<ExportFilter['type']> } : {}),
    ...(p.manufacturer.trim() ? { manufacturer: p.manufacturer.trim() } : {}),
    ...(p.inStoreOnly ? { inStoreOnly: true } : {}),
  };
}

/** An export's filter in a few words ("pistol · Glock · 2026-01-01 → 2026-01-31"). */
function describe(f: ExportFilter, inStoreOnly: string): string {
  return [
    f.type,
    f.manufacturer,
    f.from || f.to ? `${f.from ?? '…'} → ${f.to ?? '…'}` : '',
    f.inStoreOnly ? inStoreOnly : '',
  ]
    .filter(Boolean)
    .join(' · ');
}

/** Exports go into the backup folder; a running one shows its progress until it is done. */
function ExportsCard() {
  const { t, i18n } = useTranslation();
  const [tick, setTick] = useState(0);
  const [part, setPart] = useState<Part>(wholeBook);
  const list = useApiQuery(() => api.firearms.exports.query(), [tick]);
  const start = useApiMutation((format: (typeof formats)[number]) =>
    api.firearms.startExport.mutate({ format, filter: filterOf(part, format) }),
  );
  const text = (k: 'from' | 'to' | 'manufacturer', w: number) => (
    <TextInput
      label={t(`firearms.reports.filter.${k}`)}
      size="xs"
      w={w}
      type={k === 'manufacturer' ? 'text' : 'date'}
      value={part[k]}
      onChange={(e) => {
        const v = e.currentTarget.value;
        setPart((p) => ({ ...p, [k]: v }));
      }}
    />
  );
  const running = list.data?.exports.some((e) => e.status === 'running') ?? false;
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setTick((n) => n + 1), 500);
    return () => clearInterval(timer);
  }, [running]);
  return (
    <Card withBorder>
      <Stack gap="sm">
        <Title order={3}>{t('firearms.reports.exportsTitle')}</Title>
        <Text size="sm" c="dimmed">
          {t('firearms.reports.exportsHint', { folder: list.data?.folder ?? '' })}
          {list.data?.nextDaily
            ? ` ${t('firearms.reports.nextDaily', { when: formatEpoch(Date.parse(list.data.nextDaily), i18n.language) })}`
            : ''}
        </Text>
        <Group gap="xs" align="flex-end" wrap="wrap" data-testid="export-filter">
          {text('from', 140)}
          {text('to', 140)}
          <TypeFilter
            w={130}
            value={part.type}
            onChange={(type) => setPart((p) => ({ ...p, type }))}
          />
          {text('manufacturer', 160)}
          <Checkbox
            size="xs"
            label={t('firearms.reports.inStoreOnly')}
            checked={part.inStoreOnly}
            onChange={(e) => {
              const v = e.currentTarget.checked;
              setPart((p) => ({ ...p, inStoreOnly: v }));
            }}
          />
          <Button size="xs" variant="subtle" onClick={() => setPart(wholeBook)}>
            {t('firearms.reports.filter.clear')}
          </Button>
        </Group>
        <Text size="xs" c="dimmed">
          {describe(filterOf(part, 'csv'), t('firearms.reports.inStoreOnly')) ||
            t('firearms.reports.filter.wholeBook')}
        </Text>
        <Group gap="xs">
          {formats.map((f) => (
            <Button
              key={f}
              size="xs"
              variant="default"
              loading={start.pending}
              onClick={() => void start.run(f).then(() => setTick((n) => n + 1))}
            >
              {t(`firearms.reports.formats.${f}`)}
            </Button>
          ))}
        </Group>
        <ProblemAlert problem={list.problem ?? start.problem} />
        {(list.data?.exports.length ?? 0) > 0 && (
          <Table data-testid="exports">
            <Table.Tbody>
              {list.data?.exports.map((e) => (
                <Table.Tr key={e.id}>
                  <Table.Td>
                    {t(`firearms.reports.formats.${e.format}`)}
                    {Object.keys(e.filters).length > 0 && (
                      <Text size="xs" c="dimmed" data-testid="export-filters">
                        {describe(e.filters, t('firearms.reports.inStoreOnly'))}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>{formatEpoch(e.startedAt, i18n.language)}</Table.Td>
                  <Table.Td w={220}>
                    {e.status === 'running' ? (
                      <Stack gap={2}>
                        <Progress value={100} animated striped />
                        <Text size="xs">{t('firearms.reports.written', { count: e.entries })}</Text>
                      </Stack>
                    ) : e.status === 'done' ? (
                      <Badge color="teal" data-testid="export-done">
                        {t('firearms.reports.done', { count: e.entries })}
                      </Badge>
                    ) : (
                      <Text size="sm" c="red">
                        {e.error}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Text size="xs" ff="monospace" c="dimmed">
                      {e.file}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
    </Card>
  );
}

type Report = Outputs['firearms']['multipleSales'][number];
type Recipient = Report['recipients'][number];

const statusColor: Record<Report['status'], string> = {
  to_file: 'orange',
  overdue: 'red',
  filed: 'teal',
  keep_on_file: 'gray',
};

/**
 * Forms 3310.4 / 3310.12: each due by close of business on the day of the multiple sale
 * (27 CFR 478.126a), to ATF and, for a 3310.4, to the state police or local law enforcement.
 * Listed until every filing is recorded; a report whose sale was voided stays on record.
 */
function MultipleSalesCard() {
  const { t } = useTranslation();
  const [tick, setTick] = useState(0);
  const [includeFiled, setIncludeFiled] = useState(false);
  const [filing, setFiling] = useState<{ dispositionId: number; recipient: Recipient } | null>(
    null,
  );
  const list = useApiQuery(
    () => api.firearms.multipleSales.query({ includeFiled }),
    [tick, includeFiled],
  );
  const to = (r: Recipient) => t(`firearms.compliance.reports.recipients.${r}`);
  return (
    <Card withBorder>
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={3}>{t('firearms.reports.multipleTitle')}</Title>
          <Checkbox
            label={t('firearms.compliance.reports.includeSettled')}
            checked={includeFiled}
            onChange={(e) => setIncludeFiled(e.currentTarget.checked)}
          />
        </Group>
        <Text size="sm" c="dimmed">
          {t('firearms.reports.multipleHint')}
        </Text>
        <ProblemAlert problem={list.problem} />
        {(list.data?.length ?? 0) === 0 ? (
          <Empty title={t('firearms.reports.multipleEmpty')} testId="multiple-empty" />
        ) : (
          <Table data-testid="multiple-sales">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('firearms.reports.form')}</Table.Th>
                <Table.Th>{t('firearms.columns.disposedOn')}</Table.Th>
                <Table.Th>{t('firearms.columns.serial')}</Table.Th>
                <Table.Th>{t('firearms.columns.model')}</Table.Th>
                <Table.Th>4473</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data?.map((r) => (
                <Table.Tr key={r.dispositionId} data-status={r.status}>
                  <Table.Td>{r.form}</Table.Td>
                  <Table.Td>
                    {r.occurredOn}
                    {r.flaggedOn > r.occurredOn && (
                      <Text size="xs" c="dimmed">
                        {t('firearms.compliance.reports.foundLater', { date: r.flaggedOn })}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td ff="monospace">{r.serial}</Table.Td>
                  <Table.Td>
                    {r.manufacturer} {r.model} ({r.type}, {r.caliber})
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{r.form4473}</Table.Td>
                  <Table.Td>
                    <Stack gap={4} align="flex-start">
                      <Badge color={statusColor[r.status]} data-testid="report-status">
                        {t(`firearms.compliance.reports.status.${r.status}`)}
                      </Badge>
                      {(r.status === 'to_file' || r.status === 'overdue') && (
                        <Text size="xs" c={r.status === 'overdue' ? 'red' : 'dimmed'}>
                          {t(
                            r.status === 'overdue'
                              ? 'firearms.compliance.reports.wasDue'
                              : 'firearms.compliance.reports.due',
                            { date: r.dueOn },
                          )}
                        </Text>
                      )}
                      {r.voided && (
                        <Text size="xs" c="dimmed">
                          {t('firearms.compliance.reports.voided')}
                        </Text>
                      )}
                      {r.status === 'filed' && !r.stillMultiple && (
                        <Text size="xs" c="dimmed">
                          {t('firearms.compliance.reports.noLongerMultiple')}
                        </Text>
                      )}
                      {r.filings.map((f) => (
                        <Text size="xs" key={f.recipient} data-testid="report-filing">
                          {t(
                            // The agency is said only where it adds something (not "ATF (ATF)").
                            f.recipient !== 'atf' && f.agency
                              ? 'firearms.compliance.reports.filedWith'
                              : 'firearms.compliance.reports.filedAt',
                            {
                              to: t(`firearms.compliance.reports.recipientNames.${f.recipient}`),
                              agency: f.agency,
                              date: f.filedOn,
                              who: f.filedBy,
                            },
                          )}
                        </Text>
                      ))}
                      {r.status !== 'keep_on_file' && (
                        <Group gap={4}>
                          {r.recipients
                            .filter((x) => !r.filings.some((f) => f.recipient === x))
                            .map((recipient) => (
                              <Button
                                key={recipient}
                                size="xs"
                                onClick={() =>
                                  setFiling({ dispositionId: r.dispositionId, recipient })
                                }
                              >
                                {t('firearms.compliance.reports.recordFiling', {
                                  to: to(recipient),
                                })}
                              </Button>
                            ))}
                        </Group>
                      )}
                    </Stack>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
      <FileDialog
        filing={filing}
        onClose={() => setFiling(null)}
        onDone={() => {
          setFiling(null);
          setTick((n) => n + 1);
        }}
      />
    </Card>
  );
}

/** Records one filing: the date, to whom (the agency, for law enforcement), a note. */
function FileDialog(props: {
  filing: { dispositionId: number; recipient: Recipient } | null;
  onClose: () => void;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  // Default: the store's today (its time zone), not this PC's.
  const storeToday = useStoreToday(props.filing);
  const [typedOn, setFiledOn] = useState<string | null>(null);
  const filedOn = typedOn ?? storeToday ?? localToday();
  const [agency, setAgency] = useState('');
  const [note, setNote] = useState('');
  const recipient = props.filing?.recipient ?? 'atf';
  const file = useApiMutation(() =>
    api.firearms.recordFiling.mutate({
      dispositionId: props.filing?.dispositionId ?? 0,
      recipient,
      filedOn,
      ...(agency.trim() ? { agency: agency.trim() } : {}),
      ...(note.trim() ? { note: note.trim() } : {}),
    }),
  );
  const to = t(`firearms.compliance.reports.recipients.${recipient}`);
  return (
    <FormDialog
      opened={props.filing !== null}
      onClose={() => {
        file.clear();
        props.onClose();
      }}
      title={t('firearms.compliance.reports.filingTitle', { to })}
      onSubmit={() => {
        void file.run().then((r) => {
          if (!r) return;
          setFiledOn(null);
          setAgency('');
          setNote('');
          props.onDone();
        });
      }}
      pending={file.pending}
      problem={file.problem}
      submitLabel={t('firearms.compliance.reports.recordFiling', { to })}
    >
      <TextInput
        type="date"
        label={t('firearms.reports.filedOnLabel')}
        value={filedOn}
        onChange={(e) => setFiledOn(e.currentTarget.value)}
      />
      {recipient === 'law_enforcement' && (
        <TextInput
          label={t('firearms.compliance.reports.agency')}
          description={t('firearms.compliance.reports.agencyHint')}
          value={agency}
          onChange={(e) => setAgency(e.currentTarget.value)}
          required
        />
      )}
      <TextInput
        label={t('firearms.reports.filingNote')}
        value={note}
        onChange={(e) => setNote(e.currentTarget.value)}
      />
    </FormDialog>
  );
}
