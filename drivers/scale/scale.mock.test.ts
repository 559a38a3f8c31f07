// Edge timing a pty cannot stage on cue, through serialport's own mock binding: a reply split
// across chunks, a reply broken by a pause, a reply that comes after the driver gave up.
import { SerialPortMock } from 'serialport';
import { afterEach, describe, expect, it } from 'vitest';
import { scaleSchema } from '../../core/devices/model.ts';
import { DeviceError, type Scale } from '../../core/devices/ports.ts';
import type { SerialBinding } from '../serial/port.ts';
import { createScale } from './scale.ts';

// @serialport/binding-mock's MockBinding, typed: the package's own "exports" hide its typings
// from nodenext resolution, serialport's re-export does not.
const MockBinding = SerialPortMock.binding;
type MockPortBinding = Awaited<ReturnType<typeof MockBinding.open>>;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface Exchange {
  request: string;
  /** When the request was written, and when each reply chunk went out (performance.now()). */
  at: number;
  replies: number[];
}

/**
 * A mock port whose device answers each request with `script(request, n)`: chunks of bytes,
 * each after its delay (ms since the previous chunk).
 */
function scriptedScale(
  path: string,
  script: (request: string, n: number) => [delayMs: number, bytes: string][],
) {
  MockBinding.createPort(path, { echo: false, record: true });
  const log: Exchange[] = [];
  const binding: SerialBinding = {
    list: () => MockBinding.list(),
    open: async (options) => {
      const device: MockPortBinding = await MockBinding.open(options);
      const write = device.write.bind(device);
      device.write = async (buffer: Buffer) => {
        await write(buffer);
        const exchange: Exchange = {
          request: buffer.toString('latin1'),
          at: performance.now(),
          replies: [],
        };
        log.push(exchange);
        void (async () => {
          for (const [delayMs, bytes] of script(exchange.request, log.length)) {
            await sleep(delayMs);
            if (!device.isOpen) return;
            exchange.replies.push(performance.now());
            device.emitData(Buffer.from(bytes, 'latin1'));
          }
        })();
      };
      return device;
    },
  };
  return { binding, log };
}

const config = (model: 'mt-sics' | 'toledo-8213', path: string) =>
  scaleSchema.parse({
    kind: 'scale',
    name: 'Deli',
    model,
    connection: { type: 'serial', path, baudRate: 9600 },
    stableWaitMs: 1_000,
  });

const opened: Scale[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
  MockBinding.reset();
});

function scale(
  model: 'mt-sics' | 'toledo-8213',
  script: Parameters<typeof scriptedScale>[1],
  timing = { replyTimeoutMs: 150, interByteMs: 30, quietMs: 80 },
) {
  const path = `/dev/mock-${model}-${opened.length}`;
  const device = scriptedScale(path, script);
  const s = createScale(config(model, path), { binding: device.binding, pollMs: 10, ...timing });
  opened.push(s);
  return { scale: s, log: device.log };
}

async function deviceError(p: Promise<unknown>): Promise<DeviceError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DeviceError);
  return error as DeviceError;
}

describe('scale replies on the wire (mock binding)', () => {
  it('joins an MT-SICS reply that arrives in pieces', async () => {
    const { scale: s } = scale('mt-sics', () => [
      [0, 'S S  '],
      [10, '    0.75'],
      [10, '0 kg\r'],
      [10, '\n'],
    ]);
    expect(await s.readStable()).toEqual({ weight: 0.75, unit: 'kg' });
  });

  it('joins a Toledo 8213 reply sent one byte at a time', async () => {
    const { scale: s } = scale('toledo-8213', () =>
      [...'\x02012.34\r'].map((c) => [5, c] as [number, string]),
    );
    expect(await s.readStable()).toEqual({ weight: 12.34, unit: 'lb' });
  });

  it('handles a whole reply at once, without waiting for the line to go quiet', async () => {
    const { scale: s, log } = scale('mt-sics', () => [[0, 'S S      1.000 kg\r\n']], {
      replyTimeoutMs: 2_000,
      interByteMs: 1_000,
      quietMs: 2_000,
    });
    const started = performance.now();
    await s.readStable();
    expect(performance.now() - started).toBeLessThan(500);
    expect(log).toHaveLength(1);
  });

  it('reads the parity bit of a 7E1 Toledo scale as noise, not data', async () => {
    // `<STX>001.50<CR>` with even parity in bit 7, as an 8N1 port receives it.
    const withParity = [...'\x02001.50\r']
      .map((c) => {
        const b = c.charCodeAt(0);
        const ones = b.toString(2).replaceAll('0', '').length;
        return String.fromCharCode(ones % 2 ? b | 0x80 : b);
      })
      .join('');
    const { scale: s } = scale('toledo-8213', () => [[0, withParity]]);
    expect(await s.readStable()).toEqual({ weight: 1.5, unit: 'lb' });
  });

  it('calls a reply broken by a long pause garbled, then reads the next one', async () => {
    const { scale: s } = scale('mt-sics', (_request, n) =>
      n === 1
        ? [
            [0, 'S S    '],
            [100, '  2.000 kg\r\n'], // the rest, long after the inter-byte limit
          ]
        : [[0, 'S S      3.000 kg\r\n']],
    );
    const error = await deviceError(s.readStable());
    expect(error.code).toBe('garbled');
    expect(error.message).toContain('sent “S S    ”, which is not MT-SICS');
    // The tail of the broken reply arrives while the driver waits for quiet: discarded.
    expect(await s.readStable()).toEqual({ weight: 3, unit: 'kg' });
  });

  it('never takes a reply that came after the time limit for the answer to the next request', async () => {
    const { scale: s, log } = scale('mt-sics', (_request, n) =>
      n === 1 ? [[200, 'S S      1.000 kg\r\n']] : [[40, 'S S      2.000 kg\r\n']],
    );
    expect((await deviceError(s.readStable())).code).toBe('timeout');
    expect(await s.readStable()).toEqual({ weight: 2, unit: 'kg' });
    // The second request went out only after the late reply had come and gone.
    const [first, second] = log;
    expect(first?.replies[0]).toBeLessThan(second?.at ?? 0);
  });

  it('names an MT-SICS transmission error (ET) garbled and a syntax error (ES) unsupported', async () => {
    const { scale: s } = scale('mt-sics', (_request, n) => [[0, n === 1 ? 'ET\r\n' : 'ES\r\n']]);
    const et = await deviceError(s.readStable());
    expect(et.code).toBe('garbled');
    expect(et.message).toContain('reports a transmission error (ET)');
    const es = await deviceError(s.readStable());
    expect(es.code).toBe('unsupported');
    expect(es.message).toContain(
      'did not understand the request (ES): check that it is set to MT-SICS',
    );
  });

  it('refuses a unit the store does not sell by, and converts milligrams to grams', async () => {
    const { scale: s } = scale('mt-sics', (_request, n) => [
      [0, n === 1 ? 'S S     12.000 ct\r\n' : 'S S   1500.000 mg\r\n'],
    ]);
    const error = await deviceError(s.readStable());
    expect(error.code).toBe('unsupported');
    expect(error.message).toBe(
      'The scale “Deli” on /dev/mock-mt-sics-0 weighs in “ct”: set it to kg, g, lb or oz.',
    );
    expect(await s.readStable()).toEqual({ weight: 1.5, unit: 'g' });
  });

  it('gives up on a line that never goes quiet instead of waiting forever', async () => {
    // The first reply is garbage; from then on the device chatters every 20 ms unasked (a
    // scale left in continuous output, or a wrong speed turning noise into bytes).
    const { scale: s } = scale('mt-sics', (_request, n) =>
      n === 1 ? Array.from({ length: 60 }, () => [20, '\xfe\xfd'] as [number, string]) : [],
    );
    const unfinished = await deviceError(s.readStable());
    expect(unfinished.code).toBe('garbled');
    expect(unfinished.message).toMatch(/sent “(\\xfe\\xfd)+…?” and never finished the reply/);
    const started = performance.now();
    const error = await deviceError(s.readStable());
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(error.code).toBe('garbled');
    expect(error.message).toBe(
      'The scale “Deli” on /dev/mock-mt-sics-0 keeps sending without being asked: set it to answer on request (not continuous output), MT-SICS at 9600 baud.',
    );
  });

  it('takes the last of two replies that arrive glued together', async () => {
    const { scale: s } = scale('mt-sics', () => [
      [0, 'S D      1.100 kg\r\nS S      1.200 kg\r\n'],
    ]);
    expect(await s.readStable()).toEqual({ weight: 1.2, unit: 'kg' });
  });

  it('runs one exchange at a time when asked twice at once', async () => {
    const { scale: s, log } = scale('mt-sics', (_request, n) => [
      [20, `S S ${`${n}.000`.padStart(10)} kg\r\n`],
    ]);
    const [a, b] = await Promise.all([s.readStable(), s.readStable()]);
    expect([a.weight, b.weight]).toEqual([1, 2]);
    expect(log[1]?.at).toBeGreaterThanOrEqual(log[0]?.replies[0] ?? Infinity);
  });
});
