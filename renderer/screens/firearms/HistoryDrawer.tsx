import {
  Badge,
  Button,
  Drawer,
  Group,
  SegmentedControl,
  Skeleton,
  Stack,
  Text,
  Timeline,
} from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/app-client.ts';
import { useApiMutation, useApiQuery } from '../../api/hooks.ts';
import { DoneAlert } from '../../components/DoneAlert.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { formatEpoch } from '../../lib/format.ts';
import { dispositionsInView } from '../../lib/rules.ts';
import { CorrectDialog } from './CorrectDialog.tsx';
import { DisposeDialog } from './DisposeDialog.tsx';
import { HandOverDialog, MarkPmfDialog, ReturnDialog } from './ItemActions.tsx';
import { ReasonDialog } from '../../components/ReasonDialog.tsx';

type Ask = 'undispose' | 'flag' | null;
type View = 'corrected' | 'original' | 'both';

/**
 * One firearm's chain of custody: every acquisition entry (corrections beside what they
 * correct) and every disposition, with what the clerk can do next.
 */
export function HistoryDrawer(props: {
  itemId: number | null;
  onClose: () => void;
  onChanged: () => void;
}) {
  const { t, i18n } = useTranslation();
  const [tick, setTick] = useState(0);
  const [dialog, setDialog] = useState<
    'correct' | 'dispose' | 'pmf' | 'return' | 'handOver' | 'correctDisposition' | null
  >(null);
  const [view, setView] = useState<View>('corrected');
  const [ask, setAsk] = useState<Ask>(null);
  const [done, setDone] = useState<string | null>(null);
  const id = props.itemId;
  const history = useApiQuery(
    () => (id ? api.firearms.history.query({ itemId: id }) : Promise.resolve(null)),
    [id, tick],
  );
  const changed = (note: string) => {
    setDone(note);
    setTick((n) => n + 1);
    props.onChanged();
  };
  const cancel = useApiMutation((dispositionId: number) =>
    api.firearms.cancelDisposition.mutate({ dispositionId }),
  );
  const h = history.data;
  const latest = h?.acquisitions.at(-1);
  const pending = h?.dispositions.find((d) => d.id === h.pending);
  const committed = h?.dispositions.find((d) => d.id === h.standing);
  // The standing disposition as it reads now: its newest correction that is not a void.
  const current = committed
    ? (h?.dispositions.filter((d) => d.corrects === committed.id && !d.voided).at(-1) ?? committed)
    : undefined;
  const inStore = !committed;
  const rules = h ? { today: h.today, form4473FiledNumerically: h.form4473FiledNumerically } : null;
  const shown = h ? dispositionsInView(h.dispositions, view) : [];
  const hasCorrections = h?.dispositions.some((d) => d.corrects !== null) ?? false;

  return (
    <Drawer
      opened={id !== null}
      onClose={() => {
        setDone(null);
        cancel.clear();
        props.onClose();
      }}
      position="right"
      size={560}
      closeButtonProps={{ 'aria-label': t('common.close') }}
      title={
        latest
          ? `${latest.manufacturer} ${latest.model} · ${latest.serial}`
          : t('firearms.history.title')
      }
    >
      {history.loading || !h || !latest ? (
        <Skeleton h={200} />
      ) : (
        <Stack gap="md" data-testid="firearm-history">
          {done && <DoneAlert>{done}</DoneAlert>}
          <ProblemAlert problem={history.problem ?? cancel.problem} />
          <Group gap="xs">
            {inStore && !pending && (
              <Button size="xs" onClick={() => setDialog('dispose')}>
                {t('firearms.dispose.open')}
              </Button>
            )}
            {pending && (
              <>
                <Button size="xs" onClick={() => setDialog('handOver')}>
                  {t('firearms.dispose.commit')}
                </Button>
                <Button
                  size="xs"
                  variant="default"
                  loading={cancel.pending}
                  onClick={() =>
                    void cancel.run(pending.id).then((r) => {
                      if (r) changed(t('firearms.dispose.cancelled'));
                    })
                  }
                >
                  {t('firearms.dispose.cancel')}
                </Button>
              </>
            )}
            <Button size="xs" variant="default" onClick={() => setDialog('correct')}>
              {t('firearms.correct.open')}
            </Button>
            {committed && (
              <Button size="xs" variant="default" onClick={() => setDialog('correctDisposition')}>
                {t('firearms.disposal.correct.open')}
              </Button>
            )}
            {committed && (
              <Button size="xs" variant="default" onClick={() => setAsk('undispose')}>
                {t('firearms.undispose.open')}
              </Button>
            )}
            {committed && (
              <Button size="xs" variant="default" onClick={() => setDialog('return')}>
                {t('firearms.return.open')}
              </Button>
            )}
            {h.item.privatelyMade && !h.item.marked && inStore && (
              <Button size="xs" color="orange" onClick={() => setDialog('pmf')}>
                {t('firearms.pmf.open')}
              </Button>
            )}
            {inStore && (
              <Button size="xs" variant="subtle" color="red" onClick={() => setAsk('flag')}>
                {t('firearms.hold.flag')}
              </Button>
            )}
          </Group>
          {hasCorrections && (
            <SegmentedControl
              size="xs"
              value={view}
              onChange={(v) => setView(v as View)}
              data={(['corrected', 'original', 'both'] as const).map((v) => ({
                value: v,
                label: t(`firearms.disposal.view.${v}`),
              }))}
              aria-label={t('firearms.disposal.view.label')}
              data-testid="disposition-view"
            />
          )}
          <Timeline active={-1} bulletSize={14} lineWidth={2}>
            {h.acquisitions.map((a) => (
              <Timeline.Item
                key={`a${a.entryNo}`}
                title={
                  a.corrects
                    ? t('firearms.history.correction', { entry: a.entryNo, of: a.corrects })
                    : t('firearms.history.acquired', { entry: a.entryNo })
                }
                data-testid={a.corrects ? 'history-correction' : 'history-acquisition'}
              >
                <Text size="sm">
                  {a.receivedOn} · {a.sourceName} ({a.sourceFfl ?? a.sourceAddress})
                </Text>
                <Text size="sm">
                  {a.manufacturer} {a.importer ? `(${a.importer}) ` : ''}
                  {a.model} · {a.type} · {a.caliber} · <code>{a.serial}</code>
                </Text>
                {a.correctionReason && (
                  <Text size="sm" c="dimmed">
                    {t('firearms.history.why', { reason: a.correctionReason })}
                  </Text>
                )}
                <Text size="xs" c="dimmed">
                  {a.recordedBy} · {formatEpoch(a.recordedAt, i18n.language)}
                </Text>
              </Timeline.Item>
            ))}
            {shown.map((d) => (
              <Timeline.Item
                key={`d${d.id}`}
                title={
                  <Group gap={6}>
                    <span>
                      {d.voided
                        ? t('firearms.history.voided', { of: d.corrects })
                        : d.corrects
                          ? `${t('firearms.disposal.history.correction', { of: d.corrects })} · ${t(`firearms.dispose.kinds.${d.kind}`)}`
                          : t(`firearms.dispose.kinds.${d.kind}`)}
                    </span>
                    <Badge size="xs" variant="light">
                      {t(`firearms.dispositionState.${d.state}`)}
                    </Badge>
                    {d.report && (
                      <Badge size="xs" color="orange" data-testid="multiple-sale-flag">
                        {t('firearms.history.multipleSale', { form: d.report })}
                      </Badge>
                    )}
                  </Group>
                }
                data-testid={d.corrects ? 'history-disposition-correction' : 'history-disposition'}
              >
                <Text size="sm" data-testid="disposition-line">
                  {d.disposed_on
                    ? t('firearms.disposal.history.handedOver', { date: d.disposed_on })
                    : t('firearms.history.notHandedOver')}
                  {d.form_4473 ? ` · 4473 ${d.form_4473}` : ''}
                  {d.redacted
                    ? ` · ${t('firearms.history.redacted')}`
                    : [d.transferee_name, d.transferee_address]
                        .filter(Boolean)
                        .map((v) => ` · ${v}`)
                        .join('')}
                  {d.transferee_ffl ? ` · FFL ${d.transferee_ffl}` : ''}
                  {d.atf_incident ? ` · ATF ${d.atf_incident}` : ''}
                </Text>
                {(d.destruction_method ?? d.exemption_basis) && (
                  <Text size="sm">{d.destruction_method ?? d.exemption_basis}</Text>
                )}
                {!d.redacted && (d.officer_name ?? d.officer_badge) && (
                  <Text size="sm">
                    {[d.officer_name, d.officer_badge].filter(Boolean).join(' · ')}
                  </Text>
                )}
                {d.correction_reason && (
                  <Text size="sm" c="dimmed">
                    {t('firearms.history.why', { reason: d.correction_reason })}
                  </Text>
                )}
                {d.committed_at !== null && (
                  <Text size="xs" c="dimmed">
                    {t(`firearms.disposal.history.${d.corrects ? 'corrected' : 'committed'}`, {
                      at: formatEpoch(d.committed_at, i18n.language),
                      by: d.committed_by ?? '',
                    })}
                  </Text>
                )}
              </Timeline.Item>
            ))}
          </Timeline>
          <CorrectDialog
            opened={dialog === 'correct'}
            entry={latest}
            onClose={() => setDialog(null)}
            onDone={() => {
              setDialog(null);
              changed(t('firearms.correct.done'));
            }}
          />
          {rules && (
            <DisposeDialog
              opened={dialog === 'dispose'}
              itemId={latest.itemId}
              rules={rules}
              onClose={() => setDialog(null)}
              onDone={(r) => {
                setDialog(null);
                changed(
                  !r.committed
                    ? t('firearms.dispose.started')
                    : r.report
                      ? t('firearms.dispose.committedMultiple', { form: r.report })
                      : t('firearms.dispose.committed'),
                );
              }}
            />
          )}
          {rules && current && dialog === 'correctDisposition' && (
            <DisposeDialog
              key={current.id}
              opened
              itemId={latest.itemId}
              rules={rules}
              correcting={current}
              onClose={() => setDialog(null)}
              onDone={() => {
                setDialog(null);
                setView('both');
                changed(t('firearms.disposal.correct.done'));
              }}
            />
          )}
          {rules && pending && dialog === 'handOver' && (
            <HandOverDialog
              key={pending.id}
              dispositionId={pending.id}
              today={rules.today}
              opened
              onClose={() => setDialog(null)}
              onDone={(report) => {
                setDialog(null);
                changed(
                  report
                    ? t('firearms.dispose.committedMultiple', { form: report })
                    : t('firearms.dispose.committed'),
                );
              }}
            />
          )}
          <MarkPmfDialog
            key={`pmf-${h.today}`}
            itemId={latest.itemId}
            today={h.today}
            opened={dialog === 'pmf'}
            onClose={() => setDialog(null)}
            onDone={(serial) => {
              setDialog(null);
              changed(t('firearms.pmf.done', { serial }));
            }}
          />
          <ReturnDialog
            key={`return-${h.today}`}
            itemId={latest.itemId}
            today={h.today}
            opened={dialog === 'return'}
            onClose={() => setDialog(null)}
            onDone={() => {
              setDialog(null);
              changed(t('firearms.return.done'));
            }}
          />
          <ReasonDialog
            opened={ask !== null}
            title={t(ask === 'flag' ? 'firearms.hold.flagTitle' : 'firearms.undispose.title')}
            submitLabel={t(ask === 'flag' ? 'firearms.hold.flag' : 'firearms.undispose.open')}
            onClose={() => setAsk(null)}
            action={async (reason) => {
              if (ask === 'flag') {
                await api.firearms.flagSuspect.mutate({ itemId: latest.itemId, reason });
                changed(t('firearms.hold.flagged'));
              } else if (committed) {
                await api.firearms.undispose.mutate({ dispositionId: committed.id, reason });
                changed(t('firearms.undispose.done'));
              }
              setAsk(null);
            }}
          />
        </Stack>
      )}
    </Drawer>
  );
}
