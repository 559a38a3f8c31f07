import { Textarea } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApiMutation } from '../api/hooks.ts';
import { FormDialog } from './FormDialog.tsx';

/** Asks why (a correction, a hold, a release): the reason goes on the permanent record. */
export function ReasonDialog(props: {
  opened: boolean;
  title: string;
  submitLabel: string;
  onClose: () => void;
  action: (reason: string) => Promise<void>;
}) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  const [tried, setTried] = useState(false);
  const run = useApiMutation(props.action);
  const close = () => {
    setReason('');
    setTried(false);
    run.clear();
    props.onClose();
  };
  return (
    <FormDialog
      opened={props.opened}
      onClose={close}
      title={props.title}
      onSubmit={() => {
        setTried(true);
        if (!reason.trim()) return;
        void run.run(reason.trim()).then(() => setReason(''));
      }}
      pending={run.pending}
      problem={run.problem}
      submitLabel={props.submitLabel}
    >
      <Textarea
        label={t('firearms.reason')}
        description={t('firearms.reasonHint')}
        value={reason}
        onChange={(e) => setReason(e.currentTarget.value)}
        error={tried && !reason.trim() ? t('validation.required') : undefined}
        maxLength={500}
        autosize
        minRows={2}
        data-autofocus
      />
    </FormDialog>
  );
}
