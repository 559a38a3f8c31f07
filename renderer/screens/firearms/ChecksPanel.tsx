import {
  Alert,
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
import { useRef, useState, type ComponentProps } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/app-client.ts';
import type { Outputs } from '../../api/client.ts';
import type { ApiProblem } from '../../api/errors.ts';
import { useApiMutation, useApiQuery } from '../../api/hooks.ts';
import { FormDialog } from '../../components/FormDialog.tsx';
import { DoneAlert } from '../../components/DoneAlert.tsx';
import { Empty } from '../../components/Empty.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { scansInto, useScanner } from '../../hooks/useScanner.ts';
import { can, useSession } from '../../state/session.ts';
import { ReasonDialog } from '../../components/ReasonDialog.tsx';
import { handOverDateProblem } from './hand-over-date.ts';
import { RecordPermit } from './RecordPermit.tsx';
import { RulesInForce } from './RulesInForce.tsx';

type CheckRow = Outputs['checks']['list']['checks'][number];
type Gate = CheckRow['gate'];
type Refusal = Extract<Gate, { allowed: false }>;

/** The gate's reason in the clerk's language, from its reason code and parameters. */
function gateReason(t: TFunction, g: Refusal): string {
  if (g.reason === 'expired' && !g.params.lastValidDay)
    return t('firearms.gate.reason.expiredNoDate');
  return t(`firearms.gate.reason.${g.reason}`, { ...g.params });
}

const trailKinds = [
  'submit',
  'proceed',
  'delayed',
  'denied',
  'cancelled',
  'expire',
  'overturned',
  'override',
] as const;

/** A recorded answer's kind in words ("Submitted", "Denied"), never its code. */
function trailWord(t: TFunction, kind: string): string {
  const k = trailKinds.find((x) => x === kind);
  return k ? t(`firearms.gate.trail.${k}`) : kind;
}

const dateReasons = [
  'date_in_future',
  'date_before_4473',
  'date_out_of_order',
  'denial_stands',
] as const;
type DateReason = (typeof dateReasons)[number];
const isDateReason = (r: string): r is DateReason => (dateReasons as readonly string[]).includes(r);

/**
 * A refusal from the server in the clerk's language: a refused hand-over (`check_<reason>`)
 * with the parameters the desk already has; a refused date by its reason.
 */
function translated(
  problem: ApiProblem | null,
  t: TFunction,
  language: string,
  gate?: Gate,
): ApiProblem | null {
  if (!problem?.reason) return problem;
  if (
    problem.reason.startsWith('check_') &&
    gate &&
    !gate.allowed &&
    `check_${gate.reason}` === problem.reason
  )
    return { ...problem, message: t('firearms.gate.refused', { why: gateReason(t, gate) }) };
  if (language !== 'en' && isDateReason(problem.reason))
    return { ...problem, message: t(`firearms.gate.serverDates.${problem.reason}`) };
  return problem;
}
// Dark shades, outlined: readable (WCAG AA contrast) on the card's white.
const statusColor: Record<string, string> = {
  initiated: 'gray.7',
  pending: 'blue.9',
  proceed: 'teal.9',
  delayed: '#a4410e',
  denied: 'red.9',
  cancelled: 'gray.7',
  expired: 'gray.7',
};

/** The check desk: start a check for a 4473, record each answer, and hand over when allowed. */
export function ChecksPanel() {
  const { t } = useTranslation();
  const [tick, setTick] = useState(0);
  const [openOnly, setOpenOnly] = useState(true);
  const list = useApiQuery(() => api.checks.list.query({ openOnly }), [tick, openOnly]);
  const reload = () => setTick((n) => n + 1);
  const today = list.data?.today ?? '';
  return (
    <Stack gap="lg">
      <RulesInForce />
      <StartCheck onStarted={reload} today={today} />
      <RecordPermit today={today} onRecorded={reload} />
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
            <CheckCard key={c.id} check={c} today={today} onChanged={reload} />
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
function StartCheck(props: { onStarted: () => void; today: string }) {
  const { t, i18n } = useTranslation();
  const [form4473, setForm4473] = useState('');
  // Empty: the store's today (the server's default).
  const [startedOn, setStartedOn] = useState('');
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
      ...(startedOn ? { form4473StartedOn: startedOn } : {}),
    }),
  );
  const startedInFuture = startedOn !== '' && props.today !== '' && startedOn > props.today;
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
  const missing = !form4473.trim() || !buyerKey.trim() || items.length === 0 || startedInFuture;
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
            setStartedOn('');
            setTried(false);
            props.onStarted();
          });
        }}
      >
        <Stack gap="sm">
          <Title order={3}>{t('firearms.checks.startTitle')}</Title>
          {done && <DoneAlert>{done}</DoneAlert>}
          <Group grow align="flex-start">
            <RequiredText
              ref={form4473Field}
              label={t('firearms.checks.form4473')}
              value={form4473}
              onValue={setForm4473}
              tried={tried}
            />
            <RequiredText
              ref={buyerField}
              label={t('firearms.checks.buyer')}
              description={t('firearms.checks.buyerHint')}
              value={buyerKey}
              onValue={setBuyerKey}
              tried={tried}
            />
            <TextInput
              label={t('firearms.gate.startedOn')}
              description={t('firearms.gate.startedOnHint')}
              type="date"
              value={startedOn || props.today}
              max={props.today || undefined}
              onChange={(e) => setStartedOn(e.currentTarget.value)}
              error={
                startedInFuture
                  ? t('firearms.gate.dates.date_in_future', { today: props.today })
                  : undefined
              }
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
                  removeButtonProps={{
                    'aria-label': t('firearms.a11y.remove', { label: i.label }),
                  }}
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
          <ProblemAlert problem={translated(start.problem, t, i18n.language)} />
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
  const { t, i18n } = useTranslation();
  const c = props.check;
  const session = useSession((x) => x.session);
  const [overriding, setOverriding] = useState(false);
  const [overturning, setOverturning] = useState(false);
  const [recording, setRecording] = useState(false);
  const [transferring, setTransferring] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  // The day the firearms leave the store, confirmed by the clerk (27 CFR 478.125(e)).
  const [handedOverOn, setHandedOverOn] = useState(props.today);
  const handOverDateError = handOverDateProblem(t, handedOverOn, props.today);
  const handOver = useApiMutation(() =>
    api.firearms.handOver.mutate({ form4473: c.form4473, disposedOn: handedOverOn }),
  );
  const closed = ['denied', 'cancelled', 'expired'].includes(c.status);
  return (
    <Card withBorder data-testid="check-card" data-form4473={c.form4473}>
      <Stack gap={6}>
        <Group justify="space-between">
          <Text fw={600}>{t('firearms.checks.cardTitle', { form: c.form4473, id: c.id })}</Text>
          <Badge
            variant="outline"
            color={statusColor[c.status] ?? 'gray.7'}
            data-testid="check-status"
          >
            {t(`firearms.checks.status.${c.status}`)}
          </Badge>
        </Group>
        <Text size="sm" c="gray.7">
          {t(`firearms.checks.route.${c.route}`)} · {c.state}
          {c.ntn ? ` · NTN ${c.ntn}` : ''} · {t('firearms.checks.items', { count: c.items.length })}
          {c.buyerUnder21 ? ` · ${t('firearms.checks.under21Short')}` : ''}
        </Text>
        {c.deniedOn && (
          <Text size="sm" c="red.9" data-testid="denied-on">
            {t('firearms.gate.deniedOn', { date: c.deniedOn })}
          </Text>
        )}
        {c.overturned && (
          <Text size="sm" data-testid="overturned">
            {t('firearms.gate.overturnedOn', {
              date: c.overturned.on,
              reference: c.overturned.reference,
            })}
          </Text>
        )}
        {c.calendarMissing && (
          <Alert color="orange" variant="light" data-testid="calendar-missing">
            {t('firearms.gate.calendarMissing', {
              state: c.calendarMissing.state,
              year: c.calendarMissing.year,
            })}
          </Alert>
        )}
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
          <Text size="sm" c={c.daysToExpiry <= 3 ? 'red.9' : undefined} data-testid="expires">
            {c.daysToExpiry >= 0
              ? t('firearms.checks.validThrough', { date: c.lastValidDay, count: c.daysToExpiry })
              : t('firearms.checks.expiredOn', { date: c.lastValidDay })}
          </Text>
        )}
        <Text size="xs" c="gray.7" data-testid="check-trail">
          {c.responses.length === 0
            ? t('firearms.checks.noResponses')
            : `${t('firearms.gate.trailLabel')}: ${c.responses
                .map((r) => `${trailWord(t, r.kind)}${r.on ? ` ${r.on}` : ''}`)
                .join(' → ')}`}
        </Text>
        {c.gate.allowed ? (
          <Text size="sm" c="teal.9" data-testid="gate">
            {t('firearms.gate.allowed', { why: t(`firearms.gate.basis.${c.gate.basis}`) })}
          </Text>
        ) : (
          <Alert
            color={closed ? 'red' : 'yellow'}
            variant="light"
            data-testid="gate"
            data-reason={c.gate.reason}
          >
            {t('firearms.gate.refused', { why: gateReason(t, c.gate) })}
          </Alert>
        )}
        {closed && c.pending > 0 && (
          <Text size="sm" c="gray.7" data-testid="still-reserved">
            {t('firearms.gate.stillReserved', { count: c.pending })}
          </Text>
        )}
        {note && <DoneAlert>{note}</DoneAlert>}
        <ProblemAlert problem={translated(handOver.problem, t, i18n.language, c.gate)} />
        {(!closed || c.pending > 0 || c.status === 'denied') && (
          <Group gap="xs">
            {!closed && (
              <Button size="xs" variant="default" onClick={() => setRecording(true)}>
                {t('firearms.checks.record')}
              </Button>
            )}
            {c.status === 'denied' && (
              <Button
                size="xs"
                variant="outline"
                color="red.9"
                onClick={() => setOverturning(true)}
              >
                {t('firearms.gate.overturn')}
              </Button>
            )}
            {c.status === 'delayed' &&
              c.mayProceedOn === null &&
              !c.overriddenBy &&
              can(session, 'checks:override') && (
                <Button size="xs" variant="subtle" color="red" onClick={() => setOverriding(true)}>
                  {t('firearms.checks.override')}
                </Button>
              )}
            {c.pending === 0 ? (
              !closed && (
                <Button size="xs" variant="default" onClick={() => setTransferring(true)}>
                  {t('firearms.checks.transfer')}
                </Button>
              )
            ) : (
              <Group gap="xs" align="flex-end">
                <TextInput
                  type="date"
                  size="xs"
                  label={t('firearms.disposal.handedOverOn')}
                  value={handedOverOn}
                  max={props.today}
                  onChange={(e) => setHandedOverOn(e.currentTarget.value)}
                  error={handOverDateError}
                  data-testid="check-handover-date"
                />
                <Button
                  size="xs"
                  // Refused by the gate: still there (the server says why), never inviting.
                  variant={c.gate.allowed ? 'filled' : 'default'}
                  color={c.gate.allowed ? 'teal.9' : undefined}
                  loading={handOver.pending}
                  disabled={handOverDateError !== undefined}
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
              </Group>
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
      <RecordOverturn
        check={c}
        today={props.today}
        opened={overturning}
        onClose={() => setOverturning(false)}
        onDone={() => {
          setOverturning(false);
          setNote(t('firearms.gate.overturned'));
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

/** A dialog acting on one check, opened from its card. */
type CheckDialogProps<Done = () => void> = {
  check: CheckRow;
  opened: boolean;
  onClose: () => void;
  onDone: Done;
};

const answers = ['submit', 'proceed', 'delayed', 'denied', 'cancelled', 'expire'] as const;
type Answer = (typeof answers)[number];

function RecordResponse(props: CheckDialogProps & { today: string }) {
  const { t, i18n } = useTranslation();
  const [kind, setKind] = useState<Answer>(props.check.contactDate ? 'proceed' : 'submit');
  const [on, setOn] = useState(props.today);
  const [ntn, setNtn] = useState('');
  const [further, setFurther] = useState(false);
  const dateError = kind === 'expire' ? null : dateProblem(t, props.check, on, props.today);
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
        if (dateError) return;
        void record.run().then((r) => r && props.onDone());
      }}
      pending={record.pending}
      problem={translated(record.problem, t, i18n.language)}
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
          max={props.today || undefined}
          min={props.check.lastEventOn ?? props.check.form4473StartedOn ?? undefined}
          onChange={(e) => setOn(e.currentTarget.value)}
          error={dateError ?? undefined}
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

function StartTransfer(props: CheckDialogProps<(count: number) => void>) {
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
      <RequiredText
        label={t('firearms.dispose.fields.transfereeName')}
        value={name}
        onValue={setName}
        tried={tried}
        data-autofocus
      />
      <RequiredText
        label={t('firearms.dispose.fields.transfereeAddress')}
        value={address}
        onValue={setAddress}
        tried={tried}
      />
    </FormDialog>
  );
}

/** A text field the desk cannot go without: "Required" once the clerk has tried to submit. */
function RequiredText({
  tried,
  value,
  onValue,
  ...field
}: Omit<ComponentProps<typeof TextInput>, 'value' | 'onChange' | 'error'> & {
  tried: boolean;
  value: string;
  onValue: (value: string) => void;
}) {
  const { t } = useTranslation();
  return (
    <TextInput
      {...field}
      value={value}
      onChange={(e) => onValue(e.currentTarget.value)}
      error={tried && !value.trim() ? t('validation.required') : undefined}
    />
  );
}

/**
 * A date the server would refuse, said as the clerk types it: after the store's today, before
 * the 4473 was started, or before the previous entry (27 CFR 478.102).
 */
function dateProblem(t: TFunction, c: CheckRow, on: string, today: string): string | null {
  if (!on) return t('validation.required');
  if (today && on > today) return t('firearms.gate.dates.date_in_future', { today });
  if (c.form4473StartedOn && on < c.form4473StartedOn)
    return t('firearms.gate.dates.date_before_4473', { startedOn: c.form4473StartedOn });
  if (c.lastEventOn && on < c.lastEventOn)
    return t('firearms.gate.dates.date_out_of_order', { previous: c.lastEventOn });
  return null;
}

/**
 * "Denial overturned": NICS or the state answered an appeal. Kept with its date, reference
 * and who recorded it (audited); the only way past a denial (18 U.S.C. 922(d)).
 */
function RecordOverturn(props: CheckDialogProps & { today: string }) {
  const { t, i18n } = useTranslation();
  const [on, setOn] = useState(props.today);
  const [reference, setReference] = useState('');
  const [confirmed, setConfirmed] = useState(false);
  const [tried, setTried] = useState(false);
  const record = useApiMutation(() =>
    api.checks.record.mutate({
      checkId: props.check.id,
      response: { kind: 'overturned', on, reference: reference.trim() },
    }),
  );
  const dateError =
    dateProblem(t, props.check, on, props.today) ??
    (props.check.deniedOn && on < props.check.deniedOn
      ? t('firearms.gate.dates.before_denial', { deniedOn: props.check.deniedOn })
      : null);
  return (
    <FormDialog
      opened={props.opened}
      onClose={props.onClose}
      title={t('firearms.gate.overturnTitle', { form: props.check.form4473 })}
      onSubmit={() => {
        setTried(true);
        if (dateError || !reference.trim() || !confirmed) return;
        void record.run().then((r) => r && props.onDone());
      }}
      pending={record.pending}
      problem={translated(record.problem, t, i18n.language)}
      submitLabel={t('firearms.gate.overturnSubmit')}
    >
      <Alert color="red" variant="light">
        {t('firearms.gate.overturnWarning')}
      </Alert>
      <TextInput
        label={t('firearms.gate.overturnOn')}
        type="date"
        value={on}
        max={props.today || undefined}
        min={props.check.deniedOn ?? undefined}
        onChange={(e) => setOn(e.currentTarget.value)}
        error={dateError ?? undefined}
      />
      <RequiredText
        label={t('firearms.gate.overturnReference')}
        value={reference}
        onValue={setReference}
        tried={tried}
        data-autofocus
      />
      <Checkbox
        label={t('firearms.gate.overturnConfirm')}
        checked={confirmed}
        onChange={(e) => setConfirmed(e.currentTarget.checked)}
        error={tried && !confirmed ? t('validation.required') : undefined}
      />
    </FormDialog>
  );
}
