import { Select, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/app-client.ts';
import { useApiMutation } from '../../api/hooks.ts';
import { FormDialog } from '../../components/FormDialog.tsx';
import { dispositionKinds, dispositionSchema } from '../../lib/rules.ts';

type Kind = (typeof dispositionKinds)[number];
type Field =
  | 'form4473'
  | 'transfereeName'
  | 'transfereeAddress'
  | 'buyerKey'
  | 'checkId'
  | 'transfereeFfl'
  | 'atfIncident';

/** The fields each kind of disposition records (27 CFR 478.125(e)). */
const fieldsOf: Record<Kind, Field[]> = {
  non_licensee: ['form4473', 'transfereeName', 'transfereeAddress', 'buyerKey', 'checkId'],
  licensee: ['transfereeName', 'transfereeFfl'],
  theft_loss: ['atfIncident'],
  destroyed: ['transfereeName', 'transfereeAddress'],
  returned_to_source: ['transfereeName', 'transfereeAddress'],
  law_enforcement: ['transfereeName', 'transfereeAddress'],
  loan_out: ['transfereeName', 'transfereeAddress'],
  exempt: ['transfereeName', 'transfereeAddress'],
};

/**
 * Starts a disposition: it stays pending (the firearm reserved) until it is handed over
 * and committed. A sale to a non-licensee commits only through the check gate.
 */
export function DisposeDialog(props: {
  opened: boolean;
  itemId: number;
  onClose: () => void;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const [kind, setKind] = useState<Kind>('non_licensee');
  const [values, setValues] = useState<Partial<Record<Field, string>>>({});
  const [tried, setTried] = useState(false);
  const input = {
    kind,
    ...Object.fromEntries(
      fieldsOf[kind]
        .filter((f) => (values[f] ?? '').trim() !== '')
        .map((f) => [f, f === 'checkId' ? Number(values[f]) : values[f]]),
    ),
  };
  const parsed = dispositionSchema.safeParse(input);
  const errorOf = (f: Field) =>
    tried && !parsed.success
      ? parsed.error.issues.find((i) => i.path[0] === f)?.message
      : undefined;
  const start = useApiMutation(() =>
    api.firearms.startDisposition.mutate({
      itemId: props.itemId,
      disposition: input as Parameters<
        typeof api.firearms.startDisposition.mutate
      >[0]['disposition'],
    }),
  );
  const close = () => {
    setValues({});
    setTried(false);
    start.clear();
    props.onClose();
  };
  return (
    <FormDialog
      opened={props.opened}
      onClose={close}
      title={t('firearms.dispose.title')}
      onSubmit={() => {
        setTried(true);
        if (!parsed.success) return;
        void start.run().then((r) => {
          if (!r) return;
          setValues({});
          setTried(false);
          props.onDone();
        });
      }}
      pending={start.pending}
      problem={start.problem}
      submitLabel={t('firearms.dispose.submit')}
    >
      <Select
        label={t('firearms.dispose.kind')}
        value={kind}
        allowDeselect={false}
        onChange={(v) => setKind((v ?? 'non_licensee') as Kind)}
        data={dispositionKinds.map((k) => ({
          value: k,
          label: t(`firearms.dispose.kinds.${k}`),
        }))}
      />
      {kind === 'non_licensee' && (
        <Text size="sm" c="dimmed">
          {t('firearms.dispose.nonLicenseeHint')}
        </Text>
      )}
      {fieldsOf[kind].map((f) => (
        <TextInput
          key={f}
          label={t(`firearms.dispose.fields.${f}`)}
          value={values[f] ?? ''}
          onChange={(e) => {
            const v = e.currentTarget.value;
            setValues((x) => ({ ...x, [f]: v }));
          }}
          error={errorOf(f)}
          inputMode={f === 'checkId' ? 'numeric' : undefined}
        />
      ))}
    </FormDialog>
  );
}
