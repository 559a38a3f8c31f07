// app://backroom/ serves the packaged screens (out/renderer) with the CSP on every response.
// The path rules live in security.ts; this file only connects them to Electron.
import fs from 'node:fs';
import { protocol } from 'electron';
import type { Logger } from '../core/log/logger.ts';
import { APP_SCHEME, appResponseHeaders, resolveAppFile } from './security.ts';

/** Must run before the app is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      // standard: real origin and relative URLs; secure: a secure context like https.
      privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
    },
  ]);
}

const isFile = (file: string): boolean => {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
};

export function serveRendererOnAppScheme(rendererDir: string, log: Logger): void {
  protocol.handle(APP_SCHEME, async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return new Response('Method not allowed', { status: 405 });
    }
    const found = resolveAppFile(request.url, { rendererDir, isFile });
    if (found.kind === 'refused') {
      if (found.status !== 404)
        log.warn(`Refused app:// request (${found.reason})`, { url: request.url });
      return new Response(found.reason, {
        status: found.status,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
      });
    }
    const body = request.method === 'HEAD' ? null : await fs.promises.readFile(found.file);
    return new Response(body, { status: 200, headers: appResponseHeaders(found.contentType) });
  });
}
