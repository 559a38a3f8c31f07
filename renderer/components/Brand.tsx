import { Group, Text, ThemeIcon } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { IconShield } from './icons.tsx';

export function Brand({ withTagline = false }: { withTagline?: boolean }) {
  const { t } = useTranslation();
  return (
    <Group gap="xs" wrap="nowrap">
      <ThemeIcon size={34} radius="md" variant="filled" color="teal">
        <IconShield size={20} />
      </ThemeIcon>
      <div>
        <Text fw={700} size="lg" lh={1.1}>
          {t('app.name')}
        </Text>
        {withTagline && (
          <Text size="xs" c="dimmed" lh={1.2}>
            {t('app.tagline')}
          </Text>
        )}
      </div>
    </Group>
  );
}
