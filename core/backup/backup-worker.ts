// Writes and checks one backup copy on its own thread and connection, so the store keeps
// answering while a large database is copied. Started by BackupService.run.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3-multiple-ciphers';
import { z } from 'zod';
import { applyKey } from '../db/open.ts';
import { copyAndCheck } from './copy.ts';

const job = z
  .object({ file: z.string(), hexKey: z.string().regex(/^[0-9a-f]{64}$/), partial: z.string() })
  .parse(workerData);
const open = (file: string, readonly: boolean) => {
  const db = new Database(file, { readonly, fileMustExist: true });
  applyKey(db, job.hexKey);
  return db;
};
try {
  copyAndCheck(open(job.file, true), job.partial, (f) => open(f, true));
  parentPort?.postMessage({ ok: true });
} catch (error) {
  parentPort?.postMessage({
    ok: false,
    error: error instanceof Error ? error.message : String(error),
  });
}
