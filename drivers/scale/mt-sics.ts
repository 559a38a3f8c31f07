// Mettler Toledo MT-SICS (Standard Interface Command Set), level 0. Source: MT-SICS reference
// manual (e.g. 11780711, "Commands and Responses" and "Error messages"):
//   - every command and every response ends in CR LF;
//   - SI "send weight immediately" → `S S <value> <unit>` (stable) or `S D <value> <unit>`
//     (dynamic, in motion); `S I` not executable now (busy, taring); `S +` overload; `S -`
//     underload. The value is right-aligned in 10 characters: `S S      1.234 kg`;
//   - S "send stable weight" answers the same, but the balance itself waits (with its own
//     time limit) for stability; we poll SI instead, so the store's `stableWaitMs` decides;
//   - Z "zero" → `Z A` done, `Z I` not executable (in motion, busy), `Z +` / `Z -` upper /
//     lower limit of the zero setting range exceeded;
//   - general errors: `ES` syntax (command not known), `ET` transmission (parity, overflow),
//     `EL` logical (not executable).
import {
  normalizeWeight,
  type ScaleProtocol,
  type WeighReply,
  type ZeroReply,
} from './protocol.ts';

const CRLF = '\r\n';

/** The complete CR LF lines of a packet, or undefined if anything is left over. */
function lines(packet: Buffer): string[] | undefined {
  const text = packet.toString('latin1');
  if (!text.endsWith(CRLF)) return undefined;
  return text.slice(0, -CRLF.length).split(CRLF);
}

const generalError = (line: string) =>
  line === 'ES' || line === 'ET' || line === 'EL' ? line : undefined;

const weightLine = /^S ([SD]) +([-+]?\d+(?:\.\d+)?) ([A-Za-z]{1,4})$/;

function parseWeighLine(line: string): WeighReply | undefined {
  const error = generalError(line);
  if (error) return { kind: 'refused', code: error };
  if (line === 'S I') return { kind: 'busy' };
  if (line === 'S +') return { kind: 'over_range' };
  if (line === 'S -') return { kind: 'under_zero' };
  const m = weightLine.exec(line);
  if (!m?.[2] || !m[3]) return undefined;
  if (m[1] === 'D') return { kind: 'moving' };
  const reading = normalizeWeight(Number(m[2]), m[3]);
  return reading ? { kind: 'weight', reading } : { kind: 'unsupported_unit', unit: m[3] };
}

export function parseSicsWeigh(packet: Buffer): WeighReply {
  // A late answer glued to the current one is still well-formed; the last line is ours.
  const replies = lines(packet)?.map(parseWeighLine);
  const last = replies?.at(-1);
  if (!replies || !last || replies.includes(undefined)) return { kind: 'garbled', bytes: packet };
  return last;
}

export function parseSicsZero(packet: Buffer): ZeroReply {
  const line = lines(packet)?.at(-1);
  const error = line === undefined ? undefined : generalError(line);
  if (error) return { kind: 'refused', code: error };
  switch (line) {
    case 'Z A':
      return { kind: 'zeroed' };
    case 'Z I':
      return { kind: 'moving' };
    case 'Z +':
      return { kind: 'over_range' };
    case 'Z -':
      return { kind: 'under_zero' };
    default:
      return { kind: 'garbled', bytes: packet };
  }
}

export const mtSics: ScaleProtocol = {
  name: 'MT-SICS',
  weighRequest: Buffer.from(`SI${CRLF}`, 'latin1'),
  zeroRequest: Buffer.from(`Z${CRLF}`, 'latin1'),
  isComplete: (packet) => packet.at(-1) === 0x0a,
  parseWeigh: parseSicsWeigh,
  parseZero: parseSicsZero,
};
