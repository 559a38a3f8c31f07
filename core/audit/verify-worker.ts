// Verifies one range of the audit chain, or runs SQLite's integrity check, on its own thread
// and connection (WAL readers do not block the writer). Started by verifyChainInParallel and
// StoreIntegrity; never imported directly.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3-multiple-ciphers';
import { z } from 'zod';
import { applyKey } from '../db/open.ts';
import { integrityOf } from './integrity-check.ts';
import { RangeWalker, type RangeVerdict } from './verify.ts';

const key = {
  file: z.string(),
  hexKey: z.string().regex(/^[0-9a-f]{64}$/),
};
const job = z
  .union([
    z.object({ ...key, from: z.number().int().positive(), to: z.number().int().positive() }),
    z.object({ ...key, integrity: z.enum(['quick', 'full']) }),
  ])
  .parse(workerData);

if ('integrity' in job) {
  let db: Database.Database | null = null;
  try {
    db = new Database(job.file, { readonly: true, fileMustExist: true });
    applyKey(db, job.hexKey);
    parentPort?.postMessage(integrityOf(db, job.integrity));
  } catch (error) {
    parentPort?.postMessage({
      ok: false,
      detail: error instanceof Error ? error.message : String(error),
    });
  } finally {
    db?.close();
  }
} else {
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
}
