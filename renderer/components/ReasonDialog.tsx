import { useState } from 'react';
import { useApiMutation } from '../api/hooks.ts';
import { FormDialog } from './FormDialog.tsx';
import { ReasonField } from './ReasonField.tsx';

/** Asks why (a correction, a hold, a release): the reason goes on the permanent record. */
export function ReasonDialog(props: {
  opened: boolean;
  title: string;
  submitLabel: string;
  onClose: () => void;
  action: (reason: string) => Promise<void>;
}) {
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
      <ReasonField value={reason} onChange={setReason} tried={tried} autoFocus />
    </FormDialog>
  );
}
