import { Button, Center, Code, Paper, Stack, Text, Title } from '@mantine/core';
import { Component, type ErrorInfo, type ReactNode } from 'react';
import { Translation } from 'react-i18next';

interface State {
  error: Error | null;
}

/** A screen that failed to draw says so, instead of leaving the window blank. */
export class ErrorBoundary extends Component<{ children: ReactNode }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('Backroom screen error', error, info.componentStack);
  }

  override render(): ReactNode {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <Translation>
        {(t) => (
          <Center mih="100vh" p="md" role="alert">
            <Paper withBorder radius="md" p="xl" maw={520}>
              <Stack gap="sm">
                <Title order={1} size="h3">
                  {t('app.crashTitle')}
                </Title>
                <Text>{t('app.crashBody')}</Text>
                <Code block>{error.message}</Code>
                <Button onClick={() => window.location.reload()}>{t('app.reload')}</Button>
              </Stack>
            </Paper>
          </Center>
        )}
      </Translation>
    );
  }
}
