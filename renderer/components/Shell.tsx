import {
  AppShell,
  Badge,
  Box,
  Burger,
  Button,
  Group,
  NavLink,
  Stack,
  Text,
  Tooltip,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, Route, Routes, useLocation } from 'react-router';
import type { SessionView } from '../../core/auth/model.ts';
import { roleLabelKey } from '../i18n/index.ts';
import { NoAccessScreen, NotFoundScreen } from '../screens/NoAccessScreen.tsx';
import { lockNow, signOut } from '../state/session-actions.ts';
import { can } from '../state/session.ts';
import { Brand } from './Brand.tsx';
import { IdleGuard } from './IdleGuard.tsx';
import { IconLock, IconSignOut } from './icons.tsx';
import { LanguageSwitch } from './LanguageSwitch.tsx';
import { ScannerBridge } from './ScannerBridge.tsx';
import { LiveUpdates } from './LiveUpdates.tsx';
import { opens, sections } from './sections.tsx';

export function Shell({ session }: { session: SessionView }) {
  const { t } = useTranslation();
  const location = useLocation();
  const allowed = sections.filter((s) => opens(session, s));
  const home = allowed[0]?.path ?? '/account';
  const { user } = session;
  // On a narrow window (a counter tablet) the navigation folds behind a menu button.
  const [navOpen, nav] = useDisclosure(false);
  const closeNav = nav.close;
  useEffect(() => closeNav(), [location.pathname, closeNav]);

  return (
    <AppShell
      header={{ height: 60 }}
      navbar={{ width: 232, breakpoint: 'sm', collapsed: { mobile: !navOpen } }}
      padding="xl"
    >
      <IdleGuard idleTimeoutMs={session.idleTimeoutMs} />
      {can(session, 'store:view') && <LiveUpdates />}
      {can(session, 'store:view') && <ScannerBridge />}
      <AppShell.Header px="md">
        <Group h="100%" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger
              opened={navOpen}
              onClick={nav.toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label={t('shell.nav')}
            />
            <Brand />
          </Group>
          <Group gap="md" wrap="nowrap">
            <Group
              gap={8}
              wrap="nowrap"
              visibleFrom="md"
              data-testid="current-user"
              aria-label={t('shell.signedInAs', { name: user.displayName })}
            >
              <Stack gap={0} align="flex-end">
                <Text size="sm" fw={600} lh={1.2}>
                  {user.displayName}
                </Text>
                <Text size="xs" c="dimmed" lh={1.2}>
                  {user.username}
                </Text>
              </Stack>
              <Badge variant="light" data-testid="current-role">
                {t(roleLabelKey(user.role))}
              </Badge>
            </Group>
            <Box visibleFrom="sm">
              <LanguageSwitch />
            </Box>
            <Tooltip label={t('shell.lockHint')}>
              <Button
                variant="default"
                size="xs"
                leftSection={<IconLock size={16} />}
                onClick={() => void lockNow()}
              >
                {t('shell.lock')}
              </Button>
            </Tooltip>
            <Button
              variant="subtle"
              color="gray"
              size="xs"
              leftSection={<IconSignOut size={16} />}
              onClick={() => void signOut()}
            >
              {t('shell.signOut')}
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="sm" component="nav" aria-label={t('shell.nav')}>
        {allowed.map((s) => (
          <NavLink
            key={s.path}
            component={Link}
            to={s.path}
            label={t(s.label)}
            leftSection={s.icon}
            active={location.pathname === s.path || location.pathname.startsWith(`${s.path}/`)}
            aria-current={location.pathname === s.path ? 'page' : undefined}
            variant="light"
            style={{ borderRadius: 6 }}
            mb={2}
          />
        ))}
        <Stack hiddenFrom="sm" mt="auto" gap="xs" pt="md">
          <Text size="sm" fw={600}>
            {user.displayName} · {t(roleLabelKey(user.role))}
          </Text>
          <LanguageSwitch testId="language-switch-nav" />
        </Stack>
      </AppShell.Navbar>
      <AppShell.Main bg="gray.0">
        <Routes>
          <Route path="/" element={<Navigate to={home} replace />} />
          {sections.map((s) => (
            <Route
              key={s.path}
              path={s.nested ? `${s.path}/*` : s.path}
              element={
                s.permission && !opens(session, s) ? (
                  <NoAccessScreen permission={s.permission} home={home} />
                ) : (
                  s.screen()
                )
              }
            />
          ))}
          <Route path="*" element={<NotFoundScreen home={home} />} />
        </Routes>
      </AppShell.Main>
    </AppShell>
  );
}
