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
      createContext: ({ req, info }) => {
        const header = req.headers.get('authorization');
        const bearer = header?.startsWith('Bearer ') ? header.slice(7) : null;
        // EventSource cannot set headers: subscriptions pass the token as a connection param.
        const param = info.connectionParams?.['token'];
        return {
          services,
          token: bearer ?? (typeof param === 'string' ? param : null),
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
