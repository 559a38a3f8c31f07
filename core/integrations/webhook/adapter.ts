// Signed outbound webhooks: each job POSTs one store event as JSON, signed with the
// connection's secret and carrying the job's idempotency key, so a receiver applies it once
// however often it is sent. The first provider on the platform, and the pattern for others.
import { randomUUID } from 'node:crypto';
import type { AdapterContext, JobOutcome, ProviderAdapter, TestResult } from '../adapter.ts';
import type { DeliverEventPayload } from '../dispatcher.ts';
import type { Job } from '../jobs.ts';
import { connectionSettingsProblems } from '../providers/rules.ts';
import { classifyFailure } from '../rules.ts';
import { webhookEventProblems } from './rules.ts';
import { HEADER, signDelivery } from './signature.ts';

export interface WebhookBody {
  id: string;
  /** The receiver's name for the event (the EventName mapping), else ours. */
  type: string;
  backroomType: string;
  occurredAt: string;
  entity: { kind: string | null; id: string | null };
  data: unknown;
}

/** Retry-After as seconds or an HTTP date, in milliseconds from now. */
export function retryAfterMs(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The receiver's own words from an error response, short enough for a list. */
async function providerMessage(res: Response): Promise<string> {
  const text = (await res.text().catch(() => '')).trim();
  let said = text;
  try {
    const json = JSON.parse(text) as { error?: unknown; message?: unknown };
    const m = json.message ?? json.error;
    if (typeof m === 'string') said = m;
  } catch {
    // not JSON: the text itself
  }
  const head = `The receiver answered ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`;
  return said ? `${head}: ${said.slice(0, 300)}` : `${head}.`;
}

function transportFailure(error: unknown, timeoutSeconds: number): JobOutcome {
  const e = error as { name?: string; code?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError')
    return {
      ok: false,
      errorClass: 'timeout',
      message: `The receiver did not answer within ${timeoutSeconds} s.`,
    };
  const code = e.cause?.code ?? e.code;
  return {
    ok: false,
    errorClass: classifyFailure(code ? { code } : {}),
    message: `Could not reach the receiver (${code ?? e.cause?.message ?? String(error)}).`,
  };
}

export class WebhookAdapter implements ProviderAdapter {
  private readonly userAgent: string;

  constructor(o: { version: string }) {
    this.userAgent = `Backroom/${o.version}`;
  }

  async test(ctx: AdapterContext): Promise<TestResult> {
    const problems = connectionSettingsProblems(ctx.provider, settingsOf(ctx));
    if (problems.length) return { ok: false, message: problems.map((p) => p.message).join(' ') };
    const body: WebhookBody = {
      id: randomUUID(),
      type: 'backroom.connection_test',
      backroomType: 'backroom.connection_test',
      occurredAt: new Date(ctx.now()).toISOString(),
      entity: { kind: null, id: null },
      data: { message: 'Backroom is checking that it can reach this receiver.' },
    };
    const outcome = await this.post(ctx, body, `test.${body.id}`);
    return outcome.ok ? { ok: true } : { ok: false, message: outcome.message };
  }

  async perform(job: Job, ctx: AdapterContext): Promise<JobOutcome> {
    if (job.kind !== 'deliver_event')
      return {
        ok: false,
        errorClass: 'validation',
        message: `Signed webhooks cannot run a "${job.kind}" job.`,
      };
    const { event } = job.payload as DeliverEventPayload;
    const body: WebhookBody = {
      id: event.uid,
      type: ctx.mapping('EventName', event.type) ?? event.type,
      backroomType: event.type,
      occurredAt: new Date(event.occurredAt).toISOString(),
      entity: { kind: event.entity, id: event.entityId },
      data: event.data,
    };
    return this.post(ctx, body, job.idempotencyKey);
  }

  private async post(
    ctx: AdapterContext,
    body: WebhookBody,
    idempotencyKey: string,
  ): Promise<JobOutcome> {
    const settings = settingsOf(ctx);
    const settingProblems = connectionSettingsProblems(ctx.provider, settings);
    if (settingProblems.length)
      return {
        ok: false,
        errorClass: 'validation',
        message: settingProblems.map((p) => p.message).join(' '),
      };
    const raw = JSON.stringify(body);
    const problems = webhookEventProblems({ ...body, bytes: Buffer.byteLength(raw) });
    if (problems.length)
      return { ok: false, errorClass: 'validation', message: problems.join(' ') };
    // Signed at send time, so a retry hours later is still inside the receiver's window.
    const timestamp = Math.floor(ctx.now() / 1000);
    const timeoutSeconds = ctx.provider.delivery.timeoutSeconds;
    let res: Response;
    try {
      res = await fetch(String(settings['url']), {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': this.userAgent,
          [HEADER.eventId]: body.id,
          [HEADER.idempotencyKey]: idempotencyKey,
          [HEADER.timestamp]: String(timestamp),
          [HEADER.signature]: signDelivery(String(settings['secret']), timestamp, raw),
        },
        body: raw,
        redirect: 'error',
        signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(timeoutSeconds * 1000)]),
      });
    } catch (error) {
      return transportFailure(error, timeoutSeconds);
    }
    if (res.ok) {
      await res.arrayBuffer().catch(() => undefined); // read to the end: the socket is reused
      return { ok: true, pushed: 1 };
    }
    const message = await providerMessage(res);
    const retryAfter = retryAfterMs(res.headers.get('retry-after'), ctx.now());
    return {
      ok: false,
      errorClass: classifyFailure({ status: res.status }),
      message,
      ...(retryAfter !== undefined ? { retryAfterMs: retryAfter } : {}),
    };
  }
}

const settingsOf = (ctx: AdapterContext) =>
  ctx.settings as Readonly<Record<string, string | number | boolean | undefined>>;
