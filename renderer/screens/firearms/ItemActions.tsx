import { Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/app-client.ts';
import { useApiMutation } from '../../api/hooks.ts';
import { FormDialog } from '../../components/FormDialog.tsx';
import { handOverDateProblem } from './hand-over-date.ts';

/** Marks a privately made firearm with the store's serial (abbreviated FFL + "-" + id). */
export function MarkPmfDialog(props: {
  itemId: number;
  /** The store's today (its time zone): the default marking date. */
  today: string;
  opened: boolean;
  onClose: () => void;
  onDone: (serial: string) => void;
}) {
  const { t } = useTranslation();
  const [uniqueId, setUniqueId] = useState('');
  const [markedOn, setMarkedOn] = useState(props.today);
  const mark = useApiMutation(() =>
    api.firearms.markPmf.mutate({ itemId: props.itemId, uniqueId, markedOn }),
  );
  return (
    <FormDialog
      opened={props.opened}
      onClose={props.onClose}
      title={t('firearms.pmf.title')}
      onSubmit={() => {
        void mark.run().then((r) => r && props.onDone(r.serial));
      }}
      pending={mark.pending}
      problem={mark.problem}
      submitLabel={t('firearms.pmf.submit')}
    >
      <Text size="sm" c="dimmed">
        {t('firearms.pmf.hint')}
      </Text>
      <TextInput
        label={t('firearms.pmf.uniqueId')}
        value={uniqueId}
        onChange={(e) => setUniqueId(e.currentTarget.value)}
        data-autofocus
      />
      <TextInput
        type="date"
        label={t('firearms.pmf.markedOn')}
        value={markedOn}
        onChange={(e) => setMarkedOn(e.currentTarget.value)}
      />
    </FormDialog>
  );
}

/** A firearm coming back (a loan returned, a buyer's return): a new acquisition. */
export function ReturnDialog(props: {
  itemId: number;
  /** The store's today (its time zone): the default date received. */
  today: string;
  opened: boolean;
  onClose: () => void;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const [receivedOn, setReceivedOn] = useState(props.today);
  const back = useApiMutation(() =>
    api.firearms.recordReturn.mutate({ itemId: props.itemId, receivedOn }),
  );
  return (
    <FormDialog
      opened={props.opened}
      onClose={props.onClose}
      title={t('firearms.return.title')}
      onSubmit={() => {
        void back.run().then((r) => r && props.onDone());
      }}
      pending={back.pending}
      problem={back.problem}
      submitLabel={t('firearms.return.submit')}
    >
      <Text size="sm" c="dimmed">
        {t('firearms.return.hint')}
      </Text>
      <TextInput
        type="date"
        label={t('firearms.acquire.receivedOn')}
        value={receivedOn}
        onChange={(e) => setReceivedOn(e.currentTarget.value)}
      />
    </FormDialog>
  );
}

/**
 * Commits a pending disposition: the firearm left the store on the date entered or confirmed
 * here (default the store's today; never after it). A sale to a non-licensee passes the check
 * gate, decided today.
 */
export function HandOverDialog(props: {
  dispositionId: number;
  today: string;
  opened: boolean;
  onClose: () => void;
  onDone: (report: string | null) => void;
}) {
  const { t } = useTranslation();
  const [disposedOn, setDisposedOn] = useState(props.today);
  const commit = useApiMutation(() =>
    api.firearms.commitDisposition.mutate({ dispositionId: props.dispositionId, disposedOn }),
  );
  const error = handOverDateProblem(t, disposedOn, props.today);
  return (
    <FormDialog
      opened={props.opened}
      onClose={() => {
        commit.clear();
        props.onClose();
      }}
      title={t('firearms.disposal.commitTitle')}
      onSubmit={() => {
        if (error) return;
        void commit.run().then((r) => r && props.onDone(r.report));
      }}
      pending={commit.pending}
      problem={commit.problem}
      submitLabel={t('firearms.disposal.commitSubmit')}
    >
      <TextInput
        type="date"
        label={t('firearms.disposal.handedOverOn')}
        description={t('firearms.disposal.handedOverHint')}
        value={disposedOn}
        max={props.today}
        onChange={(e) => setDisposedOn(e.currentTarget.value)}
        error={error}
        data-testid="handover-date"
        data-autofocus
      />
    </FormDialog>
  );
}
