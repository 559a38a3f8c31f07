import { Stack, Tabs, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Navigate, Route, Routes, useLocation, useNavigate } from 'react-router';
import { ChecksPanel } from './ChecksPanel.tsx';
import { HoldsPanel } from './HoldsPanel.tsx';
import { LedgerPanel } from './LedgerPanel.tsx';
import { ReportsPanel } from './ReportsPanel.tsx';
import { SettingsPanel } from './SettingsPanel.tsx';

const tabs = ['ledger', 'checks', 'holds', 'reports', 'settings'] as const;

/** The bound book, the check desk, holds, reports and the book's settings: a tab each, each with its own address. */
export function FirearmsScreen() {
  const { t } = useTranslation();
  const location = useLocation();
  const navigate = useNavigate();
  const current = tabs.find((tab) => location.pathname.startsWith(`/firearms/${tab}`)) ?? 'ledger';
  return (
    <Stack gap="md">
      <div>
        <Title order={2}>{t('firearms.title')}</Title>
        <Text c="dimmed" size="sm">
          {t('firearms.intro')}
        </Text>
      </div>
      <Tabs value={current} onChange={(v) => void navigate(`/firearms/${v ?? 'ledger'}`)}>
        <Tabs.List>
          {tabs.map((tab) => (
            <Tabs.Tab key={tab} value={tab}>
              {t(`firearms.tabs.${tab}`)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
      </Tabs>
      <Routes>
        <Route index element={<Navigate to="ledger" replace />} />
        <Route path="ledger" element={<LedgerPanel />} />
        <Route path="checks" element={<ChecksPanel />} />
        <Route path="holds" element={<HoldsPanel />} />
        <Route path="reports" element={<ReportsPanel />} />
        <Route path="settings" element={<SettingsPanel />} />
      </Routes>
    </Stack>
  );
}
