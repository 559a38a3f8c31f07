import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import type { StoreServices } from '../app/services.ts';
import { appRouter } from './router.ts';

export const API_PREFIX = '/api';

export interface Caller {
  transport: 'http' | 'ipc';
  address: string;
}

/**
 * The one API handler both transports call: HTTP hands it the request it received, the
 * desktop IPC bridge builds the same Request from the window's message. Same router, same
 * validation, same permission checks.
 */
export function createApiHandler(services: StoreServices) {
  return (request: Request, caller: Caller): Promise<Response> =>
    fetchRequestHandler({
      endpoint: API_PREFIX,
      req: request,
      router: appRouter,
      // Clients send queries as POST too, so large inputs meet the 1 MB body limit and a
      // clear validation error, not a URL-length failure.
      allowMethodOverride: true,
      createContext: ({ req }) => {
        // The token travels only in the Authorization header (subscriptions too: the
        // renderer's EventSource fetches through a fetch that sets it), never in a URL.
        const header = req.headers.get('authorization');
        return {
          services,
          token: header?.startsWith('Bearer ') ? header.slice(7) : null,
          address: caller.address,
          transport: caller.transport,
        };
      },
      onError: ({ error, path }) => {
        if (error.code === 'INTERNAL_SERVER_ERROR') {
          services.log.error(`API ${path ?? '?'} failed`, {
            error: error.cause?.stack ?? error.message,
          });
        }
      },
    });
}
