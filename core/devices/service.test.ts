// The device manager's records: settings validated with actionable messages, names unique
// among devices in use, changes audited, removal keeping the print history, and a clear
// answer when this copy of the server has no drivers to reach devices with.
import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { DomainError } from '../errors.ts';
import { servicesForTest } from '../testing/fixtures.ts';

const printer = {
  kind: 'receipt_printer',
  name: 'Front counter',
  model: 'epson',
  connection: { type: 'tcp', host: '192.168.1.50', port: 9100 },
} as const;
const scale = {
  kind: 'scale',
  name: 'Deli scale',
  model: 'mt-sics',
  connection: { type: 'serial', path: '/dev/ttyUSB0', baudRate: 9600 },
} as const;

async function thrown(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected it to throw');
}

describe('the device manager’s records', () => {
  it('adds devices with their defaults filled in, lists them, and audits the change', async () => {
    const s = await servicesForTest();
    const added = s.devices.add('maria', printer);
    expect(added).toMatchObject({
      kind: 'receipt_printer',
      name: 'Front counter',
      config: { ...printer, width: 42, drawerPin: 2 },
      queue: { waiting: 0, held: 0 },
    });
    s.devices.add('maria', scale);
    expect(s.devices.list().map((d) => d.name)).toEqual(['Front counter', 'Deli scale']);
    expect(s.audit.query({ action: 'device.add' }).entries).toHaveLength(2);
  });

  it('refuses settings that cannot work, saying what to fix', async () => {
    const s = await servicesForTest();
    const bad = await thrown(() =>
      s.devices.add('maria', {
        ...printer,
        name: ' ',
        connection: { type: 'tcp', host: 'printer one', port: 70_000 },
      }),
    );
    expect(bad).toBeInstanceOf(ZodError);
    expect((bad as ZodError).issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['name', 'Give the device a name the staff know it by.'],
      ['connection.host', 'An address is a host name or an IP address, like 192.168.1.50.'],
      ['connection.port', 'A port is 1 to 65535.'],
    ]);
    // A scale is reached over a serial port only.
    const overTcp = await thrown(() =>
      s.devices.add('maria', { ...scale, connection: printer.connection }),
    );
    expect(overTcp).toBeInstanceOf(ZodError);
    expect((overTcp as ZodError).issues.map((i) => [i.path.join('.'), i.message])).toContainEqual([
      'connection.type',
      'Invalid input: expected "serial"',
    ]);
    expect(s.devices.list()).toEqual([]);
  });

  it('keeps names unique among devices in use, and a removed device’s name free again', async () => {
    const s = await servicesForTest();
    const first = s.devices.add('maria', printer);
    const clash = await thrown(() => s.devices.add('maria', { ...printer, model: 'star' }));
    expect(clash).toMatchObject({ kind: 'conflict', reason: 'device_name_taken' });
    s.devices.retire('maria', first.id);
    expect(s.devices.list()).toEqual([]);
    expect(s.devices.add('maria', printer).id).not.toBe(first.id);
  });

  it('changes settings but not the kind of a device', async () => {
    const s = await servicesForTest();
    const d = s.devices.add('maria', printer);
    expect(s.devices.update('maria', d.id, { ...printer, drawerPin: 5 }).config).toMatchObject({
      drawerPin: 5,
    });
    expect(await thrown(() => s.devices.update('maria', d.id, scale))).toMatchObject({
      reason: 'kind_changed',
    });
  });

  it('says plainly when there are no drivers to reach devices with, and records the device as not answering', async () => {
    const s = await servicesForTest();
    const d = s.devices.add('maria', scale);
    const e = await thrown(() => s.devices.readWeight(d.id));
    expect(e).toBeInstanceOf(DomainError);
    expect(e).toMatchObject({ reason: 'no_device_drivers' });
    const health = await s.devices.probe(d.id);
    expect(health).toMatchObject({
      connected: false,
      lastError: expect.stringMatching(/without device drivers/) as string,
    });
  });

  it('offers the store’s keyboard-scanner settings to the screens, or the defaults', async () => {
    const s = await servicesForTest();
    expect(s.devices.scannerSettings()).toEqual({
      maxGapMs: 30,
      minLength: 6,
      prefix: '',
      suffix: 'enter',
    });
    s.devices.add('maria', {
      kind: 'scanner',
      name: 'Counter scanner',
      model: 'keyboard',
      maxGapMs: 45,
      prefix: ']C1',
    });
    expect(s.devices.scannerSettings()).toEqual({
      maxGapMs: 45,
      minLength: 6,
      prefix: ']C1',
      suffix: 'enter',
    });
  });
});
