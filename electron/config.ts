// The desktop app's configuration: resources/app-config.json, shipped inside the signed
// package (update feed, external-link allow-list, LAN defaults), plus an optional
// app-config.json in the store's data folder that may change only the store-local LAN
// setting. No Electron import, so the rules are tested in Node.
import fs from 'node:fs';
import { z } from 'zod';

export const DEFAULT_LAN_PORT = 4870;
export const LOCAL_CONFIG_FILE = 'app-config.json';

const lanSchema = z
  .object({
    /** Also serve the screens and API to browsers on the store's LAN (pharmacy counter PC). */
    enabled: z.boolean().default(false),
    host: z.string().min(1).max(255).default('0.0.0.0'),
    port: z.number().int().min(1).max(65_535).default(DEFAULT_LAN_PORT),
  })
  .strict();

const hostName = z
  .string()
  .min(1)
  .max(253)
  .regex(
    /^(?=.*[a-z])[a-z0-9-]+(\.[a-z0-9-]+)*$/,
    'a lower-case host name such as support.example.com',
  );

export const appConfigSchema = z
  .object({
    $comment: z.string().optional(),
    updates: z
      .object({
        /** electron-updater "generic" feed; empty turns update checks off. */
        feedUrl: z.union([
          z.literal(''),
          z.url({ protocol: /^https$/, hostname: z.regexes.domain }),
        ]),
        checkIntervalHours: z
          .number()
          .min(1)
          .max(24 * 7)
          .default(4),
      })
      .strict(),
    externalLinks: z
      .object({
        /** Hosts whose https links may open in the user's browser; exact match. */
        allowedHosts: z.array(hostName).max(50),
      })
      .strict(),
    lan: lanSchema.prefault({}),
  })
  .strict();

export type AppConfig = z.infer<typeof appConfigSchema>;
export type LanConfig = z.infer<typeof lanSchema>;

/** What a store may change locally: only whether and where the LAN server listens. */
const localOverridesSchema = z
  .object({
    $comment: z.string().optional(),
    lan: lanSchema.partial().strict().optional(),
  })
  .strict();

const describe = (error: z.ZodError): string =>
  error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`).join('; ');

export class AppConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AppConfigError';
  }
}

/** The packaged configuration. A bad one is a build mistake, so it throws. */
export function parseAppConfig(raw: unknown, source = 'resources/app-config.json'): AppConfig {
  const parsed = appConfigSchema.safeParse(raw);
  if (!parsed.success)
    throw new AppConfigError(`${source} is not valid: ${describe(parsed.error)}`);
  return parsed.data;
}

export interface LoadedConfig {
  config: AppConfig;
  /** Problems with the local file; the app still starts (with the packaged LAN setting). */
  problems: string[];
}

/**
 * Applies the store's local overrides file, if there is one. A missing file is normal; a
 * damaged one is reported and ignored, so it can never stop the app from opening.
 */
export function withLocalOverrides(
  base: AppConfig,
  file: string,
  readFile: (file: string) => string = (f) => fs.readFileSync(f, 'utf8'),
): LoadedConfig {
  let text: string;
  try {
    text = readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { config: base, problems: [] };
    return { config: base, problems: [`${file} could not be read: ${String(error)}`] };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { config: base, problems: [`${file} is not valid JSON; it was ignored.`] };
  }
  const parsed = localOverridesSchema.safeParse(json);
  if (!parsed.success) {
    return {
      config: base,
      problems: [`${file} is not valid (${describe(parsed.error)}); it was ignored.`],
    };
  }
  return {
    config: { ...base, lan: { ...base.lan, ...parsed.data.lan } },
    problems: [],
  };
}

export type UpdatePlan =
  { enabled: true; feedUrl: string; intervalMs: number } | { enabled: false; reason: string };

/** Update checks run only in an installed app with a feed configured. */
export function updatePlan(config: AppConfig, isPackaged: boolean): UpdatePlan {
  if (!isPackaged) return { enabled: false, reason: 'not an installed build' };
  if (config.updates.feedUrl === '') return { enabled: false, reason: 'no update feed configured' };
  return {
    enabled: true,
    feedUrl: config.updates.feedUrl,
    intervalMs: Math.round(config.updates.checkIntervalHours * 3_600_000),
  };
}
