import './styles.css';
import { createTheme, MantineProvider } from '@mantine/core';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { BrowserRouter, HashRouter } from 'react-router';
import { App } from './App.tsx';
import { ErrorBoundary } from './components/ErrorBoundary.tsx';
import { DamagedNotice } from './components/DamagedNotice.tsx';
import { initI18n } from './i18n/index.ts';

const theme = createTheme({
  primaryColor: 'teal',
  defaultRadius: 'md',
  fontFamily:
    'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif',
  headings: { fontWeight: '650' },
});

// Packaged files (file://) cannot serve deep links; everything else uses real paths.
const Router = window.location.protocol === 'file:' ? HashRouter : BrowserRouter;

const i18n = await initI18n();
const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

createRoot(root).render(
  <StrictMode>
    <I18nextProvider i18n={i18n}>
      <MantineProvider theme={theme} defaultColorScheme="light">
        <ErrorBoundary>
          <Router>
            <DamagedNotice />
            <App />
          </Router>
        </ErrorBoundary>
      </MantineProvider>
    </I18nextProvider>
  </StrictMode>,
);
