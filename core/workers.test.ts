// Background threads are never cut off inside a call (terminating a thread inside a SQLite
// call can crash the whole process): an abort answers the caller at once, and the thread
// finishes, exits, and is waited for by threadsSettled.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runWorker, threadsSettled } from './workers.ts';

function script(): { url: URL; out: string; release: () => void; gate: SharedArrayBuffer } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backroom-workers-'));
  const file = path.join(dir, 'blocked.mjs');
  // Blocks (as a long SQLite call would) until the test opens the gate, then writes and exits.
  fs.writeFileSync(
    file,
    `import fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
Atomics.wait(new Int32Array(workerData.gate), 0, 0);
fs.writeFileSync(workerData.out, 'finished');
parentPort.postMessage('answer');
`,
  );
  const gate = new SharedArrayBuffer(4);
  return {
    url: pathToFileURL(file),
    out: path.join(dir, 'out.txt'),
    gate,
    release: () => {
      const flag = new Int32Array(gate);
      Atomics.store(flag, 0, 1);
      Atomics.notify(flag, 0);
    },
  };
}

describe('background threads', () => {
  it('answers an abort at once but lets the thread finish its call and exit (never terminated)', async () => {
    const w = script();
    const stop = new AbortController();
    const answer = runWorker<string>(w.url, { gate: w.gate, out: w.out }, stop.signal);
    stop.abort(new Error('The store is closing.'));
    await expect(answer).rejects.toThrow('The store is closing.');
    expect(fs.existsSync(w.out)).toBe(false);
    w.release();
    await threadsSettled();
    // Terminated, it would never have written its file.
    expect(fs.readFileSync(w.out, 'utf8')).toBe('finished');
  });

  it('gives the answer of a thread that finishes', async () => {
    const w = script();
    const answer = runWorker<string>(w.url, { gate: w.gate, out: w.out });
    w.release();
    await expect(answer).resolves.toBe('answer');
    await threadsSettled();
  });
});
