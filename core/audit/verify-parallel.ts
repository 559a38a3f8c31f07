import os from 'node:os';
import type { StoreDatabase } from '../db/open.ts';
import { runWorker, workerScript } from '../workers.ts';
import type { AuditLog } from './repo.ts';
import type { VerifyResult } from './model.ts';
import { combineVerdicts, splitRanges, type RangeVerdict } from './verify.ts';

// Below this many entries a single walk is quicker than starting threads.
const PARALLEL_FROM = 100_000;

/**
 * Verifies the whole chain off the main thread, split across the machine's cores, so a
 * million entries take about a second and the server keeps answering meanwhile. Falls back
 * to a sliced walk on this thread for short chains, where no worker script is found, or
 * when a thread fails (the packaged app's threads cannot start, say).
 */
export async function verifyChainInParallel(
  store: StoreDatabase,
  audit: AuditLog,
  o: {
    threads?: number;
    minEntries?: number;
    signal?: AbortSignal;
    onThreadFailure?: (e: unknown) => void;
  } = {},
): Promise<VerifyResult> {
  const length = audit.head().seq;
  const threads = o.threads ?? Math.max(1, Math.min(4, os.availableParallelism()));
  const script = workerScript(import.meta.url, 'verify-worker');
  const signal = o.signal ?? new AbortController().signal;
  if (length < (o.minEntries ?? PARALLEL_FROM) || threads < 2 || !script)
    return audit.verifyInSlices(5_000, signal);
  const all = new AbortController();
  const onAbort = () => all.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    const ranges = splitRanges(length, threads);
    const verdicts = await Promise.all(
      ranges.map(([from, to]) =>
        runWorker<RangeVerdict>(script, { ...store.keyMaterial, from, to }, all.signal),
      ),
    );
    return combineVerdicts(length, verdicts);
  } catch (error) {
    all.abort(error); // the other threads stop too
    signal.throwIfAborted();
    o.onThreadFailure?.(error);
    return audit.verifyInSlices(5_000, signal);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}
