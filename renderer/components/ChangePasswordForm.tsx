import { Button, PasswordInput, Stack } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { passwordSchema } from '../lib/rules.ts';
import { api } from '../api/app-client.ts';
import { useApiMutation } from '../api/hooks.ts';
import { useForm } from '../lib/form.ts';
import { checkField } from '../lib/validation.ts';
import { ProblemAlert } from './ProblemAlert.tsx';

/** Current password, new one twice. Used by the forced first-sign-in step and "My account". */
export function ChangePasswordForm(props: {
  submitLabel: string;
  currentHint?: string;
  autoFocus?: boolean;
  onDone: () => void | Promise<void>;
}) {
  const { t } = useTranslation();
  const change = useApiMutation((currentPassword: string, newPassword: string) =>
    api.auth.changePassword.mutate({ currentPassword, newPassword }),
  );
  const initial = { currentPassword: '', newPassword: '', confirm: '' };
  const form = useForm(initial, (v) => ({
    currentPassword: v.currentPassword ? null : t('validation.required'),
    newPassword: checkField(passwordSchema, v.newPassword, t),
    confirm: v.confirm !== v.newPassword ? t('validation.passwordsDiffer') : null,
  }));

  const onSubmit = form.submit(async (v) => {
    const ok = await change.run(v.currentPassword, v.newPassword);
    if (ok) {
      form.reset(initial);
      await props.onDone();
    }
  });

  return (
    <form onSubmit={onSubmit} noValidate aria-label={t('account.passwordTitle')}>
      <Stack gap="sm">
        <ProblemAlert problem={change.problem} />
        <PasswordInput
          label={t('fields.currentPassword')}
          description={props.currentHint}
          autoComplete="current-password"
          autoFocus={props.autoFocus}
          {...form.field('currentPassword')}
        />
        <PasswordInput
          label={t('fields.newPassword')}
          autoComplete="new-password"
          {...form.field('newPassword')}
        />
        <PasswordInput
          label={t('fields.confirmNewPassword')}
          autoComplete="new-password"
          {...form.field('confirm')}
        />
        <Button type="submit" loading={change.pending} mt="xs">
          {props.submitLabel}
        </Button>
      </Stack>
    </form>
  );
}
