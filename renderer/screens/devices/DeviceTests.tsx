import { Button, Group, Image, SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/app-client.ts';
import type { Inputs, Outputs } from '../../api/client.ts';
import { useApiMutation } from '../../api/hooks.ts';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { labelSchema } from '../../lib/rules.ts';

type Device = Outputs['devices']['list'][number];
type Label = Inputs['devices']['labelPreview']['label'];

/** A fresh key per intended print: a double click on the same button prints once. */
const newKey = (what: string, id: number) => `${what}:${id}:${crypto.randomUUID()}`;

const sampleReceipt = (name: string) => ({
  header: [name, 'Sample receipt'],
  meta: [new Date().toLocaleString()],
  lines: [
    { description: 'Sample item', quantity: 2, amount: 398 },
    { description: 'Another item', quantity: 1, amount: 1250 },
  ],
  totals: [
    { label: 'Subtotal', amount: 1648 },
    { label: 'Tax', amount: 136 },
    { label: 'Total', amount: 1784 },
  ],
  tenders: [{ label: 'Cash', amount: 2000 }],
  barcode: 'SAMPLE-0001',
  footer: ['Thank you'],
});

/** One try-it button: a device test that may take a moment. */
function Try(props: { label: string; pending: boolean; onClick: () => void }) {
  return (
    <Button size="xs" variant="default" loading={props.pending} onClick={props.onClick}>
      {props.label}
    </Button>
  );
}

/** What can be tried on a device from the device manager, by kind. */
export function DeviceTests(props: { device: Device; canManage: boolean }) {
  const { t } = useTranslation();
  const d = props.device;
  const [note, setNote] = useState<string | null>(null);
  const [receiptKey, setReceiptKey] = useState(() => newKey('sample', d.id));
  const probe = useApiMutation(() => api.devices.probe.mutate({ id: d.id }));
  const testPrint = useApiMutation(() => api.devices.testPrint.mutate({ id: d.id }));
  const drawer = useApiMutation(() => api.devices.openDrawer.mutate({ id: d.id }));
  const sample = useApiMutation(() =>
    api.devices.printReceipt.mutate({ id: d.id, key: receiptKey, receipt: sampleReceipt(d.name) }),
  );
  const weight = useApiMutation(() => api.devices.readWeight.mutate({ id: d.id }));
  const zero = useApiMutation(() => api.devices.zeroScale.mutate({ id: d.id }));
  const [line1, setLine1] = useState('');
  const [line2, setLine2] = useState('');
  const show = useApiMutation((idle: boolean) =>
    api.devices.showText.mutate({ id: d.id, text: idle ? null : { line1, line2 } }),
  );
  const problem =
    probe.problem ??
    testPrint.problem ??
    drawer.problem ??
    sample.problem ??
    weight.problem ??
    zero.problem ??
    show.problem;
  const done = (message: string) => () => setNote(message);

  return (
    <Stack gap="xs" data-testid="device-tests">
      <Group gap="xs">
        {props.canManage && (
          <Try
            label={t('devices.tests.checkNow')}
            pending={probe.pending}
            onClick={() =>
              void probe
                .run()
                .then(
                  (h) =>
                    h &&
                    setNote(
                      h.connected ? t('devices.tests.answered') : t('devices.tests.noAnswer'),
                    ),
                )
            }
          />
        )}
        {d.kind === 'receipt_printer' && (
          <>
            {props.canManage && (
              <Try
                label={t('devices.tests.testPage')}
                pending={testPrint.pending}
                onClick={() =>
                  void testPrint.run().then((j) => j && setNote(t('devices.tests.queued')))
                }
              />
            )}
            <Try
              label={t('devices.tests.sampleReceipt')}
              pending={sample.pending}
              onClick={() =>
                void sample.run().then((r) => {
                  if (!r) return;
                  setReceiptKey(newKey('sample', d.id));
                  setNote(t('devices.tests.queued'));
                })
              }
            />
            <Try
              label={t('devices.tests.openDrawer')}
              pending={drawer.pending}
              onClick={() =>
                void drawer.run().then((r) => r && done(t('devices.tests.drawerOpened'))())
              }
            />
          </>
        )}
        {d.kind === 'scale' && props.canManage && (
          <>
            <Try
              label={t('devices.tests.readWeight')}
              pending={weight.pending}
              onClick={() =>
                void weight
                  .run()
                  .then(
                    (w) =>
                      w && setNote(t('devices.tests.weight', { weight: w.weight, unit: w.unit })),
                  )
              }
            />
            <Try
              label={t('devices.tests.zero')}
              pending={zero.pending}
              onClick={() => void zero.run().then((r) => r && done(t('devices.tests.zeroed'))())}
            />
          </>
        )}
        {d.kind === 'label_printer' && props.canManage && (
          <Try
            label={t('devices.tests.testPage')}
            pending={testPrint.pending}
            onClick={() =>
              void testPrint.run().then((j) => j && setNote(t('devices.tests.queued')))
            }
          />
        )}
      </Group>
      {d.kind === 'pole_display' && props.canManage && (
        <Group gap="xs" align="flex-end">
          <TextInput
            size="xs"
            label={t('devices.tests.line1')}
            value={line1}
            onChange={(e) => setLine1(e.currentTarget.value)}
          />
          <TextInput
            size="xs"
            label={t('devices.tests.line2')}
            value={line2}
            onChange={(e) => setLine2(e.currentTarget.value)}
          />
          <Try
            label={t('devices.tests.show')}
            pending={show.pending}
            onClick={() => void show.run(false).then((r) => r && done(t('devices.tests.shown'))())}
          />
          <Button
            size="xs"
            variant="subtle"
            onClick={() => void show.run(true).then((r) => r && done(t('devices.tests.shown'))())}
          >
            {t('devices.tests.idle')}
          </Button>
        </Group>
      )}
      {d.kind === 'label_printer' && <LabelTest device={d} />}
      {note && !problem && (
        <Text size="sm" c="teal" data-testid="device-test-result">
          {note}
        </Text>
      )}
      <ProblemAlert problem={problem} />
    </Stack>
  );
}

/** A label filled in here, previewed as the printer would print it, then printed. */
function LabelTest(props: { device: Device }) {
  const { t } = useTranslation();
  const d = props.device;
  const [template, setTemplate] = useState<'shelf' | 'firearm'>('shelf');
  const [f, setF] = useState({
    description: '',
    price: '',
    barcode: '',
    manufacturer: '',
    model: '',
    serial: '',
    caliber: '',
  });
  const [png, setPng] = useState<string | null>(null);
  const [key, setKey] = useState(() => newKey('label', d.id));
  const label: unknown =
    template === 'shelf'
      ? {
          template,
          description: f.description,
          price: Math.round(Number(f.price || 'NaN') * 100),
          barcode: f.barcode,
        }
      : {
          template,
          manufacturer: f.manufacturer,
          model: f.model,
          serial: f.serial,
          caliber: f.caliber,
        };
  const parsed = labelSchema.safeParse(label);
  const preview = useApiMutation((l: Label) =>
    api.devices.labelPreview.mutate({ id: d.id, label: l }),
  );
  const print = useApiMutation((l: Label) =>
    api.devices.printLabel.mutate({ id: d.id, label: l, key, copies: 1 }),
  );
  const field = (k: keyof typeof f) => (
    <TextInput
      key={k}
      size="xs"
      label={t(`devices.label.${k}`)}
      value={f[k]}
      onChange={(e) => {
        const v = e.currentTarget.value;
        setPng(null);
        setF((x) => ({ ...x, [k]: v }));
      }}
    />
  );
  return (
    <Stack gap="xs">
      <SegmentedControl
        size="xs"
        value={template}
        onChange={(v) => {
          setPng(null);
          setTemplate(v === 'firearm' ? 'firearm' : 'shelf');
        }}
        data={[
          { value: 'shelf', label: t('devices.label.shelf') },
          { value: 'firearm', label: t('devices.label.firearm') },
        ]}
        aria-label={t('devices.label.template')}
      />
      <Group gap="xs" align="flex-end" wrap="wrap">
        {(template === 'shelf'
          ? (['description', 'price', 'barcode'] as const)
          : (['manufacturer', 'model', 'serial', 'caliber'] as const)
        ).map(field)}
        <Button
          size="xs"
          variant="default"
          disabled={!parsed.success}
          loading={preview.pending}
          onClick={() =>
            parsed.success && void preview.run(parsed.data).then((r) => r && setPng(r.png))
          }
        >
          {t('devices.label.preview')}
        </Button>
        <Button
          size="xs"
          disabled={!parsed.success || !png}
          loading={print.pending}
          onClick={() =>
            parsed.success &&
            void print.run(parsed.data).then((r) => {
              if (!r) return;
              setKey(newKey('label', d.id));
            })
          }
        >
          {t('devices.label.print')}
        </Button>
      </Group>
      {png && (
        <Image
          src={png}
          alt={t('devices.label.previewAlt')}
          w={320}
          fit="contain"
          bd="1px solid var(--mantine-color-gray-4)"
          data-testid="label-preview"
        />
      )}
      <ProblemAlert problem={preview.problem ?? print.problem} />
    </Stack>
  );
}
