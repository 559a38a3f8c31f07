import {
  Badge,
  Button,
  Card,
  Group,
  List,
  Skeleton,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useRef, useState } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/app-client.ts';
import type { Outputs } from '../../api/client.ts';
import { useApiMutation, useApiQuery } from '../../api/hooks.ts';
import { DoneAlert } from '../../components/DoneAlert.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { scansInto, useScanner } from '../../hooks/useScanner.ts';

/** Deadlines, the barcode inventory audit and the consistency check. */
export function ReconcileCards() {
  return (
    <>
      <DeadlinesCard />
      <InventoryAuditCard />
      <ConsistencyCard />
    </>
  );
}

/**
 * A deadline in the reader's language. English shows the store server's own sentence (it
 * names the dates and agencies in full); other languages say it from the alert's fields.
 */
function deadlineText(t: TFunction, language: string, a: Alert): string {
  if (language === 'en') return a.message;
  return t(`firearms.compliance.deadline.${a.kind}`, {
    entry: a.entry ?? '—',
    maker: a.manufacturer,
    model: a.model,
    serial: a.serial,
    disposition: a.dispositionId ?? '—',
    form: a.form ?? '',
    dueOn: a.dueOn,
  });
}

type Alert = Outputs['firearms']['overdue'][number];

function DeadlinesCard() {
  const { t, i18n } = useTranslation();
  const alerts = useApiQuery(() => api.firearms.overdue.query(), []);
  return (
    <Card withBorder>
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={3}>{t('firearms.reports.deadlinesTitle')}</Title>
          <Button size="xs" variant="default" onClick={alerts.reload}>
            {t('common.refresh')}
          </Button>
        </Group>
        <ProblemAlert problem={alerts.problem} />
        {alerts.loading ? (
          <Skeleton h={60} />
        ) : (alerts.data?.length ?? 0) === 0 ? (
          <DoneAlert testId="deadlines-ok">{t('firearms.reports.deadlinesOk')}</DoneAlert>
        ) : (
          <List spacing={4} size="sm" data-testid="deadlines">
            {alerts.data?.map((a) => (
              <List.Item
                key={`${a.kind}-${a.itemId}-${a.dispositionId ?? ''}`}
                icon={<Badge color="red">{t(`firearms.compliance.alertKinds.${a.kind}`)}</Badge>}
              >
                {deadlineText(t, i18n.language, a)}
              </List.Item>
            ))}
          </List>
        )}
      </Stack>
    </Card>
  );
}

type Audit = Outputs['firearms']['inventoryAudit'];

/**
 * Scan every firearm on the shelves (each scan ends with Enter), then compare with the book.
 * A scan counts wherever the focus is on this card, or where no field has it (the clerk walks
 * the safe with the scanner, not the mouse); a serial typed by hand goes in with Enter.
 */
function InventoryAuditCard() {
  const { t } = useTranslation();
  const [scan, setScan] = useState('');
  const [serials, setSerials] = useState<string[]>([]);
  const [result, setResult] = useState<Audit | null>(null);
  const compare = useApiMutation(() => api.firearms.inventoryAudit.mutate({ serials }));
  const card = useRef<HTMLDivElement>(null);
  const scanField = useRef<HTMLInputElement>(null);
  useScanner(
    (code, scanned) => {
      const s = code.trim();
      if (s) setSerials((x) => [...x, s]);
      // Typed into the scan field: it held the scan's characters.
      if (scanned.element === scanField.current) setScan('');
    },
    { accepts: scansInto(card) },
  );
  return (
    <Card withBorder ref={card}>
      <Stack gap="sm">
        <Title order={3}>{t('firearms.reports.auditTitle')}</Title>
        <Text size="sm" c="dimmed">
          {t('firearms.reports.auditHint')}
        </Text>
        <Group align="flex-end">
          <TextInput
            ref={scanField}
            label={t('firearms.reports.auditScan')}
            value={scan}
            onChange={(e) => setScan(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key !== 'Enter') return;
              e.preventDefault();
              const s = scan.trim();
              if (s) setSerials((x) => [...x, s]);
              setScan('');
            }}
            ff="monospace"
            w={260}
          />
          <Text size="sm" data-testid="audit-count">
            {t('firearms.reports.auditScanned', { count: serials.length })}
          </Text>
          <Button
            size="xs"
            loading={compare.pending}
            onClick={() => void compare.run().then((r) => r && setResult(r))}
          >
            {t('firearms.reports.auditCompare')}
          </Button>
          <Button
            size="xs"
            variant="subtle"
            onClick={() => {
              setSerials([]);
              setResult(null);
            }}
          >
            {t('firearms.reports.auditRestart')}
          </Button>
        </Group>
        <ProblemAlert problem={compare.problem} />
        {result && (
          <Stack gap={4} data-testid="audit-result">
            <Text size="sm" fw={600}>
              {t('firearms.reports.auditSummary', {
                found: result.counts.found,
                inStock: result.counts.inStock,
                missing: result.counts.missing,
                unexpected: result.counts.unexpected,
              })}
            </Text>
            <List size="sm" spacing={2}>
              {[
                ...result.missing,
                ...result.unexpected,
                ...result.duplicates,
                ...result.shared,
              ].map((p, i) => (
                <List.Item key={i}>{p.message}</List.Item>
              ))}
            </List>
          </Stack>
        )}
      </Stack>
    </Card>
  );
}

function ConsistencyCard() {
  const { t } = useTranslation();
  const [run, setRun] = useState(0);
  const check = useApiQuery(
    () => (run > 0 ? api.firearms.consistency.query() : Promise.resolve(null)),
    [run],
  );
  const r = check.data;
  return (
    <Card withBorder>
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={3}>{t('firearms.reports.consistencyTitle')}</Title>
          <Button size="xs" variant="default" onClick={() => setRun((n) => n + 1)}>
            {t('firearms.reports.consistencyRun')}
          </Button>
        </Group>
        <Text size="sm" c="dimmed">
          {t('firearms.reports.consistencyHint')}
        </Text>
        <ProblemAlert problem={check.problem} />
        {run > 0 && check.loading && <Skeleton h={40} />}
        {r &&
          (r.ok ? (
            <DoneAlert testId="consistency-ok">
              {t('firearms.reports.consistencyOk', {
                open: r.counts.openEntries,
                stock: r.counts.openItems,
              })}
            </DoneAlert>
          ) : (
            <List size="sm" spacing={2} data-testid="consistency-problems">
              {r.problems.map((p, i) => (
                <List.Item key={i}>{p.message}</List.Item>
              ))}
            </List>
          ))}
      </Stack>
    </Card>
  );
}
