import { Badge, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useLiveConnected } from '../state/live.ts';

/** Says the screen updates by itself (shown while the change feed is connected). */
export function LiveBadge() {
  const { t } = useTranslation();
  const connected = useLiveConnected();
  if (!connected) return null;
  return (
    <Tooltip label={t('common.liveHint')}>
      <Badge variant="dot" color="teal" size="lg" data-testid="live">
        {t('common.live')}
      </Badge>
    </Tooltip>
  );
}
