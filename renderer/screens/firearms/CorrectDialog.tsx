import { Group, Select, Text, Textarea, TextInput } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/app-client.ts';
import type { Outputs } from '../../api/client.ts';
import { useApiMutation } from '../../api/hooks.ts';
import { FormDialog } from '../../components/FormDialog.tsx';
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
  // Item marks, not entry fields: a correction leaves them as they are (PMF marking has its
  // own action in the history).
  privatelyMade: false,
  semiAutoDetachable: false,
});

/**
 * Corrects an acquisition entry: a new entry referencing the original, with the reason.
 * The original stays in the book ("as first entered" shows it).
 */
export function CorrectDialog(props: {
  opened: boolean;
  entry: Entry;
  onClose: () => void;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const e = props.entry;
  const [draft, setDraft] = useState(draftOf(e));
  const [receivedOn, setReceivedOn] = useState(e.receivedOn);
  const [sourceName, setSourceName] = useState(e.sourceName);
  const [sourceDetail, setSourceDetail] = useState(e.sourceFfl ?? e.sourceAddress ?? '');
  const [reason, setReason] = useState('');
  const [tried, setTried] = useState(false);
  useEffect(() => {
    if (!props.opened) return;
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

  return (
    <FormDialog
      opened={props.opened}
      onClose={props.onClose}
      title={t('firearms.correct.title', { entry: e.corrects ?? e.entryNo })}
      size="lg"
      onSubmit={() => {
        setTried(true);
        if (problems.length > 0 || !reason.trim()) return;
        void correct.run().then((r) => r && props.onDone());
      }}
      pending={correct.pending}
      problem={correct.problem}
      submitLabel={t('firearms.correct.submit')}
    >
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
      <Textarea
        label={t('firearms.reason')}
        description={t('firearms.reasonHint')}
        value={reason}
        onChange={(ev) => setReason(ev.currentTarget.value)}
        error={tried && !reason.trim() ? t('validation.required') : undefined}
        maxLength={500}
        autosize
        minRows={2}
      />
      {tried && problems.length > 0 && (
        <Text c="red" size="sm" role="alert">
          {problems[0]}
        </Text>
      )}
    </FormDialog>
  );
}
