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
import type { Inputs } from '../../api/client.ts';
import { useApiMutation, useApiQuery } from '../../api/hooks.ts';
import { FormDialog } from '../../components/FormDialog.tsx';
import { Empty } from '../../components/Empty.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { formatEpoch, localToday } from '../../lib/format.ts';
import { ReconcileCards } from './ReconcileCards.tsx';
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

/** Forms 3310.4 / 3310.12 to file: listed until marked filed. */
function MultipleSalesCard() {
  const { t } = useTranslation();
  const [tick, setTick] = useState(0);
  const [includeFiled, setIncludeFiled] = useState(false);
  const [filing, setFiling] = useState<number | null>(null);
  const list = useApiQuery(
    () => api.firearms.multipleSales.query({ includeFiled }),
    [tick, includeFiled],
  );
  return (
    <Card withBorder>
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={3}>{t('firearms.reports.multipleTitle')}</Title>
          <Checkbox
            label={t('firearms.reports.includeFiled')}
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
                <Table.Tr key={r.dispositionId}>
                  <Table.Td>{r.form}</Table.Td>
                  <Table.Td>{r.flaggedOn}</Table.Td>
                  <Table.Td ff="monospace">{r.serial}</Table.Td>
                  <Table.Td>
                    {r.manufacturer} {r.model} ({r.type}, {r.caliber})
                  </Table.Td>
                  <Table.Td>{r.form4473}</Table.Td>
                  <Table.Td>
                    {r.filedOn ? (
                      <Badge color="teal">
                        {t('firearms.reports.filedOn', { date: r.filedOn })}
                      </Badge>
                    ) : (
                      <Button size="xs" onClick={() => setFiling(r.dispositionId)}>
                        {t('firearms.reports.markFiled')}
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
      <FileDialog
        dispositionId={filing}
        onClose={() => setFiling(null)}
        onDone={() => {
          setFiling(null);
          setTick((n) => n + 1);
        }}
      />
    </Card>
  );
}

function FileDialog(props: {
  dispositionId: number | null;
  onClose: () => void;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const [filedOn, setFiledOn] = useState(localToday());
  const [note, setNote] = useState('');
  const file = useApiMutation(() =>
    api.firearms.markFiled.mutate({
      dispositionId: props.dispositionId ?? 0,
      filedOn,
      ...(note.trim() ? { note: note.trim() } : {}),
    }),
  );
  return (
    <FormDialog
      opened={props.dispositionId !== null}
      onClose={props.onClose}
      title={t('firearms.reports.markFiled')}
      onSubmit={() => {
        void file.run().then((r) => r && props.onDone());
      }}
      pending={file.pending}
      problem={file.problem}
      submitLabel={t('firearms.reports.markFiled')}
    >
      <TextInput
        type="date"
        label={t('firearms.reports.filedOnLabel')}
        value={filedOn}
        onChange={(e) => setFiledOn(e.currentTarget.value)}
      />
      <TextInput
        label={t('firearms.reports.filingNote')}
        value={note}
        onChange={(e) => setNote(e.currentTarget.value)}
      />
    </FormDialog>
  );
}
