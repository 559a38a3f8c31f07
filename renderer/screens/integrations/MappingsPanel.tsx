import {
  Autocomplete,
  Badge,
  Button,
  Card,
  Group,
  Skeleton,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DoneAlert } from '../../components/DoneAlert.tsx';
import { api } from '../../api/app-client.ts';
import type { Outputs } from '../../api/client.ts';
import { useApiMutation, useApiQuery } from '../../api/hooks.ts';
import { Empty } from '../../components/Empty.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { formatEpoch } from '../../lib/format.ts';

type GroupView = Outputs['integrations']['mappings'][number];

function MappingRow(props: {
  connectionId: number;
  group: GroupView;
  code: string;
  canManage: boolean;
  onSaved: (message: string) => void;
}) {
  const { t } = useTranslation();
  const current = props.group.current.find((m) => m.internalCode === props.code);
  const [value, setValue] = useState(current?.externalCode ?? '');
  const save = useApiMutation((external: string | null) =>
    api.integrations.setMapping.mutate({
      id: props.connectionId,
      group: props.group.group.key,
      internalCode: props.code,
      externalCode: external,
    }),
  );
  const changed = value.trim() !== (current?.externalCode ?? '');
  const options =
    props.group.reference?.items.map((i) => ({ value: i.code, label: `${i.code} — ${i.name}` })) ??
    [];
  return (
    <Table.Tr data-testid={`mapping-${props.code}`}>
      <Table.Td>
        <Text size="sm" ff="monospace">
          {props.code}
        </Text>
      </Table.Td>
      <Table.Td>
        <Autocomplete
          size="xs"
          aria-label={`${t('integrations.mappings.theirs')}: ${props.code}`}
          placeholder={t('integrations.mappings.unmapped')}
          data={options}
          value={value}
          disabled={!props.canManage}
          onChange={setValue}
          error={save.problem?.message}
        />
      </Table.Td>
      <Table.Td>
        {current && (
          <Badge size="sm" variant="light" color={current.source === 'template' ? 'grape' : 'blue'}>
            {t(`integrations.mappings.source.${current.source}`)}
          </Badge>
        )}
      </Table.Td>
      {props.canManage && (
        <Table.Td>
          <Group gap={6} wrap="nowrap">
            <Button
              size="xs"
              variant="default"
              disabled={!changed || value.trim() === ''}
              loading={save.pending}
              onClick={async () => {
                if (await save.run(value.trim())) props.onSaved(t('integrations.mappings.saved'));
              }}
            >
              {t('common.save')}
            </Button>
            {current && (
              <Button
                size="xs"
                variant="subtle"
                color="red"
                onClick={async () => {
                  if (await save.run(null)) {
                    setValue('');
                    props.onSaved(t('integrations.mappings.saved'));
                  }
                }}
              >
                {t('integrations.mappings.remove')}
              </Button>
            )}
          </Group>
        </Table.Td>
      )}
    </Table.Tr>
  );
}

export function MappingsPanel(props: { connectionId: number; canManage: boolean }) {
  const { t, i18n } = useTranslation();
  const groups = useApiQuery(
    () => api.integrations.mappings.query({ id: props.connectionId }),
    [props.connectionId],
  );
  const [note, setNote] = useState<string | null>(null);
  if (groups.loading) return <Skeleton h={80} />;
  if (groups.problem) return <ProblemAlert problem={groups.problem} />;
  if (!groups.data?.length)
    return <Empty title={t('integrations.mappings.empty')} testId="mappings-empty" />;
  return (
    <Stack gap="md">
      {note && <DoneAlert>{note}</DoneAlert>}
      {groups.data.map((g) => (
        <Card key={g.group.key} withBorder radius="md" padding="md">
          <Title order={3} size="h5">
            {g.group.name}
          </Title>
          <Text size="xs" c="dimmed" mb="sm">
            {g.group.cardinality === 'one_to_one'
              ? t('integrations.mappings.oneToOne')
              : t('integrations.mappings.manyToOne')}
            {g.reference
              ? ` · ${t('integrations.mappings.reference', { time: formatEpoch(g.reference.refreshedAt, i18n.language) })}`
              : ''}
          </Text>
          <Table verticalSpacing={6}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('integrations.mappings.ours')}</Table.Th>
                <Table.Th>{t('integrations.mappings.theirs')}</Table.Th>
                <Table.Th />
                {props.canManage && <Table.Th />}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {g.internalCodes.map((code) => (
                <MappingRow
                  key={`${code}-${g.current.find((m) => m.internalCode === code)?.externalCode ?? ''}`}
                  connectionId={props.connectionId}
                  group={g}
                  code={code}
                  canManage={props.canManage}
                  onSaved={(m) => {
                    setNote(m);
                    groups.reload();
                  }}
                />
              ))}
            </Table.Tbody>
          </Table>
        </Card>
      ))}
    </Stack>
  );
}
