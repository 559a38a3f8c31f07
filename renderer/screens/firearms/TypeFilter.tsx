import { Select } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { firearmTypes } from '../../lib/rules.ts';

/** "Type" for a search or an export: one of the book's firearm types, or any ('' ). */
export function TypeFilter(props: { value: string; onChange: (type: string) => void; w?: number }) {
  const { t } = useTranslation();
  return (
    <Select
      label={t('firearms.search.type')}
      size="xs"
      w={props.w ?? 140}
      clearable
      clearButtonProps={{ 'aria-label': t('firearms.a11y.clear') }}
      value={props.value || null}
      onChange={(v) => props.onChange(v ?? '')}
      data={firearmTypes.map((v) => ({ value: v, label: v }))}
    />
  );
}
