import { Button, Group, SegmentedControl, Select, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/app-client.ts';
import type { Outputs } from '../../api/client.ts';
import { problemOf, type ApiProblem } from '../../api/errors.ts';
import { Empty } from '../../components/Empty.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { AcquireDialog } from './AcquireDialog.tsx';
import { HistoryDrawer } from './HistoryDrawer.tsx';
import { LedgerGrid, type GridRow } from './LedgerGrid.tsx';
import { TypeFilter } from './TypeFilter.tsx';

type View = 'corrected' | 'original' | 'both';
const PAGE = 100;

interface Filters {
  serial: string;
  name: string;
  manufacturer: string;
  model: string;
  caliber: string;
  type: string;
  from: string;
  to: string;
  sort: 'entry' | 'date' | 'name';
}
const noFilters: Filters = {
  serial: '',
  name: '',
  manufacturer: '',
  model: '',
  caliber: '',
  type: '',
  from: '',
  to: '',
  sort: 'entry',
};

const fromSearch = (r: Outputs['firearms']['search'][number]): GridRow => ({
  key: `s${r.entry}`,
  ...r,
  status: r.status,
  correction: null,
});
const fromEntry = (e: Outputs['firearms']['acquisitions'][number]): GridRow => ({
  key: `a${e.entryNo}`,
  entry: e.corrects ?? e.entryNo,
  itemId: e.itemId,
  receivedOn: e.receivedOn,
  sourceName: e.sourceName,
  manufacturer: e.manufacturer,
  model: e.model,
  serial: e.serial,
  type: e.type,
  caliber: e.caliber,
  disposedOn: null,
  transfereeName: null,
  status: null,
  correction: e.correctionReason,
});

/** The bound book: search, the three views, the grid, and each firearm's history. */
export function LedgerPanel() {
  const { t } = useTranslation();
  const [filters, setFilters] = useState<Filters>(noFilters);
  const [debounced] = useDebouncedValue(filters, 250);
  const [view, setView] = useState<View>('corrected');
  const [rows, setRows] = useState<GridRow[]>([]);
  const [done, setDone] = useState(false);
  const [loading, setLoading] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [open, setOpen] = useState<number | null>(null);
  const [acquiring, setAcquiring] = useState(false);
  const [version, setVersion] = useState(0);
  // Which list a page belongs to: an answer for an older search is dropped.
  const generation = useRef(0);
  const state = useRef({ rows, done, loading });
  state.current = { rows, done, loading };

  const loadMore = useCallback(() => {
    const { rows: have, done: finished, loading: busy } = state.current;
    if (finished || busy) return;
    const gen = generation.current;
    setLoading(true);
    const page: Promise<GridRow[]> =
      view === 'corrected'
        ? api.firearms.search
            .query({
              ...Object.fromEntries(Object.entries(debounced).filter(([, v]) => v !== '')),
              sort: debounced.sort,
              limit: PAGE,
              ...(have.length > 0 ? { afterEntry: have[have.length - 1]?.entry } : {}),
            })
            .then((r) => r.map(fromSearch))
        : api.firearms.acquisitions
            .query({
              view,
              limit: PAGE,
              afterEntry: Math.max(0, ...have.map((r) => Number(r.key.slice(1)))),
            })
            .then((r) => r.map(fromEntry));
    page.then(
      (next) => {
        if (gen !== generation.current) return;
        setRows((r) => [...r, ...next]);
        setDone(next.length < PAGE);
        setLoading(false);
        setProblem(null);
      },
      (error: unknown) => {
        if (gen !== generation.current) return;
        setProblem(problemOf(error));
        setLoading(false);
        setDone(true);
      },
    );
  }, [debounced, view]);

  useEffect(() => {
    generation.current++;
    state.current = { rows: [], done: false, loading: false };
    setRows([]);
    setDone(false);
    setLoading(false);
    loadMore();
  }, [loadMore, version]);

  const set = (k: keyof Filters) => (v: string) => setFilters((f) => ({ ...f, [k]: v }));
  const input = (k: Exclude<keyof Filters, 'sort' | 'type'>, w = 140) => (
    <TextInput
      label={t(`firearms.search.${k}`)}
      value={filters[k]}
      onChange={(e) => set(k)(e.currentTarget.value)}
      w={w}
      size="xs"
      type={k === 'from' || k === 'to' ? 'date' : 'text'}
    />
  );

  return (
    <Stack gap="sm">
      <Group justify="space-between" align="flex-end">
        <SegmentedControl
          value={view}
          onChange={(v) => setView(v as View)}
          data={[
            { value: 'corrected', label: t('firearms.ledger.viewCorrected') },
            { value: 'original', label: t('firearms.ledger.viewOriginal') },
            { value: 'both', label: t('firearms.ledger.viewBoth') },
          ]}
          aria-label={t('firearms.ledger.view')}
          data-testid="ledger-view"
        />
        <Button onClick={() => setAcquiring(true)}>{t('firearms.acquire.open')}</Button>
      </Group>
      {view === 'corrected' ? (
        <Group gap="xs" align="flex-end" wrap="wrap" role="search">
          {input('serial')}
          {input('name', 170)}
          {input('manufacturer')}
          {input('model', 110)}
          {input('caliber', 90)}
          <TypeFilter value={filters.type} onChange={set('type')} />
          {input('from', 140)}
          {input('to', 140)}
          <Select
            label={t('firearms.search.sort')}
            size="xs"
            w={120}
            value={filters.sort}
            allowDeselect={false}
            onChange={(v) => set('sort')(v ?? 'entry')}
            data={(['entry', 'date', 'name'] as const).map((v) => ({
              value: v,
              label: t(`firearms.search.sortBy.${v}`),
            }))}
          />
          <Button size="xs" variant="subtle" onClick={() => setFilters(noFilters)}>
            {t('firearms.search.clear')}
          </Button>
        </Group>
      ) : (
        <Text size="sm" c="dimmed">
          {t(view === 'original' ? 'firearms.ledger.originalHint' : 'firearms.ledger.bothHint')}
        </Text>
      )}
      <ProblemAlert problem={problem} />
      {rows.length === 0 && done && !problem ? (
        <Empty
          title={t('firearms.ledger.empty')}
          description={t('firearms.ledger.emptyHint')}
          testId="ledger-empty"
        />
      ) : (
        <LedgerGrid
          rows={rows}
          loadingMore={loading}
          onNeedMore={loadMore}
          onOpen={(r) => setOpen(r.itemId)}
        />
      )}
      <AcquireDialog
        opened={acquiring}
        onClose={() => setAcquiring(false)}
        onDone={() => {
          setAcquiring(false);
          setVersion((v) => v + 1);
        }}
      />
      <HistoryDrawer
        itemId={open}
        onClose={() => setOpen(null)}
        onChanged={() => setVersion((v) => v + 1)}
      />
    </Stack>
  );
}
