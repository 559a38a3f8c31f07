import {
  Group,
  NumberInput,
  SegmentedControl,
  Select,
  SimpleGrid,
  Text,
  TextInput,
} from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/app-client.ts';
import type { Outputs } from '../../api/client.ts';
import { useApiMutation } from '../../api/hooks.ts';
import { FormDialog } from '../../components/FormDialog.tsx';
import type { enDevices } from '../../i18n/en-devices.ts';
import { baudRates, deviceConfigSchema, deviceKinds } from '../../lib/rules.ts';

type Device = Outputs['devices']['list'][number];
type Kind = (typeof deviceKinds)[number];

/** Models (protocols) per kind, and which connections each kind can use. */
type Model = keyof typeof enDevices.models;
const models: Record<Kind, readonly Model[]> = {
  receipt_printer: ['epson', 'star'],
  label_printer: ['zpl'],
  scale: ['mt-sics', 'toledo-8213'],
  pole_display: ['epson', 'cd5220'],
  scanner: ['keyboard', 'serial'],
};
const connections = (kind: Kind, model: Model): ('tcp' | 'serial')[] =>
  kind === 'receipt_printer'
    ? ['tcp', 'serial']
    : kind === 'label_printer'
      ? ['tcp']
      : kind === 'scanner' && model === 'keyboard'
        ? []
        : ['serial'];

interface Draft {
  kind: Kind;
  name: string;
  model: Model;
  via: 'tcp' | 'serial';
  host: string;
  port: number | string;
  path: string;
  baudRate: string;
  width: number | string;
  drawerPin: string;
  stableWaitMs: number | string;
  idleMessage: string;
}

const blank = (kind: Kind): Draft => ({
  kind,
  name: '',
  model: models[kind][0] ?? 'epson',
  via: kind === 'receipt_printer' || kind === 'label_printer' ? 'tcp' : 'serial',
  host: '',
  port: 9100,
  path: '',
  baudRate: '9600',
  width: kind === 'pole_display' ? 20 : 42,
  drawerPin: '2',
  stableWaitMs: 3000,
  idleMessage: 'Welcome',
});

function draftOf(d: Device): Draft {
  const c = d.config;
  const base = blank(c.kind);
  const conn = 'connection' in c ? c.connection : undefined;
  return {
    ...base,
    name: c.name,
    model: c.model,
    ...(conn?.type === 'tcp'
      ? { via: 'tcp', host: conn.host, port: conn.port }
      : conn?.type === 'serial'
        ? { via: 'serial', path: conn.path, baudRate: String(conn.baudRate) }
        : {}),
    ...(c.kind === 'receipt_printer' ? { width: c.width, drawerPin: String(c.drawerPin) } : {}),
    ...(c.kind === 'pole_display' ? { width: c.width, idleMessage: c.idleMessage } : {}),
    ...(c.kind === 'scale' ? { stableWaitMs: c.stableWaitMs } : {}),
  };
}

/** The device's settings as the API takes them. */
function configOf(d: Draft): unknown {
  const via = connections(d.kind, d.model);
  const connection =
    via.length === 0
      ? undefined
      : (via.includes(d.via) ? d.via : via[0]) === 'tcp'
        ? { type: 'tcp', host: d.host.trim(), port: Number(d.port) }
        : { type: 'serial', path: d.path.trim(), baudRate: Number(d.baudRate) };
  const num = (v: number | string) => (v === '' ? undefined : Number(v));
  return {
    kind: d.kind,
    name: d.name,
    model: d.model,
    ...(connection ? { connection } : {}),
    ...(d.kind === 'receipt_printer'
      ? { width: num(d.width), drawerPin: Number(d.drawerPin) }
      : d.kind === 'pole_display'
        ? { width: num(d.width), idleMessage: d.idleMessage }
        : d.kind === 'scale'
          ? { stableWaitMs: num(d.stableWaitMs) }
          : {}),
  };
}

/** Adds a device, or changes one (its kind stays). */
export function DeviceDialog(props: {
  opened: boolean;
  device: Device | null;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<Draft>(blank('receipt_printer'));
  const [tried, setTried] = useState(false);
  useEffect(() => {
    if (!props.opened) return;
    setDraft(props.device ? draftOf(props.device) : blank('receipt_printer'));
    setTried(false);
  }, [props.opened, props.device]);
  const parsed = deviceConfigSchema.safeParse(configOf(draft));
  const problems = new Map(
    (parsed.success ? [] : parsed.error.issues).map((i) => [i.path.join('.'), i.message]),
  );
  const err = (path: string) => (tried ? problems.get(path) : undefined);
  const save = useApiMutation(() =>
    props.device
      ? api.devices.update.mutate({
          id: props.device.id,
          config: parsed.data as Parameters<typeof api.devices.add.mutate>[0],
        })
      : api.devices.add.mutate(parsed.data as Parameters<typeof api.devices.add.mutate>[0]),
  );
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setDraft((d) => ({ ...d, [k]: v }));
  const via = connections(draft.kind, draft.model);
  const current = via.includes(draft.via) ? draft.via : via[0];

  return (
    <FormDialog
      opened={props.opened}
      onClose={props.onClose}
      title={
        props.device ? t('devices.editTitle', { name: props.device.name }) : t('devices.addTitle')
      }
      size="lg"
      pending={save.pending}
      problem={save.problem}
      submitLabel={t('devices.save')}
      onSubmit={() => {
        setTried(true);
        if (!parsed.success) return;
        void save.run().then((r) => r && props.onSaved());
      }}
    >
      <SimpleGrid cols={2} spacing="sm">
        <Select
          label={t('devices.kind')}
          data={deviceKinds.map((k) => ({ value: k, label: t(`devices.kinds.${k}`) }))}
          value={draft.kind}
          allowDeselect={false}
          disabled={props.device !== null}
          onChange={(v) => v && setDraft({ ...blank(v as Kind), name: draft.name })}
        />
        <TextInput
          label={t('devices.name')}
          placeholder={t('devices.namePlaceholder')}
          value={draft.name}
          onChange={(e) => set('name', e.currentTarget.value)}
          error={err('name')}
          data-autofocus
        />
        <Select
          label={t('devices.model')}
          data={models[draft.kind].map((m) => ({ value: m, label: t(`devices.models.${m}`) }))}
          value={draft.model}
          allowDeselect={false}
          onChange={(v) => v && set('model', v as Model)}
        />
        {via.length > 1 && (
          <div>
            <Text size="sm" fw={500} mb={4}>
              {t('devices.connection')}
            </Text>
            <SegmentedControl
              value={current ?? 'tcp'}
              onChange={(v) => set('via', v === 'serial' ? 'serial' : 'tcp')}
              data={via.map((v) => ({ value: v, label: t(`devices.via.${v}`) }))}
              aria-label={t('devices.connection')}
            />
          </div>
        )}
      </SimpleGrid>
      {current === 'tcp' && (
        <Group gap="sm" align="flex-start">
          <TextInput
            label={t('devices.host')}
            placeholder="192.168.1.50"
            value={draft.host}
            onChange={(e) => set('host', e.currentTarget.value)}
            error={err('connection.host')}
            style={{ flex: 1 }}
          />
          <NumberInput
            label={t('devices.port')}
            value={draft.port}
            onChange={(v) => set('port', v)}
            error={err('connection.port')}
            min={1}
            max={65535}
            w={120}
          />
        </Group>
      )}
      {current === 'serial' && (
        <Group gap="sm" align="flex-start">
          <TextInput
            label={t('devices.path')}
            placeholder={t('devices.pathPlaceholder')}
            value={draft.path}
            onChange={(e) => set('path', e.currentTarget.value)}
            error={err('connection.path') ?? err('connection')}
            style={{ flex: 1 }}
          />
          <Select
            label={t('devices.baudRate')}
            data={baudRates.map(String)}
            value={draft.baudRate}
            allowDeselect={false}
            onChange={(v) => v && set('baudRate', v)}
            w={130}
          />
        </Group>
      )}
      {(draft.kind === 'receipt_printer' || draft.kind === 'pole_display') && (
        <Group gap="sm" align="flex-start">
          <NumberInput
            label={t(
              draft.kind === 'receipt_printer' ? 'devices.paperWidth' : 'devices.displayWidth',
            )}
            value={draft.width}
            onChange={(v) => set('width', v)}
            error={err('width')}
            w={200}
          />
          {draft.kind === 'receipt_printer' ? (
            <Select
              label={t('devices.drawerPin')}
              data={[
                { value: '2', label: t('devices.pin', { pin: 2 }) },
                { value: '5', label: t('devices.pin', { pin: 5 }) },
              ]}
              value={draft.drawerPin}
              allowDeselect={false}
              onChange={(v) => v && set('drawerPin', v)}
              w={200}
            />
          ) : (
            <TextInput
              label={t('devices.idleMessage')}
              value={draft.idleMessage}
              onChange={(e) => set('idleMessage', e.currentTarget.value)}
              error={err('idleMessage')}
              style={{ flex: 1 }}
            />
          )}
        </Group>
      )}
      {draft.kind === 'scale' && (
        <NumberInput
          label={t('devices.stableWait')}
          description={t('devices.stableWaitHint')}
          value={draft.stableWaitMs}
          onChange={(v) => set('stableWaitMs', v)}
          error={err('stableWaitMs')}
          step={500}
          w={260}
        />
      )}
      {draft.kind === 'scanner' && draft.model === 'keyboard' && (
        <Text size="sm" c="dimmed">
          {t('devices.keyboardScannerHint')}
        </Text>
      )}
    </FormDialog>
  );
}
