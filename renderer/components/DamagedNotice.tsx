import { Code, List, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Outputs } from '../api/client.ts';
import { UrgentNotice } from './UrgentNotice.tsx';

type Health = Outputs['system']['health'];

const RESTORE_COMMAND = 'npm run restore -- FILE';
const CHECK_EVERY_MS = 30_000;

/**
 * The store database failed SQLite's integrity check: the server is read-only and refuses
 * every change until a backup is restored. Shown above every screen (sign-in too: nobody can
 * sign in to a store that cannot record it), with what to do. Renders nothing otherwise.
 * It asks /healthz's twin (system.health, public) itself, so it can sit anywhere:
 * `<DamagedNotice />`.
 */
export function DamagedNotice({ health }: { health?: Health | undefined }) {
  const { t } = useTranslation();
  const [fetched, setFetched] = useState<Health | undefined>(undefined);
  useEffect(() => {
    if (health) return;
    let live = true;
    // Loaded here, not at import: the window's client needs a window (tests render without).
    const check = () =>
      import('../api/app-client.ts')
        .then(({ api }) => api.system.health.query())
        .then(
          (h) => live && setFetched(h),
          () => undefined,
        );
    void check();
    const timer = setInterval(() => void check(), CHECK_EVERY_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [health]);
  const integrity = (health ?? fetched)?.integrity;
  if (integrity?.state !== 'damaged') return null;
  return (
    <UrgentNotice variant="filled" title={t('damaged.title')} testId="damaged-notice">
      <Text size="sm">{t('damaged.body')}</Text>
      <Text size="sm" fw={700}>
        {t('damaged.howTitle')}
      </Text>
      <List size="sm" spacing={4} type="ordered">
        <List.Item>{t('damaged.stepStop')}</List.Item>
        <List.Item>
          {t('damaged.stepRestore')} <Code>{RESTORE_COMMAND}</Code>
        </List.Item>
        <List.Item>{t('damaged.stepKeep')}</List.Item>
      </List>
      <Text size="xs">{t('damaged.detail', { detail: integrity.detail })}</Text>
    </UrgentNotice>
  );
}
