import { Checkbox, Select, Text, Textarea, TextInput } from '@mantine/core';
import type { TFunction } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/app-client.ts';
import type { Outputs } from '../../api/client.ts';
import { useApiMutation } from '../../api/hooks.ts';
import { FormDialog } from '../../components/FormDialog.tsx';
import { dispositionFields, dispositionKinds, dispositionSchemaFor } from '../../lib/rules.ts';
import { handOverDateProblem } from './hand-over-date.ts';

type Kind = (typeof dispositionKinds)[number];
type Field = (typeof dispositionFields)[Kind][number];
type Row = Outputs['firearms']['history']['dispositions'][number];
type Input = Parameters<typeof api.firearms.startDisposition.mutate>[0]['disposition'];

/** The store's rules the form applies as the clerk types (from the firearm's history). */
export interface DisposalRules {
  /** The store's today: a hand-over date is on or before it. */
  today: string;
  form4473FiledNumerically: boolean;
}

/** A row's recorded fields as the form's values (for a correction). */
function valuesOf(row: Row): Partial<Record<Field, string>> {
  const v = {
    form4473: row.form_4473,
    transfereeName: row.transferee_name,
    transfereeAddress: row.transferee_address,
    transfereeFfl: row.transferee_ffl,
    buyerKey: row.buyer_key,
    checkId: row.check_id === null ? null : String(row.check_id),
    atfIncident: row.atf_incident,
    destructionMethod: row.destruction_method,
    exemptionBasis: row.exemption_basis,
    officerName: row.officer_name,
    officerBadge: row.officer_badge,
  } satisfies Record<Field, string | null>;
  return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== null));
}

/** The message for a field's first problem, in the reader's language. */
function fieldMessage(
  t: TFunction,
  kind: Kind,
  field: Field,
  issue: { code: string; maximum?: unknown },
): string {
  if (issue.code === 'too_big') return t('validation.tooLong', { count: Number(issue.maximum) });
  if (field === 'transfereeFfl' && issue.code === 'invalid_format')
    return t('firearms.disposal.fflFormat');
  if (kind === 'returned_to_source' && field === 'transfereeAddress')
    return t('firearms.disposal.required.addressOrFfl');
  return t(`firearms.disposal.required.${field}`);
}

/** A field's label for this kind ("Agency name" for law enforcement, …). */
function labelOf(t: TFunction, kind: Kind, field: Field): string {
  const specific = `firearms.disposal.kindLabels.${kind}.${field}`;
  return t(specific as 'firearms.disposal.labels.transfereeName', {
    defaultValue: t(`firearms.disposal.labels.${field}`),
  });
}

/**
 * Records a disposition: exactly the fields its kind needs (27 CFR 478.125(e)), checked as the
 * clerk types with the store server's own rules. Started, it stays pending (the firearm
 * reserved) until it is handed over and committed, on the hand-over date; a sale to a
 * non-licensee commits only through the check gate. With `correcting`, it records a correction
 * of a committed disposition instead: the fields and date as they should read, and why.
 */
export function DisposeDialog(props: {
  opened: boolean;
  itemId: number;
  rules: DisposalRules;
  /** The committed disposition to correct (its version as it stands now). */
  correcting?: Row;
  onClose: () => void;
  onDone: (result: { committed: boolean; report: string | null }) => void;
}) {
  const { t } = useTranslation();
  const fixing = props.correcting;
  const [kind, setKind] = useState<Kind>(fixing?.kind ?? 'non_licensee');
  const [values, setValues] = useState<Partial<Record<Field, string>>>(
    fixing ? valuesOf(fixing) : {},
  );
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [tried, setTried] = useState(false);
  const [commitNow, setCommitNow] = useState(false);
  const [disposedOn, setDisposedOn] = useState(fixing?.disposed_on ?? props.rules.today);
  const [reason, setReason] = useState('');

  const fields: readonly Field[] = dispositionFields[kind];
  const input = {
    kind,
    ...Object.fromEntries(
      fields
        .filter((f) => (values[f] ?? '').trim() !== '')
        .map((f) => [f, f === 'checkId' ? Number(values[f]) : values[f]]),
    ),
  };
  const parsed = dispositionSchemaFor({
    form4473FiledNumerically: props.rules.form4473FiledNumerically,
  }).safeParse(input);
  const shows = (f: string) => tried || touched.has(f);
  const errorOf = (f: Field) => {
    const issue = parsed.success ? undefined : parsed.error.issues.find((i) => i.path[0] === f);
    return issue && shows(f) ? fieldMessage(t, kind, f, issue) : undefined;
  };
  const datesMatter = Boolean(fixing) || commitNow;
  const dateError = datesMatter ? handOverDateProblem(t, disposedOn, props.rules.today) : undefined;
  const reasonMissing = Boolean(fixing) && !reason.trim();

  const save = useApiMutation(async () => {
    const disposition = (parsed.success ? parsed.data : input) as Input;
    if (fixing) {
      await api.firearms.correctDisposition.mutate({
        dispositionId: fixing.corrects ?? fixing.id,
        disposition,
        disposedOn,
        reason: reason.trim(),
      });
      return { committed: true, report: null };
    }
    const started = await api.firearms.startDisposition.mutate({
      itemId: props.itemId,
      disposition,
    });
    if (!commitNow) return { committed: false, report: null };
    const done = await api.firearms.commitDisposition.mutate({
      dispositionId: started.id,
      disposedOn,
    });
    return { committed: true, report: done.report };
  });
  const reset = () => {
    setValues(fixing ? valuesOf(fixing) : {});
    setTouched(new Set());
    setTried(false);
    setReason('');
    save.clear();
  };
  const close = () => {
    reset();
    props.onClose();
  };
  const touch = (f: string) => setTouched((s) => new Set([...s, f]));

  return (
    <FormDialog
      opened={props.opened}
      onClose={close}
      title={
        fixing
          ? t('firearms.disposal.correct.title', { id: fixing.corrects ?? fixing.id })
          : t('firearms.dispose.title')
      }
      onSubmit={() => {
        setTried(true);
        if (!parsed.success || dateError || reasonMissing) return;
        void save.run().then((r) => {
          if (!r) return;
          reset();
          props.onDone(r);
        });
      }}
      pending={save.pending}
      problem={save.problem}
      submitLabel={
        fixing
          ? t('firearms.disposal.correct.submit')
          : commitNow
            ? t('firearms.disposal.commitSubmit')
            : t('firearms.dispose.submit')
      }
    >
      {fixing && (
        <Text size="sm" c="dimmed">
          {t('firearms.disposal.correct.hint')}
        </Text>
      )}
      <Select
        label={t('firearms.dispose.kind')}
        value={kind}
        allowDeselect={false}
        onChange={(v) => setKind((v ?? 'non_licensee') as Kind)}
        data={dispositionKinds.map((k) => ({
          value: k,
          label: t(`firearms.dispose.kinds.${k}`),
        }))}
        data-testid="disposition-kind"
      />
      {kind === 'non_licensee' && !fixing && (
        <Text size="sm" c="dimmed">
          {t('firearms.dispose.nonLicenseeHint')}
        </Text>
      )}
      {kind === 'non_licensee' && props.rules.form4473FiledNumerically && (
        <Text size="sm" c="dimmed">
          {t('firearms.disposal.filedNumericallyHint')}
        </Text>
      )}
      {fields.map((f) => (
        <TextInput
          key={`${kind}.${f}`}
          label={labelOf(t, kind, f)}
          value={values[f] ?? ''}
          onChange={(e) => {
            const v = e.currentTarget.value;
            setValues((x) => ({ ...x, [f]: v }));
            touch(f);
          }}
          onBlur={() => touch(f)}
          error={errorOf(f)}
          inputMode={f === 'checkId' ? 'numeric' : undefined}
          data-testid={`disposition-${f}`}
        />
      ))}
      {!fixing && (
        <Checkbox
          label={t('firearms.disposal.commitNow')}
          checked={commitNow}
          onChange={(e) => setCommitNow(e.currentTarget.checked)}
          data-testid="disposition-commit-now"
        />
      )}
      {datesMatter && (
        <TextInput
          type="date"
          label={t('firearms.disposal.handedOverOn')}
          description={t('firearms.disposal.handedOverHint')}
          value={disposedOn}
          max={props.rules.today}
          onChange={(e) => setDisposedOn(e.currentTarget.value)}
          error={dateError}
          data-testid="disposition-date"
        />
      )}
      {fixing && (
        <Textarea
          label={t('firearms.reason')}
          description={t('firearms.reasonHint')}
          value={reason}
          onChange={(e) => setReason(e.currentTarget.value)}
          error={tried && reasonMissing ? t('validation.required') : undefined}
          autosize
          minRows={2}
        />
      )}
    </FormDialog>
  );
}
