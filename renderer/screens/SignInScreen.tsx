import { Alert, Button, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useApiMutation } from '../api/hooks.ts';
import { describeProblem } from '../api/errors.ts';
import { AuthLayout } from '../components/AuthLayout.tsx';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { useForm } from '../lib/form.ts';
import { signIn } from '../state/session-actions.ts';
import { useSession, type Notice } from '../state/session.ts';

function NoticeAlert({ notice }: { notice: Notice | null }) {
  const { t, i18n } = useTranslation();
  if (!notice) return null;
  if (notice.kind === 'setupDone') {
    return (
      <Alert color="teal" variant="light" data-testid="notice">
        {t('setup.done')}
      </Alert>
    );
  }
  if (notice.kind === 'signedOut') {
    return (
      <Alert color="gray" variant="light" data-testid="notice">
        {t('signIn.signedOut')}
      </Alert>
    );
  }
  const text =
    notice.reason && notice.message
      ? describeProblem(
          { message: notice.message, reason: notice.reason, fields: null, network: false },
          t,
          i18n.language,
        )
      : t('signIn.sessionEnded');
  return (
    <Alert color="orange" variant="light" data-testid="notice">
      {text}
    </Alert>
  );
}

export function SignInScreen() {
  const { t } = useTranslation();
  const notice = useSession((s) => s.notice);
  const lastUsername = useSession((s) => s.lastUsername);
  const login = useApiMutation(signIn);
  const form = useForm({ username: lastUsername, password: '' }, (v) => ({
    username: v.username.trim() ? null : t('validation.required'),
    password: v.password ? null : t('validation.required'),
  }));

  const onSubmit = form.submit(async (v) => {
    await login.run(v.username.trim().toLowerCase(), v.password);
  });

  return (
    <AuthLayout title={t('signIn.title')} intro={t('signIn.intro')}>
      <form onSubmit={onSubmit} noValidate aria-label={t('signIn.title')}>
        <Stack gap="sm">
          {!login.problem && <NoticeAlert notice={notice} />}
          <ProblemAlert problem={login.problem} />
          <TextInput
            label={t('fields.username')}
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            autoFocus={!lastUsername}
            {...form.field('username')}
          />
          <PasswordInput
            label={t('fields.password')}
            autoComplete="current-password"
            autoFocus={!!lastUsername}
            {...form.field('password')}
          />
          <Button type="submit" mt="xs" loading={login.pending} fullWidth>
            {login.pending ? t('signIn.submitting') : t('signIn.submit')}
          </Button>
        </Stack>
      </form>
    </AuthLayout>
  );
}
