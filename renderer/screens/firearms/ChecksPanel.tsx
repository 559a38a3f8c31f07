import {
  Badge,
  Button,
  Card,
  Checkbox,
  Group,
  Pill,
  Radio,
  SimpleGrid,
  Skeleton,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/app-client.ts';
import type { Outputs } from '../../api/client.ts';
import { useApiMutation, useApiQuery } from '../../api/hooks.ts';
import { FormDialog } from '../../components/FormDialog.tsx';
import { DoneAlert } from '../../components/DoneAlert.tsx';
import { Empty } from '../../components/Empty.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { scansInto, useScanner } from '../../hooks/useScanner.ts';
import { can, useSession } from '../../state/session.ts';
import { ReasonDialog } from '../../components/ReasonDialog.tsx';
import { RecordPermit } from './RecordPermit.tsx';

type CheckRow = Outputs['checks']['list']['checks'][number];
const statusColor: Record<string, string> = {
  initiated: 'gray',
  pending: 'blue',
  proceed: 'teal',
  delayed: 'orange',
  denied: 'red',
  cancelled: 'gray',
  expired: 'gray',
};

/** The check desk: start a check for a 4473, record each answer, and hand over when allowed. */
export function ChecksPanel() {
  const { t } = useTranslation();
  const [tick, setTick] = useState(0);
  const [openOnly, setOpenOnly] = useState(true);
  const list = useApiQuery(() => api.checks.list.query({ openOnly }), [tick, openOnly]);
  const reload = () => setTick((n) => n + 1);
  return (
    <Stack gap="lg">
      <StartCheck onStarted={reload} />
      <RecordPermit />
      <Group justify="space-between">
        <Title order={3}>{t('firearms.checks.listTitle')}</Title>
        <Checkbox
          label={t('firearms.checks.openOnly')}
          checked={openOnly}
          onChange={(e) => setOpenOnly(e.currentTarget.checked)}
        />
      </Group>
      <ProblemAlert problem={list.problem} />
      {list.loading ? (
        <Skeleton h={120} />
      ) : (list.data?.checks.length ?? 0) === 0 ? (
        <Empty title={t('firearms.checks.empty')} testId="checks-empty" />
      ) : (
        <SimpleGrid cols={{ base: 1, lg: 2 }}>
          {list.data?.checks.map((c) => (
            <CheckCard key={c.id} check={c} today={list.data?.today ?? ''} onChanged={reload} />
          ))}
        </SimpleGrid>
      )}
    </Stack>
  );
}

/**
 * A 4473's check: the buyer, the firearms (scanned or typed by serial), under 21 or not.
 * A scan adds a firearm wherever the clerk is on the desk, unless it was typed into the
 * 4473 or buyer field (an ID's barcode): then it fills that field, without submitting.
 */
function StartCheck(props: { onStarted: () => void }) {
  const { t } = useTranslation();
  const [form4473, setForm4473] = useState('');
  const [buyerKey, setBuyerKey] = useState('');
  const [serial, setSerial] = useState('');
  const [items, setItems] = useState<{ itemId: number; label: string }[]>([]);
  const [under21, setUnder21] = useState(false);
  const [serialError, setSerialError] = useState<string | null>(null);
  const [tried, setTried] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const start = useApiMutation(() =>
    api.checks.start.mutate({
      form4473,
      buyerKey,
      itemIds: items.map((i) => i.itemId),
      buyerUnder21: under21,
    }),
  );
  const card = useRef<HTMLDivElement>(null);
  const form4473Field = useRef<HTMLInputElement>(null);
  const buyerField = useRef<HTMLInputElement>(null);
  const serialField = useRef<HTMLInputElement>(null);
  // Look a serial up among firearms in the store; the serial field empties once it is added
  // (a scan made elsewhere on the desk leaves what the clerk is typing there alone).
  const addSerial = async (typed: string, clearField: boolean) => {
    const s = typed.trim();
    if (!s) return;
    const found = await api.firearms.inStore.query({ serial: s }).catch(() => []);
    const fresh = found.filter((f) => !items.some((i) => i.itemId === f.itemId));
    if (found.length === 0) setSerialError(t('firearms.checks.serialNotInStore', { serial: s }));
    else if (fresh.length === 0) setSerialError(t('firearms.checks.serialAlready', { serial: s }));
    else {
      setItems((x) => [
        ...x,
        ...fresh
          .filter((f) => !x.some((i) => i.itemId === f.itemId))
          .map((f) => ({
            itemId: f.itemId,
            label: `${f.manufacturer} ${f.model} · ${f.serial}`,
          })),
      ]);
      if (clearField) setSerial('');
      setSerialError(null);
    }
  };
  useScanner(
    (code, scan) => {
      if (scan.element === form4473Field.current) setForm4473(code);
      else if (scan.element === buyerField.current) setBuyerKey(code);
      else if (scan.element === serialField.current) {
        setSerial(code);
        void addSerial(code, true);
      } else void addSerial(code, false);
    },
    { accepts: scansInto(card) },
  );
  const missing = !form4473.trim() || !buyerKey.trim() || items.length === 0;
  return (
    <Card withBorder data-testid="start-check" ref={card}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setTried(true);
          if (missing) return;
          void start.run().then((r) => {
            if (!r) return;
            setDone(t('firearms.checks.started', { id: r.id, form: r.form4473 }));
            setForm4473('');
            setBuyerKey('');
            setItems([]);
            setUnder21(false);
            setTried(false);
            props.onStarted();
          });
        }}
      >
        <Stack gap="sm">
          <Title order={3}>{t('firearms.checks.startTitle')}</Title>
          {done && <DoneAlert>{done}</DoneAlert>}
          <Group grow align="flex-start">
            <TextInput
              ref={form4473Field}
              label={t('firearms.checks.form4473')}
              value={form4473}
              onChange={(e) => setForm4473(e.currentTarget.value)}
              error={tried && !form4473.trim() ? t('validation.required') : undefined}
            />
            <TextInput
              ref={buyerField}
              label={t('firearms.checks.buyer')}
              description={t('firearms.checks.buyerHint')}
              value={buyerKey}
              onChange={(e) => setBuyerKey(e.currentTarget.value)}
              error={tried && !buyerKey.trim() ? t('validation.required') : undefined}
            />
          </Group>
          <TextInput
            ref={serialField}
            label={t('firearms.checks.scanSerial')}
            description={t('firearms.checks.scanHint')}
            value={serial}
            onChange={(e) => setSerial(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key !== 'Enter') return;
              e.preventDefault();
              void addSerial(serial, true);
            }}
            error={
              serialError ??
              (tried && items.length === 0 ? t('firearms.checks.noItems') : undefined)
            }
            ff="monospace"
          />
          {items.length > 0 && (
            <Group gap="xs" data-testid="check-items">
              {items.map((i) => (
                <Pill
                  key={i.itemId}
                  withRemoveButton
                  onRemove={() => setItems((x) => x.filter((y) => y.itemId !== i.itemId))}
                >
                  {i.label}
                </Pill>
              ))}
            </Group>
          )}
          <Checkbox
            label={t('firearms.checks.under21')}
            checked={under21}
            onChange={(e) => setUnder21(e.currentTarget.checked)}
          />
          <ProblemAlert problem={start.problem} />
          <Group justify="flex-end">
            <Button type="submit" loading={start.pending}>
              {t('firearms.checks.start')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}

/** One check: its answers, the countdowns, and the next step. */
function CheckCard(props: { check: CheckRow; today: string; onChanged: () => void }) {
  const { t } = useTranslation();
  const c = props.check;
  const session = useSession((x) => x.session);
  const [overriding, setOverriding] = useState(false);
  const [recording, setRecording] = useState(false);
  const [transferring, setTransferring] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  const handOver = useApiMutation(() => api.firearms.handOver.mutate({ form4473: c.form4473 }));
  const closed = ['denied', 'cancelled', 'expired'].includes(c.status);
  return (
    <Card withBorder data-testid="check-card" data-form4473={c.form4473}>
      <Stack gap={6}>
        <Group justify="space-between">
          <Text fw={600}>{t('firearms.checks.cardTitle', { form: c.form4473, id: c.id })}</Text>
          <Badge color={statusColor[c.status] ?? 'gray'} data-testid="check-status">
            {t(`firearms.checks.status.${c.status}`)}
          </Badge>
        </Group>
        <Text size="sm" c="dimmed">
          {t(`firearms.checks.route.${c.route}`)} · {c.state}
          {c.ntn ? ` · NTN ${c.ntn}` : ''} · {t('firearms.checks.items', { count: c.items.length })}
          {c.buyerUnder21 ? ` · ${t('firearms.checks.under21Short')}` : ''}
        </Text>
        {c.mayProceedOn && (
          <Text size="sm" data-testid="may-proceed">
            {c.businessDaysToProceed > 0
              ? t('firearms.checks.mayProceedIn', {
                  date: c.mayProceedOn,
                  count: c.businessDaysToProceed,
                })
              : t('firearms.checks.mayProceedNow', { date: c.mayProceedOn })}
          </Text>
        )}
        {c.lastValidDay && c.daysToExpiry !== null && (
          <Text size="sm" c={c.daysToExpiry <= 3 ? 'red' : undefined} data-testid="expires">
            {c.daysToExpiry >= 0
              ? t('firearms.checks.validThrough', { date: c.lastValidDay, count: c.daysToExpiry })
              : t('firearms.checks.expiredOn', { date: c.lastValidDay })}
          </Text>
        )}
        <Text size="xs" c="dimmed">
          {c.responses.map((r) => `${r.kind}${r.on ? ` ${r.on}` : ''}`).join(' → ') ||
            t('firearms.checks.noResponses')}
        </Text>
        {note && <DoneAlert>{note}</DoneAlert>}
        <ProblemAlert problem={handOver.problem} />
        {!closed && (
          <Group gap="xs">
            <Button size="xs" variant="default" onClick={() => setRecording(true)}>
              {t('firearms.checks.record')}
            </Button>
            {c.status === 'delayed' &&
              c.mayProceedOn === null &&
              !c.overriddenBy &&
              can(session, 'checks:override') && (
                <Button size="xs" variant="subtle" color="red" onClick={() => setOverriding(true)}>
                  {t('firearms.checks.override')}
                </Button>
              )}
            {c.pending === 0 ? (
              <Button size="xs" variant="default" onClick={() => setTransferring(true)}>
                {t('firearms.checks.transfer')}
              </Button>
            ) : (
              <Button
                size="xs"
                loading={handOver.pending}
                onClick={() =>
                  void handOver.run().then((r) => {
                    if (!r) return;
                    setNote(
                      r.some((d) => d.report)
                        ? t('firearms.checks.handedOverMultiple', {
                            count: r.length,
                            form: [...new Set(r.flatMap((d) => d.report ?? []))].join(' + '),
                          })
                        : t('firearms.checks.handedOver', { count: r.length }),
                    );
                    props.onChanged();
                  })
                }
              >
                {t('firearms.checks.handOver', { count: c.pending })}
              </Button>
            )}
          </Group>
        )}
      </Stack>
      <RecordResponse
        check={c}
        today={props.today}
        opened={recording}
        onClose={() => setRecording(false)}
        onDone={() => {
          setRecording(false);
          props.onChanged();
        }}
      />
      <ReasonDialog
        opened={overriding}
        title={t('firearms.checks.overrideTitle')}
        submitLabel={t('firearms.checks.override')}
        onClose={() => setOverriding(false)}
        action={async (reason) => {
          await api.checks.override.mutate({ checkId: c.id, reason });
          setOverriding(false);
          setNote(t('firearms.checks.overridden'));
          props.onChanged();
        }}
      />
      <StartTransfer
        check={c}
        opened={transferring}
        onClose={() => setTransferring(false)}
        onDone={(n) => {
          setTransferring(false);
          setNote(t('firearms.checks.transferStarted', { count: n }));
          props.onChanged();
        }}
      />
    </Card>
  );
}

const answers = ['submit', 'proceed', 'delayed', 'denied', 'cancelled', 'expire'] as const;
type Answer = (typeof answers)[number];

function RecordResponse(props: {
  check: CheckRow;
  today: string;
  opened: boolean;
  onClose: () => void;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const [kind, setKind] = useState<Answer>(props.check.contactDate ? 'proceed' : 'submit');
  const [on, setOn] = useState(props.today);
  const [ntn, setNtn] = useState('');
  const [further, setFurther] = useState(false);
  const record = useApiMutation(() =>
    api.checks.record.mutate({
      checkId: props.check.id,
      response:
        kind === 'expire'
          ? { kind }
          : kind === 'submit'
            ? { kind, on }
            : {
                kind,
                on,
                ...(ntn.trim() ? { ntn: ntn.trim() } : {}),
                ...(kind === 'delayed' ? { furtherInvestigation: further } : {}),
              },
    }),
  );
  return (
    <FormDialog
      opened={props.opened}
      onClose={props.onClose}
      title={t('firearms.checks.recordTitle', { form: props.check.form4473 })}
      onSubmit={() => {
        void record.run().then((r) => r && props.onDone());
      }}
      pending={record.pending}
      problem={record.problem}
      submitLabel={t('firearms.checks.recordSubmit')}
    >
      <Radio.Group
        label={t('firearms.checks.answer')}
        value={kind}
        onChange={(v) => setKind(v as Answer)}
      >
        <Stack gap={6} mt={4}>
          {answers.map((a) => (
            <Radio key={a} value={a} label={t(`firearms.checks.answers.${a}`)} />
          ))}
        </Stack>
      </Radio.Group>
      {kind !== 'expire' && (
        <TextInput
          label={t('firearms.checks.answerOn')}
          type="date"
          value={on}
          onChange={(e) => setOn(e.currentTarget.value)}
        />
      )}
      {kind !== 'expire' && kind !== 'submit' && (
        <TextInput
          label={t('firearms.checks.ntn')}
          value={ntn}
          onChange={(e) => setNtn(e.currentTarget.value)}
        />
      )}
      {kind === 'delayed' && props.check.buyerUnder21 && (
        <Checkbox
          label={t('firearms.checks.furtherInvestigation')}
          checked={further}
          onChange={(e) => setFurther(e.currentTarget.checked)}
        />
      )}
    </FormDialog>
  );
}

function StartTransfer(props: {
  check: CheckRow;
  opened: boolean;
  onClose: () => void;
  onDone: (count: number) => void;
}) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [address, setAddress] = useState('');
  const [tried, setTried] = useState(false);
  const transfer = useApiMutation(() =>
    api.firearms.transfer.mutate({
      checkId: props.check.id,
      transfereeName: name,
      transfereeAddress: address,
    }),
  );
  return (
    <FormDialog
      opened={props.opened}
      onClose={props.onClose}
      title={t('firearms.checks.transferTitle', { form: props.check.form4473 })}
      onSubmit={() => {
        setTried(true);
        if (!name.trim() || !address.trim()) return;
        void transfer.run().then((r) => r && props.onDone(r.length));
      }}
      pending={transfer.pending}
      problem={transfer.problem}
      submitLabel={t('firearms.checks.transferSubmit')}
    >
      <Text size="sm" c="dimmed">
        {t('firearms.checks.transferHint')}
      </Text>
      <TextInput
        label={t('firearms.dispose.fields.transfereeName')}
        value={name}
        onChange={(e) => setName(e.currentTarget.value)}
        error={tried && !name.trim() ? t('validation.required') : undefined}
        data-autofocus
      />
      <TextInput
        label={t('firearms.dispose.fields.transfereeAddress')}
        value={address}
        onChange={(e) => setAddress(e.currentTarget.value)}
        error={tried && !address.trim() ? t('validation.required') : undefined}
      />
    </FormDialog>
  );
}
