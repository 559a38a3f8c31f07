import { ActionIcon, Button, Group, Select, Stack, Text, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { IconX } from '../../components/icons.tsx';
import { formatMoney } from '../../lib/format.ts';
import { addTender, tenderAmounts, type TenderLine } from './sale.ts';

/**
 * How the sale is paid: one line takes whatever is left (so one cash line just works), more
 * lines split it (cash and a card, two checks). A card is the terminal's reference only.
 */
export function Tenders(props: {
  lines: TenderLine[];
  total: number;
  onChange: (lines: TenderLine[]) => void;
}) {
  const { t } = useTranslation();
  const { amounts, left } = tenderAmounts(props.lines, props.total);
  const set = (i: number, change: Partial<TenderLine>) =>
    props.onChange(props.lines.map((l, j) => (j === i ? { ...l, ...change } : l)));
  const field = (i: number, k: keyof TenderLine, label: string) => (
    <TextInput
      key={k}
      size="xs"
      label={label}
      value={props.lines[i]?.[k] ?? ''}
      onChange={(e) => set(i, { [k]: e.currentTarget.value })}
      w={k === 'last4' ? 90 : 140}
    />
  );
  return (
    <Stack gap={6} data-testid="tenders">
      {props.lines.map((l, i) => (
        <Group key={i} gap="xs" align="flex-end" wrap="wrap" data-testid="tender-line">
          <Select
            size="xs"
            label={t('pharmacy.checkout.tender')}
            data={(['cash', 'check', 'charge', 'card'] as const).map((v) => ({
              value: v,
              label: t(`pharmacy.checkout.tenders.${v}`),
            }))}
            value={l.type}
            allowDeselect={false}
            onChange={(v) => set(i, { type: (v as TenderLine['type']) ?? 'cash' })}
            w={150}
          />
          <TextInput
            size="xs"
            label={t('pharmacy.checkout.amount')}
            value={l.amount ?? ''}
            placeholder={(amounts[i] ?? 0) === 0 ? '' : ((amounts[i] ?? 0) / 100).toFixed(2)}
            description={l.amount === null ? t('pharmacy.checkout.theRest') : undefined}
            onChange={(e) => {
              const v = e.currentTarget.value;
              set(i, { amount: v.trim() === '' ? null : v });
            }}
            w={110}
          />
          {l.type === 'check' && field(i, 'checkNumber', t('pharmacy.checkout.checkNumber'))}
          {l.type === 'charge' && field(i, 'account', t('pharmacy.checkout.account'))}
          {l.type === 'card' && [
            field(i, 'reference', t('pharmacy.checkout.cardReference')),
            field(i, 'authCode', t('pharmacy.checkout.authCode')),
            field(i, 'last4', t('pharmacy.checkout.last4')),
            field(i, 'brand', t('pharmacy.checkout.brand')),
            <Select
              key="entry"
              size="xs"
              label={t('pharmacy.checkout.entry')}
              data={(['chip', 'tap', 'swipe', 'keyed'] as const).map((v) => ({
                value: v,
                label: t(`pharmacy.checkout.entries.${v}`),
              }))}
              value={l.entry}
              allowDeselect={false}
              onChange={(v) => set(i, { entry: (v as TenderLine['entry'] | null) ?? 'chip' })}
              w={110}
            />,
          ]}
          {props.lines.length > 1 && (
            <ActionIcon
              variant="subtle"
              color="gray"
              aria-label={t('pharmacy.checkout.removeTender')}
              onClick={() => props.onChange(props.lines.filter((_, j) => j !== i))}
            >
              <IconX />
            </ActionIcon>
          )}
        </Group>
      ))}
      <Group gap="xs">
        {props.lines.length < 5 && (
          <Button
            size="compact-xs"
            variant="subtle"
            onClick={() => props.onChange(addTender(props.lines, props.total))}
          >
            {t('pharmacy.checkout.addTender')}
          </Button>
        )}
        {left !== 0 && (
          <Text size="sm" c="orange" data-testid="tender-left">
            {left > 0
              ? t('pharmacy.checkout.left', { amount: formatMoney(left) })
              : t('pharmacy.checkout.over', { amount: formatMoney(-left) })}
          </Text>
        )}
      </Group>
    </Stack>
  );
}
