// Zebra host status (~HS): three STX…ETX strings of comma-separated flags. From the ZPL II
// programming guide, "~HS Host Status Return": string 1 field 2 is "paper out", field 3
// "pause"; string 2 field 3 is "head up" (open).
import type { DeviceErrorCode } from '../../core/devices/ports.ts';

export const HOST_STATUS_REQUEST = Buffer.from('~HS', 'ascii');

const STX = 0x02;
const ETX = 0x03;

/** The strings of a reply so far (complete ones only). */
export function statusStrings(reply: Buffer): string[][] {
  const out: string[][] = [];
  let start = -1;
  for (let i = 0; i < reply.length; i++) {
    if (reply[i] === STX) start = i + 1;
    else if (reply[i] === ETX && start >= 0) {
      out.push(reply.subarray(start, i).toString('ascii').split(','));
      start = -1;
    }
  }
  return out;
}

export const statusComplete = (reply: Buffer) => statusStrings(reply).length >= 3;

/** What stops printing, if anything; undefined when the reply is not a host status. */
export function statusProblem(
  reply: Buffer,
): { code: DeviceErrorCode; message: string } | null | undefined {
  const [first, second] = statusStrings(reply);
  if (!first || !second || first.length < 3 || second.length < 3) return undefined;
  if (first[1] === '1')
    return { code: 'paper_out', message: 'The label printer is out of labels: load a roll.' };
  if (second[2] === '1')
    return {
      code: 'cover_open',
      message: 'The label printer’s head is open: close it until it clicks.',
    };
  if (first[2] === '1')
    return {
      code: 'offline',
      message: 'The label printer is paused: press its pause button to resume.',
    };
  return null;
}
