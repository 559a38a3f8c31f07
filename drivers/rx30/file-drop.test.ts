// ACCEPTANCE (issue 6) "File mode: appends, rotation and rewrite of the drop file import each
// record exactly once". Real files in a temp folder, written by the Rx30 file simulator; the
// reader is driven look by look with checkNow(), and once by its own watcher and poll.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { createDropFileWriter, type DropFileWriter } from '../../simulators/rx30/file-writer.ts';
import {
  createDropFileReader,
  dropPositionSchema,
  type DropFileError,
  type DropFileNotice,
  type DropFileReader,
  type DropFileReaderOptions,
  type DropPosition,
  type DropRecord,
} from './file-drop.ts';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

function tempFolder(): string {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'rx30-drop-'));
  cleanup.push(() => fs.rmSync(folder, { recursive: true, force: true }));
  return folder;
}

/**
 * The caller's side: imports every record and stores the position with it, as one transaction
 * would. `refuse` makes the next imports fail (nothing stored), as a locked database would.
 */
function createStore() {
  const store = {
    imported: [] as DropRecord[],
    position: null as DropPosition | null,
    errors: [] as DropFileError[],
    notices: [] as DropFileNotice[],
    calls: 0,
    refuse: 0,
    texts: () => store.imported.map((r) => r.text),
    onRecords: async (records: DropRecord[], position: DropPosition) => {
      store.calls++;
      if (store.refuse > 0) {
        store.refuse--;
        throw new Error('the database is locked');
      }
      store.imported.push(...records);
      // What the caller stores goes through JSON and is checked when loaded.
      store.position = dropPositionSchema.parse(JSON.parse(JSON.stringify(position)));
    },
  };
  return store;
}
type Store = ReturnType<typeof createStore>;

async function startReader(
  folder: string,
  store: Store,
  options: Partial<DropFileReaderOptions> = {},
): Promise<DropFileReader> {
  const reader = createDropFileReader({
    folder,
    fileName: 'rx30.txt',
    watch: false,
    pollMs: 60_000,
    onRecords: store.onRecords,
    onError: (e) => store.errors.push(e),
    onNotice: (n) => store.notices.push(n),
    ...options,
  });
  cleanup.push(() => reader.stop());
  await reader.start(store.position);
  return reader;
}

function setUp(writerOptions: { eol?: '\n' | '\r\n'; chunkBytes?: number } = {}) {
  const folder = tempFolder();
  const writer = createDropFileWriter({ folder, ...writerOptions });
  const store = createStore();
  return { folder, writer, store };
}

const rx = (n: number) => `READY|RX${String(n).padStart(7, '0')}|01|STORE-1|PAT${n}`;
const range = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => rx(from + i));

describe('Rx30 drop file reader', () => {
  it('imports appends in several batches, each record once, with its byte offset', async () => {
    const { folder, writer, store } = setUp();
    await writer.append([]);
    const reader = await startReader(folder, store);
    expect(store.imported).toEqual([]);

    await writer.append(['A1', 'A2']);
    await reader.checkNow();
    await writer.append(['A3'], { eol: '\n' });
    await writer.append(['A4', '', 'A5']);
    await reader.checkNow();
    await reader.checkNow(); // nothing new: nothing handed over again

    expect(store.texts()).toEqual(['A1', 'A2', 'A3', 'A4', 'A5']);
    expect(store.imported.map((r) => r.offset)).toEqual([0, 4, 8, 11, 17]);
    expect(store.imported.every((r) => r.file === 'rx30.txt')).toBe(true);
    expect(store.position?.offset).toBe(fs.statSync(writer.path).size);
    expect(store.errors).toEqual([]);
  });

  it('waits for a last line without its line end, and imports it once it is finished', async () => {
    const { folder, writer, store } = setUp();
    await writer.append(['B1']);
    await writer.appendPartial('B2|half');
    const reader = await startReader(folder, store);
    expect(store.texts()).toEqual(['B1']);

    await writer.appendPartial('|more\r');
    await reader.checkNow();
    expect(store.texts()).toEqual(['B1']);

    await writer.append([''], { eol: '\n' }); // the rest of its CRLF
    await writer.append(['B3']);
    await reader.checkNow();
    expect(store.texts()).toEqual(['B1', 'B2|half|more', 'B3']);
    expect(store.imported.map((r) => r.offset)).toEqual([0, 4, 18]);
    expect(store.texts()).toEqual(writer.records());
  });

  it('finishes the rotated file, records still unread in it, then reads the new file from 0', async () => {
    const { folder, writer, store } = setUp();
    await writer.append(['C1', 'C2']);
    const reader = await startReader(folder, store);
    await writer.append(['C3', 'C4']); // not read before the rotation
    await writer.rotate();
    await writer.append(['C5', 'C6']);
    await reader.checkNow();
    expect(store.texts()).toEqual(['C1', 'C2', 'C3', 'C4', 'C5', 'C6']);
    expect(store.imported.map((r) => r.file)).toEqual([
      'rx30.txt',
      'rx30.txt',
      'rx30.txt.1',
      'rx30.txt.1',
      'rx30.txt',
      'rx30.txt',
    ]);
    expect(store.notices.map((n) => n.kind)).toEqual(['new_file', 'rotated']);

    await writer.append(['C7']);
    await writer.rotate();
    await reader.checkNow();
    await writer.append(['C8']);
    await reader.checkNow();
    expect(store.texts()).toEqual(['C1', 'C2', 'C3', 'C4', 'C5', 'C6', 'C7', 'C8']);
    expect(store.errors).toEqual([]);
  });

  it("counts a rotated file's unfinished last line once the file has stopped changing", async () => {
    const { folder, writer, store } = setUp();
    await writer.append(['D1']);
    const reader = await startReader(folder, store);
    await writer.appendPartial('D2|no line end');
    await writer.rotate();
    await writer.append(['D3']);

    await reader.checkNow();
    expect(store.texts()).toEqual(['D1']); // Rx30 may still be finishing D2
    await fs.promises.appendFile(`${writer.path}.1`, '|finished late');
    await reader.checkNow();
    expect(store.texts()).toEqual(['D1']); // it changed: wait once more
    await reader.checkNow();
    expect(store.texts()).toEqual(['D1', 'D2|no line end|finished late', 'D3']);
  });

  it('reads a truncated file again from 0, also when it grew past the old offset', async () => {
    const { folder, writer, store } = setUp();
    await writer.append(['E1-long-record-one', 'E2-long-record-two', 'E3-long-record-three']);
    const reader = await startReader(folder, store);
    await writer.truncate();
    await writer.append(['E4']);
    await reader.checkNow();
    expect(store.texts()).toEqual([...writer.records()]);
    expect(store.notices.at(-1)?.kind).toBe('truncated');

    await writer.truncate();
    await writer.append(range(0, 5)); // longer than before: only the fingerprint tells
    await reader.checkNow();
    await writer.append(['E5']);
    await reader.checkNow();
    expect(store.texts()).toEqual(writer.records());
    expect(store.notices.at(-1)?.kind).toBe('rewritten');
  });

  it('reads a file rewritten in place from 0, and goes on reading when only lines were added', async () => {
    const { folder, writer, store } = setUp();
    // A header longer than the fingerprint's head: only the bytes before the offset tell.
    const header = `HEADER|${'x'.repeat(300)}`;
    await writer.append([header, 'F1', 'F2']);
    const reader = await startReader(folder, store);
    const inode = fs.statSync(writer.path).ino;

    await writer.rewrite([header, 'F1', 'F2', 'F3']); // same content, one more line
    await reader.checkNow();
    expect(store.texts()).toEqual([header, 'F1', 'F2', 'F3']);

    await writer.rewrite([header, 'G1', 'G2', 'G3', 'G4']);
    expect(fs.statSync(writer.path).ino).toBe(inode);
    await reader.checkNow();
    expect(store.texts()).toEqual([header, 'F1', 'F2', 'F3', header, 'G1', 'G2', 'G3', 'G4']);
    expect(store.notices.at(-1)?.kind).toBe('rewritten');
    // The caller's import is idempotent (by record): each record lands once.
    expect(new Set(store.texts())).toEqual(new Set(writer.records()));
  });

  it('reads a replaced file from 0, and says so when the old one still had unread records', async () => {
    const { folder, writer, store } = setUp();
    await writer.append(['H1']);
    const reader = await startReader(folder, store);
    await writer.replace(['H2']);
    await reader.checkNow();
    expect(store.texts()).toEqual(['H1', 'H2']);
    expect(store.errors).toEqual([]);
    expect(store.notices.at(-1)?.kind).toBe('replaced');

    await writer.append(['H3']);
    await writer.appendPartial('H4|half');
    await reader.checkNow();
    await writer.replace(['H5']); // H4 is never finished
    await reader.checkNow();
    expect(store.texts()).toEqual(['H1', 'H2', 'H3', 'H5']);
    expect(store.errors.map((e) => e.code)).toEqual(['missed_records']);
    expect(store.errors[0]?.message).toMatch(/records after byte \d+ may be missing/);
  });

  it('continues from the stored position after a restart mid-file', async () => {
    const { folder, writer, store } = setUp();
    await writer.append(range(0, 10));
    const first = await startReader(folder, store);
    await writer.append(range(10, 12));
    await first.stop();
    await writer.append(range(12, 15));
    await writer.appendPartial(rx(15).slice(0, 9));

    const second = await startReader(folder, store);
    expect(store.texts()).toEqual(range(0, 15));
    await writer.append([rx(15).slice(9)]);
    await writer.rotate();
    await second.checkNow();
    await second.stop();
    await writer.append(range(16, 18));
    const third = await startReader(folder, store);
    await third.checkNow();
    expect(store.texts()).toEqual(range(0, 18));
    expect(store.texts()).toEqual(writer.records());
  });

  it('offers a batch again when it was not accepted, and never loses or repeats a record', async () => {
    const { folder, writer, store } = setUp();
    await writer.append(range(0, 40));
    store.refuse = 1;
    const options = { batchBytes: 100 }; // several batches per look
    const reader = await startReader(folder, store, options);
    expect(store.texts()).toEqual([]);
    expect(store.errors.map((e) => e.code)).toEqual(['not_accepted']);
    expect(store.errors[0]?.message).toMatch(/could not be saved: the database is locked/);

    await reader.checkNow();
    expect(store.texts()).toHaveLength(40);

    // A crash in the middle of a look: the next run starts after the last accepted batch.
    await writer.append(range(40, 80));
    store.refuse = 0;
    const accepted = store.calls;
    await reader.stop();
    const crashing = createStore();
    crashing.position = store.position;
    crashing.onRecords = async (records, position) => {
      if (crashing.calls++ === 2) throw new Error('the power went out');
      await store.onRecords(records, position);
    };
    const dying = await startReader(folder, crashing, options);
    await dying.stop();
    expect(store.calls - accepted).toBe(2);
    const again = await startReader(folder, store, options);
    await again.checkNow();
    expect(store.texts()).toEqual(range(0, 80));
  });

  it('waits for a file that does not exist yet, and for a missing folder, without crashing', async () => {
    const parent = tempFolder();
    const folder = path.join(parent, 'rx30-out');
    const store = createStore();
    const reader = await startReader(folder, store);
    expect(store.errors.map((e) => e.code)).toEqual(['unreadable']);
    expect(store.errors[0]?.message).toMatch(/drop folder .*rx30-out does not exist/);
    await reader.checkNow();
    expect(store.errors).toHaveLength(1); // reported once, not on every look

    fs.mkdirSync(folder);
    await reader.checkNow();
    expect(store.imported).toEqual([]);

    const writer = createDropFileWriter({ folder });
    await writer.append(['I1', 'I2']);
    await reader.checkNow();
    expect(store.texts()).toEqual(['I1', 'I2']);
    expect(store.errors).toHaveLength(1);
  });

  it('reports a drop file it cannot read, and reads it once it can', async () => {
    const folder = tempFolder();
    const store = createStore();
    fs.mkdirSync(path.join(folder, 'rx30.txt'));
    const reader = await startReader(folder, store);
    expect(store.errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/rx30\.txt is not a file: check the file name/),
    ]);

    fs.rmdirSync(path.join(folder, 'rx30.txt'));
    fs.writeFileSync(path.join(folder, 'rx30.txt'), 'J1\r\n');
    await reader.checkNow();
    expect(store.texts()).toEqual(['J1']);
  });

  it('imports 5,000 records across rotations and restarts, each exactly once and in order', async () => {
    const { folder, writer, store } = setUp({ chunkBytes: 512 });
    let reader = await startReader(folder, store, { batchBytes: 4096 });
    let n = 0;
    for (let round = 0; n < 5_000; round++) {
      const count = Math.min(5_000 - n, 37 + ((round * 53) % 211));
      await writer.append(range(n, n + count - 1));
      await writer.appendPartial(rx(n + count - 1).slice(0, 11));
      if (round % 3 === 0) await reader.checkNow();
      await writer.append([rx(n + count - 1).slice(11)]);
      n += count;
      if (round % 4 === 1) await writer.rotate();
      if (round % 4 === 3) await reader.checkNow();
      if (round % 9 === 8) {
        await reader.stop();
        reader = await startReader(folder, store, { batchBytes: 4096 });
      }
      // The reader looks at least once between two rotations (see the limits in file-drop.ts).
      if (round % 4 === 1) await reader.checkNow();
    }
    await reader.checkNow();
    expect(fs.readdirSync(folder).length).toBeGreaterThan(5); // rotated files
    expect(store.imported).toHaveLength(5_000);
    expect(store.texts()).toEqual(range(0, 5_000));
    expect(store.errors).toEqual([]);
  });

  it('imports every record once under any mix of appends, rotations, looks and restarts', async () => {
    const step = fc.oneof(
      fc.record({
        op: fc.constant('append' as const),
        count: fc.integer({ min: 0, max: 6 }),
        eol: fc.constantFrom('\n' as const, '\r\n' as const),
      }),
      fc.record({ op: fc.constant('partial' as const), cut: fc.integer({ min: 1, max: 20 }) }),
      fc.constant({ op: 'rotate' as const }),
      fc.constant({ op: 'look' as const }),
      fc.constant({ op: 'restart' as const }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { maxLength: 25 }),
        fc.integer({ min: 8, max: 200 }),
        async (steps, batchBytes) => {
          const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'rx30-prop-'));
          const writer = createDropFileWriter({ folder, chunkBytes: 13 });
          const store = createStore();
          const open = () =>
            createDropFileReader({
              folder,
              fileName: 'rx30.txt',
              watch: false,
              batchBytes,
              onRecords: store.onRecords,
              onError: (e) => store.errors.push(e),
            });
          await writer.append([]);
          let reader = open();
          await reader.start(null);
          let n = 0;
          try {
            for (const s of steps) {
              if (s.op === 'append') {
                await writer.append(range(n, n + s.count), { eol: s.eol });
                n += s.count;
              } else if (s.op === 'partial') {
                await writer.appendPartial(rx(n++).slice(0, s.cut));
              } else if (s.op === 'rotate') {
                // The reader looks between two rotations, and a rotated file's unfinished last
                // line counts on the second look (see file-drop.ts).
                await reader.checkNow();
                await reader.checkNow();
                await writer.rotate();
              } else if (s.op === 'look') {
                await reader.checkNow();
              } else {
                await reader.stop();
                reader = open();
                await reader.start(store.position);
              }
            }
            await writer.append(['']); // finishes an unfinished last line
            await reader.checkNow();
            await reader.checkNow();
            expect(store.texts()).toEqual(writer.records());
            expect(store.errors).toEqual([]);
          } finally {
            await reader.stop();
            fs.rmSync(folder, { recursive: true, force: true });
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('follows the file by itself with its watcher and poll, chunked writes and a rotation', async () => {
    const folder = tempFolder();
    const writer = createDropFileWriter({ folder, chunkBytes: 7, pauseMs: 1 });
    const store = createStore();
    await startReader(folder, store, { watch: true, pollMs: 50 });
    const until = async (count: number) => {
      const end = performance.now() + 5_000;
      while (store.imported.length < count && performance.now() < end) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };
    await writer.append(range(0, 20));
    await until(20);
    await writer.append(range(20, 30));
    await writer.rotate();
    await writer.append(range(30, 45));
    await until(45);
    expect(store.texts()).toEqual(range(0, 45));
    expect(store.errors).toEqual([]);
  });

  it('leaves no watcher or timer behind once stopped', async () => {
    const folder = tempFolder();
    const store = createStore();
    // Watchers counted directly; timers judged by what they would do (other tests' timers
    // in this worker come and go, so a count of them is noise).
    const resources = () =>
      process.getActiveResourcesInfo().filter((r) => r === 'FSEventWrap' || r === 'StatWatcher')
        .length;
    // Earlier tests' watchers are closed but released a moment later: let them go first.
    await new Promise((r) => setTimeout(r, 50));
    const before = resources();
    const reader = createDropFileReader({
      folder,
      fileName: 'rx30.txt',
      pollMs: 20,
      onRecords: store.onRecords,
    });
    await reader.start(null);
    fs.writeFileSync(path.join(folder, 'rx30.txt'), 'K1\n'); // a watcher event, a debounce timer
    expect(resources()).toBeGreaterThan(before);
    await reader.stop();
    // A closed watcher's handle is released by libuv shortly after close().
    await expect.poll(resources, { timeout: 1_000, interval: 10 }).toBe(before);
    // No poll left running: a line written now is never picked up.
    fs.appendFileSync(path.join(folder, 'rx30.txt'), 'K2\n');
    await new Promise((r) => setTimeout(r, 100));
    await reader.checkNow(); // a stopped reader does nothing
    expect(store.imported).toEqual([]);
  });

  it('refuses a stored position that is not one', async () => {
    const folder = tempFolder();
    const reader = createDropFileReader({
      folder,
      fileName: 'rx30.txt',
      watch: false,
      onRecords: async () => {},
    });
    cleanup.push(() => reader.stop());
    const bad = { dev: '1', ino: '-2', fingerprint: 'abc', offset: 1.5 } as unknown as DropPosition;
    await expect(reader.start(bad)).rejects.toThrow(/file number|fingerprint|integer/);
  });

  it('decodes lines with the chosen encoding and drops a UTF-8 byte-order mark', async () => {
    const folder = tempFolder();
    const store = createStore();
    fs.writeFileSync(
      path.join(folder, 'rx30.txt'),
      Buffer.concat([Buffer.from('\uFEFFL1|Müller\r\n', 'utf8'), Buffer.from('L2\r\n')]),
    );
    await startReader(folder, store);
    expect(store.texts()).toEqual(['L1|Müller', 'L2']);

    const other = tempFolder();
    const latin = createStore();
    const writer: DropFileWriter = createDropFileWriter({ folder: other, encoding: 'latin1' });
    await writer.append(['M1|Müller']);
    await startReader(other, latin, { encoding: 'latin1' });
    expect(latin.texts()).toEqual(['M1|Müller']);
  });
});
