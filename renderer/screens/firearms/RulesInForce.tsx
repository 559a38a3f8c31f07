import { Alert, Anchor, Badge, Group, List, Stack, Text, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api/app-client.ts';
import { useApiQuery } from '../../api/hooks.ts';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { formatEpoch } from '../../lib/format.ts';
import {
  assumptionText,
  ruleOriginText,
  ruleValueText,
  sourceLinks,
  type RuleLine,
  type RulesInForceAnswer,
} from './rules-in-force-text.ts';

/**
 * The background-check rules in force today for the store's state, compact (one line per rule),
 * for the check desk: each with where it comes from and an "assumption" badge where no checked
 * source backs it, and a link to record the state's rule. Fetches what it needs.
 */
export function RulesInForce() {
  const { t } = useTranslation();
  const rules = useApiQuery(() => api.checks.rulesInForce.query(), []);
  return (
    <Stack gap={4} data-testid="rules-in-force">
      <Text fw={600} size="sm">
        {t('firearms.statePolicy.title')}
      </Text>
      <ProblemAlert problem={rules.problem} />
      {rules.data && <RulesInForceView data={rules.data} recordLink />}
    </Stack>
  );
}

/** The list itself, for the check desk and the Book settings page (which has the form). */
export function RulesInForceView(props: { data: RulesInForceAnswer; recordLink?: boolean }) {
  const { t } = useTranslation();
  const { data } = props;
  if (!data.state || !data.inForce)
    return (
      <Alert color="yellow" variant="light" data-testid="rules-in-force-no-state">
        <Stack gap={4}>
          <Text size="sm">{t('firearms.statePolicy.noState')}</Text>
          <Anchor component={Link} to="/integrations" size="sm">
            {t('firearms.statePolicy.setState')}
          </Anchor>
        </Stack>
      </Alert>
    );
  const inForce = data.inForce;
  const anyAssumption = inForce.rules.some((r) => r.assumption);
  return (
    <Stack gap={4}>
      <Text size="xs" c="dimmed">
        {t('firearms.statePolicy.forState', { state: data.state, date: inForce.date })} ·{' '}
        {t('firearms.statePolicy.dataVersion', {
          effective: inForce.policyEffective,
          checkedOn: inForce.checkedOn,
        })}
      </Text>
      <List size="sm" spacing={2} listStyleType="none" withPadding={false}>
        {inForce.rules.map((r) => (
          <RuleItem key={r.rule} rule={r} />
        ))}
      </List>
      {(props.recordLink || anyAssumption) && (
        <Text size="xs" c="dimmed" data-testid="assumption-hint">
          {anyAssumption ? `${t('firearms.statePolicy.assumptionHint')} ` : ''}
          {props.recordLink && (
            <Anchor
              component={Link}
              to="/firearms/settings"
              size="xs"
              underline="always"
              data-testid="record-state-rule"
            >
              {t('firearms.statePolicy.recordRule')}
            </Anchor>
          )}
        </Text>
      )}
    </Stack>
  );
}

function RuleItem({ rule }: { rule: RuleLine }) {
  const { t, i18n } = useTranslation();
  const text = ruleValueText(rule);
  // The firearm types a multiple-sale rule counts, in the reader's language.
  const value =
    rule.rule === 'multipleSale'
      ? {
          ...text,
          values: {
            ...text.values,
            types: rule.value.types
              .map((type) =>
                t(`firearms.statePolicy.typeNames.${type}` as 'firearms.statePolicy.title', {
                  defaultValue: type,
                }),
              )
              .join(', '),
          },
        }
      : text;
  const origin = ruleOriginText(rule, (ms) => formatEpoch(ms, i18n.language));
  const why = assumptionText(rule);
  const note = rule.origin.kind === 'shipped' ? rule.origin.note : null;
  const links = sourceLinks(rule);
  // The tooltip: where it comes from, why it is an assumption, the data's note, the addresses.
  const tip = [
    t(origin.key, origin.values),
    why ? t(why.key, why.values) : '',
    note ?? '',
    ...links.map((l) => `${l.name}: ${l.url}`),
  ]
    .filter(Boolean)
    .join('\n');
  return (
    <List.Item data-testid={`rule-${rule.rule}`}>
      <Group gap={6} wrap="wrap" align="baseline">
        <Text size="sm" fw={500}>
          {t(`firearms.statePolicy.rule.${rule.rule}`)}:
        </Text>
        <Text size="sm">{t(value.key, value.values)}</Text>
        {rule.assumption && (
          <Tooltip
            label={why ? t(why.key, why.values) : t('firearms.statePolicy.assumptionHint')}
            multiline
            w={320}
            withArrow
          >
            <Badge size="xs" color="yellow" variant="light" data-testid="assumption">
              {t('firearms.statePolicy.assumption')}
            </Badge>
          </Tooltip>
        )}
        {rule.origin.kind === 'store' && (
          <Badge size="xs" color="blue" variant="light">
            {t('firearms.statePolicy.yourRule')}
          </Badge>
        )}
      </Group>
      <Tooltip label={tip} multiline w={360} withArrow style={{ whiteSpace: 'pre-line' }}>
        <Text size="xs" c="dimmed" lineClamp={1} data-testid="rule-origin">
          {t(origin.key, origin.values)}
        </Text>
      </Tooltip>
    </List.Item>
  );
}
