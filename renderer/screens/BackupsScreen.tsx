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
import type { BackupCheck, BackupRecord } from '../../core/backup/model.ts';
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
import { can, useSession } from '../state/session.ts';

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

function CheckResult({ check, onStaged }: { check: BackupCheck; onStaged: () => void }) {
  const { t, i18n } = useTranslation();
  const [typed, setTyped] = useState('');
  const stage = useApiMutation(() =>
    api.backup.stageRestore.mutate({ name: check.name, sha256: check.sha256 }),
  );
  const word = t('backups.restore.confirmWord');
  const good = check.problem === null;
  return (
    <Alert
      color={good ? 'teal' : 'red'}
      variant="light"
      title={t('backups.restore.resultTitle', { name: check.name })}
      data-testid="restore-check"
    >
      <Stack gap={6}>
        <Text size="sm">
          {check.integrity === 'ok'
            ? t('backups.restore.integrityOk')
            : t('backups.restore.integrityBad', { why: check.integrity })}
        </Text>
        <Text size="sm" data-testid="restore-chain">
          {check.chain.ok
            ? t('backups.restore.chainOk', {
                count: check.chain.length,
                head: check.chain.headHash.slice(0, 12),
              })
            : t('backups.restore.chainBroken', {
                at: check.chain.brokenAt,
                why: check.chain.reason,
              })}
        </Text>
        <Text
          size="sm"
          data-testid="restore-anchor"
          fw={check.anchor.state === 'matches' ? undefined : 600}
          c={check.anchor.state === 'missing' ? 'orange.8' : undefined}
          role={check.anchor.state === 'missing' ? 'status' : undefined}
        >
          {t(`backups.restore.anchor.${check.anchor.state}`, {
            seq: check.anchor.anchoredSeq ?? 0,
            length: check.chain.length,
            time: check.anchor.anchoredAt
              ? formatDateTime(check.anchor.anchoredAt, i18n.language)
              : '',
          })}
        </Text>
        {check.lastEntryAt && (
          <Text size="sm">
            {t('backups.restore.newest', {
              time: formatDateTime(check.lastEntryAt, i18n.language),
            })}
          </Text>
        )}
        {check.problem ? (
          <Text size="sm" fw={600} role="alert">
            {t(`backups.restore.problem.${check.problem.reason}`)}
          </Text>
        ) : (
          <>
            {check.newerEntriesNow !== null && check.newerEntriesNow > 0 && (
              <Text size="sm" fw={600}>
                {t('backups.restore.setAside', { count: check.newerEntriesNow })}
              </Text>
            )}
            <ProblemAlert problem={stage.problem} />
            <Group align="flex-end">
              <TextInput
                label={t('backups.restore.confirmLabel', { word })}
                value={typed}
                onChange={(e) => setTyped(e.currentTarget.value)}
                spellCheck={false}
                autoComplete="off"
              />
              <Button
                color="red"
                disabled={typed.trim() !== word}
                loading={stage.pending}
                onClick={async () => {
                  if (await stage.run()) onStaged();
                }}
              >
                {t('backups.restore.stage')}
              </Button>
            </Group>
          </>
        )}
      </Stack>
    </Alert>
  );
}

/**
 * Owner only: check a backup (its chain check and anchor check shown first), stage it for the
 * next start.
 */
function RestoreCard() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const list = useApiQuery(() => api.backup.restorable.query(), []);
  const check = useApiMutation((name: string) => api.backup.checkRestore.mutate({ name }));
  const cancel = useApiMutation(() => api.backup.cancelRestore.mutate());
  const [result, setResult] = useState<BackupCheck | null>(null);
  const [cancelled, setCancelled] = useState(false);
  const pending = list.data?.pending ?? null;
  return (
    <Card
      withBorder
      radius="md"
      padding="lg"
      component="section"
      aria-label={t('backups.restore.title')}
      data-testid="restore"
    >
      <Title order={2} size="h4" mb="xs">
        {t('backups.restore.title')}
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        {t('backups.restore.intro')}
      </Text>
      <Stack gap="sm">
        <ProblemAlert problem={list.problem ?? check.problem ?? cancel.problem} />
        {cancelled && <DoneAlert>{t('backups.restore.cancelled')}</DoneAlert>}
        {pending && (
          <Alert
            color="yellow"
            variant="light"
            title={t('backups.restore.stagedTitle', { name: pending.name })}
            role="status"
            data-testid="restore-pending"
          >
            <Stack gap={6}>
              <Text size="sm">{t('backups.restore.stagedBody')}</Text>
              <Text size="xs" c="dimmed">
                {t('backups.restore.stagedBy', {
                  user: pending.requestedBy,
                  time: formatDateTime(pending.stagedAt, lang),
                })}
              </Text>
              <Group>
                <Button
                  variant="default"
                  loading={cancel.pending}
                  onClick={async () => {
                    if (await cancel.run()) {
                      setCancelled(true);
                      list.reload();
                    }
                  }}
                >
                  {t('backups.restore.cancel')}
                </Button>
              </Group>
            </Stack>
          </Alert>
        )}
        {list.data && list.data.backups.length === 0 && (
          <Text size="sm" c="dimmed">
            {t('backups.restore.empty')}
          </Text>
        )}
        {list.data && list.data.backups.length > 0 && (
          <Table verticalSpacing="xs" data-testid="restorable">
            <Table.Tbody>
              {list.data.backups.map((b) => (
                <Table.Tr key={b.name}>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    {b.madeAt ? formatDateTime(b.madeAt, lang) : b.name}
                  </Table.Td>
                  <Table.Td>{formatBytes(b.bytes, lang)}</Table.Td>
                  <Table.Td>
                    {b.hasKeyInfo ? (
                      <Code>{b.name}</Code>
                    ) : (
                      <Text size="sm" c="red.8">
                        {t('backups.restore.noKeyInfo')}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Button
                      size="xs"
                      variant="default"
                      disabled={!b.hasKeyInfo || check.pending}
                      loading={check.pending && result === null}
                      onClick={async () => {
                        setResult(null);
                        setCancelled(false);
                        const r = await check.run(b.name);
                        if (r) setResult(r);
                      }}
                    >
                      {t('backups.restore.check')}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        {result && (
          <CheckResult
            key={result.sha256}
            check={result}
            onStaged={() => {
              setResult(null);
              list.reload();
            }}
          />
        )}
      </Stack>
    </Card>
  );
}

export function BackupsScreen() {
  const { t } = useTranslation();
  const tick = useLiveTick();
  const settings = useApiQuery(() => api.backup.settings.query(), []);
  const history = useApiQuery(() => api.backup.history.query(), [tick]);
  const run = useApiMutation(() => api.backup.runNow.mutate());
  const [last, setLast] = useState<BackupRecord | null>(null);
  const session = useSession((s) => s.session);
  const mayRestore = can(session, 'backup:restore');

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
        {mayRestore && <RestoreCard />}
      </Stack>
    </>
  );
}
