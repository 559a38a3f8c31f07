import {
  Alert,
  Button,
  Card,
  Group,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/app-client.ts';
import type { Outputs } from '../../api/client.ts';
import { useApiMutation, useApiQuery } from '../../api/hooks.ts';
import { Empty } from '../../components/Empty.tsx';
import { LiveBadge } from '../../components/LiveBadge.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { useScanner } from '../../hooks/useScanner.ts';
import { useLiveTick } from '../../state/live.ts';
import { Checkout, PickupDone } from './Checkout.tsx';

type Stub = Outputs['pharmacy']['search'][number];
type Verified = Outputs['pharmacy']['verify'];

/**
 * The pickup counter: the will-call queue (live, no patient data), then a patient found by a
 * scanned Rx label or by name and date of birth, who shows only by name until the date of
 * birth is checked; then the checkout (Checkout.tsx).
 */
export function PickupScreen() {
  const { t } = useTranslation();
  const tick = useLiveTick();
  const queue = useApiQuery(() => api.pharmacy.queue.query(), [tick]);
  const stale = useApiQuery(() => api.pharmacy.pastWindow.query(), [tick]);
  const [label, setLabel] = useState('');
  const [names, setNames] = useState({ lastName: '', firstName: '', dateOfBirth: '' });
  const [found, setFound] = useState<Stub[]>([]);
  const [patient, setPatient] = useState<Stub | null>(null);
  const [dob, setDob] = useState('');
  const [verified, setVerified] = useState<Verified | null>(null);
  const [scanned, setScanned] = useState<string | null>(null);
  const [done, setDone] = useState<Outputs['pharmacy']['complete'] | null>(null);
  const byLabel = useApiMutation((code: string) => api.pharmacy.byLabel.query({ code }));
  const search = useApiMutation(() => api.pharmacy.search.query(names));
  const verify = useApiMutation(() =>
    api.pharmacy.verify.mutate({ patientId: patient?.patientId ?? '', dateOfBirth: dob }),
  );
  const start = (p: Stub, rx: string | null = null) => {
    setPatient(p);
    setFound([]);
    setDob('');
    setVerified(null);
    setScanned(rx);
    setDone(null);
  };
  const scan = (code: string) =>
    void byLabel.run(code).then((p) => {
      if (p) start(p, `${p.rxNumber}-${p.fillNumber}`);
      setLabel('');
    });
  useScanner((code) => scan(code));
  return (
    <>
      <PageHeader title={t('pharmacy.title')} intro={t('pharmacy.intro')} actions={<LiveBadge />} />
      {queue.data?.relay === 'file' && (
        <Alert color="yellow" variant="light" mb="md" data-testid="relay-file-mode">
          {t('pharmacy.fileMode')}
        </Alert>
      )}
      {queue.data?.relay === 'off' && (
        <Alert color="gray" variant="light" mb="md" data-testid="relay-off">
          {t('pharmacy.relayOff')}
        </Alert>
      )}
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
        <Stack gap="md">
          <Card withBorder component="section" aria-label={t('pharmacy.find')}>
            <Stack gap="sm">
              <Title order={3} size="h4">
                {t('pharmacy.find')}
              </Title>
              <form
                onSubmit={(e) => {
                  e.preventDefault();
                  if (label.trim()) scan(label.trim());
                }}
              >
                <Group gap="xs" align="flex-end">
                  <TextInput
                    label={t('pharmacy.label')}
                    description={t('pharmacy.labelHint')}
                    value={label}
                    onChange={(e) => setLabel(e.currentTarget.value)}
                    style={{ flex: 1 }}
                    ff="monospace"
                  />
                  <Button type="submit" variant="default">
                    {t('pharmacy.lookUp')}
                  </Button>
                </Group>
              </form>
              <form
                onSubmit={(e) => {
                  e.preventDefault();
                  void search.run().then((r) => r && setFound(r));
                }}
              >
                <Group gap="xs" align="flex-end" wrap="wrap">
                  <TextInput
                    label={t('pharmacy.lastName')}
                    value={names.lastName}
                    onChange={(e) => setNames({ ...names, lastName: e.currentTarget.value })}
                    w={130}
                  />
                  <TextInput
                    label={t('pharmacy.firstName')}
                    value={names.firstName}
                    onChange={(e) => setNames({ ...names, firstName: e.currentTarget.value })}
                    w={130}
                  />
                  <TextInput
                    type="date"
                    label={t('pharmacy.dateOfBirth')}
                    value={names.dateOfBirth}
                    onChange={(e) => setNames({ ...names, dateOfBirth: e.currentTarget.value })}
                    w={160}
                  />
                  <Button type="submit" variant="default">
                    {t('pharmacy.search')}
                  </Button>
                </Group>
              </form>
              <ProblemAlert problem={byLabel.problem ?? search.problem} />
              {found.map((p) => (
                <Button key={p.patientId} variant="subtle" onClick={() => start(p)}>
                  {p.lastName}, {p.firstName} · {t('pharmacy.readyCount', { count: p.readyCount })}
                </Button>
              ))}
            </Stack>
          </Card>
          {patient && (
            <Card
              withBorder
              component="section"
              aria-label={t('pharmacy.patient')}
              data-testid="pickup-patient"
            >
              <Stack gap="sm">
                <Title order={3} size="h4">
                  {patient.lastName}, {patient.firstName}
                </Title>
                {!verified ? (
                  <form
                    onSubmit={(e) => {
                      e.preventDefault();
                      void verify.run().then((v) => v && setVerified(v));
                    }}
                  >
                    <Group gap="xs" align="flex-end">
                      <TextInput
                        type="date"
                        label={t('pharmacy.verifyDob')}
                        description={t('pharmacy.verifyHint')}
                        value={dob}
                        onChange={(e) => setDob(e.currentTarget.value)}
                      />
                      <Button type="submit">{t('pharmacy.verify')}</Button>
                    </Group>
                    <ProblemAlert problem={verify.problem} />
                  </form>
                ) : done ? (
                  <PickupDone done={done} />
                ) : (
                  <Checkout
                    patientId={patient.patientId}
                    dateOfBirth={dob}
                    ready={verified.ready}
                    scanned={scanned}
                    onDone={setDone}
                  />
                )}
              </Stack>
            </Card>
          )}
        </Stack>
        <Card withBorder component="section" aria-label={t('pharmacy.queue')}>
          <Stack gap="sm">
            <Title order={3} size="h4">
              {t('pharmacy.queue')}
            </Title>
            {(queue.data?.ready.length ?? 0) === 0 ? (
              <Empty title={t('pharmacy.queueEmpty')} testId="queue-empty" />
            ) : (
              <Table data-testid="ready-queue">
                <Table.Tbody>
                  {queue.data?.ready.map((r) => (
                    <Table.Tr
                      key={`${r.rxNumber}-${r.fillNumber}`}
                      data-testid="ready-rx"
                      data-rx={r.rxNumber}
                    >
                      <Table.Td ff="monospace">
                        {r.rxNumber}-{String(r.fillNumber).padStart(2, '0')}
                      </Table.Td>
                      <Table.Td>{r.willCallBin ?? ''}</Table.Td>
                      <Table.Td>{r.fillDate}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
            <ProblemAlert problem={queue.problem} />
            {(stale.data?.length ?? 0) > 0 && (
              <Alert
                color="orange"
                variant="light"
                title={t('pharmacy.pastWindow')}
                data-testid="past-window"
              >
                <Text size="sm" mb={4}>
                  {t('pharmacy.pastWindowHint')}
                </Text>
                {stale.data?.map((r) => (
                  <Text key={`${r.rxNumber}-${r.fillNumber}`} size="sm" ff="monospace">
                    {r.rxNumber}-{String(r.fillNumber).padStart(2, '0')} ·{' '}
                    {t('pharmacy.daysWaiting', { count: r.days })}
                  </Text>
                ))}
              </Alert>
            )}
          </Stack>
        </Card>
      </SimpleGrid>
    </>
  );
}
