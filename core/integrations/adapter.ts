// The port each connector implements: test the connection, and perform one job. The
// platform does the rest (queue, retries, dead letters, limits, sync log, health).
import type { Connection } from './connections.ts';
import type { Job } from './jobs.ts';
import type { ProviderDefinition } from './model.ts';
import type { ErrorClass } from './rules.ts';

export interface AdapterContext {
  connection: Connection;
  provider: ProviderDefinition;
  /** The connection's settings (template defaults under local values), secrets included. */
  settings: Readonly<Record<string, unknown>>;
  /** The current external code for an internal one, or null when unmapped. */
  mapping(group: string, internalCode: string): string | null;
  /** Aborted at the provider's timeout, or when the store server stops. */
  signal: AbortSignal;
  now(): number;
}

export type JobOutcome =
  | { ok: true; pushed?: number; pulled?: number }
  | { ok: false; errorClass: ErrorClass; message: string; retryAfterMs?: number };

export type TestResult = { ok: true } | { ok: false; message: string };

export interface ProviderAdapter {
  /** "Test connection": settings complete and the provider reachable and accepting us. */
  test(ctx: AdapterContext): Promise<TestResult>;
  /**
   * Performs one job. Every outbound request carries `job.idempotencyKey`, so a retry after
   * a crash or a lost answer is applied once by the provider.
   */
  perform(job: Job, ctx: AdapterContext): Promise<JobOutcome>;
}
