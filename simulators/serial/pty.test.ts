// The pty pair: bytes flow both ways, and close leaves nothing behind.
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { openSerialDevice } from './device.ts';
import { openPtyPair } from './pty.ts';

async function until(check: () => boolean, timeoutMs = 2_000): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('a pty pair', () => {
  it('carries bytes both ways between its two ends', async () => {
    const pty = await openPtyPair();
    const device = await openSerialDevice(pty.devicePath);
    const host = await openSerialDevice(pty.hostPath);
    try {
      expect(fs.realpathSync(pty.devicePath)).toBe(pty.ptys.device);
      expect(fs.realpathSync(pty.hostPath)).toBe(pty.ptys.host);
      await host.send('W');
      await device.send(Buffer.from([0x02, 0x80, 0xff, 0x0d]));
      await until(() => device.received().length === 1 && host.received().length === 4);
      expect(device.received().toString('latin1')).toBe('W');
      // Raw: every byte as sent, no CR translation, no echo.
      expect([...host.received()]).toEqual([0x02, 0x80, 0xff, 0x0d]);
    } finally {
      await host.close();
      await device.close();
      await pty.close();
    }
  });

  it('stops socat and removes its links on close, and may be closed twice', async () => {
    const before = new Set(fs.readdirSync(os.tmpdir()));
    const pty = await openPtyPair();
    const dir = path.dirname(pty.hostPath);
    expect(before.has(path.basename(dir))).toBe(false);
    const pids = fs
      .readdirSync('/proc')
      .filter((p) => /^\d+$/.test(p))
      .filter((p) => {
        try {
          return fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(pty.hostPath);
        } catch {
          return false;
        }
      })
      .map(Number);
    expect(pids).toHaveLength(1);
    await Promise.all([pty.close(), pty.close()]);
    expect(fs.existsSync(dir)).toBe(false);
    expect(pids.filter(alive)).toEqual([]);
  });

  it('puts the links where it is told', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backroom-links-'));
    const links = { device: path.join(dir, 'scale-device'), host: path.join(dir, 'scale') };
    const pty = await openPtyPair({ links });
    try {
      expect(pty.hostPath).toBe(links.host);
      expect(fs.existsSync(links.host)).toBe(true);
    } finally {
      await pty.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
