// The serial scanner driver over a real pty pair, with the test playing the scanner.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { scannerSchema } from '../../core/devices/model.ts';
import { DeviceError } from '../../core/devices/ports.ts';
import { openSerialDevice, type SerialDevice } from '../../simulators/serial/device.ts';
import { openPtyPair, type PtyPair } from '../../simulators/serial/pty.ts';
import { createSerialScanner, scannedCode } from './serial-scanner.ts';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

const config = (path: string, o: { prefix?: string; suffix?: 'enter' | 'tab' } = {}) =>
  scannerSchema.parse({
    kind: 'scanner',
    name: 'Front counter',
    model: 'serial',
    connection: { type: 'serial', path, baudRate: 9600 },
    ...o,
  });

async function setUp(o: { prefix?: string; suffix?: 'enter' | 'tab' } = {}) {
  const pty: PtyPair = await openPtyPair();
  cleanup.push(() => pty.close());
  const device: SerialDevice = await openSerialDevice(pty.devicePath);
  cleanup.push(() => device.close());
  const scanner = createSerialScanner(config(pty.hostPath, o), { retryMs: 50 });
  cleanup.push(() => scanner.close());
  const codes: string[] = [];
  const errors: DeviceError[] = [];
  const stop = scanner.listen(
    (code) => codes.push(code),
    (e) => errors.push(e),
  );
  // listen() opens the port in the background: probe waits for the same open.
  expect(await scanner.probe()).toEqual({ connected: true });
  return { device, scanner, codes, errors, stop };
}

async function until(check: () => boolean, timeoutMs = 2_000): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('a serial scanner over a pty', () => {
  it('delivers two scans as two codes, with the prefix stripped', async () => {
    const { device, codes, errors } = await setUp({ prefix: ']E0' });
    await device.send(']E0012345678905\r]E04006381333931\r\n');
    await until(() => codes.length === 2);
    expect(codes).toEqual(['012345678905', '4006381333931']);
    expect(errors).toEqual([]);
  });

  it('takes CR, LF or CR LF as the end of a code, even split across reads', async () => {
    const { device, codes } = await setUp();
    await device.send('ABC123\n');
    await device.send('DEF4');
    await device.send('56\r');
    await device.send('\nGHI789\r\n');
    await until(() => codes.length === 3);
    expect(codes).toEqual(['ABC123', 'DEF456', 'GHI789']);
  });

  it('ends codes at Tab when the scanner is set to', async () => {
    const { device, codes } = await setUp({ suffix: 'tab' });
    await device.send('A1B2C3\tD4E5F6\t');
    await until(() => codes.length === 2);
    expect(codes).toEqual(['A1B2C3', 'D4E5F6']);
  });

  it('stops delivering once the listener stops', async () => {
    const { device, codes, stop } = await setUp();
    await device.send('FIRST1\r');
    await until(() => codes.length === 1);
    stop();
    await device.send('SECOND\r');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(codes).toEqual(['FIRST1']);
  });
});

describe('a serial scanner unplugged and plugged back', () => {
  it('reports the outage once, and delivers scans again once it is back', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backroom-scanner-'));
    cleanup.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
    const links = { device: path.join(dir, 'device'), host: path.join(dir, 'scanner') };
    const first = await openPtyPair({ links });
    const device = await openSerialDevice(first.devicePath);
    const scanner = createSerialScanner(config(links.host), { retryMs: 20 });
    cleanup.push(() => scanner.close());
    const codes: string[] = [];
    const errors: DeviceError[] = [];
    scanner.listen(
      (code) => codes.push(code),
      (e) => errors.push(e),
    );
    expect(await scanner.probe()).toEqual({ connected: true });
    await device.close();
    await first.close();
    await until(() => errors.length === 1);
    expect(errors[0]?.code).toBe('offline');

    const second = await openPtyPair({ links });
    cleanup.push(() => second.close());
    const again = await openSerialDevice(second.devicePath);
    cleanup.push(() => again.close());
    // Sent until the driver has reopened its end (bytes before that go nowhere).
    for (let tries = 0; codes.length === 0 && tries < 100; tries += 1) {
      await again.send('BACK01\r');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(codes[0]).toBe('BACK01');
    expect(errors).toHaveLength(1);
  });
});

describe('a serial scanner that is not plugged in', () => {
  it('tells the listener it is offline, once', async () => {
    const scanner = createSerialScanner(config('/dev/backroom-no-such-port'), { retryMs: 20 });
    const errors: DeviceError[] = [];
    scanner.listen(
      () => undefined,
      (e) => errors.push(e),
    );
    await until(() => errors.length > 0);
    await new Promise((resolve) => setTimeout(resolve, 80));
    await scanner.close();
    expect(errors).toHaveLength(1);
    expect(errors[0]?.code).toBe('offline');
    expect(errors[0]?.message).toContain(
      'The scanner “Front counter” on /dev/backroom-no-such-port',
    );
  });

  it('refuses a keyboard scanner', () => {
    expect(() =>
      createSerialScanner(
        scannerSchema.parse({ kind: 'scanner', name: 'Wedge', model: 'keyboard' }),
      ),
    ).toThrow(DeviceError);
  });
});

describe('a scanned code', () => {
  it('loses its prefix and blanks, and keeps a code without the prefix as it is', () => {
    expect(scannedCode(']E0 0123 ', ']E0')).toBe('0123');
    expect(scannedCode('0123', ']E0')).toBe('0123');
    expect(scannedCode('0123', '')).toBe('0123');
  });
});
