import { Badge, Box, Loader, Text } from '@mantine/core';
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { nearEnd, rowWindow } from '../../lib/windowing.ts';

/** One line of the grid, whichever view filled it. */
export interface GridRow {
  key: string;
  entry: number;
  itemId: number;
  receivedOn: string;
  sourceName: string;
  manufacturer: string;
  model: string;
  serial: string;
  type: string;
  caliber: string;
  disposedOn: string | null;
  transfereeName: string | null;
  status: string | null;
  /** A correction row: the reason it was made. */
  correction: string | null;
}

const ROW = 36;
const VIEW = 504;
const columns = [
  ['entry', 70],
  ['receivedOn', 100],
  ['sourceName', 170],
  ['manufacturer', 130],
  ['model', 110],
  ['serial', 130],
  ['type', 90],
  ['caliber', 80],
  ['disposedOn', 100],
  ['transfereeName', 160],
  ['status', 100],
] as const;
const template = columns.map(([, w]) => `${w}px`).join(' ');

/**
 * The bound book as a virtualized grid: only the rows in view are drawn, and the next page
 * loads as the clerk scrolls near the end. Arrow keys move, Enter opens the firearm.
 */
export function LedgerGrid(props: {
  rows: GridRow[];
  loadingMore: boolean;
  onNeedMore: () => void;
  onOpen: (row: GridRow) => void;
}) {
  const { t } = useTranslation();
  const [scrollTop, setScrollTop] = useState(0);
  const [selected, setSelected] = useState(0);
  const box = useRef<HTMLDivElement>(null);
  const { rows, onNeedMore } = props;
  const w = rowWindow({ scrollTop, viewHeight: VIEW, rowHeight: ROW, count: rows.length });

  useEffect(() => {
    if (nearEnd({ scrollTop, viewHeight: VIEW, rowHeight: ROW, count: rows.length })) onNeedMore();
  }, [scrollTop, rows.length, onNeedMore]);

  const move = (to: number) => {
    const next = Math.max(0, Math.min(rows.length - 1, to));
    setSelected(next);
    const el = box.current;
    if (!el) return;
    if (next * ROW < el.scrollTop) el.scrollTop = next * ROW;
    else if ((next + 1) * ROW > el.scrollTop + VIEW - ROW) el.scrollTop = (next + 2) * ROW - VIEW;
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown') move(selected + 1);
    else if (e.key === 'ArrowUp') move(selected - 1);
    else if (e.key === 'PageDown') move(selected + Math.floor(VIEW / ROW));
    else if (e.key === 'PageUp') move(selected - Math.floor(VIEW / ROW));
    else if (e.key === 'Enter' && rows[selected]) props.onOpen(rows[selected]);
    else return;
    e.preventDefault();
  };

  return (
    // One grid: the header row, then the rows (a scrolling row group, only those in view).
    <Box
      role="grid"
      aria-label={t('firearms.ledger.grid')}
      aria-rowcount={rows.length + 1}
      style={{
        border: '1px solid var(--mantine-color-gray-3)',
        borderRadius: 6,
        overflowX: 'auto',
      }}
      bg="white"
    >
      <Box
        role="row"
        aria-rowindex={1}
        style={{ display: 'grid', gridTemplateColumns: template, fontWeight: 600, fontSize: 13 }}
        px="xs"
        py={6}
        bg="gray.1"
      >
        {columns.map(([c]) => (
          <div key={c} role="columnheader">
            {t(`firearms.columns.${c}`)}
          </div>
        ))}
      </Box>
      <div
        ref={box}
        role="rowgroup"
        aria-label={t('firearms.ledger.grid')}
        tabIndex={0}
        data-testid="ledger-grid"
        onKeyDown={onKey}
        onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
        style={{ height: VIEW, overflowY: 'auto', outline: 'none' }}
      >
        <div style={{ height: w.padTop }} />
        {rows.slice(w.first, w.last + 1).map((r, i) => {
          const index = w.first + i;
          return (
            <div
              key={r.key}
              role="row"
              aria-rowindex={index + 2}
              aria-selected={index === selected}
              data-testid="ledger-row"
              data-serial={r.serial}
              onClick={() => {
                setSelected(index);
                props.onOpen(r);
              }}
              style={{
                display: 'grid',
                gridTemplateColumns: template,
                height: ROW,
                alignItems: 'center',
                padding: '0 10px',
                fontSize: 13,
                cursor: 'pointer',
                borderTop: '1px solid var(--mantine-color-gray-2)',
                background:
                  index === selected
                    ? 'var(--mantine-color-teal-0)'
                    : r.correction
                      ? 'var(--mantine-color-yellow-0)'
                      : undefined,
              }}
            >
              <span role="gridcell">
                {r.entry}
                {r.correction && (
                  <Badge size="xs" color="yellow" ml={4} title={r.correction}>
                    {t('firearms.ledger.corrected')}
                  </Badge>
                )}
              </span>
              <span role="gridcell">{r.receivedOn}</span>
              <Text role="gridcell" size="sm" truncate>
                {r.sourceName}
              </Text>
              <Text role="gridcell" size="sm" truncate>
                {r.manufacturer}
              </Text>
              <Text role="gridcell" size="sm" truncate>
                {r.model}
              </Text>
              <Text role="gridcell" size="sm" ff="monospace" truncate>
                {r.serial}
              </Text>
              <span role="gridcell">{r.type}</span>
              <span role="gridcell">{r.caliber}</span>
              <span role="gridcell">{r.disposedOn ?? ''}</span>
              <Text role="gridcell" size="sm" truncate>
                {r.transfereeName ?? ''}
              </Text>
              <span role="gridcell">
                {r.status ? t(`firearms.status.${r.status as 'in_stock'}`) : ''}
              </span>
            </div>
          );
        })}
        <div style={{ height: w.padBottom }} />
        {props.loadingMore && (
          <Box ta="center" py="xs">
            <Loader size="sm" />
          </Box>
        )}
      </div>
    </Box>
  );
}
