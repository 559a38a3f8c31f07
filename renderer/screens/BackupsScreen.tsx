import {
  Alert,
  Badge,
  Button,
  Card,
  Code,
  Group,
  SimpleGrid,
  Skeleton,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DoneAlert } from '../components/DoneAlert.tsx';
import type { BackupRecord } from '../../core/backup/model.ts';
import { backupSettingsSchema } from '../lib/rules.ts';
import { api } from '../api/app-client.ts';
import type { Outputs } from '../api/client.ts';
import { useApiMutation, useApiQuery } from '../api/hooks.ts';
import { Empty } from '../components/Empty.tsx';
import { IconBackup } from '../components/icons.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { formatBytes, formatDateTime } from '../lib/format.ts';
import { useForm } from '../lib/form.ts';
import { checkField, checkWholeNumber } from '../lib/validation.ts';
import { useLiveTick } from '../state/live.ts';

type Settings = Outputs['backup']['settings'];

function SettingsForm({ settings, onSaved }: { settings: Settings; onSaved: () => void }) {
  const { t, i18n } = useTranslation();
  const shape = backupSettingsSchema.shape;
  const initial = {
    folder: settings.folder,
    keep: String(settings.keep),
    dailyAt: settings.dailyAt,
  };
  const form = useForm(initial, (v) => ({
    folder: checkField(shape.folder, v.folder, t),
    keep: checkWholeNumber(shape.keep, v.keep, t),
    dailyAt: checkField(shape.dailyAt, v.dailyAt, t, { format: 'validation.timeFormat' }),
  }));
  const save = useApiMutation(
    (v: typeof initial) =>
      api.backup.updateSettings.mutate({
        folder: v.folder,
        keep: Number(v.keep),
        dailyAt: v.dailyAt,
      }),
    { onProblem: form.showServerFields },
  );
  const [saved, setSaved] = useState(false);
  const onSubmit = form.submit(async (v) => {
    setSaved(false);
    if (await save.run(v)) {
      setSaved(true);
      onSaved();
    }
  });
  return (
    <form onSubmit={onSubmit} noValidate aria-label={t('backups.settings')}>
      <Stack gap="sm">
        <ProblemAlert problem={save.problem} />
        {saved && <DoneAlert>{t('backups.saved')}</DoneAlert>}
        <TextInput
          label={t('backups.folder')}
          description={t('backups.folderHint', { folder: settings.effectiveFolder })}
          spellCheck={false}
          {...form.field('folder')}
        />
        <SimpleGrid cols={2} spacing="sm">
          <TextInput label={t('backups.keep')} inputMode="numeric" {...form.field('keep')} />
          <TextInput type="time" label={t('backups.dailyAt')} {...form.field('dailyAt')} />
        </SimpleGrid>
        <Text size="xs" c="dimmed">
          {settings.nextRun
            ? t('backups.nextRun', { time: formatDateTime(settings.nextRun, i18n.language) })
            : t('backups.noSchedule')}
        </Text>
        <Group justify="flex-end">
          <Button type="submit" variant="default" loading={save.pending}>
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function History({ records }: { records: BackupRecord[] }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  if (records.length === 0) return <Empty title={t('backups.empty')} testId="backups-empty" />;
  return (
    <Table.ScrollContainer minWidth={720}>
      <Table verticalSpacing="sm" horizontalSpacing="md" data-testid="backup-history">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('backups.columns.started')}</Table.Th>
            <Table.Th>{t('backups.columns.trigger')}</Table.Th>
            <Table.Th>{t('backups.columns.result')}</Table.Th>
            <Table.Th>{t('backups.columns.size')}</Table.Th>
            <Table.Th>{t('backups.columns.details')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {records.map((b) => (
            <Table.Tr key={b.id}>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>
                {formatDateTime(b.startedAt, lang)}
              </Table.Td>
              <Table.Td>{t(`backups.trigger.${b.trigger}`)}</Table.Td>
              <Table.Td>
                <Badge color={b.ok ? 'teal' : 'red'} variant={b.ok ? 'light' : 'filled'}>
                  {b.ok ? t('backups.ok') : t('backups.failed')}
                </Badge>
              </Table.Td>
              <Table.Td>{b.ok ? formatBytes(b.bytes, lang) : t('common.none')}</Table.Td>
              <Table.Td>
                {b.ok && b.file ? (
                  <Code style={{ wordBreak: 'break-all' }}>{b.file}</Code>
                ) : (
                  <Text size="sm" c="red.8">
                    {b.message}
                  </Text>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

export function BackupsScreen() {
  const { t } = useTranslation();
  const tick = useLiveTick();
  const settings = useApiQuery(() => api.backup.settings.query(), []);
  const history = useApiQuery(() => api.backup.history.query(), [tick]);
  const run = useApiMutation(() => api.backup.runNow.mutate());
  const [last, setLast] = useState<BackupRecord | null>(null);

  return (
    <>
      <PageHeader
        title={t('backups.title')}
        intro={t('backups.intro')}
        actions={
          <Button
            leftSection={<IconBackup />}
            loading={run.pending}
            disabled={run.pending}
            onClick={async () => {
              setLast(null);
              const record = await run.run();
              if (record) setLast(record);
              history.reload();
            }}
          >
            {run.pending ? t('backups.running') : t('backups.runNow')}
          </Button>
        }
      />
      <Stack gap="lg">
        <ProblemAlert problem={run.problem} />
        {last && (
          <Alert
            color={last.ok ? 'teal' : 'red'}
            variant="light"
            title={last.ok ? t('backups.runOk') : t('backups.runFailed')}
            role={last.ok ? 'status' : 'alert'}
            data-testid="backup-result"
          >
            {last.ok ? last.file : last.message}
          </Alert>
        )}
        <Card
          withBorder
          radius="md"
          padding="lg"
          component="section"
          aria-label={t('backups.settings')}
        >
          <Title order={2} size="h4" mb="sm">
            {t('backups.settings')}
          </Title>
          <ProblemAlert problem={settings.problem} />
          {settings.data ? (
            <SettingsForm settings={settings.data} onSaved={settings.reload} />
          ) : (
            settings.loading && <Skeleton h={160} />
          )}
        </Card>
        <Card
          withBorder
          radius="md"
          padding={0}
          component="section"
          aria-label={t('backups.history')}
        >
          <Title order={2} size="h4" p="lg" pb="xs">
            {t('backups.history')}
          </Title>
          <ProblemAlert problem={history.problem} />
          {history.data ? (
            <History records={history.data} />
          ) : (
            history.loading && <Skeleton h={80} m="lg" />
          )}
        </Card>
      </Stack>
    </>
  );
}
