import {
  Alert,
  Button,
  Card,
  Checkbox,
  Group,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DoneAlert } from '../../components/DoneAlert.tsx';
import { api } from '../../api/app-client.ts';
import type { Outputs } from '../../api/client.ts';
import { useApiMutation } from '../../api/hooks.ts';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { useForm } from '../../lib/form.ts';
import { storeProfileSchema, US_STATES } from '../../lib/rules.ts';
import { checkField } from '../../lib/validation.ts';

type Profile = Outputs['store']['profile'];

/** The store's name and state; the state decides which providers may be enabled. */
export function StoreProfileCard(props: {
  profile: Profile;
  canEdit: boolean;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const missing = !props.profile.state;
  const [editing, setEditing] = useState(missing);
  const [saved, setSaved] = useState(false);
  const shape = storeProfileSchema.shape;
  const form = useForm(
    {
      name: props.profile.name ?? '',
      state: props.profile.state ?? '',
      ffl: props.profile.ffl ?? '',
      // '1' or '': the form holds text.
      form4473FiledNumerically: props.profile.form4473FiledNumerically ? '1' : '',
    },
    (v) => ({
      name: checkField(shape.name, v.name, t),
      state: checkField(shape.state, v.state, t),
      ffl: v.ffl.trim() ? checkField(shape.ffl, v.ffl, t) : null,
    }),
  );
  const save = useApiMutation(
    (v: { name: string; state: string; ffl: string; form4473FiledNumerically: string }) =>
      api.store.updateProfile.mutate(
        storeProfileSchema.parse({
          name: v.name,
          state: v.state,
          ...(v.ffl.trim() ? { ffl: v.ffl } : {}),
          form4473FiledNumerically: v.form4473FiledNumerically === '1',
        }),
      ),
    { onProblem: form.showServerFields },
  );
  return (
    <Card
      withBorder
      radius="md"
      padding="lg"
      component="section"
      aria-label={t('integrations.store.title')}
    >
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h4">
          {t('integrations.store.title')}
        </Title>
        {!editing && props.canEdit && (
          <Button variant="subtle" size="xs" onClick={() => setEditing(true)}>
            {t('integrations.store.edit')}
          </Button>
        )}
      </Group>
      {missing && (
        <Alert color="yellow" variant="light" mb="sm" data-testid="store-state-missing">
          {t('integrations.store.missing')}
        </Alert>
      )}
      {saved && <DoneAlert mb="sm">{t('integrations.store.saved')}</DoneAlert>}
      {editing && props.canEdit ? (
        <form
          noValidate
          aria-label={t('integrations.store.title')}
          onSubmit={form.submit(async (v) => {
            setSaved(false);
            if (await save.run(v)) {
              setSaved(true);
              setEditing(false);
              props.onSaved();
            }
          })}
        >
          <Stack gap="sm">
            <ProblemAlert problem={save.problem} />
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
              <TextInput label={t('integrations.store.name')} {...form.field('name')} />
              <TextInput
                label={t('integrations.store.ffl')}
                placeholder="9-86-123-01-7K-12345"
                {...form.field('ffl')}
              />
              <Select
                label={t('integrations.store.state')}
                placeholder={t('integrations.store.statePlaceholder')}
                data={[...US_STATES]}
                searchable
                value={form.values.state || null}
                onChange={(v) => form.set('state', v ?? '')}
                error={form.field('state').error}
                data-testid="store-state"
              />
            </SimpleGrid>
            <Checkbox
              label={t('firearms.disposal.storeSetting.label')}
              description={t('firearms.disposal.storeSetting.hint')}
              checked={form.values.form4473FiledNumerically === '1'}
              onChange={(e) =>
                form.set('form4473FiledNumerically', e.currentTarget.checked ? '1' : '')
              }
              data-testid="store-4473-numeric"
            />
            <Group justify="flex-end">
              <Button type="submit" variant="default" loading={save.pending}>
                {t('common.save')}
              </Button>
            </Group>
          </Stack>
        </form>
      ) : (
        !missing && (
          <Text data-testid="store-summary">
            {t('integrations.store.summary', {
              name: props.profile.name ?? '',
              state: props.profile.state,
            })}
          </Text>
        )
      )}
    </Card>
  );
}
