import { Button, Group } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** The footer of a form dialog: Cancel, and the submit button that shows progress. */
export function DialogActions(props: {
  onCancel: () => void;
  pending: boolean;
  submitLabel: string;
  color?: string;
}) {
  const { t } = useTranslation();
  return (
    <Group justify="flex-end" mt="sm">
      <Button variant="default" onClick={props.onCancel}>
        {t('common.cancel')}
      </Button>
      <Button
        type="submit"
        loading={props.pending}
        {...(props.color ? { color: props.color } : {})}
      >
        {props.submitLabel}
      </Button>
    </Group>
  );
}
