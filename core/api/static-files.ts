// The store screens as static files, for both transports: the headless server's HTTP and
// the desktop window's app:// protocol. One set of rules: the same CSP, the same path
// resolution (nothing outside the renderer folder, screen routes get index.html, a missing
// asset is a 404), the same content types.
import nodePath from 'node:path';

/**
 * The page runs only our own bundled code. Styles allow 'unsafe-inline' because Mantine
 * injects its CSS variables at runtime; scripts never do. The API is on the page's own
 * origin (HTTP) or over IPC (desktop), so nothing beyond 'self' is reachable.
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

export type RendererFileResolution =
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
 * Maps a request path (still percent-encoded) to a file inside the renderer folder. A path
 * without a file extension that names no file is a client-side route and gets index.html;
 * a missing asset is a 404, never index.html. Nothing outside the folder is ever served.
 */
export function resolveRendererFile(pathname: string, o: ResolveOptions): RendererFileResolution {
  const p = o.path ?? nodePath;
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
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
