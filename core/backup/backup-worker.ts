// Writes and checks one backup copy, or inspects one before a restore, on its own thread and
// connection, so the store keeps answering while a large database is read. Started by
// BackupService.run and checkBackup.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3-multiple-ciphers';
import { z } from 'zod';
import { chainAnchorShape } from '../audit/anchor.ts';
import { applyKey } from '../db/open.ts';
import { copyAndCheck } from './copy.ts';
import { inspectCopy } from './inspect.ts';

const hexKey = z.string().regex(/^[0-9a-f]{64}$/);
const job = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('copy'), file: z.string(), hexKey, partial: z.string() }),
    z.object({
      kind: z.literal('inspect'),
      file: z.string(),
      hexKey,
      /** The backup's anchor, checked on the same connection and snapshot as its chain. */
      anchor: chainAnchorShape.nullable(),
    }),
  ])
  .parse(workerData);
const open = (file: string, readonly: boolean) => {
  const db = new Database(file, { readonly, fileMustExist: true });
  applyKey(db, job.hexKey);
  return db;
};
try {
  if (job.kind === 'copy') {
    copyAndCheck(open(job.file, true), job.partial, (f) => open(f, true));
    parentPort?.postMessage({ ok: true });
  } else {
    const db = open(job.file, true);
    try {
      parentPort?.postMessage({ ok: true, contents: inspectCopy(db, job.anchor) });
    } finally {
      db.close();
    }
  }
} catch (error) {
  parentPort?.postMessage({
    ok: false,
    error: error instanceof Error ? error.message : String(error),
  });
}
