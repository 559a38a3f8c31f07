import { useCallback, useEffect, useRef, useState } from 'react';
import { problemOf, type ApiProblem } from './errors.ts';

export interface QueryState<T> {
  data: T | undefined;
  problem: ApiProblem | null;
  /** True until the first answer (later reloads keep showing the last data). */
  loading: boolean;
  reload: () => void;
}

/**
 * Loads what a screen shows and reloads it when `deps` change (filters, live updates).
 * An answer that arrives after a newer request started is dropped.
 */
export function useApiQuery<T>(load: () => Promise<T>, deps: readonly unknown[]): QueryState<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [loading, setLoading] = useState(true);
  const [nonce, setNonce] = useState(0);
  const latest = useRef(0);
  const loadRef = useRef(load);
  useEffect(() => {
    loadRef.current = load;
  });

  useEffect(() => {
    const request = ++latest.current;
    loadRef.current().then(
      (value) => {
        if (request !== latest.current) return;
        setData(value);
        setProblem(null);
        setLoading(false);
      },
      (error: unknown) => {
        if (request !== latest.current) return;
        setProblem(problemOf(error));
        setLoading(false);
      },
    );
  }, [...deps, nonce]);

  useEffect(
    () => () => {
      latest.current++;
    },
    [],
  );

  const reload = useCallback(() => setNonce((n) => n + 1), []);
  return { data, problem, loading, reload };
}

export interface MutationState<A extends unknown[], T> {
  run: (...args: A) => Promise<T | undefined>;
  pending: boolean;
  problem: ApiProblem | null;
  clear: () => void;
}

/** A call that changes something: pending flag for the button, problem for the alert. */
export function useApiMutation<A extends unknown[], T>(
  call: (...args: A) => Promise<T>,
  options: { onProblem?: (problem: ApiProblem) => void } = {},
): MutationState<A, T> {
  const [pending, setPending] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const callRef = useRef(call);
  const onProblemRef = useRef(options.onProblem);
  useEffect(() => {
    callRef.current = call;
    onProblemRef.current = options.onProblem;
  });
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const run = useCallback(async (...args: A): Promise<T | undefined> => {
    setPending(true);
    setProblem(null);
    try {
      return await callRef.current(...args);
    } catch (error) {
      const problem = problemOf(error);
      if (mounted.current) {
        setProblem(problem);
        onProblemRef.current?.(problem);
      }
      return undefined;
    } finally {
      if (mounted.current) setPending(false);
    }
  }, []);
  const clear = useCallback(() => setProblem(null), []);
  return { run, pending, problem, clear };
}
