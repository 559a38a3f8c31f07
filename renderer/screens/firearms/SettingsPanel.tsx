import { Stack } from '@mantine/core';
import { can, useSession } from '../../state/session.ts';
import { SerialRulesCard } from './SerialRulesCard.tsx';
import { StateRulesCard } from './StateRulesCard.tsx';
import { StoreHoursCard } from './StoreHoursCard.tsx';

/** The book's store-specific rules: hours, serial formats, check rules for the state. */
export function SettingsPanel() {
  const session = useSession((s) => s.session);
  const canEdit = can(session, 'store:manage');
  return (
    <Stack gap="lg">
      <StoreHoursCard canEdit={canEdit} />
      <SerialRulesCard canEdit={canEdit} />
      <StateRulesCard canEdit={canEdit} />
    </Stack>
  );
}
