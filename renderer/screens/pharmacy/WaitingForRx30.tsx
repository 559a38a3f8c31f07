import { Alert, Button, Card, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/app-client.ts';
import { useApiQuery } from '../../api/hooks.ts';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { ReasonDialog } from '../../components/ReasonDialog.tsx';
import { formatTime } from '../../lib/format.ts';
import { useLiveTick } from '../../state/live.ts';
import { can, useSession } from '../../state/session.ts';

/**
 * Pickup reports Rx30 has not taken yet, in the order they go. When Rx30 keeps refusing the
 * first, it says why; a manager settles it in Rx30 by hand and sets it aside, so the rest go.
 * Shown only while something waits.
 */
export function WaitingForRx30() {
  const { t, i18n } = useTranslation();
  const tick = useLiveTick();
  const session = useSession((s) => s.session);
  const q = useApiQuery(() => api.pharmacy.waitingForRx30.query(), [tick]);
  const [aside, setAside] = useState<string | null>(null);
  if (!q.data || q.data.waiting.length === 0) return <ProblemAlert problem={q.problem} />;
  const { waiting, stuck } = q.data;
  return (
    <Card withBorder component="section" aria-label={t('pharmacy.rx30Waiting.title')}>
      <Stack gap="sm" data-testid="waiting-for-rx30">
        <Title order={3} size="h4">
          {t('pharmacy.rx30Waiting.title')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('pharmacy.rx30Waiting.hint', { count: waiting.length })}
        </Text>
        {stuck && (
          <Alert color="red" variant="light" title={t('pharmacy.rx30Waiting.stuck')}>
            <Stack gap="xs">
              <Text size="sm">
                {t('pharmacy.rx30Waiting.stuckWhy', {
                  what: stuck.invoice ?? stuck.messageId,
                  why: stuck.lastError ?? '',
                })}
              </Text>
              {can(session, 'integration:manage') ? (
                <Button
                  size="xs"
                  color="red"
                  variant="light"
                  onClick={() => setAside(stuck.messageId)}
                >
                  {t('pharmacy.rx30Waiting.setAside')}
                </Button>
              ) : (
                <Text size="sm">{t('pharmacy.rx30Waiting.askManager')}</Text>
              )}
            </Stack>
          </Alert>
        )}
        <Table>
          <Table.Tbody>
            {waiting.slice(0, 10).map((m) => (
              <Table.Tr key={m.messageId}>
                <Table.Td>{m.type}</Table.Td>
                <Table.Td ff="monospace">{m.invoice ?? m.messageId}</Table.Td>
                <Table.Td>{formatTime(m.queuedAt, i18n.language)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Stack>
      <ReasonDialog
        opened={aside !== null}
        title={t('pharmacy.rx30Waiting.setAsideTitle')}
        submitLabel={t('pharmacy.rx30Waiting.setAside')}
        onClose={() => setAside(null)}
        action={async (reason) => {
          if (!aside) return;
          await api.pharmacy.setAsideForRx30.mutate({ messageId: aside, reason });
          setAside(null);
          q.reload();
        }}
      />
    </Card>
  );
}
