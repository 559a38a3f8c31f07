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
  Title,
} from '@mantine/core';
import type { TFunction } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/app-client.ts';
import { useApiMutation } from '../../api/hooks.ts';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { formatMoney } from '../../lib/format.ts';
import type { PickupRules } from '../../lib/rules.ts';
import { can, useSession } from '../../state/session.ts';
import { bagItems, bagNeeds, bagTotal, keyOf, type BagState } from './sale.ts';

/** Which of a bag's steps still stand between it and completing (shown, and the button off). */
export function bagBlockers(b: BagState, rules: PickupRules, t: TFunction): string[] {
  const name = `${b.lastName}, ${b.firstName}`;
  const needs = bagNeeds(b, rules);
  return [
    bagItems(b).length === 0 && t('pharmacy.checkout.emptyBag', { name }),
    needs.consult && !b.signedOff && t('pharmacy.checkout.consultRequired', { name }),
    needs.hipaa && !b.hipaa && t('pharmacy.checkout.hipaaRequired', { name }),
    needs.id &&
      (!b.id.type || b.id.number.trim().length < 3 || !b.id.jurisdiction.trim()) &&
      t('pharmacy.checkout.idRequired', { name }),
  ].filter((x): x is string => Boolean(x));
}

/**
 * One patient's bag in the sale: their ready Rx (the scanned one in, the others offered),
 * counseling or the pharmacist's sign-off, the HIPAA acknowledgment, the ID for controlled
 * substances; contact details only when asked for (from Rx30, audited, not kept).
 */
export function PatientBag(props: {
  bag: BagState;
  saleKey: string;
  rules: PickupRules;
  onChange: (change: Partial<BagState>) => void;
  onToggle: (key: string, on: boolean) => void;
  onRemove: () => void;
  canAskRx30: boolean;
}) {
  const { t } = useTranslation();
  const session = useSession((s) => s.session);
  const b = props.bag;
  const needs = bagNeeds(b, props.rules);
  const signOff = useApiMutation(() =>
    api.pharmacy.signOffConsult.mutate({ saleKey: props.saleKey, patientId: b.patientId }),
  );
  // Asked for, shown, never kept: it goes when the sale does.
  const [shown, setShown] = useState<{ address: string | null; phone: string | null } | null>(null);
  const contact = useApiMutation(() =>
    api.pharmacy.contact.mutate({ patientId: b.patientId, dateOfBirth: b.dateOfBirth }),
  );
  const setId = (change: Partial<BagState['id']>) => props.onChange({ id: { ...b.id, ...change } });
  return (
    <Stack
      gap="xs"
      data-testid="patient-bag"
      data-patient={b.patientId}
      aria-label={t('pharmacy.checkout.bagOf', { name: `${b.lastName}, ${b.firstName}` })}
      component="section"
    >
      <Group justify="space-between" wrap="nowrap">
        <Title order={4} size="h5">
          {b.lastName}, {b.firstName}
        </Title>
        <Group gap="xs">
          {props.canAskRx30 && (
            <Button
              size="compact-xs"
              variant="subtle"
              loading={contact.pending}
              onClick={() => void contact.run().then((c) => c && setShown(c))}
            >
              {t('pharmacy.checkout.contact')}
            </Button>
          )}
          <Button size="compact-xs" variant="subtle" color="gray" onClick={props.onRemove}>
            {t('pharmacy.checkout.removeBag')}
          </Button>
        </Group>
      </Group>
      {shown && (
        <Text size="sm" data-testid="patient-contact">
          {[shown.address, shown.phone].filter(Boolean).join(' · ') ||
            t('pharmacy.checkout.noContact')}
        </Text>
      )}
      <ProblemAlert problem={contact.problem} />
      <Table>
        <Table.Tbody>
          {b.ready.map((r) => (
            <Table.Tr key={keyOf(r)} data-testid="bag-rx" data-rx={r.rxNumber}>
              <Table.Td>
                <Checkbox
                  aria-label={t('pharmacy.checkout.inBag', { rx: r.rxNumber })}
                  checked={b.inBag.includes(keyOf(r))}
                  onChange={(e) => props.onToggle(keyOf(r), e.currentTarget.checked)}
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
                  {r.partialFill && <Badge color="gray">{t('pharmacy.partial')}</Badge>}
                  {r.willCallBin && (
                    <Badge variant="outline" color="gray">
                      {t('pharmacy.bin', { bin: r.willCallBin })}
                    </Badge>
                  )}
                </Group>
              </Table.Td>
              <Table.Td ta="right">{formatMoney(r.amountDue)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Text size="sm" ta="right" data-testid="bag-total">
        {t('pharmacy.bagTotal', { total: formatMoney(bagTotal(b)) })}
      </Text>
      {needs.consult ? (
        <Alert color="orange" variant="light" title={t('pharmacy.checkout.consultTitle')}>
          {b.signedOff ? (
            <Text size="sm">{t('pharmacy.checkout.signedOff')}</Text>
          ) : can(session, 'pharmacy:consult') ? (
            <Button
              size="xs"
              loading={signOff.pending}
              onClick={() =>
                void signOff.run().then((r) => r && props.onChange({ signedOff: true }))
              }
            >
              {t('pharmacy.checkout.signOff')}
            </Button>
          ) : (
            <Text size="sm">{t('pharmacy.checkout.callPharmacist')}</Text>
          )}
          <ProblemAlert problem={signOff.problem} />
        </Alert>
      ) : (
        <SegmentedControl
          value={b.counseling}
          onChange={(v) =>
            props.onChange({ counseling: v === 'accepted' ? 'accepted' : 'declined' })
          }
          data={[
            { value: 'accepted', label: t('pharmacy.checkout.counselAccepted') },
            { value: 'declined', label: t('pharmacy.checkout.counselDeclined') },
          ]}
          aria-label={t('pharmacy.checkout.counseling')}
        />
      )}
      {needs.hipaa && (
        <Checkbox
          label={t('pharmacy.checkout.hipaaAck')}
          checked={b.hipaa}
          onChange={(e) => props.onChange({ hipaa: e.currentTarget.checked })}
        />
      )}
      {needs.id && (
        <Group gap="xs" align="flex-end" wrap="wrap" data-testid="id-capture">
          <Select
            size="xs"
            label={t('pharmacy.checkout.idType')}
            data={props.rules.idTypes.map((v) => ({ value: v, label: v.replaceAll('_', ' ') }))}
            value={b.id.type || null}
            onChange={(v) => setId({ type: v ?? '' })}
            w={170}
          />
          <TextInput
            size="xs"
            label={t('pharmacy.checkout.idNumber')}
            value={b.id.number}
            onChange={(e) => setId({ number: e.currentTarget.value })}
          />
          <TextInput
            size="xs"
            label={t('pharmacy.checkout.idIssuer')}
            value={b.id.jurisdiction}
            onChange={(e) => setId({ jurisdiction: e.currentTarget.value })}
            w={110}
          />
          <Select
            size="xs"
            label={t('pharmacy.checkout.relation')}
            data={props.rules.relations}
            value={b.id.relation}
            allowDeselect={false}
            onChange={(v) => setId({ relation: v ?? 'self' })}
            w={130}
          />
        </Group>
      )}
    </Stack>
  );
}
