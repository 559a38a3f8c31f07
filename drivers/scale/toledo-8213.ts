// Toledo 8213 "demand" protocol (also spoken by the PS60 and most US checkout scales).
// Source: Transcell PC-150 manual, appendix B.1.4 "Toledo 8213 demand format":
//   - the host sends `W`; the scale answers `<STX>XXX.XX<CR>` (pounds, no unit on the wire),
//     or, when the weight is not valid (in motion, under zero, over capacity), the status
//     record `<STX>?<status byte><CR>`;
//   - the host sends `Z` to zero; whether it worked or not, the scale answers with the status
//     record (it ignores the command in motion or out of range);
//   - status byte bits (1 = true): B0 in motion, B1 out of range (over capacity), B2 under
//     zero, B3 outside the zero capture range, B4 centre of zero, B5 and B6 always 1,
//     B7 parity.
// These scales usually run 7 data bits with even parity; read as 8N1 the parity lands in
// bit 7 of every byte, so we drop that bit before decoding.
import {
  normalizeWeight,
  type ScaleProtocol,
  type WeighReply,
  type ZeroReply,
} from './protocol.ts';

const STX = 0x02;
const CR = 0x0d;

export const status8213 = {
  motion: 0x01,
  overCapacity: 0x02,
  underZero: 0x04,
  outsideZeroCapture: 0x08,
  centreOfZero: 0x10,
  /** B5 and B6, always set: a byte without them is not a status byte. */
  alwaysSet: 0x60,
} as const;

type Frame = { kind: 'weight'; pounds: number } | { kind: 'status'; bits: number };

const strip7 = (packet: Buffer) => Buffer.from(packet.map((b) => b & 0x7f));

/** The bodies of the `<STX>…<CR>` frames that make up `text`, or undefined if it has more. */
function frameBodies(text: string): string[] | undefined {
  const bodies: string[] = [];
  let at = 0;
  while (at < text.length) {
    const end = text.indexOf('\r', at);
    if (text.charCodeAt(at) !== STX || end === -1) return undefined;
    const body = text.slice(at + 1, end);
    if (body.includes(String.fromCharCode(STX))) return undefined;
    bodies.push(body);
    at = end + 1;
  }
  return bodies.length > 0 ? bodies : undefined;
}

/** The last frame, provided the packet is nothing but well-formed frames. */
function lastFrame(packet: Buffer): Frame | undefined {
  const body = frameBodies(strip7(packet).toString('latin1'))?.at(-1);
  if (body === undefined) return undefined;
  if (body.length === 2 && body[0] === '?') {
    const bits = body.charCodeAt(1);
    const { alwaysSet } = status8213;
    return (bits & alwaysSet) === alwaysSet ? { kind: 'status', bits } : undefined;
  }
  return /^ *\d{1,4}(\.\d{1,3})?$/.test(body)
    ? { kind: 'weight', pounds: Number(body) }
    : undefined;
}

export function parse8213Weigh(packet: Buffer): WeighReply {
  const frame = lastFrame(packet);
  if (!frame) return { kind: 'garbled', bytes: packet };
  if (frame.kind === 'weight') {
    const reading = normalizeWeight(frame.pounds, 'lb');
    return reading ? { kind: 'weight', reading } : { kind: 'garbled', bytes: packet };
  }
  const { bits } = frame;
  if (bits & status8213.overCapacity) return { kind: 'over_range' };
  if (bits & status8213.underZero) return { kind: 'under_zero' };
  if (bits & status8213.motion) return { kind: 'moving' };
  // A status record with no reason given: the scale has no valid weight yet.
  return { kind: 'busy' };
}

export function parse8213Zero(packet: Buffer): ZeroReply {
  const frame = lastFrame(packet);
  if (frame?.kind !== 'status') return { kind: 'garbled', bytes: packet };
  const { bits } = frame;
  if (bits & status8213.motion) return { kind: 'moving' };
  if (bits & status8213.overCapacity) return { kind: 'over_range' };
  if (bits & status8213.underZero) return { kind: 'under_zero' };
  if (bits & status8213.outsideZeroCapture) return { kind: 'over_range' };
  return { kind: 'zeroed' };
}

export const toledo8213: ScaleProtocol = {
  name: 'Toledo 8213',
  weighRequest: Buffer.from('W', 'latin1'),
  zeroRequest: Buffer.from('Z', 'latin1'),
  isComplete: (packet) =>
    ((packet.at(-1) ?? 0) & 0x7f) === CR && packet.some((b) => (b & 0x7f) === STX),
  parseWeigh: parse8213Weigh,
  parseZero: parse8213Zero,
};
