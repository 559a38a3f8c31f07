import { Alert } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { describeProblem, type ApiProblem } from '../api/errors.ts';
import { IconAlert } from './icons.tsx';

/** A failed call, in words the reader can act on. Renders nothing without a problem. */
export function ProblemAlert({ problem, title }: { problem: ApiProblem | null; title?: string }) {
  const { t, i18n } = useTranslation();
  if (!problem) return null;
  return (
    <Alert
      color="red"
      variant="light"
      title={title ?? t('common.errorTitle')}
      icon={<IconAlert />}
      role="alert"
      data-testid="problem"
    >
      {describeProblem(problem, t, i18n.language)}
    </Alert>
  );
}
