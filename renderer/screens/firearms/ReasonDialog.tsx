import { Modal, Stack, Textarea } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApiMutation } from '../../api/hooks.ts';
import { DialogActions } from '../../components/DialogActions.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';

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
    <Modal opened={props.opened} onClose={close} title={props.title}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setTried(true);
          if (!reason.trim()) return;
          void run.run(reason.trim()).then(() => setReason(''));
        }}
      >
        <Stack gap="sm">
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
          <ProblemAlert problem={run.problem} />
          <DialogActions onCancel={close} pending={run.pending} submitLabel={props.submitLabel} />
        </Stack>
      </form>
    </Modal>
  );
}
