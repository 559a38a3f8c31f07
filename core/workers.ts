import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * A worker script beside the calling module: `<name>.ts` when running from source,
 * `<name>.js` in the desktop bundle (electron.vite.config.ts emits each next to index.js).
 * Null when neither exists; callers then do the work on this thread.
 */
export function workerScript(callerUrl: string, name: string): URL | null {
  // ../ too: in the bundle, shared code may sit in chunks/ below the worker scripts.
  for (const file of [`./${name}.ts`, `./${name}.js`, `../${name}.js`]) {
    const url = new URL(file, callerUrl);
    if (fs.existsSync(fileURLToPath(url))) return url;
  }
  return null;
}

/** Threads still running, each until it has exited. */
const alive = new Set<Promise<void>>();

/**
 * Runs a worker to its one answer. Aborting answers the caller at once, but the thread is
 * never terminated: terminating a thread inside a SQLite call can crash the whole process
 * (better-sqlite3 v13, WiseLibs/better-sqlite3#1507), so it finishes its call, closes its
 * connection and exits on its own. `threadsSettled` waits for that.
 */
export function runWorker<T>(script: URL, workerData: unknown, signal?: AbortSignal): Promise<T> {
  const worker = new Worker(script, { workerData });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  alive.add(exited);
  void exited.then(() => alive.delete(exited));
  return new Promise<T>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => reject(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.once('message', (v: T) => resolve(v));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      signal?.removeEventListener('abort', onAbort);
      if (code !== 0) reject(new Error(`A background thread stopped (exit ${code}).`));
    });
  });
}

/** Resolves once every thread started by runWorker has exited (before a process ends). */
export async function threadsSettled(): Promise<void> {
  while (alive.size > 0) await Promise.all([...alive]);
}
