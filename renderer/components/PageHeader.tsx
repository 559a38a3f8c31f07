import { Group, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';

export function PageHeader(props: { title: string; intro?: ReactNode; actions?: ReactNode }) {
  return (
    <Group justify="space-between" align="flex-start" mb="lg" wrap="wrap" gap="md">
      <div>
        <Title order={1} size="h2">
          {props.title}
        </Title>
        {props.intro && (
          <Text c="dimmed" size="sm" mt={4} maw={720}>
            {props.intro}
          </Text>
        )}
      </div>
      {props.actions && <Group gap="sm">{props.actions}</Group>}
    </Group>
  );
}
