import { Code, List, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { SecretsLocation } from '../../core/secrets/port.ts';
import { UrgentNotice } from './UrgentNotice.tsx';

/** What `npm start` suggests for a Linux server (keep in step with core/secrets/server-choice.ts). */
const LINUX_INSTALL = 'sudo apt-get install dbus gnome-keyring';
const MOVE_COMMAND = 'npm start -- --move-secrets-to-keychain';

/**
 * Loud, on the dashboard: the store's secrets (the database key among them) are in a file on
 * this PC rather than the OS keychain — what that means and how to set the keychain up.
 * Renders nothing when the keychain holds them. Mount it with the dashboard summary's
 * `secrets` field: `<SecretsWarning secrets={s.secrets} />`.
 */
export function SecretsWarning({ secrets }: { secrets: SecretsLocation }) {
  const { t } = useTranslation();
  if (secrets.kind !== 'file') return null;
  const chosen = secrets.why === 'no_keychain';
  return (
    <UrgentNotice variant="light" title={t('secretsWarning.title')} testId="secrets-warning">
      <Text size="sm">
        {chosen
          ? t('secretsWarning.noKeychain', { file: secrets.file })
          : t('secretsWarning.configured', { file: secrets.file })}
      </Text>
      {chosen && (
        <>
          <Text size="sm" fw={700}>
            {t('secretsWarning.howTitle')}
          </Text>
          <List size="sm" spacing={4}>
            <List.Item>{t('secretsWarning.howDesktop')}</List.Item>
            <List.Item>
              {t('secretsWarning.howLinux')} <Code>{LINUX_INSTALL}</Code>
            </List.Item>
            <List.Item>
              {t('secretsWarning.howMove')} <Code>{MOVE_COMMAND}</Code>
            </List.Item>
          </List>
        </>
      )}
      <Text size="sm" fw={700}>
        {t('secretsWarning.neverDelete')}
      </Text>
    </UrgentNotice>
  );
}
