import { Alert, Button, Card, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/app-client.ts';
import { useApiMutation } from '../../api/hooks.ts';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';

/**
 * A state permit instead of a check (ATF Brady permit chart): recorded on the 4473. It exempts
 * from running a check, never from a denial received (the desk shows the gate's answer).
 */
export function RecordPermit(props: { today: string; onRecorded: () => void }) {
  const { t } = useTranslation();
  const [v, setV] = useState({
    form4473: '',
    buyerKey: '',
    permitType: '',
    permitNumber: '',
    issuedOn: '',
  });
  const record = useApiMutation(() => api.firearms.recordPermit.mutate(v));
  const [result, setResult] = useState<{ qualifies: boolean; reason: string } | null>(null);
  const issuedInFuture = props.today !== '' && v.issuedOn > props.today;
  const field = (k: keyof typeof v, type = 'text') => (
    <TextInput
      label={t(`firearms.permit.${k}`)}
      type={type}
      {...(type === 'date' && props.today ? { max: props.today } : {})}
      error={
        k === 'issuedOn' && issuedInFuture
          ? t('firearms.gate.permitFuture', { today: props.today })
          : undefined
      }
      value={v[k]}
      onChange={(e) => {
        const value = e.currentTarget.value;
        setV((x) => ({ ...x, [k]: value }));
      }}
      size="xs"
    />
  );
  return (
    <Card withBorder data-testid="record-permit">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (issuedInFuture) return;
          void record.run().then((r) => {
            if (!r) return;
            setResult(r);
            props.onRecorded();
          });
        }}
      >
        <Stack gap="xs">
          <Title order={4}>{t('firearms.permit.title')}</Title>
          <Text size="sm" c="gray.7">
            {t('firearms.permit.hint')} {t('firearms.gate.permitNote')}
          </Text>
          <Group grow align="flex-end">
            {field('form4473')}
            {field('buyerKey')}
            {field('permitType')}
            {field('permitNumber')}
            {field('issuedOn', 'date')}
            <Button type="submit" size="xs" color="teal.9" loading={record.pending}>
              {t('firearms.permit.submit')}
            </Button>
          </Group>
          <ProblemAlert problem={record.problem} />
          {result && (
            <Alert color={result.qualifies ? 'teal' : 'yellow'} data-testid="permit-result">
              {result.reason}
            </Alert>
          )}
        </Stack>
      </form>
    </Card>
  );
}
