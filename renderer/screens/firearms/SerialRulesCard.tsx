import {
  Badge,
  Button,
  Card,
  Group,
  NumberInput,
  SegmentedControl,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/app-client.ts';
import type { Inputs } from '../../api/client.ts';
import { useApiMutation, useApiQuery } from '../../api/hooks.ts';
import { Empty } from '../../components/Empty.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { serialFormatProblems, serialFormatRuleSchema } from '../../lib/rules.ts';
import { TypeFilter } from './TypeFilter.tsx';

type Rule = Inputs['firearms']['addSerialRule'];
interface Draft {
  manufacturer: string;
  type: string;
  pattern: string;
  minLength: string | number;
  maxLength: string | number;
  action: 'warn' | 'block';
  note: string;
}
const blankRule: Draft = {
  manufacturer: '',
  type: '',
  pattern: '',
  minLength: '',
  maxLength: '',
  action: 'warn',
  note: '',
};

/** The rule as the API takes it, empty fields left out. */
function ruleOf(d: Draft): unknown {
  return {
    manufacturer: d.manufacturer,
    action: d.action,
    ...(d.type ? { type: d.type } : {}),
    ...(d.pattern.trim() ? { pattern: d.pattern.trim() } : {}),
    ...(typeof d.minLength === 'number' ? { minLength: d.minLength } : {}),
    ...(typeof d.maxLength === 'number' ? { maxLength: d.maxLength } : {}),
    ...(d.note.trim() ? { note: d.note.trim() } : {}),
  };
}

/**
 * The store's serial format rules per maker (and type): a warning at acquisition, or a block
 * that refuses the serial. A rule is retired, never deleted, so what was checked stays known.
 */
export function SerialRulesCard(props: { canEdit: boolean }) {
  const { t } = useTranslation();
  const list = useApiQuery(() => api.firearms.serialRules.query(), []);
  const [draft, setDraft] = useState<Draft>(blankRule);
  const [tried, setTried] = useState(false);
  const [sample, setSample] = useState('');
  const parsed = serialFormatRuleSchema.safeParse(ruleOf(draft));
  const add = useApiMutation((r: Rule) => api.firearms.addSerialRule.mutate(r));
  const retire = useApiMutation((id: number) => api.firearms.retireSerialRule.mutate({ id }));
  const set = (k: keyof Draft) => (v: Draft[keyof Draft]) => setDraft((d) => ({ ...d, [k]: v }));
  const tryIt =
    parsed.success && sample.trim()
      ? serialFormatProblems([parsed.data], {
          manufacturer: parsed.data.manufacturer,
          type: parsed.data.type ?? '',
          serial: sample,
        })
      : null;
  return (
    <Card withBorder component="section" aria-label={t('firearms.settings.serialTitle')}>
      <Stack gap="sm">
        <Title order={3}>{t('firearms.settings.serialTitle')}</Title>
        <Text size="sm" c="dimmed">
          {t('firearms.settings.serialHint')}
        </Text>
        {(list.data?.length ?? 0) === 0 ? (
          <Empty title={t('firearms.settings.noSerialRules')} />
        ) : (
          <Table data-testid="serial-rules">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('firearms.columns.manufacturer')}</Table.Th>
                <Table.Th>{t('firearms.columns.type')}</Table.Th>
                <Table.Th>{t('firearms.settings.rule')}</Table.Th>
                <Table.Th>{t('firearms.settings.action')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data?.map((r) => (
                <Table.Tr key={r.id}>
                  <Table.Td>{r.manufacturer}</Table.Td>
                  <Table.Td>{r.type ?? t('firearms.settings.anyType')}</Table.Td>
                  <Table.Td>
                    <Text size="sm" ff="monospace">
                      {[
                        r.pattern,
                        r.minLength || r.maxLength
                          ? t('firearms.settings.lengths', {
                              min: r.minLength ?? 1,
                              max: r.maxLength ?? 60,
                            })
                          : '',
                      ]
                        .filter(Boolean)
                        .join(' · ')}
                    </Text>
                    {r.note && (
                      <Text size="xs" c="dimmed">
                        {r.note}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Badge color={r.action === 'block' ? 'red' : 'yellow'} variant="light">
                      {t(`firearms.settings.actions.${r.action}`)}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    {props.canEdit && (
                      <Button
                        size="xs"
                        variant="subtle"
                        color="red"
                        loading={retire.pending}
                        onClick={() => void retire.run(r.id).then((ok) => ok && list.reload())}
                      >
                        {t('firearms.settings.retire')}
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        {props.canEdit && (
          <form
            noValidate
            aria-label={t('firearms.settings.addSerialRule')}
            onSubmit={(e) => {
              e.preventDefault();
              setTried(true);
              if (!parsed.success) return;
              void add.run(parsed.data).then((ok) => {
                if (!ok) return;
                setDraft(blankRule);
                setSample('');
                setTried(false);
                list.reload();
              });
            }}
          >
            <Stack gap="xs">
              <Group gap="xs" align="flex-end" wrap="wrap">
                <TextInput
                  size="xs"
                  label={t('firearms.columns.manufacturer')}
                  value={draft.manufacturer}
                  onChange={(e) => set('manufacturer')(e.currentTarget.value)}
                  w={160}
                />
                <TypeFilter value={draft.type} onChange={set('type')} w={130} />
                <TextInput
                  size="xs"
                  label={t('firearms.settings.pattern')}
                  placeholder="^[A-Z]{3}\d{3}$"
                  ff="monospace"
                  value={draft.pattern}
                  onChange={(e) => set('pattern')(e.currentTarget.value)}
                  w={180}
                />
                {(['minLength', 'maxLength'] as const).map((k) => (
                  <NumberInput
                    key={k}
                    size="xs"
                    label={t(`firearms.settings.${k}`)}
                    min={1}
                    max={60}
                    value={draft[k]}
                    onChange={set(k)}
                    w={90}
                  />
                ))}
                <SegmentedControl
                  size="xs"
                  value={draft.action}
                  onChange={(v) => set('action')(v === 'block' ? 'block' : 'warn')}
                  data={(['warn', 'block'] as const).map((a) => ({
                    value: a,
                    label: t(`firearms.settings.actions.${a}`),
                  }))}
                  aria-label={t('firearms.settings.action')}
                />
              </Group>
              <Group gap="xs" align="flex-end" wrap="wrap">
                <TextInput
                  size="xs"
                  label={t('firearms.settings.note')}
                  value={draft.note}
                  onChange={(e) => set('note')(e.currentTarget.value)}
                  w={300}
                />
                <TextInput
                  size="xs"
                  label={t('firearms.settings.trySerial')}
                  ff="monospace"
                  value={sample}
                  onChange={(e) => setSample(e.currentTarget.value)}
                  w={160}
                />
                {tryIt && (
                  <Text size="sm" c={tryIt.length ? 'orange' : 'teal'} data-testid="serial-try">
                    {tryIt[0]?.message ?? t('firearms.settings.serialPasses')}
                  </Text>
                )}
                <Button size="xs" type="submit" loading={add.pending}>
                  {t('firearms.settings.addSerialRule')}
                </Button>
              </Group>
              {tried && !parsed.success && (
                <Text size="sm" c="red" role="alert">
                  {parsed.error.issues[0]?.message}
                </Text>
              )}
            </Stack>
          </form>
        )}
        <ProblemAlert problem={list.problem ?? add.problem ?? retire.problem} />
      </Stack>
    </Card>
  );
}
