// The desktop window's security rules as pure functions: which URLs the window may show,
// which links may leave for the user's browser, how an app:// request maps to a packaged
// file, and the Content-Security-Policy. No Electron import, so all of it is tested in Node.
import nodePath from 'node:path';

/** Packaged screens are served from app://backroom/ (a privileged, standard, secure scheme). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'backroom';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/`;

/**
 * The window runs only our own bundled code. Styles allow 'unsafe-inline' because Mantine
 * injects its CSS variables at runtime; scripts never do. The API travels over IPC, so the
 * page needs no network access beyond its own origin.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-src 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');

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

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[nodePath.extname(file).toLowerCase()] ?? 'application/octet-stream';
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

export type AppFileResolution =
  | { kind: 'file'; file: string; contentType: string }
  | { kind: 'refused'; status: 400 | 403 | 404; reason: string };

export interface ResolveOptions {
  /** The built renderer folder (absolute). */
  rendererDir: string;
  /** Whether a path names an existing regular file. */
  isFile: (file: string) => boolean;
  /** path.win32 or path.posix; the platform's by default (tests exercise both). */
  path?: nodePath.PlatformPath;
}

/**
 * Maps an app:// request to a file inside the renderer folder. A path without a file
 * extension that names no file is a client-side route and gets index.html (SPA fallback);
 * a missing asset is a 404, never index.html. Nothing outside the folder is ever served.
 */
export function resolveAppFile(rawUrl: string, o: ResolveOptions): AppFileResolution {
  const p = o.path ?? nodePath;
  const url = parse(rawUrl);
  if (!url || !isAppUrl(rawUrl))
    return { kind: 'refused', status: 404, reason: 'not an app:// URL' };
  let decoded: string;
  try {
    decoded = decodeURIComponent(url.pathname);
  } catch {
    return { kind: 'refused', status: 400, reason: 'malformed percent-encoding' };
  }
  // NUL ends a path in C; ':' names a drive or an NTFS stream on Windows. Neither is ever ours.
  if (decoded.includes('\0') || decoded.includes(':')) {
    return { kind: 'refused', status: 400, reason: 'forbidden character in path' };
  }
  const root = p.resolve(o.rendererDir);
  // Resolve as a relative path so an absolute-looking or backslashed path cannot escape.
  const wanted = p.resolve(root, `.${p.sep}${decoded.replace(/^[/\\]+/, '')}`);
  if (wanted !== root && !wanted.startsWith(root + p.sep)) {
    return { kind: 'refused', status: 403, reason: 'path leaves the renderer folder' };
  }
  const index = p.join(root, 'index.html');
  if (wanted !== root && o.isFile(wanted)) {
    return { kind: 'file', file: wanted, contentType: contentTypeOf(wanted) };
  }
  const isRoute = wanted === root || p.extname(wanted) === '';
  if (isRoute && o.isFile(index))
    return { kind: 'file', file: index, contentType: contentTypeOf(index) };
  return { kind: 'refused', status: 404, reason: 'no such file' };
}
