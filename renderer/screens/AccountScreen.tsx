import {
  Badge,
  Button,
  Card,
  Group,
  PasswordInput,
  SimpleGrid,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DoneAlert } from '../components/DoneAlert.tsx';
import { pinSchema } from '../lib/rules.ts';
import { api } from '../api/app-client.ts';
import { useApiMutation } from '../api/hooks.ts';
import { ChangePasswordForm } from '../components/ChangePasswordForm.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { permissionLabelKey, roleLabelKey } from '../i18n/index.ts';
import { useForm } from '../lib/form.ts';
import { checkField } from '../lib/validation.ts';
import { refreshSession } from '../state/session-actions.ts';
import { useSession } from '../state/session.ts';

function PinForm({ hasPin }: { hasPin: boolean }) {
  const { t } = useTranslation();
  const initial = { pin: '', confirm: '', currentPassword: '' };
  const form = useForm(initial, (v) => ({
    pin: checkField(pinSchema, v.pin, t, { format: 'validation.pinFormat' }),
    confirm: v.confirm !== v.pin ? t('validation.pinsDiffer') : null,
    currentPassword: v.currentPassword ? null : t('validation.required'),
  }));
  const save = useApiMutation(
    (pin: string, currentPassword: string) => api.auth.setPin.mutate({ pin, currentPassword }),
    {
      onProblem: form.showServerFields,
    },
  );
  const [saved, setSaved] = useState(false);
  const onSubmit = form.submit(async (v) => {
    setSaved(false);
    if (await save.run(v.pin, v.currentPassword)) {
      form.reset(initial);
      setSaved(true);
      await refreshSession();
    }
  });
  return (
    <form onSubmit={onSubmit} noValidate aria-label={t('account.pinTitle')}>
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          {hasPin ? t('account.pinHasOne') : t('account.pinNone')}
        </Text>
        <ProblemAlert problem={save.problem} />
        {saved && <DoneAlert>{t('account.pinSaved')}</DoneAlert>}
        <PasswordInput
          label={t('fields.pin')}
          inputMode="numeric"
          maxLength={8}
          autoComplete="off"
          {...form.field('pin')}
        />
        <PasswordInput
          label={t('fields.confirmPin')}
          inputMode="numeric"
          maxLength={8}
          autoComplete="off"
          {...form.field('confirm')}
        />
        <PasswordInput
          label={t('fields.currentPassword')}
          autoComplete="current-password"
          {...form.field('currentPassword')}
        />
        <Button type="submit" loading={save.pending} mt="xs">
          {t('account.pinSubmit')}
        </Button>
      </Stack>
    </form>
  );
}

export function AccountScreen() {
  const { t } = useTranslation();
  const session = useSession((s) => s.session);
  const [passwordSaved, setPasswordSaved] = useState(false);
  if (!session) return null;
  const { user } = session;
  return (
    <>
      <PageHeader title={t('account.title')} />
      <Stack gap="lg">
        <Card withBorder radius="md" padding="lg">
          <Group justify="space-between" align="flex-start">
            <div>
              <Text fw={600} size="lg">
                {user.displayName}
              </Text>
              <Text size="sm" c="dimmed">
                {user.username}
              </Text>
            </div>
            <Badge size="lg" variant="light">
              {t('account.role', { role: t(roleLabelKey(user.role)) })}
            </Badge>
          </Group>
          <Group gap={6} mt="md">
            {session.permissions.map((p) => (
              <Badge key={p} variant="outline" color="gray" tt="none" fw={500}>
                {t(permissionLabelKey(p))}
              </Badge>
            ))}
          </Group>
        </Card>
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
          <Card
            withBorder
            radius="md"
            padding="lg"
            component="section"
            aria-label={t('account.pinTitle')}
          >
            <Title order={2} size="h4" mb="sm">
              {t('account.pinTitle')}
            </Title>
            <PinForm hasPin={user.hasPin} />
          </Card>
          <Card
            withBorder
            radius="md"
            padding="lg"
            component="section"
            aria-label={t('account.passwordTitle')}
          >
            <Title order={2} size="h4" mb="sm">
              {t('account.passwordTitle')}
            </Title>
            <Stack gap="sm">
              {passwordSaved && <DoneAlert>{t('account.passwordSaved')}</DoneAlert>}
              <ChangePasswordForm
                submitLabel={t('account.passwordSubmit')}
                onDone={() => setPasswordSaved(true)}
              />
            </Stack>
          </Card>
        </SimpleGrid>
      </Stack>
    </>
  );
}
