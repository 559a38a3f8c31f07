import { EmptyState } from '@mantine/core';
import type { ReactNode } from 'react';
import { IconInbox } from './icons.tsx';

/** "Nothing here yet", said plainly, with what to do next when there is something to do. */
export function Empty(props: {
  title: string;
  description?: ReactNode;
  children?: ReactNode;
  testId?: string;
}) {
  return (
    <EmptyState
      py="xl"
      size="sm"
      withIndicatorBackground
      icon={<IconInbox size={22} />}
      title={props.title}
      description={props.description}
      data-testid={props.testId ?? 'empty'}
    >
      {props.children}
    </EmptyState>
  );
}
