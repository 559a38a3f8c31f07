import { Badge, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { HealthLevel } from '../../core/integrations/rules.ts';

const colors: Record<HealthLevel, string> = {
  green: 'teal',
  yellow: 'yellow',
  red: 'red',
  off: 'gray',
};

/** A connection's health: the colour and its word, with the reasons on hover. */
export function HealthBadge(props: { level: HealthLevel; reasons: string[]; testId?: string }) {
  const { t } = useTranslation();
  const badge = (
    <Badge
      color={colors[props.level]}
      variant={props.level === 'red' ? 'filled' : 'light'}
      data-testid={props.testId ?? 'health-badge'}
      data-level={props.level}
    >
      {t(`integrations.health.${props.level}`)}
    </Badge>
  );
  return props.reasons.length ? (
    <Tooltip label={props.reasons.join(' ')} multiline w={320}>
      {badge}
    </Tooltip>
  ) : (
    badge
  );
}
