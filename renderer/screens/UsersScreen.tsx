import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Card,
  Group,
  Menu,
  Modal,
  NativeSelect,
  PasswordInput,
  Skeleton,
  Stack,
  Table,
  Text,
  TextInput,
  VisuallyHidden,
} from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Role, UserSummary } from '../../core/auth/model.ts';
import {
  displayNameSchema,
  passwordSchema,
  roleSchema,
  roles,
  usernameSchema,
} from '../lib/rules.ts';
import { api } from '../api/app-client.ts';
import { useApiMutation, useApiQuery } from '../api/hooks.ts';
import { Empty } from '../components/Empty.tsx';
import { IconCheck, IconDots, IconPlus } from '../components/icons.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { DialogActions } from '../components/DialogActions.tsx';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { roleLabelKey } from '../i18n/index.ts';
import { formatTime } from '../lib/format.ts';
import { useForm } from '../lib/form.ts';
import { checkField } from '../lib/validation.ts';
import { useLiveTick } from '../state/live.ts';
import { useSession } from '../state/session.ts';

type Dialog =
  | { kind: 'create' }
  | { kind: 'role'; user: UserSummary }
  | { kind: 'reset'; user: UserSummary }
  | { kind: 'disable'; user: UserSummary }
  | null;

function useRoleOptions() {
  const { t } = useTranslation();
  return roles.map((r) => ({ value: r, label: t(roleLabelKey(r)) }));
}

function CreateUserDialog(props: { onClose: () => void; onDone: (u: UserSummary) => void }) {
  const { t } = useTranslation();
  const roleOptions = useRoleOptions();
  const form = useForm({ displayName: '', username: '', role: 'cashier', password: '' }, (v) => ({
    displayName: checkField(displayNameSchema, v.displayName, t, {
      required: 'validation.nameRequired',
    }),
    username: checkField(usernameSchema, v.username, t, { format: 'validation.usernameChars' }),
    role: checkField(roleSchema, v.role, t),
    password: checkField(passwordSchema, v.password, t),
  }));
  const create = useApiMutation(
    (input: { displayName: string; username: string; role: Role; password: string }) =>
      api.users.create.mutate(input),
    { onProblem: form.showServerFields },
  );
  const onSubmit = form.submit(async (v) => {
    const user = await create.run({ ...v, role: roleSchema.parse(v.role) });
    if (user) props.onDone(user);
  });
  return (
    <form onSubmit={onSubmit} noValidate aria-label={t('users.createTitle')}>
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          {t('users.createIntro')}
        </Text>
        <ProblemAlert problem={create.problem} />
        <TextInput
          label={t('fields.displayName')}
          data-autofocus
          autoComplete="off"
          {...form.field('displayName')}
        />
        <TextInput
          label={t('fields.username')}
          autoComplete="off"
          autoCapitalize="none"
          spellCheck={false}
          {...form.field('username')}
        />
        <NativeSelect label={t('fields.role')} data={roleOptions} {...form.field('role')} />
        <PasswordInput
          label={t('fields.temporaryPassword')}
          autoComplete="new-password"
          {...form.field('password')}
        />
        <DialogActions
          onCancel={props.onClose}
          pending={create.pending}
          submitLabel={t('users.createSubmit')}
        />
      </Stack>
    </form>
  );
}

function ChangeRoleDialog(props: {
  user: UserSummary;
  onClose: () => void;
  onDone: (u: UserSummary) => void;
}) {
  const { t } = useTranslation();
  const roleOptions = useRoleOptions();
  const change = useApiMutation((role: Role) =>
    api.users.changeRole.mutate({ userId: props.user.id, role }),
  );
  const form = useForm({ role: props.user.role as string }, (v) => ({
    role: checkField(roleSchema, v.role, t),
  }));
  const onSubmit = form.submit(async (v) => {
    const user = await change.run(roleSchema.parse(v.role));
    if (user) props.onDone(user);
  });
  return (
    <form
      onSubmit={onSubmit}
      noValidate
      aria-label={t('users.roleTitle', { username: props.user.username })}
    >
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          {t('users.roleIntro')}
        </Text>
        <ProblemAlert problem={change.problem} />
        <NativeSelect
          label={t('fields.role')}
          data={roleOptions}
          data-autofocus
          {...form.field('role')}
        />
        <DialogActions
          onCancel={props.onClose}
          pending={change.pending}
          submitLabel={t('users.roleSubmit')}
        />
      </Stack>
    </form>
  );
}

function ResetPasswordDialog(props: {
  user: UserSummary;
  onClose: () => void;
  onDone: (u: UserSummary) => void;
}) {
  const { t } = useTranslation();
  const reset = useApiMutation((newPassword: string) =>
    api.users.resetPassword.mutate({ userId: props.user.id, newPassword }),
  );
  const form = useForm({ newPassword: '', confirm: '' }, (v) => ({
    newPassword: checkField(passwordSchema, v.newPassword, t),
    confirm: v.confirm !== v.newPassword ? t('validation.passwordsDiffer') : null,
  }));
  const onSubmit = form.submit(async (v) => {
    const user = await reset.run(v.newPassword);
    if (user) props.onDone(user);
  });
  return (
    <form
      onSubmit={onSubmit}
      noValidate
      aria-label={t('users.resetTitle', { username: props.user.username })}
    >
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          {t('users.resetIntro', { username: props.user.username })}
        </Text>
        <ProblemAlert problem={reset.problem} />
        <PasswordInput
          label={t('fields.temporaryPassword')}
          autoComplete="new-password"
          data-autofocus
          {...form.field('newPassword')}
        />
        <PasswordInput
          label={t('fields.confirmPassword')}
          autoComplete="new-password"
          {...form.field('confirm')}
        />
        <DialogActions
          onCancel={props.onClose}
          pending={reset.pending}
          submitLabel={t('users.resetSubmit')}
          color="orange"
        />
      </Stack>
    </form>
  );
}

function DisableDialog(props: {
  user: UserSummary;
  onClose: () => void;
  onDone: (u: UserSummary) => void;
}) {
  const { t } = useTranslation();
  const disable = useApiMutation(() =>
    api.users.setDisabled.mutate({ userId: props.user.id, disabled: true }),
  );
  return (
    <Stack gap="sm">
      <Text size="sm">{t('users.disableBody', { name: props.user.displayName })}</Text>
      <ProblemAlert problem={disable.problem} />
      <Group justify="flex-end" mt="sm">
        <Button variant="default" onClick={props.onClose} data-autofocus>
          {t('common.cancel')}
        </Button>
        <Button
          color="red"
          loading={disable.pending}
          onClick={async () => {
            const user = await disable.run();
            if (user) props.onDone(user);
          }}
        >
          {t('users.disableSubmit')}
        </Button>
      </Group>
    </Stack>
  );
}

function StatusBadges({ user }: { user: UserSummary }) {
  const { t } = useTranslation();
  return (
    <Group gap={6}>
      {user.disabled ? (
        <Badge color="gray" variant="filled">
          {t('users.disabled')}
        </Badge>
      ) : (
        <Badge color="teal" variant="light">
          {t('users.active')}
        </Badge>
      )}
      {user.mustChangePassword && !user.disabled && (
        <Badge color="yellow" variant="light">
          {t('users.mustChange')}
        </Badge>
      )}
    </Group>
  );
}

export function UsersScreen() {
  const { t, i18n } = useTranslation();
  const tick = useLiveTick();
  const me = useSession((s) => s.session?.user.id);
  const list = useApiQuery(() => api.users.list.query(), [tick]);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [done, setDone] = useState<string | null>(null);
  const enable = useApiMutation((userId: number) =>
    api.users.setDisabled.mutate({ userId, disabled: false }),
  );

  const finish = (message: string) => {
    setDialog(null);
    setDone(message);
    list.reload();
  };
  const close = () => setDialog(null);
  const now = Date.now();

  const dialogTitle =
    dialog?.kind === 'create'
      ? t('users.createTitle')
      : dialog?.kind === 'role'
        ? t('users.roleTitle', { username: dialog.user.username })
        : dialog?.kind === 'reset'
          ? t('users.resetTitle', { username: dialog.user.username })
          : dialog?.kind === 'disable'
            ? t('users.disableTitle', { username: dialog.user.username })
            : '';

  return (
    <>
      <PageHeader
        title={t('users.title')}
        intro={t('users.intro')}
        actions={
          <Button leftSection={<IconPlus />} onClick={() => setDialog({ kind: 'create' })}>
            {t('users.create')}
          </Button>
        }
      />
      <Stack gap="md">
        {done && (
          <Alert
            color="teal"
            variant="light"
            icon={<IconCheck />}
            withCloseButton
            closeButtonLabel={t('common.close')}
            onClose={() => setDone(null)}
            role="status"
            data-testid="done"
          >
            {done}
          </Alert>
        )}
        <ProblemAlert problem={list.problem ?? enable.problem} />
        <Card withBorder radius="md" padding={0}>
          {list.loading && !list.data ? (
            <Stack p="md">
              <Skeleton h={28} />
              <Skeleton h={28} />
            </Stack>
          ) : !list.data || list.data.length === 0 ? (
            !list.problem && <Empty title={t('users.empty')} />
          ) : (
            <Table.ScrollContainer minWidth={760}>
              <Table
                verticalSpacing="sm"
                horizontalSpacing="md"
                highlightOnHover
                data-testid="users-table"
              >
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('users.columns.name')}</Table.Th>
                    <Table.Th>{t('users.columns.role')}</Table.Th>
                    <Table.Th>{t('users.columns.status')}</Table.Th>
                    <Table.Th>{t('users.columns.pin')}</Table.Th>
                    <Table.Th>{t('users.columns.locked')}</Table.Th>
                    <Table.Th w={60}>
                      <VisuallyHidden>{t('users.columns.actions')}</VisuallyHidden>
                    </Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {list.data.map((u) => {
                    const lockedUntil =
                      u.lockedUntil && Date.parse(u.lockedUntil) > now ? u.lockedUntil : null;
                    return (
                      <Table.Tr key={u.id} data-testid={`user-row-${u.username}`}>
                        <Table.Td>
                          <Text size="sm" fw={500}>
                            {u.displayName}
                            {u.id === me && (
                              <Text span size="xs" c="dimmed">
                                {' '}
                                ({t('users.you')})
                              </Text>
                            )}
                          </Text>
                          <Text size="xs" c="dimmed">
                            {u.username}
                          </Text>
                        </Table.Td>
                        <Table.Td>{t(roleLabelKey(u.role))}</Table.Td>
                        <Table.Td>
                          <StatusBadges user={u} />
                        </Table.Td>
                        <Table.Td>{u.hasPin ? t('common.yes') : t('common.no')}</Table.Td>
                        <Table.Td>
                          {lockedUntil ? (
                            <Badge color="red" variant="light">
                              {t('users.lockedUntil', {
                                time: formatTime(lockedUntil, i18n.language),
                              })}
                            </Badge>
                          ) : (
                            <Text size="sm" c="dimmed">
                              {t('users.notLocked')}
                            </Text>
                          )}
                        </Table.Td>
                        <Table.Td>
                          <Menu position="bottom-end" withinPortal>
                            <Menu.Target>
                              <ActionIcon
                                variant="subtle"
                                color="gray"
                                aria-label={t('users.actionsFor', { username: u.username })}
                              >
                                <IconDots />
                              </ActionIcon>
                            </Menu.Target>
                            <Menu.Dropdown>
                              <Menu.Item onClick={() => setDialog({ kind: 'role', user: u })}>
                                {t('users.changeRole')}
                              </Menu.Item>
                              <Menu.Item onClick={() => setDialog({ kind: 'reset', user: u })}>
                                {t('users.resetPassword')}
                              </Menu.Item>
                              {u.disabled ? (
                                <Menu.Item
                                  onClick={async () => {
                                    const user = await enable.run(u.id);
                                    if (user)
                                      finish(t('users.enabledDone', { username: user.username }));
                                  }}
                                >
                                  {t('users.enable')}
                                </Menu.Item>
                              ) : (
                                u.id !== me && (
                                  <Menu.Item
                                    color="red"
                                    onClick={() => setDialog({ kind: 'disable', user: u })}
                                  >
                                    {t('users.disable')}
                                  </Menu.Item>
                                )
                              )}
                            </Menu.Dropdown>
                          </Menu>
                        </Table.Td>
                      </Table.Tr>
                    );
                  })}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </Card>
      </Stack>

      <Modal opened={dialog !== null} onClose={close} title={dialogTitle} centered size="md">
        {dialog?.kind === 'create' && (
          <CreateUserDialog
            onClose={close}
            onDone={(u) => finish(t('users.created', { username: u.username }))}
          />
        )}
        {dialog?.kind === 'role' && (
          <ChangeRoleDialog
            user={dialog.user}
            onClose={close}
            onDone={(u) =>
              finish(
                t('users.roleChanged', { username: u.username, role: t(roleLabelKey(u.role)) }),
              )
            }
          />
        )}
        {dialog?.kind === 'reset' && (
          <ResetPasswordDialog
            user={dialog.user}
            onClose={close}
            onDone={(u) => finish(t('users.resetDone', { username: u.username }))}
          />
        )}
        {dialog?.kind === 'disable' && (
          <DisableDialog
            user={dialog.user}
            onClose={close}
            onDone={(u) => finish(t('users.disabledDone', { username: u.username }))}
          />
        )}
      </Modal>
    </>
  );
}
