import { Button, Group, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { AuthLayout } from '../components/AuthLayout.tsx';
import { ChangePasswordForm } from '../components/ChangePasswordForm.tsx';
import { refreshSession, signOut } from '../state/session-actions.ts';

/** After sign-in with a password a manager set: choose one's own before anything else. */
export function ChangePasswordScreen() {
  const { t } = useTranslation();
  return (
    <AuthLayout title={t('changePassword.title')} intro={t('changePassword.intro')}>
      <ChangePasswordForm
        autoFocus
        submitLabel={t('changePassword.submit')}
        currentHint={t('changePassword.currentHint')}
        onDone={refreshSession}
      />
      {/* The server ends the person's other sessions when they change it (issue 14 §4). */}
      <Text size="xs" c="dimmed" ta="center">
        {t('changePassword.otherSessions')}
      </Text>
      <Group justify="center">
        <Button variant="subtle" color="gray" size="sm" onClick={() => void signOut()}>
          {t('shell.signOut')}
        </Button>
      </Group>
    </AuthLayout>
  );
}
