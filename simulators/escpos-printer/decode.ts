// Reads back the bytes Backroom sends a receipt printer: Epson ESC/POS or Star Line Mode,
// exactly the commands drivers/receipt emits and nothing more. Text comes back as the lines
// the printer would print (styles dropped); barcodes, QR codes, drawer kicks and cuts are
// listed. Any byte it does not know throws with its offset, so a test fails loudly the day
// the driver emits something nobody decoded.
import { cp437High } from '../../drivers/receipt/cp437.ts';

export type EscPosDialect = 'epson' | 'star';

const ESC = 0x1b;
const GS = 0x1d;

export interface DrawerKick {
  /** The drawer connector pin: 2 (drawer 1) or 5 (drawer 2). */
  pin: 2 | 5;
  /** Pulse on / off times as sent: 2 ms units on Epson, 10 ms units on Star. */
  t1: number;
  t2: number;
}

export interface DecodedJob {
  /** Each line ended by LF, as printed; paper feeds (ESC d, VT) are not lines. */
  lines: string[];
  barcodes: string[];
  qr: string[];
  drawerKicks: DrawerKick[];
  cuts: number;
  /** DLE EOT n real-time status requests, by n. */
  statusRequests: number[];
}

export class EscPosDecodeError extends Error {
  readonly offset: number;
  constructor(offset: number, message: string) {
    super(`At byte ${offset}: ${message}`);
    this.name = 'EscPosDecodeError';
    this.offset = offset;
  }
}

const hex = (b: number | undefined) =>
  b === undefined ? 'end of data' : `0x${b.toString(16).padStart(2, '0')}`;

/** The character a byte prints as on code page 437, or undefined for a control byte. */
function printed(b: number): string | undefined {
  if (b >= 0x20 && b <= 0x7e) return String.fromCharCode(b);
  if (b >= 0x80) return cp437High[b - 0x80];
  return undefined;
}

export function decodeEscPos(bytes: Uint8Array, dialect: EscPosDialect = 'epson'): DecodedJob {
  const job: DecodedJob = {
    lines: [],
    barcodes: [],
    qr: [],
    drawerKicks: [],
    cuts: 0,
    statusRequests: [],
  };
  let line = '';
  let qrData: string | undefined;
  let starPulse = { t1: 20, t2: 20 };
  let i = 0;

  const fail = (at: number, message: string): never => {
    throw new EscPosDecodeError(at, message);
  };
  /** The byte at i + k, which must be there. */
  const at = (k: number): number => bytes[i + k] ?? fail(i + k, 'the command is cut short');
  const ascii = (from: number, to: number) =>
    Buffer.from(bytes.subarray(from, to)).toString('latin1');
  /** n must be one of `allowed` (the values the driver sends for this parameter). */
  const expect = (k: number, allowed: number[], what: string) => {
    const b = at(k);
    if (!allowed.includes(b)) fail(i + k, `${what} ${hex(b)} is not one the driver sends`);
    return b;
  };

  const epsonEsc = (): number => {
    const c = at(1);
    switch (c) {
      case 0x40: // ESC @ initialise
        return 2;
      case 0x61: // ESC a n alignment
        expect(2, [0, 1, 2, 0x30, 0x31, 0x32], 'alignment');
        return 3;
      case 0x45: // ESC E n bold
      case 0x21: // ESC ! n print mode
      case 0x4d: // ESC M n font
        at(2);
        return 3;
      case 0x64: // ESC d n feed n lines
        at(2);
        return 3;
      case 0x74: // ESC t n code page
        expect(2, [0], 'code page');
        return 3;
      case 0x70: {
        // ESC p m t1 t2 drawer kick
        const m = expect(2, [0, 1, 0x30, 0x31], 'drawer');
        job.drawerKicks.push({ pin: m % 0x30 === 0 ? 2 : 5, t1: at(3), t2: at(4) });
        return 5;
      }
      default:
        return fail(i, `unknown command ESC ${hex(c)}`);
    }
  };

  const epsonGs = (): number => {
    const c = at(1);
    switch (c) {
      case 0x21: // GS ! n character size
      case 0x68: // GS h n barcode height
      case 0x77: // GS w n barcode module width
      case 0x48: // GS H n barcode text position
      case 0x66: // GS f n barcode text font
        at(2);
        return 3;
      case 0x56: {
        // GS V m [n] cut
        const m = expect(2, [0, 1, 0x30, 0x31, 0x41, 0x42], 'cut');
        job.cuts++;
        return m >= 0x41 ? (at(3), 4) : 3;
      }
      case 0x6b: {
        // GS k 73 n {B data: Code 128, code set B, '{{' for a literal '{'
        expect(2, [73], 'barcode type');
        const n = at(3);
        if (at(4) !== 0x7b || at(5) !== 0x42) fail(i + 4, 'Code 128 data does not start {B');
        at(3 + n);
        job.barcodes.push(ascii(i + 6, i + 4 + n).replaceAll('{{', '{'));
        return 4 + n;
      }
      case 0x28: {
        // GS ( k pL pH cn fn ...: QR code (cn 49) functions
        if (at(2) !== 0x6b) fail(i + 2, `unknown command GS ( ${hex(at(2))}`);
        const size = at(3) + at(4) * 256;
        at(4 + size);
        if (at(5) !== 0x31) fail(i + 5, `symbol ${hex(at(5))} is not a QR code`);
        const fn = at(6);
        if (fn === 0x50)
          qrData = ascii(i + 8, i + 5 + size); // store (m = 0x30, then data)
        else if (fn === 0x51) {
          if (qrData === undefined) fail(i, 'QR print with no QR data stored');
          job.qr.push(qrData ?? '');
        } else if (![0x41, 0x43, 0x45].includes(fn)) fail(i + 6, `unknown QR function ${hex(fn)}`);
        return 5 + size;
      }
      default:
        return fail(i, `unknown command GS ${hex(c)}`);
    }
  };

  const starEsc = (): number => {
    const c = at(1);
    switch (c) {
      case 0x40: // ESC @ initialise
        return 2;
      case 0x45: // ESC E bold on
      case 0x46: // ESC F bold off
        return 2;
      case 0x69: // ESC i n1 n2 character size
        at(3);
        return 4;
      case 0x64: // ESC d n cut (0/2 full, 1/3 partial)
        expect(2, [0, 1, 2, 3, 0x30, 0x31, 0x32, 0x33], 'cut');
        job.cuts++;
        return 3;
      case 0x07: // ESC BEL n1 n2 drawer 1 pulse, fired by BEL
        starPulse = { t1: at(2), t2: at(3) };
        return 4;
      case 0x62: {
        // ESC b n1 n2 n3 n4 data RS: barcode, n1 = '6' Code 128
        expect(2, [6, 0x36], 'barcode type');
        at(5);
        const end = bytes.indexOf(0x1e, i + 6);
        if (end < 0) fail(i, 'barcode data without its RS');
        job.barcodes.push(ascii(i + 6, end));
        return end + 1 - i;
      }
      case 0x1d:
        return starEscGs();
      default:
        return fail(i, `unknown command ESC ${hex(c)}`);
    }
  };

  const starEscGs = (): number => {
    const c = at(2);
    if (c === 0x61) {
      // ESC GS a n alignment
      expect(3, [0, 1, 2, 0x30, 0x31, 0x32], 'alignment');
      return 4;
    }
    if (c === 0x74) {
      // ESC GS t n code page: 1 = 437
      expect(3, [1], 'code page');
      return 4;
    }
    if (c !== 0x79) return fail(i, `unknown command ESC GS ${hex(c)}`);
    const fn = at(3);
    if (fn === 0x53) {
      // ESC GS y S 0|1|2 n: QR model, error correction, cell size
      expect(4, [0x30, 0x31, 0x32], 'QR setting');
      at(5);
      return 6;
    }
    if (fn === 0x44) {
      // ESC GS y D 1 m nL nH data: QR data
      expect(4, [0x31], 'QR data mode');
      const n = at(6) + at(7) * 256;
      if (n > 0) at(7 + n);
      qrData = ascii(i + 8, i + 8 + n);
      return 8 + n;
    }
    if (fn === 0x50) {
      // ESC GS y P print the QR code
      if (qrData === undefined) fail(i, 'QR print with no QR data stored');
      job.qr.push(qrData ?? '');
      return 4;
    }
    return fail(i + 3, `unknown QR command ${hex(fn)}`);
  };

  while (i < bytes.length) {
    const b = at(0);
    const char = printed(b);
    if (char !== undefined) {
      line += char;
      i++;
    } else if (b === 0x0a) {
      job.lines.push(line);
      line = '';
      i++;
    } else if (b === 0x10) {
      // DLE EOT n real-time status request
      if (at(1) !== 0x04) fail(i, `unknown command DLE ${hex(at(1))}`);
      job.statusRequests.push(expect(2, [1, 2, 3, 4], 'status request'));
      i += 3;
    } else if (b === ESC) {
      i += dialect === 'star' ? starEsc() : epsonEsc();
    } else if (b === GS && dialect === 'epson') {
      i += epsonGs();
    } else if (b === 0x0b && dialect === 'star') {
      i++; // VT: feed
    } else if (b === 0x07 && dialect === 'star') {
      job.drawerKicks.push({ pin: 2, ...starPulse });
      i++;
    } else if (b === 0x1a && dialect === 'star') {
      job.drawerKicks.push({ pin: 5, t1: 20, t2: 20 }); // SUB: drawer 2, fixed 200 ms
      i++;
    } else {
      fail(i, `unknown byte ${hex(b)}`);
    }
  }
  // Text never ended by LF stays in the printer's buffer; show it rather than lose it.
  if (line !== '') job.lines.push(line);
  return job;
}

/** Whether a connection sent nothing but status requests (a probe, not a print job). */
export function isStatusOnly(bytes: Uint8Array): boolean {
  if (bytes.length === 0 || bytes.length % 3 !== 0) return false;
  for (let i = 0; i < bytes.length; i += 3) {
    if (bytes[i] !== 0x10 || bytes[i + 1] !== 0x04) return false;
  }
  return true;
}
