import { Textarea } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/**
 * Why a record is corrected, held or released: it goes on the permanent record, so it is
 * required (said once the clerk has tried to submit) and capped at what the server keeps.
 */
export function ReasonField(props: {
  value: string;
  onChange: (reason: string) => void;
  tried: boolean;
  autoFocus?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <Textarea
      label={t('firearms.reason')}
      description={t('firearms.reasonHint')}
      value={props.value}
      onChange={(e) => props.onChange(e.currentTarget.value)}
      error={props.tried && !props.value.trim() ? t('validation.required') : undefined}
      maxLength={500}
      autosize
      minRows={2}
      data-autofocus={props.autoFocus || undefined}
    />
  );
}
