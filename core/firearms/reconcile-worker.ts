// The consistency check and the inventory audit read the whole book: at a million entries,
// seconds of work. They run here, on their own thread and read-only connection (WAL readers
// do not block the writer), so the store server keeps answering meanwhile. Started by
// FirearmsLedger; never imported directly.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3-multiple-ciphers';
import { z } from 'zod';
import { applyKey } from '../db/open.ts';
import { consistencyCheck, inventoryAudit, permitExemptions } from './reconcile.ts';

const job = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('consistency') }),
    z.object({ kind: z.literal('inventory'), serials: z.array(z.string()) }),
  ])
  .and(z.object({ file: z.string(), hexKey: z.string().regex(/^[0-9a-f]{64}$/) }))
  .parse(workerData);
const db = new Database(job.file, { readonly: true, fileMustExist: true });
try {
  applyKey(db, job.hexKey);
  parentPort?.postMessage(
    job.kind === 'consistency'
      ? consistencyCheck(db, permitExemptions(db))
      : inventoryAudit(db, job.serials),
  );
} finally {
  db.close();
}
