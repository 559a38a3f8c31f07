import {
  Alert,
  Button,
  Card,
  Group,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/app-client.ts';
import type { Outputs } from '../../api/client.ts';
import { useApiMutation, useApiQuery } from '../../api/hooks.ts';
import { Empty } from '../../components/Empty.tsx';
import { LiveBadge } from '../../components/LiveBadge.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { useScanner } from '../../hooks/useScanner.ts';
import { formatTime } from '../../lib/format.ts';
import { MAX_BAGS } from '../../lib/rules.ts';
import { useLiveTick } from '../../state/live.ts';
import { can, useSession } from '../../state/session.ts';
import { Checkout, PickupDone } from './Checkout.tsx';
import { Pickups } from './Pickups.tsx';
import { WaitingForRx30 } from './WaitingForRx30.tsx';
import { addBag, emptySale, keyOf, scan, type Sale } from './sale.ts';

type Found = Outputs['pharmacy']['search'][number];
/** A receipt's barcode (the invoice) rather than an Rx label. */
const INVOICE = /^P\d{8}-\d{4}-[A-Za-z0-9-]+$/;
const newSaleKey = () => `sale-${crypto.randomUUID()}`;

/**
 * The pickup counter. Without pharmacy access (a manager, in an emergency) it first asks why
 * and opens for a limited time, every step audited (break glass).
 */
export function PickupScreen() {
  const session = useSession((s) => s.session);
  return can(session, 'pharmacy:pickup') ? <PickupCounter /> : <EmergencyAccess />;
}

function EmergencyAccess() {
  const { t } = useTranslation();
  const update = useSession((s) => s.update);
  const [reason, setReason] = useState('');
  const open = useApiMutation(() => api.auth.breakGlass.mutate({ reason }));
  return (
    <>
      <PageHeader title={t('pharmacy.title')} intro={t('pharmacy.intro')} />
      <Card withBorder maw={640} data-testid="break-glass">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void open.run().then((v) => v && update(v));
          }}
        >
          <Stack gap="sm">
            <Title order={3} size="h4">
              {t('pharmacy.emergency.title')}
            </Title>
            <Text size="sm">{t('pharmacy.emergency.explain')}</Text>
            <Textarea
              label={t('pharmacy.emergency.reason')}
              description={t('pharmacy.emergency.reasonHint')}
              value={reason}
              onChange={(e) => setReason(e.currentTarget.value)}
              minRows={2}
              autosize
              maxLength={300}
            />
            <ProblemAlert problem={open.problem} />
            <Group justify="flex-end">
              <Button type="submit" color="red" loading={open.pending}>
                {t('pharmacy.emergency.open')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Card>
    </>
  );
}

function EmergencyBanner(props: { until: string }) {
  const { t, i18n } = useTranslation();
  const update = useSession((s) => s.update);
  const end = useApiMutation(() => api.auth.endBreakGlass.mutate());
  // When the time is up the server refuses the pickup screen: ask it again then, so the page
  // turns back into the emergency-access form instead of failing step by step.
  useEffect(() => {
    const wait = Date.parse(props.until) - Date.now() + 500;
    const timer = setTimeout(
      () => void api.auth.me.query().then(update, () => undefined),
      Math.max(wait, 0),
    );
    return () => clearTimeout(timer);
  }, [props.until, update]);
  return (
    <Alert color="red" variant="filled" mb="md" data-testid="emergency-banner">
      <Group justify="space-between">
        <Text size="sm">
          {t('pharmacy.emergency.banner', { until: formatTime(props.until, i18n.language) })}
        </Text>
        <Button
          size="compact-sm"
          variant="white"
          color="red"
          loading={end.pending}
          onClick={() => void end.run().then((v) => v && update(v))}
        >
          {t('pharmacy.emergency.end')}
        </Button>
      </Group>
    </Alert>
  );
}

/**
 * The will-call queue (live, no patient data); a patient found by a scanned Rx label or by
 * name and date of birth, shown by name only until the date of birth is checked; the sale
 * (one bag per patient); today's pickups for voids and returns.
 */
function PickupCounter() {
  const { t } = useTranslation();
  const tick = useLiveTick();
  const emergencyUntil = useSession((s) => s.session?.emergencyUntil ?? null);
  const queue = useApiQuery(() => api.pharmacy.queue.query(), [tick]);
  const stale = useApiQuery(() => api.pharmacy.pastWindow.query(), [tick]);
  const [label, setLabel] = useState('');
  const [names, setNames] = useState({ lastName: '', firstName: '', dateOfBirth: '' });
  const [found, setFound] = useState<Found[]>([]);
  const [searched, setSearched] = useState(false);
  /** Found, not yet verified: the date of birth opens their bag. */
  const [pending, setPending] = useState<{ patient: Found; scanned: string | null } | null>(null);
  const [dob, setDob] = useState('');
  const [sale, setSale] = useState<Sale>(emptySale);
  const [saleKey, setSaleKey] = useState(newSaleKey);
  const [done, setDone] = useState<Outputs['pharmacy']['complete'] | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [lookup, setLookup] = useState<string | null>(null);
  const byLabel = useApiMutation((code: string) => api.pharmacy.byLabel.query({ code }));
  const search = useApiMutation(() => api.pharmacy.search.query(names));
  const verify = useApiMutation((patientId: string, dateOfBirth: string) =>
    api.pharmacy.verify.mutate({ patientId, dateOfBirth }),
  );
  const nextSale = () => {
    setSale(emptySale);
    setSaleKey(newSaleKey());
    setDone(null);
    setPending(null);
    setNotice(null);
  };
  const nameOf = (patientId: string) => {
    const b = sale.bags.find((x) => x.patientId === patientId);
    return b ? `${b.lastName}, ${b.firstName}` : '';
  };
  const choose = (patient: Found, scanned: string | null) => {
    // The last sale is done: this patient starts the next one.
    const current = done ? emptySale : sale;
    if (done) nextSale();
    if (
      current.bags.length >= MAX_BAGS &&
      !current.bags.some((b) => b.patientId === patient.patientId)
    )
      return setNotice(t('pharmacy.tooManyPatients', { count: MAX_BAGS }));
    setPending({ patient, scanned });
    setFound([]);
    setSearched(false);
    setDob('');
    setNotice(null);
  };
  const lookUp = (code: string) => {
    if (INVOICE.test(code)) return setLookup(code);
    void byLabel.run(code).then(async (p) => {
      setLabel('');
      if (!p) return;
      const current = done ? emptySale : sale;
      if (done) nextSale();
      const key = keyOf(p);
      const r = scan(current, p);
      if (r.outcome.kind === 'ticked') {
        setSale(r.sale);
        setNotice(t('pharmacy.scanTicked', { rx: p.rxNumber, name: nameOf(p.patientId) }));
      } else if (r.outcome.kind === 'already') {
        setNotice(t('pharmacy.scanAlready', { rx: p.rxNumber }));
      } else if (r.outcome.kind === 'refresh') {
        // A newer Rx of a patient already verified in this sale: their list again, then in.
        const bag = current.bags.find((b) => b.patientId === p.patientId);
        if (!bag) return;
        const v = await verify.run(bag.patientId, bag.dateOfBirth);
        if (v) setSale((s) => addBag(s, bag, v.ready, key));
      } else choose(p, key);
    });
  };
  useScanner((code) => lookUp(code));
  const checkDob = () => {
    if (!pending) return;
    void verify.run(pending.patient.patientId, dob).then((v) => {
      if (!v) return;
      setSale((s) => addBag(s, { ...pending.patient, dateOfBirth: dob }, v.ready, pending.scanned));
      setPending(null);
      setDob('');
    });
  };
  return (
    <>
      <PageHeader title={t('pharmacy.title')} intro={t('pharmacy.intro')} actions={<LiveBadge />} />
      {emergencyUntil && <EmergencyBanner until={emergencyUntil} />}
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
                {sale.bags.length > 0 && !done ? t('pharmacy.findAnother') : t('pharmacy.find')}
              </Title>
              <form
                onSubmit={(e) => {
                  e.preventDefault();
                  if (label.trim()) lookUp(label.trim());
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
                  void search.run().then((r) => {
                    setSearched(r !== undefined);
                    if (r) setFound(r);
                  });
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
              {notice && (
                <Text size="sm" data-testid="scan-notice">
                  {notice}
                </Text>
              )}
              {searched && found.length === 0 && !pending && (
                <Text size="sm" c="dimmed">
                  {t('pharmacy.noMatch')}
                </Text>
              )}
              {found.map((p) => (
                <Button key={p.patientId} variant="subtle" onClick={() => choose(p, null)}>
                  {p.lastName}, {p.firstName} · {t('pharmacy.readyCount', { count: p.readyCount })}
                </Button>
              ))}
            </Stack>
          </Card>
          {pending && (
            <Card
              withBorder
              component="section"
              aria-label={t('pharmacy.patient')}
              data-testid="pickup-patient"
            >
              <form
                onSubmit={(e) => {
                  e.preventDefault();
                  checkDob();
                }}
              >
                <Stack gap="sm">
                  <Title order={3} size="h4">
                    {pending.patient.lastName}, {pending.patient.firstName}
                  </Title>
                  <Group gap="xs" align="flex-end">
                    <TextInput
                      type="date"
                      label={t('pharmacy.verifyDob')}
                      description={t('pharmacy.verifyHint')}
                      value={dob}
                      onChange={(e) => setDob(e.currentTarget.value)}
                      data-autofocus
                    />
                    <Button type="submit" loading={verify.pending}>
                      {t('pharmacy.verify')}
                    </Button>
                    <Button variant="subtle" color="gray" onClick={() => setPending(null)}>
                      {t('pharmacy.cancel')}
                    </Button>
                  </Group>
                  <ProblemAlert problem={verify.problem} />
                </Stack>
              </form>
            </Card>
          )}
          {(sale.bags.length > 0 || done) && (
            <Card withBorder component="section" aria-label={t('pharmacy.sale')}>
              <Stack gap="sm">
                <Group justify="space-between">
                  <Title order={3} size="h4">
                    {t('pharmacy.sale')}
                  </Title>
                  {!done && (
                    <Button size="compact-xs" variant="subtle" color="gray" onClick={nextSale}>
                      {t('pharmacy.clearSale')}
                    </Button>
                  )}
                </Group>
                {done ? (
                  <PickupDone done={done} onNext={nextSale} />
                ) : (
                  <Checkout
                    key={saleKey}
                    sale={sale}
                    saleKey={saleKey}
                    onSale={setSale}
                    onDone={setDone}
                    canAskRx30={queue.data?.relay === 'socket'}
                  />
                )}
              </Stack>
            </Card>
          )}
        </Stack>
        <Stack gap="md">
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
                      <Table.Tr key={keyOf(r)} data-testid="ready-rx" data-rx={r.rxNumber}>
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
                    <Text key={keyOf(r)} size="sm" ff="monospace">
                      {r.rxNumber}-{String(r.fillNumber).padStart(2, '0')} ·{' '}
                      {t('pharmacy.daysWaiting', { count: r.days })}
                    </Text>
                  ))}
                </Alert>
              )}
            </Stack>
          </Card>
          <WaitingForRx30 />
          <Pickups lookup={lookup} />
        </Stack>
      </SimpleGrid>
    </>
  );
}
