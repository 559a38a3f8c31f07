// The desktop window's security rules as pure functions: which URLs the window may show,
// which links may leave for the user's browser, how an app:// request maps to a packaged
// file, and the Content-Security-Policy. No Electron import, so all of it is tested in Node.
import {
  CONTENT_SECURITY_POLICY,
  resolveRendererFile,
  type RendererFileResolution,
  type ResolveOptions,
} from '../core/api/static-files.ts';

/** Packaged screens are served from app://backroom/ (a privileged, standard, secure scheme). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'backroom';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/`;

export { CONTENT_SECURITY_POLICY, contentTypeOf } from '../core/api/static-files.ts';

const parse = (raw: string): URL | null => {
  try {
    return new URL(raw);
  } catch {
    return null;
  }
};

/**
 * A URL of our own packaged screens. Compared by scheme and host, because the WHATWG origin
 * of a custom scheme is the opaque "null" (the same as any other custom scheme's).
 */
export function isAppUrl(raw: string): boolean {
  const url = parse(raw);
  return (
    url !== null &&
    url.protocol === `${APP_SCHEME}:` &&
    url.host === APP_HOST &&
    url.username === '' &&
    url.password === ''
  );
}

/** The window may move between its own screens and nowhere else. */
export function canNavigate(raw: string): boolean {
  return isAppUrl(raw);
}

export type ExternalLinkDecision = { open: true; url: string } | { open: false; reason: string };

/**
 * Whether a link may be handed to the user's browser (shell.openExternal). Only https, only
 * hosts on the allow-list (exact match), no credentials or odd ports; the URL is re-serialized
 * from its parsed form so what opens is exactly what was checked.
 */
export function externalLinkDecision(
  raw: string,
  allowedHosts: readonly string[],
): ExternalLinkDecision {
  const url = parse(raw);
  if (!url) return { open: false, reason: 'not a valid URL' };
  if (url.protocol !== 'https:')
    return { open: false, reason: `scheme ${url.protocol} is not allowed` };
  if (url.username !== '' || url.password !== '') {
    return { open: false, reason: 'URLs with credentials are not opened' };
  }
  if (url.port !== '') return { open: false, reason: 'URLs with an explicit port are not opened' };
  const allowed = new Set(allowedHosts.map((h) => h.toLowerCase()));
  if (!allowed.has(url.hostname)) {
    return { open: false, reason: `host ${url.hostname} is not on the allow-list` };
  }
  return { open: true, url: url.href };
}

/** Headers on every app:// response: the CSP travels with the page itself. */
export function appResponseHeaders(contentType: string): Record<string, string> {
  return {
    'content-type': contentType,
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-cache',
  };
}

export type AppFileResolution = RendererFileResolution;
export type { ResolveOptions };

/** Maps an app:// request to a packaged file (the rules: core/api/static-files.ts). */
export function resolveAppFile(rawUrl: string, o: ResolveOptions): AppFileResolution {
  const url = parse(rawUrl);
  if (!url || !isAppUrl(rawUrl))
    return { kind: 'refused', status: 404, reason: 'not an app:// URL' };
  return resolveRendererFile(url.pathname, o);
}
