import {
  ActionIcon,
  Button,
  Checkbox,
  Group,
  SegmentedControl,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/app-client.ts';
import { useApiMutation, useApiQuery } from '../../api/hooks.ts';
import { FormDialog } from '../../components/FormDialog.tsx';
import { useScanner } from '../../hooks/useScanner.ts';
import { acquisitionSchema, firearmTypes, serialFormatProblems } from '../../lib/rules.ts';
import { localToday } from '../../lib/format.ts';
import { useStoreToday } from './store-today.ts';
import { acquisitionOf, blank, lineWarnings, type FirearmDraft } from './acquisition.ts';

/**
 * Records firearms received together (a distributor invoice with 20 guns is one entry
 * form): the source once, then a line per firearm. Enter in a serial field moves to the
 * next line, adding one at the end. Every scan in this dialog is a serial: typed into a
 * serial field it replaces what was there; typed anywhere else in the dialog it is taken out
 * of that field and fills the focused line's serial if empty, else the first empty serial
 * (a new line when there is none). Either way the next line's serial gets the focus.
 */
/** The line number an element of the lines table carries in `attribute` (itself or a parent). */
function lineOf(element: Element | null, attribute: string): number | null {
  const value = element?.closest(`[${attribute}]`)?.getAttribute(attribute);
  return value ? Number(value) : null;
}

export function AcquireDialog(props: { opened: boolean; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  // Default: the store's today (its time zone), not this PC's; null until the clerk types one.
  const storeToday = useStoreToday(props.opened);
  const [typedOn, setReceivedOn] = useState<string | null>(null);
  const receivedOn = typedOn ?? storeToday ?? localToday();
  const [sourceName, setSourceName] = useState('');
  const [sourceKind, setSourceKind] = useState<'ffl' | 'address'>('ffl');
  const [sourceDetail, setSourceDetail] = useState('');
  const [firearms, setFirearms] = useState<FirearmDraft[]>([{ ...blank }]);
  const [submitted, setSubmitted] = useState(false);
  const acquire = useApiMutation((input: ReturnType<typeof acquisitionOf>) =>
    api.firearms.acquire.mutate(input as Parameters<typeof api.firearms.acquire.mutate>[0]),
  );

  const input = acquisitionOf({ receivedOn, sourceName, sourceKind, sourceDetail, firearms });
  const parsed = acquisitionSchema.safeParse(input);
  const errors = new Map<string, string>();
  if (!parsed.success)
    for (const issue of parsed.error.issues) {
      const key = issue.path.join('.');
      if (!errors.has(key)) errors.set(key, issue.message);
    }
  for (const f of acquire.problem?.fields ?? []) errors.set(f.path, f.message);
  const err = (path: string) => (submitted ? errors.get(path) : undefined);
  const sourceErr = err('source') ?? err(`source.${sourceKind}`) ?? err('source.name');

  const serialRules = useApiQuery(
    () => (props.opened ? api.firearms.serialRules.query() : Promise.resolve([])),
    [props.opened],
  );
  const serialWarning = (f: FirearmDraft) => {
    if (!f.serial.trim() || !f.manufacturer.trim()) return undefined;
    const [first] = serialFormatProblems(serialRules.data ?? [], f);
    return first ? (
      <Text
        span
        size="xs"
        c={first.action === 'block' ? 'red' : 'orange'}
        data-testid="serial-warning"
      >
        {first.message}
      </Text>
    ) : undefined;
  };
  /**
   * Under the serial, as typed: the store's format rules, and an NSN firearm not marked
   * privately made (27 CFR 478.92). Warnings only: the line goes in as it is.
   */
  const serialNotice = (f: FirearmDraft) => {
    const rule = serialWarning(f);
    const nsn = lineWarnings(f).includes('nsn_not_pmf');
    if (!rule && !nsn) return undefined;
    return (
      <>
        {rule}
        {nsn && (
          <Text span display="block" size="xs" c="orange" data-testid="nsn-warning">
            {t('firearms.compliance.nsnNotPmf')}
          </Text>
        )}
      </>
    );
  };
  const setRow = <K extends keyof FirearmDraft>(i: number, k: K, v: FirearmDraft[K]) =>
    setFirearms((rows) => rows.map((r, j) => (j === i ? { ...r, [k]: v } : r)));
  /** Focus line i + 1's serial, adding that line (a copy of line i: an invoice of one model). */
  const nextLine = (i: number) => {
    setFirearms((rows) =>
      i === rows.length - 1 ? [...rows, { ...(rows[i] ?? blank), serial: '' }] : rows,
    );
    requestAnimationFrame(() =>
      document.querySelector<HTMLInputElement>(`[data-serial-row="${i + 1}"]`)?.focus(),
    );
  };
  const serialKey = (i: number) => (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key !== 'Enter') return;
    e.preventDefault();
    nextLine(i);
  };
  useScanner(
    (code, scan) => {
      const inSerial = lineOf(scan.element, 'data-serial-row');
      if (inSerial !== null) {
        setRow(inSerial, 'serial', code);
        nextLine(inSerial);
        return;
      }
      scan.undoTyping();
      const focused = lineOf(scan.element, 'data-line');
      const line =
        focused !== null && !firearms[focused]?.serial.trim()
          ? focused
          : firearms.findIndex((f) => !f.serial.trim());
      if (line >= 0) {
        setRow(line, 'serial', code);
        nextLine(line);
      } else {
        const last = firearms.length - 1;
        setFirearms((rows) => [...rows, { ...(rows[last] ?? blank), serial: code }]);
        nextLine(last + 1);
      }
    },
    { enabled: props.opened },
  );
  const close = () => {
    setReceivedOn(null);
    setFirearms([{ ...blank }]);
    setSourceName('');
    setSourceDetail('');
    setSubmitted(false);
    acquire.clear();
    props.onClose();
  };

  return (
    <FormDialog
      opened={props.opened}
      onClose={close}
      title={t('firearms.acquire.title')}
      size={1100}
      onSubmit={() => {
        setSubmitted(true);
        if (!parsed.success) return;
        void acquire.run(input).then((r) => {
          if (!r) return;
          close();
          props.onDone();
        });
      }}
      pending={acquire.pending}
      problem={acquire.problem}
      submitLabel={t('firearms.acquire.submit', { count: firearms.length })}
    >
      <Group align="flex-start" grow>
        <TextInput
          label={t('firearms.acquire.receivedOn')}
          type="date"
          value={receivedOn}
          onChange={(e) => setReceivedOn(e.currentTarget.value)}
          error={err('receivedOn')}
          required
        />
        <TextInput
          label={t('firearms.acquire.sourceName')}
          value={sourceName}
          onChange={(e) => setSourceName(e.currentTarget.value)}
          error={err('source.name')}
          required
          data-autofocus
        />
      </Group>
      <Group align="flex-end" grow>
        <SegmentedControl
          value={sourceKind}
          onChange={(v) => setSourceKind(v as 'ffl' | 'address')}
          data={[
            { value: 'ffl', label: t('firearms.acquire.fromLicensee') },
            { value: 'address', label: t('firearms.acquire.fromPerson') },
          ]}
        />
        <TextInput
          label={t(
            sourceKind === 'ffl' ? 'firearms.acquire.sourceFfl' : 'firearms.acquire.sourceAddress',
          )}
          value={sourceDetail}
          onChange={(e) => setSourceDetail(e.currentTarget.value)}
          error={sourceErr}
          placeholder={sourceKind === 'ffl' ? '9-86-123-01-7K-12345' : ''}
          required
        />
      </Group>
      <Text size="sm" c="dimmed">
        {t('firearms.acquire.linesHint')}
      </Text>
      <Table data-testid="acquire-lines">
        <Table.Thead>
          <Table.Tr>
            {(['manufacturer', 'importer', 'model', 'serial', 'type', 'caliber'] as const).map(
              (c) => (
                <Table.Th key={c}>{t(`firearms.columns.${c}`)}</Table.Th>
              ),
            )}
            <Table.Th>{t('firearms.acquire.marks')}</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {firearms.map((f, i) => (
            <Table.Tr key={i} data-line={i}>
              {(['manufacturer', 'importer', 'model', 'serial'] as const).map((k) => (
                <Table.Td key={k}>
                  <TextInput
                    size="xs"
                    aria-label={`${t(`firearms.columns.${k}`)} ${i + 1}`}
                    value={f[k]}
                    onChange={(e) => setRow(i, k, e.currentTarget.value)}
                    error={err(`firearms.${i}.${k}`)}
                    {...(k === 'serial'
                      ? {
                          onKeyDown: serialKey(i),
                          'data-serial-row': i,
                          ff: 'monospace',
                          // The store's format rules and the NSN notice, as typed: warnings
                          // let the line through.
                          description: serialNotice(f),
                          inputWrapperOrder: ['label', 'input', 'description', 'error'] as const,
                        }
                      : {})}
                  />
                </Table.Td>
              ))}
              <Table.Td>
                <Select
                  size="xs"
                  aria-label={`${t('firearms.columns.type')} ${i + 1}`}
                  value={f.type || null}
                  onChange={(v) => setRow(i, 'type', v ?? '')}
                  data={[...firearmTypes]}
                  error={err(`firearms.${i}.type`)}
                  searchable
                />
              </Table.Td>
              <Table.Td>
                <TextInput
                  size="xs"
                  aria-label={`${t('firearms.columns.caliber')} ${i + 1}`}
                  value={f.caliber}
                  onChange={(e) => setRow(i, 'caliber', e.currentTarget.value)}
                  error={err(`firearms.${i}.caliber`)}
                />
              </Table.Td>
              <Table.Td>
                <Stack gap={4}>
                  <Checkbox
                    size="xs"
                    label={t('firearms.acquire.privatelyMade')}
                    aria-label={`${t('firearms.acquire.privatelyMade')} ${i + 1}`}
                    checked={f.privatelyMade}
                    onChange={(e) => setRow(i, 'privatelyMade', e.currentTarget.checked)}
                  />
                  {f.type === 'rifle' && (
                    <Checkbox
                      size="xs"
                      label={t('firearms.acquire.semiAutoDetachable')}
                      aria-label={`${t('firearms.acquire.semiAutoDetachable')} ${i + 1}`}
                      checked={f.semiAutoDetachable}
                      onChange={(e) => setRow(i, 'semiAutoDetachable', e.currentTarget.checked)}
                    />
                  )}
                </Stack>
              </Table.Td>
              <Table.Td>
                {firearms.length > 1 && (
                  <ActionIcon
                    variant="subtle"
                    color="gray"
                    aria-label={t('firearms.acquire.removeLine', { n: i + 1 })}
                    onClick={() => setFirearms((rows) => rows.filter((_, j) => j !== i))}
                  >
                    ×
                  </ActionIcon>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Group>
        <Button
          variant="default"
          size="xs"
          onClick={() => setFirearms((rows) => [...rows, { ...blank }])}
        >
          {t('firearms.acquire.addLine')}
        </Button>
        <Text size="sm" c="dimmed">
          {t('firearms.acquire.count', { count: firearms.length })}
        </Text>
      </Group>
    </FormDialog>
  );
}
