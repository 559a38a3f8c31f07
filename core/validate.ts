// Input a service checks again (or checks with a store setting the API cannot know, such as
// how the store files its Forms 4473): a refusal is the clerk's to fix, so it is an `invalid`
// domain error (400) with its fields, like the API's own input check, never a server error.
import type { z } from 'zod';
import { DomainError } from './errors.ts';

export function validated<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const fields = r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  throw new DomainError(
    'invalid',
    'invalid_input',
    `Please correct: ${fields.map((f) => (f.path ? `${f.path}: ${f.message}` : f.message)).join('; ')}`,
    fields,
  );
}
