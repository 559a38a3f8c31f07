// Rx30 in file mode, as the relay sees it: a program that writes one record per line into a
// file in a folder, in pieces (a buffered writer flushes a few KiB at a time, so a check can
// land in the middle of a line), and now and then sets the file aside (rotation), empties it,
// rewrites it in place or replaces it. Tests and the demo script it step by step; `records()`
// is what Rx30 has finished writing, in order: what the relay should import, each once.
import { open, readdir, rename, rm, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface DropFileWriterOptions {
  folder: string;
  /** Default `rx30.txt`. */
  fileName?: string;
  /** The line end; Rx30 runs on Windows. Default `\r\n`. */
  eol?: '\n' | '\r\n';
  /** How lines are turned into bytes. Default utf8. */
  encoding?: 'utf8' | 'latin1';
  /** The most bytes one write() puts in the file. Default 4096. */
  chunkBytes?: number;
  /** A pause between two writes of one append, to let a reader see half a line. Default 0. */
  pauseMs?: number;
}

export interface DropFileWriter {
  /** The drop file's full path. */
  readonly path: string;
  /** Appends whole lines (the first one finishes an unfinished line, if any). */
  append(lines: readonly string[], options?: { eol?: '\n' | '\r\n' }): Promise<void>;
  /** Appends text with no line end: a record Rx30 has not finished yet. */
  appendPartial(text: string): Promise<void>;
  /**
   * Sets the file aside as `<name>.1` (an older `.1` becomes `.2`, and so on) and, unless told
   * not to, starts a new empty file. An unfinished last line stays as it is in the old file:
   * it is the old file's last record. Returns the old file's new path.
   */
  rotate(options?: { startNew?: boolean }): Promise<string>;
  /** Empties the file in place (same inode); an unfinished line is lost. */
  truncate(): Promise<void>;
  /** Writes new content over the file in place: same inode, no moment with a shorter file. */
  rewrite(lines: readonly string[]): Promise<void>;
  /** Writes a new file and renames it over the old one (a new inode under the same name). */
  replace(lines: readonly string[]): Promise<void>;
  /** Every record finished so far, in the order written (rewritten and replaced lines too). */
  records(): string[];
}

export function createDropFileWriter(o: DropFileWriterOptions): DropFileWriter {
  const fileName = o.fileName ?? 'rx30.txt';
  const filePath = path.join(o.folder, fileName);
  const eol = o.eol ?? '\r\n';
  const encoding = o.encoding ?? 'utf8';
  const chunkBytes = o.chunkBytes ?? 4096;
  const pauseMs = o.pauseMs ?? 0;
  const finished: string[] = [];
  /** The unfinished last line of the current file. */
  let pending = '';

  /** A line as a reader sees it: without its line end (a CR before the LF is part of it). */
  const finish = (line: string) => {
    const record = line.endsWith('\r') ? line.slice(0, -1) : line;
    if (record !== '') finished.push(record);
  };
  const lines = (texts: readonly string[], end: string) => texts.map((t) => t + end).join('');

  /** Appends bytes the way a buffered writer does: chunk by chunk, each its own write(). */
  async function appendBytes(text: string) {
    const bytes = Buffer.from(text, encoding);
    const handle = await open(filePath, 'a');
    try {
      for (let at = 0; at < bytes.length; at += chunkBytes) {
        if (at > 0 && pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
        await handle.write(bytes.subarray(at, at + chunkBytes));
      }
    } finally {
      await handle.close();
    }
  }

  return {
    path: filePath,

    async append(texts, options) {
      const end = options?.eol ?? eol;
      await appendBytes(lines(texts, end));
      texts.forEach((t, i) => finish(i === 0 ? pending + t : t));
      if (texts.length > 0) pending = '';
    },

    async appendPartial(text) {
      await appendBytes(text);
      pending += text;
    },

    async rotate(options) {
      const prefix = `${fileName}.`;
      const numbers = (await readdir(o.folder))
        .filter((n) => n.startsWith(prefix) && /^\d+$/.test(n.slice(prefix.length)))
        .map((n) => Number(n.slice(prefix.length)))
        .sort((a, b) => b - a);
      for (const n of numbers) {
        await rename(`${filePath}.${n}`, `${filePath}.${n + 1}`);
      }
      const setAside = `${filePath}.1`;
      await rename(filePath, setAside);
      finish(pending);
      pending = '';
      if (options?.startNew ?? true) await writeFile(filePath, '');
      return setAside;
    },

    async truncate() {
      await truncate(filePath, 0);
      pending = '';
    },

    async rewrite(texts) {
      const bytes = Buffer.from(lines(texts, eol), encoding);
      const handle = await open(filePath, 'r+');
      try {
        await handle.write(bytes, 0, bytes.length, 0);
        await handle.truncate(bytes.length);
      } finally {
        await handle.close();
      }
      texts.forEach(finish);
      pending = '';
    },

    async replace(texts) {
      const temporary = `${filePath}.tmp-${process.pid}`;
      await writeFile(temporary, lines(texts, eol), encoding);
      await rename(temporary, filePath).catch(async (e: unknown) => {
        await rm(temporary, { force: true });
        throw e;
      });
      texts.forEach(finish);
      pending = '';
    },

    records: () => [...finished],
  };
}
