import {
  Alert,
  Badge,
  Button,
  Checkbox,
  Group,
  SegmentedControl,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/app-client.ts';
import type { Inputs, Outputs } from '../../api/client.ts';
import { useApiMutation } from '../../api/hooks.ts';
import { DoneAlert } from '../../components/DoneAlert.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { SignaturePad } from '../../components/SignaturePad.tsx';
import { localToday } from '../../lib/format.ts';
import { pickupRulesOn } from '../../lib/rules.ts';
import type { Signature } from '../../lib/signature.ts';
import { can, useSession } from '../../state/session.ts';

type Ready = Outputs['pharmacy']['verify']['ready'][number];
type Tender = Inputs['pharmacy']['complete']['tenders'][number];
type Done = Outputs['pharmacy']['complete'];
const money = (cents: number) => `$${(cents / 100).toFixed(2)}`;
const keyOf = (r: { rxNumber: string; fillNumber: number }) => `${r.rxNumber}-${r.fillNumber}`;

/**
 * The bag: the patient's ready prescriptions (the scanned one in it, the others offered),
 * counseling (a pharmacist's sign-off where one is required), the HIPAA acknowledgment, the
 * signature, the ID for controlled substances, the tender; then the pickup completes once.
 */
export function Checkout(props: {
  patientId: string;
  dateOfBirth: string;
  ready: Ready[];
  /** The Rx that was scanned (in the bag from the start). */
  scanned: string | null;
  onDone: (done: Done) => void;
}) {
  const { t } = useTranslation();
  const session = useSession((s) => s.session);
  const rules = pickupRulesOn(localToday());
  const [saleKey] = useState(() => `sale-${crypto.randomUUID()}`);
  const [bag, setBag] = useState<Set<string>>(
    () => new Set(props.scanned ? [props.scanned] : props.ready.map(keyOf)),
  );
  const [counseling, setCounseling] = useState<'accepted' | 'declined' | 'pharmacist'>('declined');
  const [signedOff, setSignedOff] = useState(false);
  const [hipaa, setHipaa] = useState(false);
  const [signature, setSignature] = useState<Signature | null>(null);
  const [id, setId] = useState({ type: '', number: '', jurisdiction: '', relation: 'self' });
  const [tender, setTender] = useState<Tender['type']>('cash');
  const [detail, setDetail] = useState({
    checkNumber: '',
    account: '',
    reference: '',
    authCode: '',
    last4: '',
    brand: '',
  });
  const inBag = props.ready.filter((r) => bag.has(keyOf(r)));
  const total = inBag.reduce((n, r) => n + r.amountDue, 0);
  const fsa = inBag.reduce((n, r) => n + r.fsaHsaEligible, 0);
  const needsConsult = inBag.some((r) => r.counselingRequired);
  const needsHipaa = inBag.some((r) => r.hipaaNotice);
  const controlled = inBag.find(
    (r) =>
      r.controlledSchedule &&
      (rules.idRequiredSchedules as string[]).includes(r.controlledSchedule),
  );
  const tenderOf = (): Tender[] => {
    if (total === 0) return [];
    if (tender === 'check')
      return [{ type: 'check', amount: total, checkNumber: detail.checkNumber }];
    if (tender === 'charge') return [{ type: 'charge', amount: total, account: detail.account }];
    if (tender === 'card')
      return [
        {
          type: 'card',
          amount: total,
          reference: detail.reference,
          authCode: detail.authCode,
          last4: detail.last4,
          brand: detail.brand,
          entry: 'chip',
        },
      ];
    return [{ type: 'cash', amount: total }];
  };
  const signOff = useApiMutation(() =>
    api.pharmacy.signOffConsult.mutate({ saleKey, patientId: props.patientId }),
  );
  const complete = useApiMutation(() =>
    api.pharmacy.complete.mutate({
      saleKey,
      patientId: props.patientId,
      dateOfBirth: props.dateOfBirth,
      rx: inBag.map((r) => ({ rxNumber: r.rxNumber, fillNumber: r.fillNumber })),
      counseling: needsConsult ? 'pharmacist' : counseling,
      ...(signature ? { signature } : {}),
      hipaaAcknowledged: hipaa,
      ...(controlled ? { idCapture: id } : {}),
      tenders: tenderOf(),
    }),
  );
  const field = (k: keyof typeof detail, label: string) => (
    <TextInput
      key={k}
      size="xs"
      label={label}
      value={detail[k]}
      onChange={(e) => {
        const v = e.currentTarget.value;
        setDetail((d) => ({ ...d, [k]: v }));
      }}
    />
  );
  const blockers = useMemo(
    () =>
      [
        inBag.length === 0 && t('pharmacy.checkout.emptyBag'),
        needsConsult && !signedOff && t('pharmacy.checkout.consultRequired'),
        needsHipaa && !hipaa && t('pharmacy.checkout.hipaaRequired'),
        !signature && t('pharmacy.checkout.signatureRequired'),
      ].filter((x): x is string => Boolean(x)),
    [inBag.length, needsConsult, signedOff, needsHipaa, hipaa, signature, t],
  );
  return (
    <Stack gap="sm" data-testid="checkout">
      <Table>
        <Table.Tbody>
          {props.ready.map((r) => (
            <Table.Tr key={keyOf(r)}>
              <Table.Td>
                <Checkbox
                  aria-label={t('pharmacy.checkout.inBag', { rx: r.rxNumber })}
                  checked={bag.has(keyOf(r))}
                  onChange={(e) => {
                    const on = e.currentTarget.checked;
                    setBag((b) => {
                      const next = new Set(b);
                      if (on) next.add(keyOf(r));
                      else next.delete(keyOf(r));
                      return next;
                    });
                  }}
                />
              </Table.Td>
              <Table.Td ff="monospace">
                {r.rxNumber}-{String(r.fillNumber).padStart(2, '0')}
              </Table.Td>
              <Table.Td>{r.drug ?? ''}</Table.Td>
              <Table.Td>
                <Group gap={4}>
                  {r.counselingRequired && <Badge color="orange">{t('pharmacy.consult')}</Badge>}
                  {r.hipaaNotice && <Badge>{t('pharmacy.hipaa')}</Badge>}
                  {r.controlledSchedule && (
                    <Badge color="red">
                      {t('pharmacy.schedule', { schedule: r.controlledSchedule })}
                    </Badge>
                  )}
                </Group>
              </Table.Td>
              <Table.Td ta="right">{money(r.amountDue)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Text fw={600} data-testid="pickup-total">
        {t('pharmacy.total', { total: money(total), fsa: money(fsa) })}
      </Text>
      {needsConsult ? (
        <Alert color="orange" variant="light" title={t('pharmacy.checkout.consultTitle')}>
          {signedOff ? (
            <Text size="sm">{t('pharmacy.checkout.signedOff')}</Text>
          ) : can(session, 'pharmacy:consult') ? (
            <Button
              size="xs"
              loading={signOff.pending}
              onClick={() => void signOff.run().then((r) => r && setSignedOff(true))}
            >
              {t('pharmacy.checkout.signOff')}
            </Button>
          ) : (
            <Text size="sm">{t('pharmacy.checkout.callPharmacist')}</Text>
          )}
        </Alert>
      ) : (
        <SegmentedControl
          value={counseling}
          onChange={(v) => setCounseling(v === 'accepted' ? 'accepted' : 'declined')}
          data={[
            { value: 'accepted', label: t('pharmacy.checkout.counselAccepted') },
            { value: 'declined', label: t('pharmacy.checkout.counselDeclined') },
          ]}
          aria-label={t('pharmacy.checkout.counseling')}
        />
      )}
      {needsHipaa && (
        <Checkbox
          label={t('pharmacy.checkout.hipaaAck')}
          checked={hipaa}
          onChange={(e) => setHipaa(e.currentTarget.checked)}
        />
      )}
      <SignaturePad label={t('pharmacy.checkout.signature')} onChange={setSignature} height={130} />
      {controlled && (
        <Group gap="xs" align="flex-end" wrap="wrap" data-testid="id-capture">
          <Select
            size="xs"
            label={t('pharmacy.checkout.idType')}
            data={rules.idTypes.map((v) => ({ value: v, label: v.replaceAll('_', ' ') }))}
            value={id.type || null}
            onChange={(v) => setId((x) => ({ ...x, type: v ?? '' }))}
            w={170}
          />
          <TextInput
            size="xs"
            label={t('pharmacy.checkout.idNumber')}
            value={id.number}
            onChange={(e) => {
              const v = e.currentTarget.value;
              setId((x) => ({ ...x, number: v }));
            }}
          />
          <TextInput
            size="xs"
            label={t('pharmacy.checkout.idIssuer')}
            value={id.jurisdiction}
            onChange={(e) => {
              const v = e.currentTarget.value;
              setId((x) => ({ ...x, jurisdiction: v }));
            }}
            w={110}
          />
          <Select
            size="xs"
            label={t('pharmacy.checkout.relation')}
            data={rules.relations}
            value={id.relation}
            allowDeselect={false}
            onChange={(v) => setId((x) => ({ ...x, relation: v ?? 'self' }))}
            w={130}
          />
        </Group>
      )}
      {total > 0 && (
        <Group gap="xs" align="flex-end" wrap="wrap">
          <Select
            size="xs"
            label={t('pharmacy.checkout.tender')}
            data={(['cash', 'check', 'charge', 'card'] as const).map((v) => ({
              value: v,
              label: t(`pharmacy.checkout.tenders.${v}`),
            }))}
            value={tender}
            allowDeselect={false}
            onChange={(v) => setTender((v as Tender['type']) ?? 'cash')}
            w={150}
          />
          {tender === 'check' && field('checkNumber', t('pharmacy.checkout.checkNumber'))}
          {tender === 'charge' && field('account', t('pharmacy.checkout.account'))}
          {tender === 'card' && [
            field('reference', t('pharmacy.checkout.cardReference')),
            field('authCode', t('pharmacy.checkout.authCode')),
            field('last4', t('pharmacy.checkout.last4')),
            field('brand', t('pharmacy.checkout.brand')),
          ]}
        </Group>
      )}
      {blockers.length > 0 && (
        <Text size="sm" c="dimmed" data-testid="checkout-blockers">
          {blockers.join(' ')}
        </Text>
      )}
      <ProblemAlert problem={complete.problem ?? signOff.problem} />
      <Group justify="flex-end">
        <Button
          disabled={blockers.length > 0}
          loading={complete.pending}
          onClick={() => void complete.run().then((d) => d && props.onDone(d))}
        >
          {t('pharmacy.checkout.complete', { total: money(total) })}
        </Button>
      </Group>
    </Stack>
  );
}

/** What the counter says once the pickup is recorded. */
export function PickupDone(props: { done: Done }) {
  const { t } = useTranslation();
  return (
    <DoneAlert testId="pickup-done">
      {t(props.done.toldRx30 ? 'pharmacy.checkout.done' : 'pharmacy.checkout.doneFileMode', {
        invoice: props.done.invoice,
      })}{' '}
      {t(
        props.done.receipt === 'queued'
          ? 'pharmacy.checkout.receiptQueued'
          : 'pharmacy.checkout.noReceiptPrinter',
      )}
    </DoneAlert>
  );
}
