import { Button, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { displayNameSchema, passwordSchema, pinSchema, usernameSchema } from '../lib/rules.ts';
import { api } from '../api/app-client.ts';
import { useApiMutation } from '../api/hooks.ts';
import { AuthLayout } from '../components/AuthLayout.tsx';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { useForm } from '../lib/form.ts';
import { checkField } from '../lib/validation.ts';
import { sessionStore } from '../state/session.ts';

/** First run: the owner account. Then straight to sign-in with the username filled in. */
export function SetupScreen() {
  const { t } = useTranslation();
  const form = useForm(
    { displayName: '', username: '', password: '', confirm: '', pin: '' },
    (v) => ({
      displayName: checkField(displayNameSchema, v.displayName, t, {
        required: 'validation.nameRequired',
      }),
      username: checkField(usernameSchema, v.username, t, { format: 'validation.usernameChars' }),
      password: checkField(passwordSchema, v.password, t),
      confirm: v.confirm !== v.password ? t('validation.passwordsDiffer') : null,
      pin: v.pin ? checkField(pinSchema, v.pin, t, { format: 'validation.pinFormat' }) : null,
    }),
  );

  const create = useApiMutation(
    (input: { username: string; displayName: string; password: string; pin?: string }) =>
      api.setup.createOwner.mutate(input),
    { onProblem: form.showServerFields },
  );
  const onSubmit = form.submit(async (v) => {
    const owner = await create.run({
      displayName: v.displayName,
      username: v.username,
      password: v.password,
      ...(v.pin ? { pin: v.pin } : {}),
    });
    if (owner) sessionStore.getState().setupDone(owner.username);
  });

  return (
    <AuthLayout title={t('setup.title')} intro={t('setup.intro')} width={480}>
      <form onSubmit={onSubmit} noValidate aria-label={t('setup.title')}>
        <Stack gap="sm">
          <ProblemAlert problem={create.problem} />
          <TextInput
            label={t('setup.ownerName')}
            autoComplete="name"
            data-autofocus
            autoFocus
            {...form.field('displayName')}
          />
          <TextInput
            label={t('fields.username')}
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            {...form.field('username')}
          />
          <PasswordInput
            label={t('fields.password')}
            description={t('setup.passwordHint')}
            autoComplete="new-password"
            {...form.field('password')}
          />
          <PasswordInput
            label={t('fields.confirmPassword')}
            autoComplete="new-password"
            {...form.field('confirm')}
          />
          <PasswordInput
            label={`${t('fields.pin')} (${t('common.optional')})`}
            description={t('setup.pinHint')}
            inputMode="numeric"
            autoComplete="off"
            maxLength={8}
            {...form.field('pin')}
          />
          <Button type="submit" mt="xs" loading={create.pending} fullWidth>
            {create.pending ? t('setup.submitting') : t('setup.submit')}
          </Button>
        </Stack>
      </form>
    </AuthLayout>
  );
}
