// The store's today (its calendar date in its time zone, 27 CFR 478.125), as the store server
// counts it: the default for the book's date fields, never this PC's date (issue 13 item 4).
import { api } from '../../api/app-client.ts';
import { useApiQuery } from '../../api/hooks.ts';

/** The store's today, or null until the server has answered. Asked again when `when` changes. */
export function useStoreToday(when: unknown = null): string | null {
  const answer = useApiQuery(() => api.checks.list.query({ openOnly: true, limit: 1 }), [when]);
  return answer.data?.today ?? null;
}
