import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  APP_ENTRY_URL,
  APP_ORIGIN,
  CONTENT_SECURITY_POLICY,
  appResponseHeaders,
  canNavigate,
  externalLinkDecision,
  isAppUrl,
  resolveAppFile,
} from './security.ts';

const ALLOWED = ['support.backroom.example', 'www.atf.gov'];

describe('navigation', () => {
  it.each([APP_ENTRY_URL, `${APP_ORIGIN}/users/4`, `${APP_ORIGIN}/audit?actor=owner#top`])(
    'stays within the app: %s',
    (url) => expect(canNavigate(url)).toBe(true),
  );

  it.each([
    'https://evil.example/',
    'http://backroom/',
    'app://backroom.evil/',
    'app://evil/index.html',
    'app://user:pw@backroom/',
    'app://backroom:8080/',
    'file:///C:/Windows/System32/',
    'javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'about:blank',
    'not a url',
    '',
  ])('is blocked everywhere else: %s', (url) => {
    expect(canNavigate(url)).toBe(false);
    expect(isAppUrl(url)).toBe(false);
  });
});

describe('links out of the app', () => {
  it('opens an https link to an allow-listed host, re-serialized from the parsed URL', () => {
    expect(externalLinkDecision('https://SUPPORT.backroom.example/help?q=a b', ALLOWED)).toEqual({
      open: true,
      url: 'https://support.backroom.example/help?q=a%20b',
    });
  });

  it.each([
    ['http://support.backroom.example/', 'scheme'],
    ['https://evil.example/', 'allow-list'],
    ['https://support.backroom.example.evil.example/', 'allow-list'],
    ['https://www.atf.gov@evil.example/', 'credentials'],
    ['https://user@support.backroom.example/', 'credentials'],
    ['https://support.backroom.example:8443/', 'port'],
    ['file:///etc/passwd', 'scheme'],
    ['smb://server/share', 'scheme'],
    ['ms-msdt:/id PCWDiagnostic', 'scheme'],
    ['javascript:alert(1)', 'scheme'],
    ['not a url', 'not a valid URL'],
  ])('refuses %s (%s)', (url, why) => {
    const decision = externalLinkDecision(url, ALLOWED);
    expect(decision.open).toBe(false);
    if (!decision.open) expect(decision.reason).toContain(why);
  });

  it('opens nothing when the allow-list is empty', () => {
    expect(externalLinkDecision('https://support.backroom.example/', []).open).toBe(false);
  });
});

describe('the Content-Security-Policy', () => {
  const directives = new Map(
    CONTENT_SECURITY_POLICY.split(';').map((d) => {
      const [name = '', ...values] = d.trim().split(/\s+/);
      return [name, values] as const;
    }),
  );

  it('runs only our own scripts: no inline code, no eval, no remote origins', () => {
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|https?:|\*/);
  });

  it('allows inline styles (Mantine) but no plugins, frames or base rewrites', () => {
    expect(directives.get('style-src')).toEqual(["'self'", "'unsafe-inline'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('frame-src')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
  });

  it('travels on every app:// response', () => {
    const headers = appResponseHeaders('text/html; charset=utf-8');
    expect(headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(headers['x-content-type-options']).toBe('nosniff');
  });
});

describe.each([
  ['posix', path.posix, '/opt/backroom/out/renderer'],
  ['win32', path.win32, 'C:\\Program Files\\Backroom\\resources\\app.asar\\out\\renderer'],
] as const)('app:// files (%s paths)', (_name, p, root) => {
  const files = new Set(
    ['index.html', 'assets/index-abc123.js', 'assets/index-abc123.css', 'favicon.svg'].map((f) =>
      p.join(root, ...f.split('/')),
    ),
  );
  const resolve = (url: string) =>
    resolveAppFile(url, { rendererDir: root, isFile: (f) => files.has(f), path: p });

  it('serves the packaged files with their content types', () => {
    expect(resolve(`${APP_ORIGIN}/assets/index-abc123.js`)).toEqual({
      kind: 'file',
      file: p.join(root, 'assets', 'index-abc123.js'),
      contentType: 'text/javascript; charset=utf-8',
    });
    expect(resolve(`${APP_ORIGIN}/favicon.svg`)).toMatchObject({ contentType: 'image/svg+xml' });
  });

  it.each(['/', '/users', '/users/4', '/audit/', '/assets'])(
    'answers the client-side route %s with index.html',
    (route) => {
      expect(resolve(`${APP_ORIGIN}${route}`)).toMatchObject({
        kind: 'file',
        file: p.join(root, 'index.html'),
        contentType: 'text/html; charset=utf-8',
      });
    },
  );

  it('answers a missing asset with 404, not with index.html', () => {
    expect(resolve(`${APP_ORIGIN}/assets/gone-123.js`)).toMatchObject({
      kind: 'refused',
      status: 404,
    });
  });

  it.each([
    '/../../../etc/passwd',
    '/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
    '/assets/%2e%2e%2f%2e%2e%2f%2e%2e%2fsecrets.json',
    '/..%5c..%5c..%5cWindows%5cwin.ini',
    '/%5c%5cserver%5cshare%5cx.js',
    '/C:%5cWindows%5cwin.ini',
    '/index.html%00.js',
    '/index.html::$DATA',
    '/%E0%A4%A',
  ])('never serves anything outside the renderer folder: %s', (attack) => {
    const r = resolve(`${APP_ORIGIN}${attack}`);
    if (r.kind === 'file') {
      expect(r.file === p.join(root, 'index.html') || r.file.startsWith(root + p.sep)).toBe(true);
    } else {
      expect([400, 403, 404]).toContain(r.status);
    }
  });

  it('refuses URLs that are not app://backroom', () => {
    expect(resolve('app://evil/index.html')).toMatchObject({ kind: 'refused', status: 404 });
    expect(resolve('https://backroom/index.html')).toMatchObject({ kind: 'refused', status: 404 });
  });

  it('resolves any path to a file inside the folder or refuses it (property)', () => {
    const segment = fc.oneof(
      fc.constantFrom('..', '.', '%2e%2e', '%2E%2E', '..%5c', '%5c', '%2f', 'C:', '%00', 'assets'),
      fc.string({ maxLength: 8 }),
    );
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 8 }), (segments) => {
        const r = resolve(`${APP_ORIGIN}/${segments.join('/')}`);
        if (r.kind === 'file') expect(r.file.startsWith(root + p.sep)).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });
});
