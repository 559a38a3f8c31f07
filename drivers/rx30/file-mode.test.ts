// Issue 6 acceptance, file mode end to end: Rx30's drop file (appends, a rotation, a rewrite
// in place, a restart) read into the store's ready prescriptions, each record imported once,
// a record that cannot be read skipped without stopping the file.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { Rx30FileImport } from '../../core/pharmacy/file-import.ts';
import { PharmacyInbox } from '../../core/pharmacy/inbox.ts';
import type { ReadyMessage } from '../../core/pharmacy/messages.ts';
import { quietLog, servicesForTest } from '../../core/testing/fixtures.ts';
import { createDropFileWriter } from '../../simulators/rx30/file-writer.ts';
import { defaultCodec } from './codec.ts';
import { createFileModeImport } from './file-mode.ts';
import { sampleMessages } from './testing.ts';

const line = (n: number, id = `F-${n}`) =>
  defaultCodec
    .encode({
      ...(sampleMessages.READY as ReadyMessage),
      id,
      rxNumber: String(800_000 + n),
      fillNumber: 0,
    })
    .toString('utf8');

describe('Rx30 file mode', () => {
  it('imports each record of the drop file once through appends, rotation, rewrite and a restart', async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'backroom-rx30-drop-'));
    onTestFinished(() => fs.rmSync(folder, { recursive: true, force: true }));
    const s = await servicesForTest();
    const inbox = new PharmacyInbox({ db: s.store.db, clock: s.clock });
    const sink = new Rx30FileImport({ db: s.store.db, inbox, clock: s.clock, log: quietLog });
    const writer = createDropFileWriter({ folder });
    const open = async () => {
      const reader = createFileModeImport({ folder, fileName: 'rx30.txt', sink, watch: false });
      await reader.start();
      onTestFinished(() => reader.stop());
      return reader;
    };
    const onFile = () => inbox.ready(1_000).map((r) => Number(r.rxNumber) - 800_000);
    const inboundCount = () =>
      s.store.db.prepare('SELECT count(*) FROM rx30_inbound').pluck().get() as number;

    let reader = await open();
    await writer.append([line(1), line(2), 'not a record at all']);
    await reader.checkNow();
    await writer.append([line(3)]);
    await writer.rotate();
    await writer.append([line(4)]);
    await reader.checkNow();
    expect(onFile()).toEqual([1, 2, 3, 4]);

    // Restart: a new reader from the saved position reads nothing twice.
    await reader.stop();
    reader = await open();
    await writer.append([line(5)]);
    await reader.checkNow();
    expect(onFile()).toEqual([1, 2, 3, 4, 5]);
    const before = inboundCount();

    // Rx30 rewrites the file in place with what it held plus one new record: the old ones
    // are read again but not imported again.
    await writer.rewrite([line(4), line(5), line(6)]);
    await reader.checkNow();
    expect(onFile()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(inboundCount()).toBe(before + 1);
    expect(s.store.db.prepare('SELECT count(*) FROM prescriptions').pluck().get()).toBe(6);
  });
});
