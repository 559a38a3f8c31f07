// The scale driver against the scale simulator over a real pseudo-terminal pair (socat), for
// both protocols: what a clerk sees when the scale settles, moves, overloads, or misbehaves.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scaleSchema } from '../../core/devices/model.ts';
import { DeviceError, type Scale } from '../../core/devices/ports.ts';
import {
  startScaleSimulator,
  type RunningScaleSimulator,
  type ScaleSimulator,
} from '../../simulators/serial-scale/simulator.ts';
import { createScale } from './scale.ts';

const REPLY_TIMEOUT_MS = 250;

/** The DeviceError a promise rejects with. */
async function deviceError(p: Promise<unknown>): Promise<DeviceError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DeviceError);
  return error as DeviceError;
}

describe.each([
  { model: 'mt-sics', settled: { weight: 1.234, unit: 'kg' } },
  { model: 'toledo-8213', settled: { weight: 2.5, unit: 'lb' } },
] as const)('a $model scale over a pty', ({ model, settled }) => {
  let running: RunningScaleSimulator;
  let sim: ScaleSimulator;
  let scale: Scale;

  beforeEach(async () => {
    running = await startScaleSimulator({ protocol: model });
    sim = running.simulator;
    sim.setWeight(settled.weight, settled.unit);
    const config = scaleSchema.parse({
      kind: 'scale',
      name: 'Deli',
      model,
      connection: { type: 'serial', path: running.hostPath, baudRate: 9600 },
      stableWaitMs: 600,
    });
    scale = createScale(config, { replyTimeoutMs: REPLY_TIMEOUT_MS, pollMs: 20, quietMs: 60 });
  });

  afterEach(async () => {
    await scale.close();
    await running.close();
  });

  it('reads a settled weight', async () => {
    expect(await scale.readStable()).toEqual(settled);
    expect(sim.received()).toEqual([model === 'mt-sics' ? 'SI' : 'W']);
  });

  it('waits while the weight moves, then reads it once it settles', async () => {
    sim.moving(3);
    expect(await scale.readStable()).toEqual(settled);
    expect(sim.received()).toHaveLength(4);
  });

  it('gives up with a clear message when the weight never settles', async () => {
    sim.unstable();
    const error = await deviceError(scale.readStable());
    expect(error.code).toBe('unstable');
    expect(error.message).toBe(
      'The weight did not settle within 0.6 seconds: keep the item still and try again.',
    );
  });

  it('refuses a load over the capacity, and a reading under zero', async () => {
    sim.overRange();
    expect((await deviceError(scale.readStable())).code).toBe('over_range');
    sim.underZero();
    expect((await deviceError(scale.readStable())).code).toBe('under_zero');
    sim.setWeight(settled.weight, settled.unit);
    expect(await scale.readStable()).toEqual(settled);
  });

  it('reports garbage as garbled, then reads normally', async () => {
    sim.garbage(1);
    const error = await deviceError(scale.readStable());
    expect(error.code).toBe('garbled');
    expect(error.message).toMatch(
      /^The scale “Deli” on .+ sent “.+”, which is not (MT-SICS|Toledo 8213): check that the scale is set to .+ at 9600 baud\.$/,
    );
    expect(await scale.readStable()).toEqual(settled);
  });

  it('times out when the scale does not answer, then reads normally', async () => {
    sim.dropReplies(1);
    const error = await deviceError(scale.readStable());
    expect(error.code).toBe('timeout');
    expect(error.message).toMatch(/did not answer within 0\.3 seconds: check that it is on/);
    expect(await scale.readStable()).toEqual(settled);
  });

  it('never takes a late reply for the answer to the next request', async () => {
    // The first reply comes 40 ms after the driver gave up; had the driver asked again at
    // once, that late reply (the old weight) would arrive before the slow answer to the new
    // request (the new weight).
    sim.delayNextReply(REPLY_TIMEOUT_MS + 40).delayNextReply(80);
    expect((await deviceError(scale.readStable())).code).toBe('timeout');
    sim.setWeight(settled.weight * 2, settled.unit);
    expect(await scale.readStable()).toEqual({ ...settled, weight: settled.weight * 2 });
  });

  it('zeroes the scale, and refuses while the platter moves', async () => {
    await scale.zero();
    expect(await scale.readStable()).toEqual({ ...settled, weight: 0 });
    sim.setWeight(settled.weight, settled.unit).moving(5);
    expect((await deviceError(scale.zero())).code).toBe('unstable');
  });

  it('reopens the port after it was closed', async () => {
    expect(await scale.readStable()).toEqual(settled);
    await scale.close();
    expect(await scale.readStable()).toEqual(settled);
  });

  it('probes: connected when it answers, with the problem when it does not', async () => {
    expect(await scale.probe()).toEqual({ connected: true });
    sim.dropReplies(1);
    expect(await scale.probe()).toMatchObject({
      connected: false,
      problem: { code: 'timeout' },
    });
  });
});

describe('a scale unplugged and plugged back', () => {
  it('is offline while it is away, and reads again once it is back', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backroom-scale-'));
    const links = { device: path.join(dir, 'device'), host: path.join(dir, 'scale') };
    let running = await startScaleSimulator({ protocol: 'mt-sics', links });
    const scale = createScale(
      scaleSchema.parse({
        kind: 'scale',
        name: 'Deli',
        model: 'mt-sics',
        connection: { type: 'serial', path: links.host, baudRate: 9600 },
      }),
      { replyTimeoutMs: REPLY_TIMEOUT_MS, quietMs: 60 },
    );
    try {
      running.simulator.setWeight(0.5, 'kg');
      expect(await scale.readStable()).toEqual({ weight: 0.5, unit: 'kg' });
      await running.close();
      // The first read finds the line dead (a failed write or a hang-up), the next finds no port.
      expect((await deviceError(scale.readStable())).code).toBe('offline');
      expect((await deviceError(scale.readStable())).message).toContain(
        'cannot be opened: there is no such port',
      );
      running = await startScaleSimulator({ protocol: 'mt-sics', links });
      running.simulator.setWeight(0.75, 'kg');
      expect(await scale.readStable()).toEqual({ weight: 0.75, unit: 'kg' });
    } finally {
      await scale.close();
      await running.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a scale that is not plugged in', () => {
  it('is offline, naming the port', async () => {
    const scale = createScale(
      scaleSchema.parse({
        kind: 'scale',
        name: 'Deli',
        model: 'mt-sics',
        connection: { type: 'serial', path: '/dev/backroom-no-such-port', baudRate: 9600 },
      }),
    );
    const error = await deviceError(scale.readStable());
    expect(error.code).toBe('offline');
    expect(error.message).toBe(
      'The scale “Deli” on /dev/backroom-no-such-port cannot be opened: there is no such port. Check the cable and the port in the device settings.',
    );
    expect(await scale.probe()).toMatchObject({ connected: false, problem: { code: 'offline' } });
    await scale.close();
  });
});
