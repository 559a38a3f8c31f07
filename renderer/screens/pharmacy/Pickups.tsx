import { Badge, Button, Card, Group, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/app-client.ts';
import { useApiQuery } from '../../api/hooks.ts';
import { DoneAlert } from '../../components/DoneAlert.tsx';
import { Empty } from '../../components/Empty.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { ReasonDialog } from '../../components/ReasonDialog.tsx';
import { formatMoney, formatTime } from '../../lib/format.ts';
import { useLiveTick } from '../../state/live.ts';

type Undo =
  | { kind: 'void'; invoice: string }
  | { kind: 'return'; invoice: string; rxNumber: string; fillNumber: number };

/**
 * Voids and returns: today's pickups (no patient data), one opened by its invoice (typed,
 * picked, or the receipt's barcode scanned), then the whole pickup voided the same day or an
 * Rx returned, each with a reason, told to Rx30 like the pickup was.
 */
export function Pickups(props: { lookup: string | null }) {
  const { t, i18n } = useTranslation();
  const tick = useLiveTick();
  const [invoice, setInvoice] = useState('');
  const [open, setOpen] = useState<string | null>(null);
  const [undo, setUndo] = useState<Undo | null>(null);
  const [done, setDone] = useState<string | null>(null);
  useEffect(() => {
    if (props.lookup) {
      setOpen(props.lookup);
      setDone(null);
    }
  }, [props.lookup]);
  const day = useApiQuery(() => api.pharmacy.pickupsOfDay.query({}), [tick]);
  const found = useApiQuery(
    () => (open ? api.pharmacy.findPickup.query({ invoice: open }) : Promise.resolve(null)),
    [open, tick],
  );
  return (
    <Card withBorder component="section" aria-label={t('pharmacy.pickups.title')}>
      <Stack gap="sm">
        <Title order={3} size="h4">
          {t('pharmacy.pickups.title')}
        </Title>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (invoice.trim()) {
              setOpen(invoice.trim());
              setDone(null);
            }
          }}
        >
          <Group gap="xs" align="flex-end">
            <TextInput
              label={t('pharmacy.pickups.invoice')}
              description={t('pharmacy.pickups.invoiceHint')}
              value={invoice}
              onChange={(e) => setInvoice(e.currentTarget.value)}
              ff="monospace"
              style={{ flex: 1 }}
            />
            <Button type="submit" variant="default">
              {t('pharmacy.pickups.open')}
            </Button>
          </Group>
        </form>
        {done && <DoneAlert testId="undo-done">{done}</DoneAlert>}
        <ProblemAlert problem={found.problem} />
        {open &&
          found.data?.map((p) => (
            <Card key={p.invoice} withBorder padding="sm" data-testid="pickup-found">
              <Stack gap={6}>
                <Group justify="space-between">
                  <Text ff="monospace" fw={600}>
                    {p.invoice}
                  </Text>
                  <Text size="sm" c="dimmed">
                    {formatTime(p.completedAt, i18n.language)} · {p.completedBy} ·{' '}
                    {formatMoney(p.total)}
                  </Text>
                </Group>
                {p.voided && (
                  <Badge color="gray">
                    {t('pharmacy.pickups.voided', { reason: p.voided.reason })}
                  </Badge>
                )}
                <Table>
                  <Table.Tbody>
                    {p.lines.map((l) => (
                      <Table.Tr key={`${l.rxNumber}-${l.fillNumber}`}>
                        <Table.Td ff="monospace">
                          {l.rxNumber}-{String(l.fillNumber).padStart(2, '0')}
                        </Table.Td>
                        <Table.Td ta="right">{formatMoney(l.amount)}</Table.Td>
                        <Table.Td ta="right">
                          {l.returned ? (
                            <Badge color="orange">{t('pharmacy.pickups.returned')}</Badge>
                          ) : (
                            !p.voided && (
                              <Button
                                size="compact-xs"
                                variant="default"
                                onClick={() =>
                                  setUndo({
                                    kind: 'return',
                                    invoice: p.invoice,
                                    rxNumber: l.rxNumber,
                                    fillNumber: l.fillNumber,
                                  })
                                }
                              >
                                {t('pharmacy.pickups.return')}
                              </Button>
                            )
                          )}
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
                <Group justify="space-between">
                  <Text size="xs" c="dimmed">
                    {p.canVoid || p.voided ? '' : t('pharmacy.pickups.noVoid')}
                  </Text>
                  {p.canVoid && (
                    <Button
                      size="xs"
                      color="red"
                      variant="light"
                      onClick={() => setUndo({ kind: 'void', invoice: p.invoice })}
                    >
                      {t('pharmacy.pickups.void')}
                    </Button>
                  )}
                </Group>
              </Stack>
            </Card>
          ))}
        {(day.data?.length ?? 0) === 0 ? (
          <Empty title={t('pharmacy.pickups.none')} testId="pickups-empty" />
        ) : (
          <Table highlightOnHover data-testid="pickups-today">
            <Table.Tbody>
              {day.data?.map((p) => (
                <Table.Tr
                  key={p.invoice}
                  style={{ cursor: 'pointer' }}
                  onClick={() => {
                    setOpen(p.invoice);
                    setDone(null);
                  }}
                >
                  <Table.Td ff="monospace">
                    <Button
                      variant="transparent"
                      size="compact-sm"
                      px={0}
                      ff="monospace"
                      aria-label={t('pharmacy.pickups.openOne', { invoice: p.invoice })}
                    >
                      {p.invoice}
                    </Button>
                  </Table.Td>
                  <Table.Td>{formatTime(p.completedAt, i18n.language)}</Table.Td>
                  <Table.Td>{t('pharmacy.pickups.rxCount', { count: p.rxCount })}</Table.Td>
                  <Table.Td ta="right">{formatMoney(p.total)}</Table.Td>
                  <Table.Td>
                    {p.voided ? (
                      <Badge color="gray">{t('pharmacy.pickups.voidedShort')}</Badge>
                    ) : p.returned > 0 ? (
                      <Badge color="orange">
                        {t('pharmacy.pickups.returnedCount', { count: p.returned })}
                      </Badge>
                    ) : null}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        <ProblemAlert problem={day.problem} />
      </Stack>
      <ReasonDialog
        opened={undo !== null}
        title={
          undo?.kind === 'void'
            ? t('pharmacy.pickups.voidTitle', { invoice: undo.invoice })
            : t('pharmacy.pickups.returnTitle', { rx: undo?.rxNumber ?? '' })
        }
        submitLabel={
          undo?.kind === 'void' ? t('pharmacy.pickups.void') : t('pharmacy.pickups.return')
        }
        onClose={() => setUndo(null)}
        action={async (reason) => {
          const what = undo;
          if (!what) return;
          // A refusal throws: the dialog stays open and shows why.
          if (what.kind === 'void')
            await api.pharmacy.voidPickup.mutate({ invoice: what.invoice, reason });
          else
            await api.pharmacy.returnRx.mutate({
              invoice: what.invoice,
              rxNumber: what.rxNumber,
              fillNumber: what.fillNumber,
              reason,
            });
          setUndo(null);
          setDone(
            what.kind === 'void'
              ? t('pharmacy.pickups.voidDone', { invoice: what.invoice })
              : t('pharmacy.pickups.returnDone', { rx: what.rxNumber }),
          );
          found.reload();
          day.reload();
        }}
      />
    </Card>
  );
}
