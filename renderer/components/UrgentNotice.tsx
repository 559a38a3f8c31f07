import { Alert, Stack } from '@mantine/core';
import type { ReactNode } from 'react';
import { IconAlert } from './icons.tsx';

/**
 * Something about the store itself the clerk must act on (a damaged database, secrets kept in
 * a file): red, announced at once by screen readers (role "alert"), with what to do below.
 */
export function UrgentNotice(props: {
  title: string;
  variant: 'filled' | 'light';
  testId: string;
  children: ReactNode;
}) {
  return (
    <Alert
      color="red"
      variant={props.variant}
      title={props.title}
      icon={<IconAlert />}
      role="alert"
      data-testid={props.testId}
    >
      <Stack gap="xs">{props.children}</Stack>
    </Alert>
  );
}
