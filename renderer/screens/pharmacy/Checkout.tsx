import { Button, Divider, Group, Stack, Text } from '@mantine/core';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/app-client.ts';
import type { Inputs, Outputs } from '../../api/client.ts';
import { useApiMutation } from '../../api/hooks.ts';
import { DoneAlert } from '../../components/DoneAlert.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { SignaturePad } from '../../components/SignaturePad.tsx';
import { formatMoney, localToday } from '../../lib/format.ts';
import { pickupRulesOn } from '../../lib/rules.ts';
import type { Signature } from '../../lib/signature.ts';
import { bagBlockers, PatientBag } from './PatientBag.tsx';
import {
  bagItems,
  bagNeeds,
  newTender,
  removeBag,
  saleFsaHsa,
  saleTotal,
  tenderAmounts,
  toggle,
  updateBag,
  type Sale,
  type TenderLine,
} from './sale.ts';
import { Tenders } from './Tenders.tsx';

type Tender = Inputs['pharmacy']['complete']['tenders'][number];
type Done = Outputs['pharmacy']['complete'];

/**
 * The sale: each patient's bag kept apart (PatientBag), then once for the whole sale the
 * signature of the person picking up and the tenders; it completes once (the sale key).
 */
export function Checkout(props: {
  sale: Sale;
  saleKey: string;
  onSale: (sale: Sale) => void;
  onDone: (done: Done) => void;
  /** Socket mode: Rx30 can be asked for contact details. */
  canAskRx30: boolean;
}) {
  const { t } = useTranslation();
  const rules = pickupRulesOn(localToday());
  const [signature, setSignature] = useState<Signature | null>(null);
  const [tenderLines, setTenderLines] = useState<TenderLine[]>([newTender()]);
  const { sale } = props;
  const total = saleTotal(sale);
  const { amounts, left, bad } = tenderAmounts(tenderLines, total);
  const tenders = (): Tender[] =>
    tenderLines.flatMap((l, i): Tender[] => {
      const amount = amounts[i] ?? 0;
      if (amount === 0) return [];
      if (l.type === 'check') return [{ type: 'check', amount, checkNumber: l.checkNumber }];
      if (l.type === 'charge') return [{ type: 'charge', amount, account: l.account }];
      if (l.type === 'card')
        return [
          {
            type: 'card',
            amount,
            reference: l.reference,
            authCode: l.authCode,
            last4: l.last4,
            brand: l.brand,
            entry: l.entry,
          },
        ];
      return [{ type: 'cash', amount }];
    });
  const complete = useApiMutation(() =>
    api.pharmacy.complete.mutate({
      saleKey: props.saleKey,
      bags: sale.bags.map((b) => {
        const items = bagItems(b);
        const needs = bagNeeds(b, rules);
        return {
          patientId: b.patientId,
          dateOfBirth: b.dateOfBirth,
          rx: items.map((r) => ({ rxNumber: r.rxNumber, fillNumber: r.fillNumber })),
          counseling: needs.consult ? 'pharmacist' : b.counseling,
          hipaaAcknowledged: b.hipaa,
          ...(needs.id ? { idCapture: b.id } : {}),
        };
      }),
      ...(signature ? { signature } : {}),
      tenders: tenders(),
    }),
  );
  const blockers = useMemo(
    () =>
      [
        ...sale.bags.flatMap((b) => bagBlockers(b, rules, t)),
        !signature && t('pharmacy.checkout.signatureRequired'),
        bad.length > 0 && t('pharmacy.checkout.badAmount'),
        bad.length === 0 && left !== 0 && t('pharmacy.checkout.tendersOff'),
      ].filter((x): x is string => Boolean(x)),
    [sale, rules, signature, bad.length, left, t],
  );
  return (
    <Stack gap="sm" data-testid="checkout">
      {sale.bags.map((b, i) => (
        <Stack key={b.patientId} gap="sm">
          {i > 0 && <Divider />}
          <PatientBag
            bag={b}
            saleKey={props.saleKey}
            rules={rules}
            canAskRx30={props.canAskRx30}
            onChange={(change) => props.onSale(updateBag(sale, b.patientId, change))}
            onToggle={(key, on) => props.onSale(toggle(sale, b.patientId, key, on))}
            onRemove={() => props.onSale(removeBag(sale, b.patientId))}
          />
        </Stack>
      ))}
      <Divider />
      <Text fw={600} data-testid="pickup-total">
        {t('pharmacy.total', { total: formatMoney(total), fsa: formatMoney(saleFsaHsa(sale)) })}
      </Text>
      <SignaturePad label={t('pharmacy.checkout.signature')} onChange={setSignature} height={130} />
      {total > 0 && <Tenders lines={tenderLines} total={total} onChange={setTenderLines} />}
      {blockers.length > 0 && (
        <Text size="sm" c="dimmed" data-testid="checkout-blockers">
          {blockers.join(' ')}
        </Text>
      )}
      <ProblemAlert problem={complete.problem} />
      <Group justify="flex-end">
        <Button
          disabled={blockers.length > 0}
          loading={complete.pending}
          onClick={() => void complete.run().then((d) => d && props.onDone(d))}
        >
          {t('pharmacy.checkout.complete', { total: formatMoney(total) })}
        </Button>
      </Group>
    </Stack>
  );
}

/** What the counter says once the sale is recorded: each invoice, and whether Rx30 is told. */
export function PickupDone(props: { done: Done; onNext: () => void }) {
  const { t } = useTranslation();
  const invoices = props.done.pickups.map((p) => p.invoice).join(', ');
  return (
    <Stack gap="xs">
      <DoneAlert testId="pickup-done">
        {t(props.done.toldRx30 ? 'pharmacy.checkout.done' : 'pharmacy.checkout.doneFileMode', {
          invoice: invoices,
          count: props.done.pickups.length,
        })}{' '}
        {t(
          props.done.receipt === 'queued'
            ? 'pharmacy.checkout.receiptQueued'
            : 'pharmacy.checkout.noReceiptPrinter',
        )}
      </DoneAlert>
      <Group justify="flex-end">
        <Button onClick={props.onNext} data-autofocus>
          {t('pharmacy.checkout.next')}
        </Button>
      </Group>
    </Stack>
  );
}
