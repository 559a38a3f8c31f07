import { Alert } from '@mantine/core';
import type { ReactNode } from 'react';
import { IconCheck } from './icons.tsx';

/** "That worked", said plainly where the action was (a status screen readers announce). */
export function DoneAlert(props: { children: ReactNode; mb?: string; testId?: string }) {
  return (
    <Alert
      color="teal"
      variant="light"
      icon={<IconCheck />}
      role="status"
      {...(props.mb ? { mb: props.mb } : {})}
      {...(props.testId ? { 'data-testid': props.testId } : {})}
    >
      {props.children}
    </Alert>
  );
}
