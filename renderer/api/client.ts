// The one typed API client. Same router, same links, whichever transport carries them:
// the window's `fetch` in a browser, the IPC bridge in the desktop window (ipc-fetch.ts).
import {
  createTRPCClient,
  httpBatchLink,
  httpSubscriptionLink,
  splitLink,
  type TRPCLink,
} from '@trpc/client';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { observable } from '@trpc/server/observable';
import { EventSource } from 'eventsource';
import type { AppRouter } from '../../core/api/router.ts';
import { problemOf, type ApiProblem } from './errors.ts';

export type Outputs = inferRouterOutputs<AppRouter>;
export type Inputs = inferRouterInputs<AppRouter>;

export interface ApiClientOptions {
  /** The API root: `/api` in a page, an absolute URL elsewhere. */
  url: string;
  fetch: typeof fetch;
  getToken: () => string | null;
  /** Told about every failed call (the session store reacts to locked / signed-out). */
  onProblem?: (problem: ApiProblem, path: string) => void;
}

export function createApiClient(o: ApiClientOptions) {
  const watch: TRPCLink<AppRouter> =
    () =>
    ({ op, next }) =>
      observable((observer) => {
        const subscription = next(op).subscribe({
          next: (value) => observer.next(value),
          error: (error) => {
            o.onProblem?.(problemOf(error), op.path);
            observer.error(error);
          },
          complete: () => observer.complete(),
        });
        return () => subscription.unsubscribe();
      });

  return createTRPCClient<AppRouter>({
    links: [
      watch,
      splitLink({
        condition: (op) => op.type === 'subscription',
        // The `eventsource` ponyfill fetches through our fetch, so the session token goes in
        // the Authorization header like every other call, never in a URL.
        true: httpSubscriptionLink({
          url: o.url,
          EventSource,
          eventSourceOptions: {
            fetch: (input, init) => {
              const token = o.getToken();
              const headers = new Headers(init?.headers);
              if (token) headers.set('authorization', `Bearer ${token}`);
              return o.fetch(input, { ...init, headers });
            },
          },
        }),
        false: httpBatchLink({
          url: o.url,
          fetch: o.fetch,
          // Queries go as POST too: inputs stay out of URLs (and logs) and meet the server's
          // 1 MB body limit with a clear error instead of a URL-length failure.
          methodOverride: 'POST',
          headers: () => {
            const token = o.getToken();
            return token ? { authorization: `Bearer ${token}` } : {};
          },
        }),
      }),
    ],
  });
}

export type ApiClient = ReturnType<typeof createApiClient>;
