import { Anchor, Avatar, Button, Group, PasswordInput, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SessionView } from '../../core/auth/model.ts';
import { useApiMutation } from '../api/hooks.ts';
import { AuthLayout } from '../components/AuthLayout.tsx';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { roleLabelKey } from '../i18n/index.ts';
import { formatDuration } from '../lib/format.ts';
import { useForm } from '../lib/form.ts';
import { signOut, unlock } from '../state/session-actions.ts';

const initials = (name: string) =>
  name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => w[0]?.toUpperCase())
    .join('');

/** Nothing of the store shows while locked: who it is locked for, and how to get back in. */
export function LockScreen({ session }: { session: SessionView }) {
  const { t, i18n } = useTranslation();
  const { user } = session;
  const [method, setMethod] = useState<'pin' | 'password'>(user.hasPin ? 'pin' : 'password');
  const attempt = useApiMutation(unlock);
  const form = useForm({ secret: '' }, (v) => ({
    secret: v.secret ? null : t('validation.required'),
  }));

  const onSubmit = form.submit(async (v) => {
    await attempt.run(method === 'pin' ? { pin: v.secret } : { password: v.secret });
    form.reset({ secret: '' });
  });

  const switchTo = (next: 'pin' | 'password') => {
    setMethod(next);
    attempt.clear();
    form.reset({ secret: '' });
  };

  return (
    <AuthLayout title={t('lock.title')} width={420}>
      <Group gap="md" wrap="nowrap" data-testid="locked-user">
        <Avatar color="teal" radius="xl" size="lg">
          {initials(user.displayName)}
        </Avatar>
        <div>
          <Text fw={600}>
            {t('lock.lockedFor', { name: user.displayName, username: user.username })}
          </Text>
          <Text size="sm" c="dimmed">
            {t(roleLabelKey(user.role))}
          </Text>
        </div>
      </Group>
      <Text size="sm" c="dimmed">
        {t('lock.why', { duration: formatDuration(session.idleTimeoutMs, i18n.language) })}
      </Text>
      <form onSubmit={onSubmit} noValidate aria-label={t('lock.title')}>
        <Stack gap="sm">
          <ProblemAlert problem={attempt.problem} />
          <PasswordInput
            key={method}
            label={method === 'pin' ? t('lock.unlockWithPin') : t('lock.unlockWithPassword')}
            autoComplete={method === 'pin' ? 'off' : 'current-password'}
            inputMode={method === 'pin' ? 'numeric' : 'text'}
            autoFocus
            {...form.field('secret')}
          />
          <Button type="submit" loading={attempt.pending}>
            {t('lock.submit')}
          </Button>
          {user.hasPin && (
            <Anchor
              component="button"
              type="button"
              size="sm"
              ta="center"
              onClick={() => switchTo(method === 'pin' ? 'password' : 'pin')}
            >
              {method === 'pin' ? t('lock.usePassword') : t('lock.usePin')}
            </Anchor>
          )}
        </Stack>
      </form>
      <Stack gap={4} align="center">
        <Button variant="default" onClick={() => void signOut()}>
          {t('lock.signOut')}
        </Button>
        <Text size="xs" c="dimmed" ta="center">
          {t('lock.notYou', { name: user.displayName })}
        </Text>
      </Stack>
    </AuthLayout>
  );
}
