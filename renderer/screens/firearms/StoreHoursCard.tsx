import {
  ActionIcon,
  Badge,
  Button,
  Card,
  Checkbox,
  Group,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/app-client.ts';
import type { Outputs } from '../../api/client.ts';
import { useApiMutation, useApiQuery } from '../../api/hooks.ts';
import { DoneAlert } from '../../components/DoneAlert.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';

type Hours = Outputs['firearms']['storeHours']['hours'];
const days = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const zones = Intl.supportedValuesOf('timeZone');

/**
 * When the store is open: the calendar the book's deadlines (an acquisition entered by close
 * of the next business day) and the multiple-sale window (5 of the store's business days)
 * count in.
 */
export function StoreHoursCard(props: { canEdit: boolean }) {
  const { t } = useTranslation();
  const current = useApiQuery(() => api.firearms.storeHours.query(), []);
  const [draft, setDraft] = useState<Hours | null>(null);
  const [closure, setClosure] = useState('');
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (current.data) setDraft(current.data.hours);
  }, [current.data]);
  const save = useApiMutation((h: Hours) => api.firearms.setStoreHours.mutate(h));
  if (!draft) return <ProblemAlert problem={current.problem} />;
  const edit = (next: Partial<Hours>) => {
    setSaved(false);
    setDraft({ ...draft, ...next });
  };
  const setClose = (day: (typeof days)[number], v: string | null) =>
    edit({ closes: { ...draft.closes, [day]: v } });
  const addClosure = () => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(closure) || draft.closedDates.includes(closure)) return;
    edit({ closedDates: [...draft.closedDates, closure].sort() });
    setClosure('');
  };
  return (
    <Card withBorder component="section" aria-label={t('firearms.settings.hoursTitle')}>
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={3}>{t('firearms.settings.hoursTitle')}</Title>
          {!current.data?.custom && (
            <Badge variant="light" color="gray" data-testid="hours-defaults">
              {t('firearms.settings.defaults')}
            </Badge>
          )}
        </Group>
        <Text size="sm" c="dimmed">
          {t('firearms.settings.hoursHint')}
        </Text>
        <Select
          label={t('firearms.settings.timeZone')}
          placeholder={t('firearms.settings.thisPc')}
          data={zones}
          searchable
          clearable
          clearButtonProps={{ 'aria-label': t('firearms.a11y.clear') }}
          disabled={!props.canEdit}
          value={draft.timeZone ?? null}
          onChange={(v) => {
            const { timeZone: _dropped, ...rest } = draft;
            setSaved(false);
            setDraft(v ? { ...rest, timeZone: v } : rest);
          }}
          w={280}
        />
        <SimpleGrid cols={{ base: 2, sm: 4, lg: 7 }} spacing="xs" data-testid="store-days">
          {days.map((d) => (
            <Stack key={d} gap={4}>
              <Checkbox
                label={t(`firearms.settings.days.${d}`)}
                checked={draft.closes[d] !== null}
                disabled={!props.canEdit}
                onChange={(e) => setClose(d, e.currentTarget.checked ? '18:00' : null)}
              />
              {draft.closes[d] !== null && (
                <TextInput
                  type="time"
                  size="xs"
                  aria-label={t('firearms.settings.closesOn', {
                    day: t(`firearms.settings.days.${d}`),
                  })}
                  disabled={!props.canEdit}
                  value={draft.closes[d] ?? ''}
                  onChange={(e) => setClose(d, e.currentTarget.value)}
                />
              )}
            </Stack>
          ))}
        </SimpleGrid>
        <Select
          label={t('firearms.settings.holidays')}
          data={[
            { value: 'actual', label: t('firearms.settings.holidaysActual') },
            { value: 'observed', label: t('firearms.settings.holidaysObserved') },
          ]}
          allowDeselect={false}
          disabled={!props.canEdit}
          value={draft.holidayDates}
          onChange={(v) => edit({ holidayDates: v === 'observed' ? 'observed' : 'actual' })}
          w={420}
        />
        <Stack gap={4}>
          <Text size="sm" fw={500}>
            {t('firearms.settings.closures')}
          </Text>
          {draft.closedDates.length === 0 ? (
            <Text size="sm" c="dimmed">
              {t('firearms.settings.noClosures')}
            </Text>
          ) : (
            <Group gap="xs" data-testid="closures">
              {draft.closedDates.map((d) => (
                <Badge
                  key={d}
                  variant="outline"
                  rightSection={
                    props.canEdit && (
                      <ActionIcon
                        size="xs"
                        variant="transparent"
                        aria-label={t('firearms.settings.removeClosure', { date: d })}
                        onClick={() =>
                          edit({ closedDates: draft.closedDates.filter((x) => x !== d) })
                        }
                      >
                        ×
                      </ActionIcon>
                    )
                  }
                >
                  {d}
                </Badge>
              ))}
            </Group>
          )}
          {props.canEdit && (
            <Group gap="xs" align="flex-end">
              <TextInput
                type="date"
                size="xs"
                label={t('firearms.settings.addClosure')}
                value={closure}
                onChange={(e) => setClosure(e.currentTarget.value)}
                onKeyDown={(e) => {
                  if (e.key !== 'Enter') return;
                  e.preventDefault();
                  addClosure();
                }}
              />
              <Button size="xs" variant="default" onClick={addClosure} disabled={!closure}>
                {t('firearms.settings.add')}
              </Button>
            </Group>
          )}
        </Stack>
        <ProblemAlert problem={save.problem ?? current.problem} />
        {saved && <DoneAlert testId="hours-saved">{t('firearms.settings.hoursSaved')}</DoneAlert>}
        {props.canEdit ? (
          <Group justify="flex-end">
            <Button
              loading={save.pending}
              onClick={() =>
                void save.run(draft).then((r) => {
                  if (!r) return;
                  setSaved(true);
                  current.reload();
                })
              }
            >
              {t('firearms.settings.saveHours')}
            </Button>
          </Group>
        ) : (
          <Text size="sm" c="dimmed">
            {t('firearms.settings.managerOnly')}
          </Text>
        )}
      </Stack>
    </Card>
  );
}
