// The Rx30 file simulator writes the bytes, names and inodes the relay is tested against.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDropFileWriter } from './file-writer.ts';

const folders: string[] = [];
afterEach(() => {
  for (const f of folders.splice(0)) fs.rmSync(f, { recursive: true, force: true });
});
function tempFolder(): string {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'rx30-writer-'));
  folders.push(folder);
  return folder;
}

describe('the Rx30 file simulator', () => {
  it('appends lines in chunks, finishing an unfinished line first', async () => {
    const folder = tempFolder();
    const writer = createDropFileWriter({ folder, chunkBytes: 3 });
    await writer.append(['R1', 'R2']);
    await writer.appendPartial('R3|ha');
    expect(fs.readFileSync(writer.path, 'utf8')).toBe('R1\r\nR2\r\nR3|ha');
    await writer.append(['lf', 'R4'], { eol: '\n' });
    expect(fs.readFileSync(writer.path, 'utf8')).toBe('R1\r\nR2\r\nR3|half\nR4\n');
    expect(writer.records()).toEqual(['R1', 'R2', 'R3|half', 'R4']);
  });

  it('rotates like logrotate: .1 becomes .2, the file becomes .1, a new file starts', async () => {
    const folder = tempFolder();
    const writer = createDropFileWriter({ folder, fileName: 'out.txt' });
    await writer.append(['S1']);
    const first = fs.statSync(writer.path).ino;
    expect(await writer.rotate()).toBe(path.join(folder, 'out.txt.1'));
    await writer.append(['S2']);
    await writer.appendPartial('S3');
    await writer.rotate({ startNew: false });
    expect(fs.readdirSync(folder).sort()).toEqual(['out.txt.1', 'out.txt.2']);
    expect(fs.statSync(path.join(folder, 'out.txt.2')).ino).toBe(first);
    expect(fs.readFileSync(path.join(folder, 'out.txt.1'), 'utf8')).toBe('S2\r\nS3');
    expect(writer.records()).toEqual(['S1', 'S2', 'S3']);
  });

  it('truncates and rewrites in place (same inode) and replaces with a new inode', async () => {
    const folder = tempFolder();
    const writer = createDropFileWriter({ folder, eol: '\n', encoding: 'latin1' });
    await writer.append(['T1', 'T2-long']);
    const inode = fs.statSync(writer.path).ino;
    await writer.rewrite(['Ü1']);
    expect(fs.readFileSync(writer.path)).toEqual(Buffer.from('\xdc1\n', 'latin1'));
    await writer.appendPartial('lost');
    await writer.truncate();
    expect(fs.statSync(writer.path)).toMatchObject({ ino: inode, size: 0 });
    await writer.replace(['V1']);
    expect(fs.statSync(writer.path).ino).not.toBe(inode);
    expect(fs.readdirSync(folder)).toEqual(['rx30.txt']);
    expect(writer.records()).toEqual(['T1', 'T2-long', 'Ü1', 'V1']);
  });
});
