// Pure checks for signed webhooks, run by the screens as you type and again by the store
// server before it saves settings or sends anything.
import type { SettingProblem, SettingValue } from '../model.ts';

export const MIN_SECRET_LENGTH = 32;
export const DEFAULT_REPLAY_WINDOW_SECONDS = 300;
export const REPLAY_WINDOW_RANGE = { min: 60, max: 3_600 } as const;
/** Receivers commonly cap bodies near here; a bigger event is refused, not truncated. */
export const MAX_BODY_BYTES = 256 * 1024;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Settings a webhook connection needs before it can be tested or send anything. */
export function webhookSettingsProblems(
  values: Readonly<Record<string, SettingValue | undefined>>,
): SettingProblem[] {
  const problems: SettingProblem[] = [];
  const url = values['url'];
  if (typeof url === 'string' && URL.canParse(url)) {
    const u = new URL(url);
    if (u.protocol !== 'https:' && !(u.protocol === 'http:' && LOOPBACK.has(u.hostname)))
      problems.push({
        field: 'url',
        message: 'Use an https:// address (plain http only for a receiver on this computer).',
      });
    if (u.username || u.password)
      problems.push({
        field: 'url',
        message: 'Leave passwords out of the address; the signature proves who sent it.',
      });
  }
  const secret = values['secret'];
  if (typeof secret === 'string' && secret !== '' && secret.length < MIN_SECRET_LENGTH)
    problems.push({
      field: 'secret',
      message: `The signing secret needs at least ${MIN_SECRET_LENGTH} characters (use "Generate").`,
    });
  const win = values['replayWindowSeconds'];
  if (
    typeof win === 'number' &&
    (!Number.isInteger(win) || win < REPLAY_WINDOW_RANGE.min || win > REPLAY_WINDOW_RANGE.max)
  )
    problems.push({
      field: 'replayWindowSeconds',
      message: `The replay window is a whole number of seconds from ${REPLAY_WINDOW_RANGE.min} to ${REPLAY_WINDOW_RANGE.max}.`,
    });
  return problems;
}

/** "Has every field needed to send": an event a receiver can use, within the size limit. */
export function webhookEventProblems(body: {
  id?: unknown;
  type?: unknown;
  occurredAt?: unknown;
  bytes: number;
}): string[] {
  const problems: string[] = [];
  if (typeof body.id !== 'string' || body.id === '') problems.push('The event has no id.');
  if (typeof body.type !== 'string' || body.type === '') problems.push('The event has no type.');
  if (typeof body.occurredAt !== 'string') problems.push('The event has no time.');
  if (body.bytes > MAX_BODY_BYTES)
    problems.push(
      `The event is ${Math.ceil(body.bytes / 1024)} KB; receivers take at most ${MAX_BODY_BYTES / 1024} KB.`,
    );
  return problems;
}
