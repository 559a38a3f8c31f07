import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../db/migrations/index.ts';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { StoreServices } from '../app/services.ts';
import { OffsetClock } from '../clock.ts';
import { makeServices, tempDir } from '../testing/fixtures.ts';
import { startHttpServer, type RunningHttpServer } from './http.ts';

describe('the HTTP transport', () => {
  let s: StoreServices;
  let server: RunningHttpServer;
  const renderer = tempDir();

  beforeAll(async () => {
    fs.mkdirSync(path.join(renderer, 'assets'));
    fs.writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>Backroom</title>');
    fs.writeFileSync(path.join(renderer, 'assets', 'app.js'), 'console.log(1)');
    s = await makeServices();
    server = await startHttpServer({
      services: s,
      host: '127.0.0.1',
      port: 0,
      rendererDir: renderer,
    });
  });
  afterAll(async () => {
    await server.close();
    s.close();
  });

  it('answers /healthz with status, version, schema version and the audit chain', async () => {
    await s.chain.verify();
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      status: 'ok',
      version: expect.any(String),
      schemaVersion: migrations.length,
      auditChain: { state: 'ok', length: 0 },
    });
  });

  it('serves the screens with a strict CSP, and index.html for app routes', async () => {
    const page = await fetch(`${server.url}/users`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Backroom</title>');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const js = await fetch(`${server.url}/assets/app.js`);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    const escape = await fetch(`${server.url}/..%2F..%2Fetc%2Fpasswd`);
    expect(await escape.text()).not.toContain('root:');
    expect((await fetch(`${server.url}/assets/missing.js`)).status).toBe(404);
    expect((await fetch(`${server.url}/%E0%A4%A`)).status).toBe(400);
  });

  it('moves time only on a server started with a test clock', async () => {
    const moved = await fetch(`${server.url}/__test__/clock`, {
      method: 'POST',
      body: '{"advanceDays":3}',
    });
    // A store's server has no such route: the screens' fallback answers, the clock is untouched.
    expect(moved.headers.get('content-type')).not.toMatch(/json/);
    const clock = new OffsetClock();
    const testServer = await startHttpServer({
      services: s,
      host: '127.0.0.1',
      port: 0,
      rendererDir: null,
      testClock: clock,
    });
    try {
      const before = clock.now();
      const res = await fetch(`${testServer.url}/__test__/clock`, {
        method: 'POST',
        body: '{"advanceDays":3}',
      });
      expect(res.status).toBe(200);
      expect(clock.now() - before).toBeGreaterThanOrEqual(3 * 86_400_000);
      const bad = await fetch(`${testServer.url}/__test__/clock`, { method: 'POST', body: '{' });
      expect(bad.status).toBe(400);
    } finally {
      await testServer.close();
    }
  });

  it('sends no CORS headers, so other sites cannot call the API from a browser', async () => {
    const res = await fetch(`${server.url}/api/system.health`, {
      headers: { origin: 'https://evil.example' },
    });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses other host names on a loopback server (DNS rebinding)', async () => {
    const status = await new Promise<number | undefined>((resolve, reject) => {
      http
        .get(`${server.url}/healthz`, { headers: { host: 'evil.example' } }, (res) => {
          res.resume();
          resolve(res.statusCode);
        })
        .on('error', reject);
    });
    expect(status).toBe(421);
  });

  it('refuses bodies over 1 MB and URLs too long, with a message', async () => {
    const big = await fetch(`${server.url}/api/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: 'x'.repeat(1_100_000),
    });
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({
      error: { message: expect.stringMatching(/too large/) },
    });
    const long = await fetch(`${server.url}/api/system.health?input=${'x'.repeat(40_000)}`);
    expect(long.status).toBe(431);
    expect(await long.json()).toMatchObject({
      error: { message: expect.stringMatching(/too large/) },
    });
  });
});
