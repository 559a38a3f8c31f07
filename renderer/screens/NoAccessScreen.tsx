import { Button, EmptyState } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Permission } from '../../core/auth/model.ts';
import { IconLock } from '../components/icons.tsx';
import { permissionLabelKey, roleLabelKey } from '../i18n/index.ts';
import { useSession } from '../state/session.ts';

/** A page the user's role does not include. The server refuses its calls anyway. */
export function NoAccessScreen({ permission, home }: { permission: Permission; home: string }) {
  const { t } = useTranslation();
  const role = useSession((s) => s.session?.user.role);
  return (
    <EmptyState
      py={60}
      variant="light"
      color="orange"
      icon={<IconLock size={24} />}
      title={t('access.deniedTitle')}
      description={t('access.deniedBody', {
        role: role ? t(roleLabelKey(role)) : '',
        permission: t(permissionLabelKey(permission)),
      })}
      data-testid="no-access"
      role="alert"
    >
      <EmptyState.Actions>
        <Button component={Link} to={home} variant="default">
          {t('access.goHome')}
        </Button>
      </EmptyState.Actions>
    </EmptyState>
  );
}

export function NotFoundScreen({ home }: { home: string }) {
  const { t } = useTranslation();
  return (
    <EmptyState
      py={60}
      title={t('access.notFoundTitle')}
      description={t('access.notFoundBody')}
      data-testid="not-found"
    >
      <EmptyState.Actions>
        <Button component={Link} to={home} variant="default">
          {t('access.goHome')}
        </Button>
      </EmptyState.Actions>
    </EmptyState>
  );
}
