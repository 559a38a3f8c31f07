import { Modal, Stack } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiProblem } from '../api/errors.ts';
import { DialogActions } from './DialogActions.tsx';
import { ProblemAlert } from './ProblemAlert.tsx';

/** A dialog holding one form: its fields, what went wrong, and Cancel / submit. */
export function FormDialog(props: {
  opened: boolean;
  title: string;
  onClose: () => void;
  onSubmit: () => void;
  pending: boolean;
  problem: ApiProblem | null;
  submitLabel: string;
  size?: string | number;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <Modal
      opened={props.opened}
      onClose={props.onClose}
      title={props.title}
      closeButtonProps={{ 'aria-label': t('common.close') }}
      {...(props.size ? { size: props.size } : {})}
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          props.onSubmit();
        }}
      >
        <Stack gap="sm">
          {props.children}
          <ProblemAlert problem={props.problem} />
          <DialogActions
            onCancel={props.onClose}
            pending={props.pending}
            submitLabel={props.submitLabel}
          />
        </Stack>
      </form>
    </Modal>
  );
}
