import { Button, Center, Loader, Stack, Text, Title } from '@mantine/core';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { AuthLayout } from './components/AuthLayout.tsx';
import { Shell } from './components/Shell.tsx';
import { ChangePasswordScreen } from './screens/ChangePasswordScreen.tsx';
import { LockScreen } from './screens/LockScreen.tsx';
import { SetupScreen } from './screens/SetupScreen.tsx';
import { SignInScreen } from './screens/SignInScreen.tsx';
import { boot } from './state/session-actions.ts';
import { useSession } from './state/session.ts';

/** Which screen the window shows follows the session: setup, sign-in, lock, or the shell. */
export function App() {
  const { t } = useTranslation();
  const phase = useSession((s) => s.phase);
  const session = useSession((s) => s.session);

  useEffect(() => {
    void boot();
  }, []);

  switch (phase) {
    case 'starting':
      return (
        <Center mih="100vh">
          <Stack align="center" gap="sm">
            <Loader color="teal" />
            <Text c="dimmed">{t('app.starting')}</Text>
          </Stack>
        </Center>
      );
    case 'unreachable':
      return (
        <AuthLayout title={t('app.unreachableTitle')}>
          <Text>{t('app.unreachableBody')}</Text>
          <Button onClick={() => void boot()} autoFocus>
            {t('app.retry')}
          </Button>
        </AuthLayout>
      );
    case 'setup':
      return <SetupScreen />;
    case 'signedOut':
      return <SignInScreen />;
    case 'signedIn':
      if (!session) return null;
      // Locked: nothing of the store stays on screen (HIPAA), only who may unlock.
      if (session.locked) return <LockScreen session={session} />;
      if (session.user.mustChangePassword) return <ChangePasswordScreen />;
      return <Shell session={session} />;
    default:
      return <Title>{phase satisfies never}</Title>;
  }
}
