import { Checkbox, Group, List, SegmentedControl, Select, Text, TextInput } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/app-client.ts';
import type { Outputs } from '../../api/client.ts';
import { useApiMutation, useApiQuery } from '../../api/hooks.ts';
import { DoneAlert } from '../../components/DoneAlert.tsx';
import { FormDialog } from '../../components/FormDialog.tsx';
import { ReasonField } from '../../components/ReasonField.tsx';
import { formatEpoch } from '../../lib/format.ts';
import { acquisitionSchema, firearmTypes } from '../../lib/rules.ts';
import { acquisitionOf, type FirearmDraft } from './acquisition.ts';

type Entry = Outputs['firearms']['history']['acquisitions'][number];

const draftOf = (e: Entry): FirearmDraft => ({
  manufacturer: e.manufacturer,
  importer: e.importer ?? '',
  model: e.model,
  serial: e.serial,
  type: e.type,
  caliber: e.caliber,
  // Item marks, not entry fields: the entry's correction leaves them as they are ("Correct
  // flags" corrects them; PMF marking has its own action in the history).
  privatelyMade: false,
  semiAutoDetachable: false,
});

/**
 * Corrects an acquisition entry: a new entry referencing the original, with the reason.
 * The original stays in the book ("as first entered" shows it). Its "Correct flags" part sets
 * or clears the firearm's PMF and 3310.12 flags instead, with the reason (ATF Ruling 2016-1).
 */
export function CorrectDialog(props: {
  opened: boolean;
  entry: Entry;
  onClose: () => void;
  onDone: () => void;
}) {
  const { t, i18n } = useTranslation();
  const e = props.entry;
  const [draft, setDraft] = useState(draftOf(e));
  const [receivedOn, setReceivedOn] = useState(e.receivedOn);
  const [sourceName, setSourceName] = useState(e.sourceName);
  const [sourceDetail, setSourceDetail] = useState(e.sourceFfl ?? e.sourceAddress ?? '');
  const [reason, setReason] = useState('');
  const [tried, setTried] = useState(false);
  const [part, setPart] = useState<'entry' | 'flags'>('entry');
  const [pmf, setPmf] = useState(false);
  const [semi, setSemi] = useState(false);
  const [reportDue, setReportDue] = useState<string | null>(null);
  const flags = useApiQuery(
    () => (props.opened ? api.firearms.flags.query({ itemId: e.itemId }) : Promise.resolve(null)),
    [props.opened, e.itemId],
  );
  useEffect(() => {
    if (!flags.data) return;
    setPmf(flags.data.privatelyMade);
    setSemi(flags.data.semiAutoDetachable);
  }, [flags.data]);
  useEffect(() => {
    if (!props.opened) return;
    setPart('entry');
    setReportDue(null);
    setDraft(draftOf(e));
    setReceivedOn(e.receivedOn);
    setSourceName(e.sourceName);
    setSourceDetail(e.sourceFfl ?? e.sourceAddress ?? '');
    setReason('');
    setTried(false);
  }, [props.opened, e]);
  const input = acquisitionOf({
    receivedOn,
    sourceName,
    sourceKind: e.sourceFfl ? 'ffl' : 'address',
    sourceDetail,
    firearms: [draft],
  });
  const parsed = acquisitionSchema.safeParse(input);
  const problems = parsed.success ? [] : parsed.error.issues.map((i) => i.message);
  const correct = useApiMutation(() =>
    api.firearms.correctAcquisition.mutate({
      entryNo: e.entryNo,
      firearm: input.firearms[0] as Parameters<
        typeof api.firearms.correctAcquisition.mutate
      >[0]['firearm'],
      receivedOn,
      source: input.source,
      reason,
    }),
  );
  const set = (k: keyof FirearmDraft) => (v: string) => setDraft((d) => ({ ...d, [k]: v }));

  const now = flags.data;
  const nsn = now?.serial.replace(/\s+/g, '').toUpperCase() === 'NSN';
  const pmfChanged = now !== null && now !== undefined && pmf !== now.privatelyMade;
  const semiChanged = now !== null && now !== undefined && semi !== now.semiAutoDetachable;
  // An NSN firearm stated "not privately made" is a review on record even when nothing changes.
  const confirmsNsn = nsn && !pmf && !pmfChanged && !semiChanged;
  const correctFlags = useApiMutation(() =>
    api.firearms.correctFlags.mutate({
      itemId: e.itemId,
      reason,
      ...(pmfChanged || confirmsNsn ? { privatelyMade: pmf } : {}),
      ...(semiChanged ? { semiAutoDetachable: semi } : {}),
    }),
  );
  const submitFlags = () => {
    setTried(true);
    if ((!pmfChanged && !semiChanged && !confirmsNsn) || !reason.trim()) return;
    void correctFlags.run().then((r) => {
      if (!r) return;
      // A report it made due is said before the dialog goes, so the clerk files it.
      if (r.multipleSale)
        setReportDue(t('firearms.compliance.flags.reportDue', { form: r.multipleSale.form }));
      else props.onDone();
    });
  };
  const yesNo = (v: boolean | null) =>
    t(
      v === null
        ? 'firearms.compliance.flags.unchangedValue'
        : v
          ? 'firearms.compliance.flags.yes'
          : 'firearms.compliance.flags.no',
    );

  return (
    <FormDialog
      opened={props.opened}
      onClose={reportDue ? props.onDone : props.onClose}
      title={t('firearms.correct.title', { entry: e.corrects ?? e.entryNo })}
      size="lg"
      onSubmit={() => {
        if (reportDue) return props.onDone();
        if (part === 'flags') return submitFlags();
        setTried(true);
        if (problems.length > 0 || !reason.trim()) return;
        void correct.run().then((r) => r && props.onDone());
      }}
      pending={part === 'flags' ? correctFlags.pending : correct.pending}
      problem={part === 'flags' ? (correctFlags.problem ?? flags.problem) : correct.problem}
      submitLabel={
        reportDue
          ? t('common.close')
          : part === 'flags'
            ? t('firearms.compliance.flags.submit')
            : t('firearms.correct.submit')
      }
    >
      <SegmentedControl
        value={part}
        onChange={(v) => {
          setPart(v as 'entry' | 'flags');
          setTried(false);
        }}
        data={[
          { value: 'entry', label: t('firearms.compliance.flags.partEntry') },
          { value: 'flags', label: t('firearms.compliance.flags.partFlags') },
        ]}
      />
      {reportDue && <DoneAlert testId="flag-report-due">{reportDue}</DoneAlert>}
      {part === 'flags' ? (
        <>
          <Text size="sm" c="dimmed">
            {t('firearms.compliance.flags.hint')}
          </Text>
          <Checkbox
            label={t('firearms.compliance.flags.privatelyMade')}
            checked={pmf}
            onChange={(ev) => setPmf(ev.currentTarget.checked)}
          />
          <Checkbox
            label={t('firearms.compliance.flags.semiAutoDetachable')}
            checked={semi}
            onChange={(ev) => setSemi(ev.currentTarget.checked)}
          />
          {confirmsNsn && (
            <Text size="xs" c="dimmed">
              {t('firearms.compliance.flags.confirmNotPmf')}
            </Text>
          )}
          {tried && !pmfChanged && !semiChanged && !confirmsNsn && (
            <Text c="red" size="sm" role="alert">
              {t('firearms.compliance.flags.unchanged')}
            </Text>
          )}
          {(now?.corrections.length ?? 0) > 0 && (
            <>
              <Text size="sm" fw={600}>
                {t('firearms.compliance.flags.history')}
              </Text>
              <List size="xs" spacing={2} data-testid="flag-corrections">
                {now?.corrections.map((c) => (
                  <List.Item key={c.id}>
                    {t('firearms.compliance.flags.line', {
                      when: formatEpoch(c.recordedAt, i18n.language),
                      who: c.recordedBy,
                      pmf: yesNo(c.privatelyMade.now),
                      semi: yesNo(c.semiAutoDetachable.now),
                      reason: c.reason,
                    })}
                  </List.Item>
                ))}
              </List>
            </>
          )}
          <ReasonField value={reason} onChange={setReason} tried={tried} />
        </>
      ) : (
        entryFields()
      )}
    </FormDialog>
  );

  /** The entry's fields (a plain function, not a component: the inputs keep their focus). */
  function entryFields() {
    return (
      <>
        <Text size="sm" c="dimmed">
          {t('firearms.correct.hint')}
        </Text>
        <Group grow>
          <TextInput
            label={t('firearms.acquire.receivedOn')}
            type="date"
            value={receivedOn}
            onChange={(ev) => setReceivedOn(ev.currentTarget.value)}
          />
          <TextInput
            label={t('firearms.acquire.sourceName')}
            value={sourceName}
            onChange={(ev) => setSourceName(ev.currentTarget.value)}
          />
          <TextInput
            label={t(e.sourceFfl ? 'firearms.acquire.sourceFfl' : 'firearms.acquire.sourceAddress')}
            value={sourceDetail}
            onChange={(ev) => setSourceDetail(ev.currentTarget.value)}
          />
        </Group>
        <Group grow>
          {(['manufacturer', 'importer', 'model'] as const).map((k) => (
            <TextInput
              key={k}
              label={t(`firearms.columns.${k}`)}
              value={draft[k]}
              onChange={(ev) => set(k)(ev.currentTarget.value)}
            />
          ))}
        </Group>
        <Group grow>
          <TextInput
            label={t('firearms.columns.serial')}
            value={draft.serial}
            onChange={(ev) => set('serial')(ev.currentTarget.value)}
            ff="monospace"
          />
          <Select
            label={t('firearms.columns.type')}
            value={draft.type}
            onChange={(v) => set('type')(v ?? '')}
            data={[...firearmTypes]}
          />
          <TextInput
            label={t('firearms.columns.caliber')}
            value={draft.caliber}
            onChange={(ev) => set('caliber')(ev.currentTarget.value)}
          />
        </Group>
        <ReasonField value={reason} onChange={setReason} tried={tried} />
        {tried && problems.length > 0 && (
          <Text c="red" size="sm" role="alert">
            {problems[0]}
          </Text>
        )}
      </>
    );
  }
}
