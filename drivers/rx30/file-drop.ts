// Rx30's file mode (one-way): Rx30 writes one record per line into a file in a folder, and the
// relay hands each complete record to the caller exactly once. How far it has read is a
// DropPosition: the file's identity (device + inode, which survive a rename but not a
// replacement), a fingerprint of the bytes already read (which catches a rewrite in place,
// where the inode stays), and the byte offset of the first unread byte. The caller stores
// the position with the records it imports, in one transaction, so a crash or restart resumes
// exactly where the last accepted batch ended.
//
// What it handles, checked on every look at the folder (a watcher for speed plus a poll,
// because fs.watch misses events on some file systems and network shares):
// - appends: the new complete records after the offset; a last line without its line end is
//   not a record yet and is read once it is finished;
// - rotation (rx30.txt renamed to rx30.txt.1 and a new rx30.txt started): the rest of the old
//   file, found in the folder by its identity, then the new file from byte 0. Once the old
//   file has stopped changing, its last line counts even without a line end (Rx30 has moved
//   on to the new file);
// - truncation (the file is shorter than the offset) and rewrite in place (the bytes before
//   the offset changed): the file is read again from byte 0; records Rx30 wrote again come
//   again, and the caller's import is idempotent for them;
// - replacement (a new file under the name, the old one gone): the new file from byte 0, with
//   an error if the last look saw bytes of the old file it had not read yet.
// Limits: if Rx30 rotates twice between two looks, the middle file is not read (there is no
// telling its place in the sequence); what was appended to a file since the last look is lost
// if the file is then deleted or replaced (no handle is kept open between looks: on Windows
// that could stop Rx30 from creating the new file); files set aside before the first look are
// not read. A record's content is opaque here: the codec decodes it.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { open, readdir, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

/** How many bytes at the start, and just before the offset, the fingerprint covers. */
export const FINGERPRINT_BYTES = 256;

// dev and ino are 64-bit on Windows (NTFS file ids often exceed 2^53), so they are kept as
// decimal strings read with `bigint: true`: exact, and safe in JSON and SQLite.
const fileNumber = z.string().regex(/^\d{1,20}$/, 'A file number is 1 to 20 decimal digits.');

/** How far the drop file has been read; the caller stores it (zod-checked when loaded). */
export const dropPositionSchema = z
  .object({
    /** The file's device (volume serial number on Windows). */
    dev: fileNumber,
    /** The file's inode (file index on Windows). */
    ino: fileNumber,
    /**
     * sha256 (hex) of the first min(offset, 256) bytes followed by the 256 bytes (or fewer)
     * ending at the offset: changes when the file was rewritten in place.
     */
    fingerprint: z.string().regex(/^[0-9a-f]{64}$/, 'A fingerprint is a sha256 in hex.'),
    /** The first byte not yet read: the end of the last record handed over. */
    offset: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  })
  .strict();
export type DropPosition = z.infer<typeof dropPositionSchema>;

/** One line of the drop file, without its line end. */
export interface DropRecord {
  /** The line's content, decoded from bytes with the reader's encoding. */
  text: string;
  /** The byte offset of the line's start in its file. */
  offset: number;
  /** The name the file had in the folder when the line was read (rx30.txt, rx30.txt.1). */
  file: string;
}

export type DropFileErrorCode =
  /** The folder is missing or unreadable, or the file cannot be read. */
  | 'unreadable'
  /** A file was replaced or removed while it still had records Backroom had not read. */
  | 'missed_records'
  /** onRecords rejected: nothing moved, the same records are offered on the next look. */
  | 'not_accepted'
  /** The folder cannot be watched; polling goes on. */
  | 'watch_failed';

export class DropFileError extends Error {
  readonly code: DropFileErrorCode;
  constructor(code: DropFileErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DropFileError';
    this.code = code;
  }
}

/** A change of file the reader noticed and handled (for the log, not an error). */
export interface DropFileNotice {
  kind: 'new_file' | 'rotated' | 'replaced' | 'truncated' | 'rewritten';
  message: string;
}

export interface DropFileReaderOptions {
  /** The folder Rx30 writes into. */
  folder: string;
  /** The file's name in that folder, e.g. `rx30.txt`. */
  fileName: string;
  /** How often to look at the folder besides the watcher's events. Default 1000 ms. */
  pollMs?: number;
  /** False: no watcher, only the poll and checkNow() (tests drive it step by step). Default true. */
  watch?: boolean;
  /** How lines are decoded into text. Default utf8 (a leading byte-order mark is dropped). */
  encoding?: 'utf8' | 'latin1';
  /** The most bytes handed over in one batch (a longer single record still goes whole). Default 64 KiB. */
  batchBytes?: number;
  /**
   * Takes a batch of records and the position just after them. Import the records and store
   * the position in one transaction, then resolve. If it rejects, nothing moved: the same
   * records come again on the next look. A record that cannot be decoded must not make it
   * reject (that would stop the file there): record the problem and resolve.
   * Called with no records when only the position moved (a new file was started), so the
   * stored position follows it.
   */
  onRecords: (records: DropRecord[], position: DropPosition) => Promise<void>;
  /**
   * Problems worth a clerk's attention; the reader keeps trying. The same problem is reported
   * once until a look succeeds. Must not throw.
   */
  onError?: (error: DropFileError) => void;
  /** Changes of file the reader handled (rotation, truncation, rewrite). */
  onNotice?: (notice: DropFileNotice) => void;
}

export interface DropFileReader {
  /**
   * Starts watching from a stored position (null: read the file from byte 0) and resolves
   * after the first look. Throws if the position is not a valid DropPosition.
   */
  start(position: DropPosition | null): Promise<void>;
  /** Looks at the folder now; resolves once a full look that began after the call is done. */
  checkNow(): Promise<void>;
  /** Stops the watcher and the poll, and waits for a look in progress to finish. */
  stop(): Promise<void>;
}

/** An open file with what fstat said about it when it was opened. */
interface OpenFile {
  name: string;
  handle: FileHandle;
  dev: string;
  ino: string;
  size: number;
}

const LF = 0x0a;
const CR = 0x0d;

const errnoCode = (e: unknown) => (e as NodeJS.ErrnoException | undefined)?.code;
const sameFile = (a: { dev: string; ino: string }, b: { dev: string; ino: string }) =>
  a.dev === b.dev && a.ino === b.ino;

/** Reads up to `length` bytes at `position` (fewer if the file is shorter now). */
async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
}

/** The fingerprint of the file's bytes before `offset`, or null if it is shorter than that now. */
async function fingerprintAt(handle: FileHandle, offset: number): Promise<string | null> {
  const headLength = Math.min(FINGERPRINT_BYTES, offset);
  const tailStart = Math.max(0, offset - FINGERPRINT_BYTES);
  const head = await readAt(handle, 0, headLength);
  const tail = await readAt(handle, tailStart, offset - tailStart);
  if (head.length < headLength || tail.length < offset - tailStart) return null;
  return createHash('sha256').update(head).update(tail).digest('hex');
}

const EMPTY_FINGERPRINT = createHash('sha256').digest('hex');

/**
 * Reads Rx30's drop file as it grows, rotates and is rewritten, handing each complete record
 * over once (see the top of this file). Nothing runs until `start`.
 */
export function createDropFileReader(o: DropFileReaderOptions): DropFileReader {
  const { folder, fileName } = o;
  const pollMs = o.pollMs ?? 1_000;
  const encoding = o.encoding ?? 'utf8';
  const batchBytes = o.batchBytes ?? 64 * 1024;
  const filePath = path.join(folder, fileName);

  /** Where the next record starts; null until a file has been seen. */
  let position: DropPosition | null = null;
  /** The position moved to a new file (or back to 0) and the caller has not stored it yet. */
  let unsaved = false;
  /** The tracked file's size at the last look in this run (to tell if a vanished file had more). */
  let seenSize: number | null = null;
  /** A rotated file ending in an unfinished line, and its size: counts once unchanged. */
  let settling: { dev: string; ino: string; size: number } | null = null;
  let lastError: string | null = null;

  let started = false;
  let stopped = false;
  let watcher: fs.FSWatcher | null = null;
  let poll: NodeJS.Timeout | null = null;
  let debounce: NodeJS.Timeout | null = null;
  /** The look in progress or last finished (never rejects), and the one queued after it. */
  let chain: Promise<void> = Promise.resolve();
  let queued: Promise<void> | null = null;

  function report(error: DropFileError) {
    if (error.message === lastError) return;
    lastError = error.message;
    o.onError?.(error);
  }

  function unreadable(where: string, e: unknown): DropFileError {
    const code = errnoCode(e);
    const message =
      code === 'EACCES' || code === 'EPERM'
        ? `Backroom may not read ${where} (${code}): give the account Backroom runs as read access to it.`
        : code === 'EBUSY'
          ? `${where} is locked by another program; Backroom will try again.`
          : `Backroom cannot read ${where}: ${e instanceof Error ? e.message : String(e)}. It will try again.`;
    return new DropFileError('unreadable', message, { cause: e });
  }

  /** Opens a file and reads its identity from the open handle (so both are the same file). */
  async function openFile(name: string): Promise<OpenFile | null> {
    const where = path.join(folder, name);
    let handle: FileHandle;
    try {
      handle = await open(where, 'r');
    } catch (e) {
      if (errnoCode(e) !== 'ENOENT') throw unreadable(where, e);
      return null;
    }
    try {
      const s = await handle.stat({ bigint: true });
      if (!s.isFile()) {
        throw new DropFileError(
          'unreadable',
          `${where} is not a file: check the file name set for Rx30's file mode.`,
        );
      }
      return { name, handle, dev: String(s.dev), ino: String(s.ino), size: Number(s.size) };
    } catch (e) {
      await handle.close();
      throw e instanceof DropFileError ? e : unreadable(where, e);
    }
  }

  /** The drop file, or null when it does not exist (yet); an error when the folder is missing. */
  async function openDropFile(): Promise<OpenFile | null> {
    const file = await openFile(fileName);
    if (file) return file;
    try {
      if ((await stat(folder)).isDirectory()) return null;
    } catch (e) {
      if (errnoCode(e) !== 'ENOENT') throw unreadable(folder, e);
    }
    throw new DropFileError(
      'unreadable',
      `Rx30's drop folder ${folder} does not exist: check the folder set for Rx30's file mode, and that the share is connected.`,
    );
  }

  /** The file with the tracked identity under another name in the folder (rotated away), if any. */
  async function findRotated(id: { dev: string; ino: string }): Promise<OpenFile | null> {
    const names = (await readdir(folder)).filter((n) => n !== fileName);
    // Rotated copies are usually named after the file (rx30.txt.1): look at those first.
    names.sort((a, b) => Number(!a.startsWith(fileName)) - Number(!b.startsWith(fileName)));
    for (const name of names) {
      try {
        const s = await stat(path.join(folder, name), { bigint: true });
        if (!s.isFile() || String(s.dev) !== id.dev || String(s.ino) !== id.ino) continue;
      } catch {
        continue; // gone or unreadable between readdir and stat: not the one we can read
      }
      const file = await openFile(name);
      if (file && sameFile(file, id)) return file;
      await file?.handle.close();
    }
    return null;
  }

  /** Is the file still the one the position was read from? */
  async function compare(
    file: OpenFile,
    at: DropPosition,
  ): Promise<'same' | 'truncated' | 'rewritten'> {
    if (file.size < at.offset) return 'truncated';
    return (await fingerprintAt(file.handle, at.offset)) === at.fingerprint ? 'same' : 'rewritten';
  }

  /** Starts reading `file` from byte 0. */
  function adopt(file: OpenFile, notice: DropFileNotice | null) {
    position = { dev: file.dev, ino: file.ino, fingerprint: EMPTY_FINGERPRINT, offset: 0 };
    unsaved = true;
    settling = null;
    seenSize = null;
    if (notice) o.onNotice?.(notice);
  }

  /** Hands a batch over; the position moves only when the caller accepted it. */
  async function handOver(records: DropRecord[], next: DropPosition): Promise<boolean> {
    try {
      await o.onRecords(records, next);
    } catch (e) {
      const first = records[0];
      const what = first
        ? `${records.length} record${records.length === 1 ? '' : 's'} from ${first.file} (from byte ${first.offset})`
        : `The new reading position in ${fileName}`;
      report(
        new DropFileError(
          'not_accepted',
          `${what} could not be saved: ${e instanceof Error ? e.message : String(e)}. Backroom will offer them again.`,
          { cause: e },
        ),
      );
      return false;
    }
    position = next;
    unsaved = false;
    return true;
  }

  /** The records in `bytes`, which start at byte `base` of `file`; empty lines are skipped. */
  function splitRecords(bytes: Buffer, base: number, file: string): DropRecord[] {
    const records: DropRecord[] = [];
    let at = 0;
    while (at < bytes.length) {
      const lf = bytes.indexOf(LF, at);
      const lineEnd = lf === -1 ? bytes.length : lf;
      let end = lineEnd;
      if (end > at && bytes[end - 1] === CR) end--;
      if (end > at) {
        let text = bytes.toString(encoding, at, end);
        if (base + at === 0 && encoding === 'utf8' && text.startsWith('\uFEFF')) {
          text = text.slice(1);
        }
        if (text !== '') records.push({ text, offset: base + at, file });
      }
      at = lineEnd + 1;
    }
    return records;
  }

  /**
   * Hands over the complete records of `file` after the position, batch by batch, and (when
   * `finished`, for a rotated file that stopped changing) its unfinished last line too.
   * `caught_up`: read to the end; `unfinished`: an unfinished line is left; `halted`: a batch
   * was not accepted, the file shrank under us, or the reader is stopping.
   */
  async function readRecords(
    file: OpenFile,
    finished = false,
  ): Promise<'caught_up' | 'unfinished' | 'halted'> {
    seenSize = file.size;
    for (;;) {
      if (stopped || !position) return 'halted';
      const start = position.offset;
      if (start >= file.size) break;
      let bytes = await readAt(file.handle, start, Math.min(batchBytes, file.size - start));
      let lf = bytes.lastIndexOf(LF);
      // One record longer than a batch: read on until its line end (or the known end).
      while (lf === -1 && start + bytes.length < file.size) {
        const more = await readAt(
          file.handle,
          start + bytes.length,
          Math.min(batchBytes, file.size - start - bytes.length),
        );
        if (more.length === 0) break;
        lf = more.indexOf(LF);
        if (lf !== -1) lf += bytes.length;
        bytes = Buffer.concat([bytes, more]);
      }
      if (start + bytes.length < file.size && lf === -1) return 'halted'; // shrank while reading
      const end = lf !== -1 ? lf + 1 : finished ? bytes.length : 0;
      if (end === 0) break;
      const fingerprint = await fingerprintAt(file.handle, start + end);
      if (fingerprint === null) return 'halted';
      const next = { dev: file.dev, ino: file.ino, fingerprint, offset: start + end };
      const records = splitRecords(bytes.subarray(0, end), start, file.name);
      if (!(await handOver(records, next))) return 'halted';
    }
    if (unsaved && position && !(await handOver([], position))) return 'halted';
    return position && position.offset < file.size ? 'unfinished' : 'caught_up';
  }

  /**
   * The tracked file is no longer under its name: read what is left of it if it is still in
   * the folder. `wait`: come back on the next look; `rotated`: read to its end (its name now
   * given); `gone`: it is not in the folder any more.
   */
  async function finishOldFile(
    at: DropPosition,
  ): Promise<{ kind: 'wait' } | { kind: 'rotated'; name: string } | { kind: 'gone' }> {
    const old = await findRotated(at);
    if (!old) {
      if (seenSize !== null && seenSize > at.offset) {
        report(
          new DropFileError(
            'missed_records',
            `Rx30's ${fileName} was replaced or removed before Backroom read all of it: records after byte ${at.offset} may be missing. Check Rx30's ready list against Backroom's.`,
          ),
        );
      }
      return { kind: 'gone' };
    }
    try {
      if ((await compare(old, at)) !== 'same') {
        report(
          new DropFileError(
            'missed_records',
            `Rx30's previous file (now ${old.name}) was changed after it was set aside: records after byte ${at.offset} may be missing. Check Rx30's ready list against Backroom's.`,
          ),
        );
        return { kind: 'gone' };
      }
      const read = await readRecords(old);
      if (read === 'halted') return { kind: 'wait' };
      if (read === 'unfinished') {
        // Rx30 may still be finishing its last line: count it once it has stopped changing.
        const unchanged = settling && sameFile(settling, old) && settling.size === old.size;
        if (!unchanged) {
          settling = { dev: old.dev, ino: old.ino, size: old.size };
          return { kind: 'wait' };
        }
        if ((await readRecords(old, true)) !== 'caught_up') return { kind: 'wait' };
      }
      return { kind: 'rotated', name: old.name };
    } finally {
      await old.handle.close();
    }
  }

  /** One look at the folder: read whatever is new, wherever it is. */
  async function look(): Promise<void> {
    let current: OpenFile | null = null;
    try {
      current = await openDropFile();
      if (position && current && sameFile(current, position)) {
        const verdict = await compare(current, position);
        if (verdict !== 'same') {
          adopt(current, {
            kind: verdict,
            message:
              verdict === 'truncated'
                ? `Rx30's ${fileName} was emptied and started again: reading it from the start.`
                : `Rx30's ${fileName} was rewritten: reading it again from the start (records already imported are not imported twice).`,
          });
        }
      } else if (position) {
        const old = await finishOldFile(position);
        if (old.kind === 'wait') return;
        const notice: DropFileNotice =
          old.kind === 'rotated'
            ? {
                kind: 'rotated',
                message: `Rx30 set ${fileName} aside as ${old.name}; Backroom read the rest of it${current ? ` and reads the new ${fileName} from the start` : ''}.`,
              }
            : {
                kind: 'replaced',
                message: current
                  ? `Rx30 replaced ${fileName}: reading the new one from the start.`
                  : `Rx30's ${fileName} is gone: waiting for a new one.`,
              };
        if (current) {
          adopt(current, notice);
        } else {
          // Done with the old file and no new one yet: wait for it.
          o.onNotice?.(notice);
          position = null;
          seenSize = null;
        }
      } else if (current) {
        adopt(current, {
          kind: 'new_file',
          message: `Found Rx30's ${fileName}: reading it from the start.`,
        });
      }
      if (!current || (await readRecords(current)) !== 'halted') lastError = null;
    } catch (e) {
      report(
        e instanceof DropFileError
          ? e
          : errnoCode(e)
            ? unreadable(filePath, e)
            : new DropFileError(
                'unreadable',
                `Reading Rx30's ${fileName} failed: ${e instanceof Error ? e.message : String(e)}. Backroom will try again.`,
                { cause: e },
              ),
      );
    } finally {
      await current?.handle.close();
    }
  }

  function checkNow(): Promise<void> {
    if (queued) return queued;
    const next = chain.then(async () => {
      queued = null;
      if (!stopped) await look();
    });
    queued = next;
    // Only a throwing onError/onNotice rejects; it must not stop the looks after it.
    chain = next.catch(() => undefined);
    return next;
  }

  function watchFolder() {
    if (watcher || stopped || o.watch === false) return;
    try {
      const w = fs.watch(folder, (_event, name) => {
        if (stopped || (name !== null && !name.startsWith(fileName))) return;
        // A write comes as several events: look once they settle.
        debounce ??= setTimeout(() => {
          debounce = null;
          void checkNow().catch(() => undefined);
        }, 25);
      });
      w.on('error', (e) => {
        w.close();
        if (watcher === w) watcher = null; // watched again on the next poll
        report(
          new DropFileError(
            'watch_failed',
            `Backroom stopped getting change events for ${folder} (${e.message}); it still looks every ${pollMs} ms.`,
            { cause: e },
          ),
        );
      });
      watcher = w;
    } catch {
      // The folder is missing or not watchable: the poll reports it and watches it later.
    }
  }

  return {
    async start(stored) {
      if (started) throw new Error('This drop file reader was already started.');
      started = true;
      position = stored === null ? null : dropPositionSchema.parse(stored);
      watchFolder();
      poll = setInterval(() => {
        watchFolder();
        void checkNow().catch(() => undefined);
      }, pollMs);
      await checkNow();
    },
    checkNow,
    async stop() {
      stopped = true;
      if (poll) clearInterval(poll);
      if (debounce) clearTimeout(debounce);
      poll = debounce = null;
      watcher?.close();
      watcher = null;
      await chain;
    },
  };
}
