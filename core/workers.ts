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

/** Runs a worker to its one answer; aborting terminates it. */
export function runWorker<T>(script: URL, workerData: unknown, signal?: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(script, { workerData });
    const stop = () => void worker.terminate();
    signal?.addEventListener('abort', stop, { once: true });
    worker.once('message', (v: T) => resolve(v));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      signal?.removeEventListener('abort', stop);
      if (signal?.aborted) reject(signal.reason);
      else if (code !== 0) reject(new Error(`A background thread stopped (exit ${code}).`));
    });
  });
}
