// A scanner in serial mode, on a real pseudo-terminal: once the devices run, what it reads is
// offered to the screens as scans; a removed scanner is no longer listened to.
import { describe, expect, it, onTestFinished } from 'vitest';
import { createSerialScanner } from '../../drivers/serial-scanner/serial-scanner.ts';
import { openSerialDevice } from '../../simulators/serial/device.ts';
import { openPtyPair } from '../../simulators/serial/pty.ts';
import { servicesForTest } from '../testing/fixtures.ts';
import type { DeviceDrivers } from './ports.ts';

const drivers = {
  serialScanner: (c) => createSerialScanner(c),
} as Pick<DeviceDrivers, 'serialScanner'> as DeviceDrivers;

describe('a serial scanner', () => {
  it('hands each code it reads to the screens, and stops when removed', async () => {
    const pty = await openPtyPair();
    onTestFinished(() => pty.close());
    const gun = await openSerialDevice(pty.devicePath);
    onTestFinished(() => gun.close());
    const s = await servicesForTest({ deviceDrivers: drivers });
    const scans: { deviceId: number; code: string }[] = [];
    s.devices.scans.on('scan', (scan) => scans.push(scan));
    s.devices.start();
    onTestFinished(() => s.devices.stop());
    const scanner = s.devices.add('maria', {
      kind: 'scanner',
      name: 'Gun counter scanner',
      model: 'serial',
      connection: { type: 'serial', path: pty.hostPath, baudRate: 9600 },
    });
    const arrived = async (n: number) => {
      // eslint-disable-next-line no-restricted-syntax -- a poll deadline for a real pseudo-terminal
      const end = Date.now() + 5_000;
      // eslint-disable-next-line no-restricted-syntax -- a poll deadline for a real pseudo-terminal
      while (scans.length < n && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
      return scans;
    };
    // The port opens in the background: send until the first code gets through.
    for (let i = 0; i < 50 && scans.length === 0; i++) {
      await gun.send('BKRM101\r\n');
      await arrived(1).catch(() => undefined);
    }
    await gun.send('0123456789012\r');
    expect((await arrived(2)).slice(-1)).toEqual([{ deviceId: scanner.id, code: '0123456789012' }]);
    expect(s.devices.get(scanner.id).health.connected).toBe(true);
    s.devices.retire('maria', scanner.id);
    const before = scans.length;
    await gun.send('AFTER1\r');
    await new Promise((r) => setTimeout(r, 200));
    expect(scans).toHaveLength(before);
  });
});
