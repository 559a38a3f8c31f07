// What every bench module shares: the shape of a result, how a target is judged, and a few
// measuring helpers. A bench module is `bench/<topic>.bench.ts` with a default export
// `(ctx: BenchContext) => Promise<BenchEntry[]>`; scripts/bench.ts finds it by its name.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

/** One line of bench/results/latest.json. */
export const benchEntrySchema = z
  .object({
    name: z.string().regex(/^[a-z0-9_.]+$/, 'names are dotted lower-case words'),
    value: z.number().finite(),
    unit: z.string().min(1),
    /** null: reported for context (a baseline, a median), nothing to miss. */
    target: z.number().finite().nullable(),
    ok: z.boolean(),
    /** What was measured and how, in a sentence a reader of the JSON can follow. */
    detail: z.string().optional(),
    /** The number the target was derived from, when the target is relative (e.g. 1.5 × bare). */
    baseline: z.number().finite().optional(),
  })
  .strict();
export type BenchEntry = z.infer<typeof benchEntrySchema>;

export interface BenchContext {
  /** A scratch folder of the module's own under os.tmpdir(), removed after the run. */
  readonly workDir: string;
  /** Progress for the person watching (stderr), so the table on stdout stays clean. */
  log(message: string): void;
}

export type BenchModule = (ctx: BenchContext) => Promise<BenchEntry[]>;

type Measured = Omit<BenchEntry, 'target' | 'ok'>;

/** Lower is better: ok when value ≤ target. */
export const atMost = (m: Measured, target: number): BenchEntry => ({
  ...m,
  target,
  ok: m.value <= target,
});

/** Higher is better: ok when value ≥ target. */
export const atLeast = (m: Measured, target: number): BenchEntry => ({
  ...m,
  target,
  ok: m.value >= target,
});

/** For context only (no target, never MISSED). */
export const reported = (m: Measured): BenchEntry => ({ ...m, target: null, ok: true });

/** Nearest-rank percentile (p in 0..100) of an unsorted sample. */
export function percentile(sample: readonly number[], p: number): number {
  if (sample.length === 0) throw new RangeError('percentile of an empty sample');
  const sorted = [...sample].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}

export const median = (sample: readonly number[]) => percentile(sample, 50);

/** Milliseconds since an arbitrary origin, sub-microsecond resolution. */
export const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

/** Runs `fn` once and returns its result and how long it took in milliseconds. */
export function timed<T>(fn: () => T): { result: T; ms: number } {
  const start = nowMs();
  const result = fn();
  return { result, ms: nowMs() - start };
}

/** Rounds for display and for the JSON (bench numbers are not more precise than this). */
export const round = (n: number, digits = 3) => Number(n.toFixed(digits));

/** A fresh scratch folder for one module; the caller removes it. */
export function makeWorkDir(moduleName: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `backroom-bench-${moduleName}-`));
}
