import { Box, Center, Group, Paper, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { Brand } from './Brand.tsx';
import { LanguageSwitch } from './LanguageSwitch.tsx';

/** The frame of the screens before the shell: setup, sign-in, password change, lock. */
export function AuthLayout(props: {
  title: string;
  intro?: ReactNode;
  children: ReactNode;
  width?: number;
}) {
  return (
    <Box mih="100vh" bg="gray.1" component="main">
      <Group justify="space-between" px="lg" py="md">
        <Brand withTagline />
        <LanguageSwitch />
      </Group>
      <Center px="md" pb="xl" pt="4vh">
        <Paper withBorder shadow="sm" radius="md" p="xl" w="100%" maw={props.width ?? 440}>
          <Stack gap="md">
            <div>
              <Title order={1} size="h2">
                {props.title}
              </Title>
              {props.intro && (
                <Text c="dimmed" size="sm" mt={6}>
                  {props.intro}
                </Text>
              )}
            </div>
            {props.children}
          </Stack>
        </Paper>
      </Center>
    </Box>
  );
}
