// Zebra host status (~HS). ZPL II Programming Guide, "~HS Host Status Return"
// (https://docs.zebra.com/us/en/printers/software/zpl-pg/zpl-commands/~hs4.html): three
// strings, each <STX>…<ETX><CR><LF>, of comma-separated fields —
//   1: aaa,b,c,dddd,eee,f,g,h,iii,j,k,l       b = paper out, c = pause (1 = yes)
//   2: mmm,n,o,p,q,r,s,t,uuuuuuuu,v,www       o = head up (open), p = ribbon out
//   3: xxxx,y                                 password, static RAM
// The same page says newer firmware sends nothing while MEDIA OUT, RIBBON OUT or HEAD OPEN:
// such a printer looks ready to a probe and keeps the job until the fault is cleared.
import type { DeviceErrorCode } from '../../core/devices/ports.ts';

export const HOST_STATUS_REQUEST = Buffer.from('~HS', 'ascii');

const STX = 0x02;
const ETX = 0x03;

/** The strings of a reply so far (complete ones only), split into fields. */
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

export interface HostStatus {
  paperOut: boolean;
  paused: boolean;
  headOpen: boolean;
  ribbonOut: boolean;
}

/** The flags of a ~HS reply; undefined when it is not one. */
export function parseHostStatus(reply: Buffer): HostStatus | undefined {
  const [first, second] = statusStrings(reply);
  if (!first || !second || first.length < 12 || second.length < 11) return undefined;
  return {
    paperOut: first[1] === '1',
    paused: first[2] === '1',
    headOpen: second[2] === '1',
    ribbonOut: second[3] === '1',
  };
}

/**
 * What stops printing, if anything (null: ready); undefined when the reply is not a host
 * status. An open head comes first: closing it is the first step of reloading labels.
 */
export function statusProblem(
  reply: Buffer,
): { code: DeviceErrorCode; message: string } | null | undefined {
  const s = parseHostStatus(reply);
  if (!s) return undefined;
  if (s.headOpen)
    return {
      code: 'cover_open',
      message: 'The label printer’s head is open: close it until it clicks.',
    };
  if (s.paperOut)
    return { code: 'paper_out', message: 'The label printer is out of labels: load a roll.' };
  if (s.ribbonOut)
    return { code: 'paper_out', message: 'The label printer is out of ribbon: load a new one.' };
  if (s.paused)
    return {
      code: 'offline',
      message: 'The label printer is paused: press its pause button to resume.',
    };
  return null;
}
