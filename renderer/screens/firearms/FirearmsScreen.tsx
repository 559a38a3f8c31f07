import { Stack, Tabs, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Navigate, Route, Routes, useLocation, useNavigate } from 'react-router';
import { ChecksPanel } from './ChecksPanel.tsx';
import { HoldsPanel } from './HoldsPanel.tsx';
import { LedgerPanel } from './LedgerPanel.tsx';
import { ReportsPanel } from './ReportsPanel.tsx';

const tabs = ['ledger', 'checks', 'holds', 'reports'] as const;

/** The bound book and the check desk, one tab each, each with its own address. */
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
      </Routes>
    </Stack>
  );
}
