import { SegmentedControl } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { currentLanguage, isLanguage, setLanguage } from '../i18n/index.ts';

/** English / Español, remembered on this computer. */
export function LanguageSwitch({ testId = 'language-switch' }: { testId?: string }) {
  const { t } = useTranslation();
  return (
    <SegmentedControl
      size="xs"
      aria-label={t('language.label')}
      data-testid={testId}
      value={currentLanguage()}
      onChange={(v) => {
        if (isLanguage(v)) setLanguage(v);
      }}
      data={[
        { value: 'en', label: t('language.en') },
        { value: 'es', label: t('language.es') },
      ]}
    />
  );
}
