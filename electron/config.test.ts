import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import bundled from '../resources/app-config.json' with { type: 'json' };
import {
  AppConfigError,
  DEFAULT_LAN_PORT,
  parseAppConfig,
  updatePlan,
  withLocalOverrides,
  type AppConfig,
} from './config.ts';

const base: AppConfig = parseAppConfig({
  updates: { feedUrl: 'https://updates.backroom.example/desktop/win-x64' },
  externalLinks: { allowedHosts: ['support.backroom.example'] },
});

const fromText = (text: string) => () => text;
const missing = () => {
  throw Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' });
};

describe('the packaged configuration (resources/app-config.json)', () => {
  const config = parseAppConfig(bundled);

  it('is valid and keeps the LAN server off', () => {
    expect(config.lan.enabled).toBe(false);
  });

  it('points the updater at the feed electron-builder publishes to', () => {
    const yml = fs.readFileSync(new URL('../electron-builder.yml', import.meta.url), 'utf8');
    const publish = /^publish:\s*\n((?:[ \t]+.*\n?)+)/m.exec(yml)?.[1] ?? '';
    expect(publish).toMatch(/provider:\s*generic/);
    const url = /url:\s*['"]?([^'"\s]+)/.exec(publish)?.[1];
    expect(url).toBe(config.updates.feedUrl);
  });
});

describe('parsing', () => {
  it('fills defaults: LAN off on port 4870, checks every 4 hours', () => {
    expect(base.lan).toEqual({ enabled: false, host: '0.0.0.0', port: DEFAULT_LAN_PORT });
    expect(base.updates.checkIntervalHours).toBe(4);
  });

  it.each([
    ['an http feed', { updates: { feedUrl: 'http://updates.example.com/' } }],
    ['a feed that is not a URL', { updates: { feedUrl: 'updates' } }],
    [
      'an allow-listed URL instead of a host',
      { externalLinks: { allowedHosts: ['https://x.com/'] } },
    ],
    ['a wildcard host', { externalLinks: { allowedHosts: ['*.example.com'] } }],
    ['an unknown key', { telemetry: true }],
    ['a LAN port out of range', { lan: { port: 70_000 } }],
  ])('names the problem in %s', (_name, change) => {
    const raw = {
      updates: { feedUrl: '' },
      externalLinks: { allowedHosts: [] },
      ...change,
    };
    expect(() => parseAppConfig(raw)).toThrow(AppConfigError);
    expect(() => parseAppConfig(raw)).toThrow(/resources\/app-config\.json is not valid: .+/);
  });
});

describe("the store's local overrides", () => {
  it('are optional', () => {
    expect(withLocalOverrides(base, '/data/app-config.json', missing)).toEqual({
      config: base,
      problems: [],
    });
  });

  it('may turn the LAN server on and move its port', () => {
    const { config, problems } = withLocalOverrides(
      base,
      '/data/app-config.json',
      fromText('{"lan": {"enabled": true, "port": 8080}}'),
    );
    expect(problems).toEqual([]);
    expect(config.lan).toEqual({ enabled: true, host: '0.0.0.0', port: 8080 });
    expect(config.updates).toEqual(base.updates);
  });

  it.each([
    ['the update feed', '{"updates": {"feedUrl": "https://evil.example/"}}'],
    ['the link allow-list', '{"externalLinks": {"allowedHosts": ["evil.example"]}}'],
  ])('may not change %s', (_name, text) => {
    const { config, problems } = withLocalOverrides(base, '/data/app-config.json', fromText(text));
    expect(config).toEqual(base);
    expect(problems[0]).toMatch(/\/data\/app-config\.json is not valid .*it was ignored/);
  });

  it('are ignored, with a reason, when damaged: the app still opens', () => {
    for (const text of ['{"lan": {"enabled": "yes"}}', '{not json', '[]']) {
      const { config, problems } = withLocalOverrides(
        base,
        '/data/app-config.json',
        fromText(text),
      );
      expect(config).toEqual(base);
      expect(problems).toHaveLength(1);
    }
  });
});

describe('update checks', () => {
  it('run in an installed app with a feed, every few hours', () => {
    expect(updatePlan(base, true)).toEqual({
      enabled: true,
      feedUrl: 'https://updates.backroom.example/desktop/win-x64',
      intervalMs: 4 * 3_600_000,
    });
  });

  it('are off when running from source', () => {
    expect(updatePlan(base, false)).toMatchObject({ enabled: false });
  });

  it('are off when the feed URL is empty', () => {
    const noFeed = { ...base, updates: { ...base.updates, feedUrl: '' } };
    expect(updatePlan(noFeed, true)).toEqual({
      enabled: false,
      reason: 'no update feed configured',
    });
  });
});
