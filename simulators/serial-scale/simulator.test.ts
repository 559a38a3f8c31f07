// The scale simulator speaks each protocol byte for byte as its manual shows.
import { afterEach, describe, expect, it } from 'vitest';
import { openSerialDevice, type SerialDevice } from '../serial/device.ts';
import { startScaleSimulator, type RunningScaleSimulator } from './simulator.ts';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function setUp(protocol: 'mt-sics' | 'toledo-8213') {
  const running: RunningScaleSimulator = await startScaleSimulator({ protocol });
  cleanup.push(() => running.close());
  const host: SerialDevice = await openSerialDevice(running.hostPath);
  cleanup.push(() => host.close());
  let seen = 0;
  /** Sends a request and returns the next `length` bytes of the answer. */
  const ask = async (request: string, terminator: string) => {
    await host.send(request);
    const end = performance.now() + 1_000;
    for (;;) {
      const text = host.received().subarray(seen).toString('latin1');
      const at = text.indexOf(terminator);
      if (at !== -1) {
        seen += Buffer.byteLength(text.slice(0, at + terminator.length), 'latin1');
        return text.slice(0, at + terminator.length);
      }
      if (performance.now() > end) throw new Error(`no answer to ${JSON.stringify(request)}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  return { sim: running.simulator, ask, host };
}

describe('the MT-SICS scale simulator', () => {
  it('answers S, SI and Z as the manual shows', async () => {
    const { sim, ask } = await setUp('mt-sics');
    sim.setWeight(1.234, 'kg');
    expect(await ask('S\r\n', '\r\n')).toBe('S S      1.234 kg\r\n');
    sim.moving(2);
    expect(await ask('SI\r\n', '\r\n')).toBe('S D      1.234 kg\r\n');
    expect(await ask('S\r\n', '\r\n')).toBe('S I\r\n');
    expect(await ask('SI\r\n', '\r\n')).toBe('S S      1.234 kg\r\n');
    sim.overRange();
    expect(await ask('SI\r\n', '\r\n')).toBe('S +\r\n');
    expect(await ask('Z\r\n', '\r\n')).toBe('Z +\r\n');
    sim.underZero();
    expect(await ask('SI\r\n', '\r\n')).toBe('S -\r\n');
    expect(await ask('Z\r\n', '\r\n')).toBe('Z A\r\n');
    expect(await ask('SI\r\n', '\r\n')).toBe('S S      0.000 kg\r\n');
    expect(await ask('XYZ\r\n', '\r\n')).toBe('ES\r\n');
    expect(sim.received()).toEqual(['S', 'SI', 'S', 'SI', 'SI', 'Z', 'SI', 'Z', 'SI', 'XYZ']);
  });

  it('sends garbage instead of a reply when told, with no line end in it', async () => {
    const { sim, host } = await setUp('mt-sics');
    sim.garbage(1);
    await host.send('SI\r\n');
    const end = performance.now() + 1_000;
    while (host.received().length < 6 && performance.now() < end) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const junk = [...host.received()];
    expect(junk.length).toBeGreaterThanOrEqual(6);
    expect(junk.every((b) => b >= 0xa0)).toBe(true);
  });
});

describe('the Toledo 8213 scale simulator', () => {
  it('answers W with the weight in pounds or the status record, and Z with status', async () => {
    const { sim, ask } = await setUp('toledo-8213');
    sim.setWeight(1.25, 'lb');
    expect(await ask('W', '\r')).toBe('\x02001.25\r');
    sim.setWeight(1, 'kg');
    expect(await ask('W', '\r')).toBe('\x02002.20\r');
    sim.moving(1);
    expect(await ask('W', '\r')).toBe('\x02?a\r'); // 0x61: B5 B6 set, B0 motion
    sim.overRange();
    expect(await ask('W', '\r')).toBe('\x02?b\r'); // B1 over capacity
    sim.underZero();
    expect(await ask('W', '\r')).toBe('\x02?d\r'); // B2 under zero
    expect(await ask('Z', '\r')).toBe('\x02?p\r'); // B4 centre of zero
  });
});
