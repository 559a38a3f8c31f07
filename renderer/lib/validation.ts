// Instant form checks with the store server's own zod schemas (core/**/model.ts), and
// messages in the reader's language built from the schema's issue (its limits included).
import type { TFunction } from 'i18next';
import type { z } from 'zod';
import type { en } from '../i18n/en.ts';

type ValidationKey = `validation.${keyof typeof en.validation}`;

export interface FieldRules {
  /** The message for a pattern mismatch (which characters a username may have…). */
  format?: ValidationKey;
  /** The message for an empty value, when a field-specific one reads better. */
  required?: ValidationKey;
}

type Issue = z.core.$ZodIssue;

export function issueMessage(issue: Issue, t: TFunction, rules: FieldRules = {}): string {
  switch (issue.code) {
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'string') {
        return min <= 1
          ? t(rules.required ?? 'validation.required')
          : t('validation.tooShort', { count: min });
      }
      return t('validation.invalid');
    }
    case 'too_big':
      if (issue.origin === 'string')
        return t('validation.tooLong', { count: Number(issue.maximum) });
      return t('validation.invalid');
    case 'invalid_format':
      return t(rules.format ?? 'validation.invalid');
    default:
      return t('validation.invalid');
  }
}

/** Null when the value passes the schema, else the first problem in words. */
export function checkField(
  schema: z.ZodType,
  value: unknown,
  t: TFunction,
  rules?: FieldRules,
): string | null {
  const result = schema.safeParse(value);
  if (result.success) return null;
  if (typeof value === 'string' && value.trim() === '')
    return t(rules?.required ?? 'validation.required');
  const issue = result.error.issues[0];
  return issue ? issueMessage(issue, t, rules) : t('validation.invalid');
}

/** A whole number within the bounds of a zod number schema. */
export function checkWholeNumber(schema: z.ZodNumber, raw: string, t: TFunction): string | null {
  const min = schema.minValue ?? 0;
  const max = schema.maxValue ?? Number.MAX_SAFE_INTEGER;
  const n = Number(raw);
  if (raw.trim() === '' || !schema.safeParse(n).success)
    return t('validation.numberRange', { min, max });
  return null;
}
