// The store's scale over RS-232: MT-SICS or Toledo 8213. A read polls until the weight
// settles (or the configured wait runs out); every failure is a DeviceError saying what to
// do, and after a broken or missing reply the driver resyncs so the next read works.
import type { ScaleConfig, ScaleReading } from '../../core/devices/model.ts';
import { DeviceError, type Probe, type Scale } from '../../core/devices/ports.ts';
import { deviceLabel, LazySerialPort, type SerialPortOptions } from '../serial/port.ts';
import { ReplyChannel, type ReplyTiming } from '../serial/replies.ts';
import { mtSics } from './mt-sics.ts';
import { excerpt, type ScaleProtocol, type WeighReply, type ZeroReply } from './protocol.ts';
import { toledo8213 } from './toledo-8213.ts';

export interface ScaleDriverOptions extends SerialPortOptions, ReplyTiming {
  /** The pause between two weight requests while the weight is moving. */
  pollMs?: number;
}

export const scaleProtocols: Record<ScaleConfig['model'], ScaleProtocol> = {
  'mt-sics': mtSics,
  'toledo-8213': toledo8213,
};

/** 3000 → "3 seconds", 1000 → "1 second", 1500 → "1.5 seconds". */
export function inSeconds(ms: number): string {
  const s = Math.round(ms / 100) / 10;
  return `${s} second${s === 1 ? '' : 's'}`;
}

export function createScale(config: ScaleConfig, o: ScaleDriverOptions = {}): Scale {
  const protocol = scaleProtocols[config.model];
  const { path, baudRate } = config.connection;
  const label = deviceLabel('scale', config.name, path);
  const settings = `${protocol.name} at ${baudRate} baud`;
  const pollMs = o.pollMs ?? 100;
  const port = new LazySerialPort({ path, baudRate }, label, o);
  const channel = new ReplyChannel(port, {
    ...o,
    isComplete: protocol.isComplete,
    noAnswer: (ms) =>
      `${label} did not answer within ${inSeconds(ms)}: check that it is on, that its cable is plugged in, and that it is set to ${settings}.`,
    unfinished: (bytes) =>
      `${label} sent “${excerpt(bytes)}” and never finished the reply: check that the scale is set to ${settings}.`,
    keepsTalking: () =>
      `${label} keeps sending without being asked: set it to answer on request (not continuous output), ${settings}.`,
  });

  /** The DeviceError for a reply that is not a usable answer. */
  function failure(reply: Exclude<WeighReply | ZeroReply, { kind: 'weight' | 'zeroed' }>) {
    switch (reply.kind) {
      case 'garbled':
        // Whatever else is on its way is junk too: wait for silence before the next request.
        channel.resync();
        return new DeviceError(
          'garbled',
          `${label} sent “${excerpt(reply.bytes)}”, which is not ${protocol.name}: check that the scale is set to ${settings}.`,
        );
      case 'refused':
        if (reply.code === 'ET') {
          channel.resync();
          return new DeviceError(
            'garbled',
            `${label} reports a transmission error (ET): check the cable and that the scale is set to ${baudRate} baud.`,
          );
        }
        return new DeviceError(
          'unsupported',
          reply.code === 'ES'
            ? `${label} did not understand the request (ES): check that it is set to ${protocol.name}.`
            : `${label} refused the request (EL): finish or cancel what is open on the scale’s own keypad, then try again.`,
        );
      case 'unsupported_unit':
        return new DeviceError(
          'unsupported',
          `${label} weighs in “${reply.unit}”: set it to kg, g, lb or oz.`,
        );
      case 'over_range':
        return new DeviceError(
          'over_range',
          'The load is over the scale’s capacity: take it off and weigh it in smaller parts.',
        );
      case 'under_zero':
        return new DeviceError(
          'under_zero',
          'The scale reads below zero: empty the platter, zero the scale and weigh again.',
        );
      case 'moving':
      case 'busy':
        return new DeviceError(
          'unstable',
          `The weight did not settle within ${inSeconds(config.stableWaitMs)}: keep the item still and try again.`,
        );
    }
  }

  const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

  return {
    readStable: () =>
      channel.session(async (ask): Promise<ScaleReading> => {
        const deadline = performance.now() + config.stableWaitMs;
        for (;;) {
          const reply = protocol.parseWeigh(await ask(protocol.weighRequest));
          if (reply.kind === 'weight') {
            // A settled weight below zero (a tare left on) is no weight to sell by.
            if (reply.reading.weight < 0) throw failure({ kind: 'under_zero' });
            return reply.reading;
          }
          if (reply.kind !== 'moving' && reply.kind !== 'busy') throw failure(reply);
          if (performance.now() + pollMs >= deadline) throw failure(reply);
          await sleep(pollMs);
        }
      }),

    zero: () =>
      channel.session(async (ask) => {
        // A balance may take a moment to zero: allow it the settle time, not just a reply's.
        const timeoutMs = Math.max(o.replyTimeoutMs ?? 1_000, config.stableWaitMs);
        const reply = protocol.parseZero(await ask(protocol.zeroRequest, { timeoutMs }));
        if (reply.kind === 'zeroed') return;
        if (reply.kind === 'moving') {
          throw new DeviceError(
            'unstable',
            'The scale could not zero while the platter was moving: keep it still and try again.',
          );
        }
        if (reply.kind === 'over_range') {
          throw new DeviceError(
            'over_range',
            'The scale cannot zero with that much on the platter: clear it and try again.',
          );
        }
        throw failure(reply);
      }),

    probe: async (): Promise<Probe> => {
      try {
        const reply = await channel.session(async (ask) =>
          protocol.parseWeigh(await ask(protocol.weighRequest)),
        );
        if (reply.kind === 'weight' || reply.kind === 'moving' || reply.kind === 'busy') {
          return { connected: true };
        }
        const { code, message } = failure(reply);
        return { connected: true, problem: { code, message } };
      } catch (error) {
        if (!(error instanceof DeviceError)) throw error;
        return { connected: false, problem: { code: error.code, message: error.message } };
      }
    },

    close: () => port.close(),
  };
}
