import { useCallback, useState, type ChangeEvent, type FormEvent } from 'react';
import type { ApiProblem } from '../api/errors.ts';

type Values = Record<string, string>;
type Errors<V extends Values> = Partial<Record<keyof V, string | null>>;

/**
 * A small form controller: a field shows its problem once it has been left (or the form
 * submitted), then re-checks on every keystroke. Server field errors show until edited.
 */
export function useForm<V extends Values>(initial: V, validate: (values: V) => Errors<V>) {
  const [values, setValues] = useState<V>(initial);
  const [touched, setTouched] = useState<Partial<Record<keyof V, boolean>>>({});
  const [submitted, setSubmitted] = useState(false);
  const [serverErrors, setServerErrors] = useState<Errors<V>>({});

  const errors = validate(values);
  const valid = Object.values(errors).every((e) => !e);

  const errorOf = (key: keyof V): string | undefined =>
    serverErrors[key] ??
    ((touched[key] || submitted) && errors[key] ? (errors[key] ?? undefined) : undefined);

  const set = useCallback((key: keyof V, value: string) => {
    setValues((v) => ({ ...v, [key]: value }));
    setServerErrors((e) => (e[key] ? { ...e, [key]: null } : e));
  }, []);

  const field = (key: keyof V & string) => ({
    name: key,
    value: values[key],
    onChange: (e: ChangeEvent<HTMLInputElement | HTMLSelectElement>) =>
      set(key, e.currentTarget.value),
    onBlur: () => setTouched((t) => (t[key] ? t : { ...t, [key]: true })),
    error: errorOf(key),
  });

  /** Runs `action` with the values if they pass; otherwise shows every problem and focuses the first. */
  const submit =
    (action: (values: V) => void | Promise<void>) => (event: FormEvent<HTMLFormElement>) => {
      event.preventDefault();
      const form = event.currentTarget;
      setSubmitted(true);
      if (!valid) {
        requestAnimationFrame(() =>
          form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus(),
        );
        return;
      }
      void action(values);
    };

  /** Puts the server's per-field messages next to the fields they belong to. */
  const showServerFields = (problem: ApiProblem | null) => {
    const next: Errors<V> = {};
    for (const f of problem?.fields ?? []) {
      if (f.path in values) next[f.path as keyof V] = f.message;
    }
    setServerErrors(next);
  };

  const reset = (to: V = initial) => {
    setValues(to);
    setTouched({});
    setSubmitted(false);
    setServerErrors({});
  };

  return { values, set, field, submit, valid, showServerFields, reset };
}
