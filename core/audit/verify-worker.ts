// Verifies one range of the audit chain on its own thread and connection (WAL readers do
// not block the writer). Started by verifyChainInParallel; never imported directly.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3-multiple-ciphers';
import { z } from 'zod';
import { applyKey } from '../db/open.ts';
import { RangeWalker, type RangeVerdict } from './verify.ts';

const job = z
  .object({
    file: z.string(),
    hexKey: z.string().regex(/^[0-9a-f]{64}$/),
    from: z.number().int().positive(),
    to: z.number().int().positive(),
  })
  .parse(workerData);
const db = new Database(job.file, { readonly: true, fileMustExist: true });
try {
  applyKey(db, job.hexKey);
  const walker = new RangeWalker(db, job.from, job.to);
  let verdict: RangeVerdict | null = null;
  while (!verdict) verdict = walker.step(5_000);
  parentPort?.postMessage(verdict);
} finally {
  db.close();
}
