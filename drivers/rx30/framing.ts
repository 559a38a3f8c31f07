// How Rx30 messages are cut out of a TCP byte stream, separate from what the bytes mean
// (codec.ts), so either can be swapped when Rx30's real interface is known. A decoder is
// fed chunks as the socket delivers them and returns the whole frames found so far; what
// is wrong with the stream (garbage between frames, a bad checksum, a frame that never
// ends) comes back as data, never as a thrown error, so the relay can NAK and go on.
// The byte layouts are documented in PROTOCOL.md.
import type { Rx30Framing } from '../../core/pharmacy/control.ts';

/** No frame may hold more payload than this, so a peer that never ends one cannot grow memory. */
export const MAX_FRAME_BYTES = 64 * 1024;

export const STX = 0x02;
export const ETX = 0x03;
/** MLLP (HL7's Minimal Lower Layer Protocol): VT starts a block, FS CR ends it. */
export const VT = 0x0b;
export const FS = 0x1c;
export const CR = 0x0d;
export const LF = 0x0a;

export type FrameErrorKind =
  /** Bytes outside any frame: skipped. */
  | 'garbage'
  /** A complete STX…ETX frame whose checksum does not match its payload: dropped. */
  | 'bad_checksum'
  /** A complete MLLP block whose end is not FS CR: dropped. */
  | 'bad_trailer'
  /** A frame cut short: a new frame started inside it, or the connection ended. */
  | 'incomplete'
  /** A frame longer than the maximum (or, length-prefixed, declaring so): skipped up to its end. */
  | 'oversize';

export interface FrameError {
  kind: FrameErrorKind;
  /** What happened, for the log, e.g. "Dropped a frame whose checksum is 3F, expected 41.". */
  message: string;
  /**
   * The payload of a complete frame that failed its check, so the codec can try to read its
   * message id and the relay can NAK it. Absent when the frame never completed.
   */
  payload?: Buffer;
}

/** What one `push` found: the payloads of whole frames, in order, and what was wrong. */
export interface FrameBatch {
  frames: Buffer[];
  errors: FrameError[];
}

export interface FrameDecoder {
  /** Feed the next bytes from the stream; keeps a partial frame for the next chunk. */
  push(chunk: Buffer): FrameBatch;
  /** The stream ended (connection closed): reports a partial frame and starts afresh. */
  end(): FrameBatch;
  /** Bytes held for a frame not yet complete (never more than the maximum frame size). */
  buffered(): number;
}

export interface Framer {
  name: FramerName;
  maxFrameBytes: number;
  /**
   * One payload as a frame. Throws if the payload holds a byte the framing reserves or is
   * over the maximum: that is a bug in the codec, not something a peer sent.
   */
  encode(payload: Buffer): Buffer;
  /** A decoder for one connection (it keeps that connection's partial frame). */
  createDecoder(): FrameDecoder;
}

/** The names a connection's settings use (core defines them; core never imports drivers). */
export type FramerName = Rx30Framing;

export interface FramerOptions {
  /** Largest payload accepted, in bytes; defaults to MAX_FRAME_BYTES. */
  maxFrameBytes?: number;
}

/**
 * The STX…ETX checksum: the sum of the payload bytes modulo 256, as two uppercase hex digits.
 * A sum rather than an XOR because an XOR misses any pair of equal bytes inserted or
 * duplicated ("AA" XORs to zero); both catch every single-bit error.
 */
export function checksum(payload: Buffer): string {
  let sum = 0;
  for (const byte of payload) sum = (sum + byte) & 0xff;
  return sum.toString(16).toUpperCase().padStart(2, '0');
}

/** `STX payload ETX checksum`: the default framing. */
export function stxEtx(options: FramerOptions = {}): Framer {
  const maxFrameBytes = options.maxFrameBytes ?? MAX_FRAME_BYTES;
  return {
    name: 'stx-etx',
    maxFrameBytes,
    encode(payload) {
      refuseReserved(payload, [STX, ETX], 'STX…ETX', maxFrameBytes);
      return Buffer.concat([
        Buffer.of(STX),
        payload,
        Buffer.of(ETX),
        Buffer.from(checksum(payload), 'latin1'),
      ]);
    },
    createDecoder: () =>
      delimitedDecoder({
        start: STX,
        end: ETX,
        trailerLength: 2,
        maxFrameBytes,
        checkTrailer(payload, trailer) {
          const expected = checksum(payload);
          const found = trailer.toString('latin1');
          if (found === expected) return undefined;
          return {
            kind: 'bad_checksum',
            message: `Dropped a frame whose checksum is "${excerpt(trailer)}", expected ${expected} (${payload.length} bytes: ${excerpt(payload)}).`,
            payload,
          };
        },
      }),
  };
}

/** `VT payload FS CR`: MLLP, as HL7 interfaces frame their messages. No checksum. */
export function mllp(options: FramerOptions = {}): Framer {
  const maxFrameBytes = options.maxFrameBytes ?? MAX_FRAME_BYTES;
  return {
    name: 'mllp',
    maxFrameBytes,
    encode(payload) {
      refuseReserved(payload, [VT, FS], 'MLLP', maxFrameBytes);
      return Buffer.concat([Buffer.of(VT), payload, Buffer.of(FS, CR)]);
    },
    createDecoder: () =>
      delimitedDecoder({
        start: VT,
        end: FS,
        trailerLength: 1,
        maxFrameBytes,
        checkTrailer(payload, trailer) {
          if (trailer[0] === CR) return undefined;
          return {
            kind: 'bad_trailer',
            message: `Dropped an MLLP block ending FS "${excerpt(trailer)}" instead of FS CR (${payload.length} bytes: ${excerpt(payload)}).`,
            payload,
          };
        },
      }),
  };
}

/** One payload per line: LF ends it, a CR before the LF is dropped, blank lines are ignored. */
export function newline(options: FramerOptions = {}): Framer {
  const maxFrameBytes = options.maxFrameBytes ?? MAX_FRAME_BYTES;
  return {
    name: 'newline',
    maxFrameBytes,
    encode(payload) {
      refuseReserved(payload, [CR, LF], 'newline', maxFrameBytes);
      return Buffer.concat([payload, Buffer.of(LF)]);
    },
    createDecoder: () => lineDecoder(maxFrameBytes),
  };
}

/** The bytes of the length in front of a length-prefixed payload. */
export const LENGTH_PREFIX_BYTES = 4;

/**
 * `length payload`: the payload's length as a 4-byte big-endian unsigned integer, then the
 * payload. Any byte may occur in a payload; no checksum. With no marker to find a frame by,
 * a wrong length puts the receiver out of step until the connection closes (PROTOCOL.md).
 */
export function lengthPrefix(options: FramerOptions = {}): Framer {
  const maxFrameBytes = options.maxFrameBytes ?? MAX_FRAME_BYTES;
  return {
    name: 'length-prefix',
    maxFrameBytes,
    encode(payload) {
      refuseReserved(payload, [], 'length-prefix', maxFrameBytes);
      const prefix = Buffer.alloc(LENGTH_PREFIX_BYTES);
      prefix.writeUInt32BE(payload.length);
      return Buffer.concat([prefix, payload]);
    },
    createDecoder: () => lengthPrefixDecoder(maxFrameBytes),
  };
}

/** The framings by the name a connection's settings use. */
export const framers = {
  'stx-etx': stxEtx(),
  mllp: mllp(),
  newline: newline(),
  'length-prefix': lengthPrefix(),
} as const satisfies Record<FramerName, Framer>;

function refuseReserved(
  payload: Buffer,
  reserved: number[],
  framing: string,
  maxFrameBytes: number,
): void {
  if (payload.length > maxFrameBytes) {
    throw new RangeError(
      `A ${payload.length}-byte payload is over the ${maxFrameBytes}-byte frame limit.`,
    );
  }
  for (const byte of reserved) {
    const at = payload.indexOf(byte);
    if (at >= 0) {
      throw new RangeError(
        `The payload holds byte 0x${hex(byte)} at ${at}, which ${framing} framing reserves.`,
      );
    }
  }
}

interface DelimitedSpec {
  start: number;
  end: number;
  /** Bytes after the end byte that belong to the frame (checksum digits, MLLP's CR). */
  trailerLength: number;
  maxFrameBytes: number;
  checkTrailer(payload: Buffer, trailer: Buffer): FrameError | undefined;
}

/**
 * STX…ETX and MLLP share one shape: a start byte, the payload, an end byte and a fixed-length
 * trailer. A start byte anywhere (even inside a frame or its trailer) begins a new frame, so
 * the decoder always resynchronizes on the next good frame.
 */
function delimitedDecoder(spec: DelimitedSpec): FrameDecoder {
  type Mode = 'outside' | 'inside' | 'trailer';
  let mode: Mode = 'outside';
  /** True while skipping the rest of an oversize frame: its bytes are not kept. */
  let dropping = false;
  let parts: Buffer[] = [];
  let length = 0;
  let trailer: number[] = [];
  let batch: FrameBatch = { frames: [], errors: [] };
  let garbage: { count: number; head: Buffer[]; headLength: number } | undefined;

  const addGarbage = (bytes: Buffer) => {
    if (bytes.length === 0) return;
    garbage ??= { count: 0, head: [], headLength: 0 };
    garbage.count += bytes.length;
    if (garbage.headLength < EXCERPT_BYTES) {
      const piece = bytes.subarray(0, EXCERPT_BYTES - garbage.headLength);
      garbage.head.push(piece);
      garbage.headLength += piece.length;
    }
  };
  const flushGarbage = () => {
    if (!garbage) return;
    const head = Buffer.concat(garbage.head);
    batch.errors.push({
      kind: 'garbage',
      message: `Skipped ${garbage.count} byte${garbage.count === 1 ? '' : 's'} outside a frame: ${excerpt(head)}${garbage.count > head.length ? '…' : ''}`,
    });
    garbage = undefined;
  };
  const startFrame = () => {
    mode = 'inside';
    dropping = false;
    parts = [];
    length = 0;
    trailer = [];
  };
  /** A start byte arrived before the current frame was complete. */
  const restart = () => {
    if (!dropping) {
      batch.errors.push({
        kind: 'incomplete',
        message:
          mode === 'trailer'
            ? `Dropped a frame whose end was cut short by the start of another (${length} bytes: ${excerpt(headOf(parts))}).`
            : `Dropped a partial frame of ${length} bytes when another frame started: ${excerpt(headOf(parts))}`,
      });
    }
    startFrame();
  };
  /** Keeps payload bytes, or switches to dropping once the frame is over the limit. */
  const keep = (bytes: Buffer) => {
    if (dropping || bytes.length === 0) return;
    if (length + bytes.length > spec.maxFrameBytes) {
      batch.errors.push({
        kind: 'oversize',
        message: `Skipped a frame longer than ${spec.maxFrameBytes} bytes: ${excerpt(headOf([...parts, bytes]))}…`,
      });
      dropping = true;
      parts = [];
      length = 0;
      return;
    }
    parts.push(bytes);
    length += bytes.length;
  };
  const take = (): FrameBatch => {
    const taken = batch;
    batch = { frames: [], errors: [] };
    return taken;
  };

  return {
    push(chunk) {
      let i = 0;
      while (i < chunk.length) {
        if (mode === 'outside') {
          const at = chunk.indexOf(spec.start, i);
          addGarbage(chunk.subarray(i, at < 0 ? chunk.length : at));
          if (at < 0) break;
          flushGarbage();
          startFrame();
          i = at + 1;
        } else if (mode === 'inside') {
          const end = chunk.indexOf(spec.end, i);
          const start = chunk.indexOf(spec.start, i);
          const next = end < 0 ? start : start < 0 ? end : Math.min(start, end);
          keep(chunk.subarray(i, next < 0 ? chunk.length : next));
          if (next < 0) break;
          if (next === start) restart();
          else mode = 'trailer';
          i = next + 1;
        } else {
          const byte = chunk[i] ?? 0;
          i += 1;
          if (byte === spec.start) {
            restart();
            continue;
          }
          trailer.push(byte);
          if (trailer.length < spec.trailerLength) continue;
          if (!dropping) {
            const payload = Buffer.concat(parts, length);
            const error = spec.checkTrailer(payload, Buffer.from(trailer));
            if (error) batch.errors.push(error);
            else batch.frames.push(payload);
          }
          mode = 'outside';
          dropping = false;
          parts = [];
          length = 0;
          trailer = [];
        }
      }
      flushGarbage();
      return take();
    },
    end() {
      if (mode !== 'outside' && !dropping) {
        batch.errors.push({
          kind: 'incomplete',
          message: `The connection ended in the middle of a frame (${length} bytes: ${excerpt(headOf(parts))}).`,
        });
      }
      flushGarbage();
      mode = 'outside';
      dropping = false;
      parts = [];
      length = 0;
      trailer = [];
      return take();
    },
    buffered: () => length + trailer.length,
  };
}

function lineDecoder(maxFrameBytes: number): FrameDecoder {
  let parts: Buffer[] = [];
  let length = 0;
  let dropping = false;
  // Room for the CR of a CRLF line end on top of a full-size payload.
  const limit = maxFrameBytes + 1;

  const oversize = (head: Buffer): FrameError => ({
    kind: 'oversize',
    message: `Skipped a line longer than ${maxFrameBytes} bytes: ${excerpt(head)}…`,
  });

  return {
    push(chunk) {
      const batch: FrameBatch = { frames: [], errors: [] };
      let i = 0;
      while (i < chunk.length) {
        const at = chunk.indexOf(LF, i);
        const piece = chunk.subarray(i, at < 0 ? chunk.length : at);
        if (!dropping) {
          if (length + piece.length > limit) {
            batch.errors.push(oversize(headOf([...parts, piece])));
            dropping = true;
            parts = [];
            length = 0;
          } else {
            parts.push(piece);
            length += piece.length;
          }
        }
        if (at < 0) break;
        i = at + 1;
        if (dropping) {
          dropping = false;
          continue;
        }
        let line = Buffer.concat(parts, length);
        parts = [];
        length = 0;
        if (line.at(-1) === CR) line = line.subarray(0, -1);
        if (line.length > maxFrameBytes) batch.errors.push(oversize(headOf([line])));
        else if (line.length > 0) batch.frames.push(line);
      }
      return batch;
    },
    end() {
      const batch: FrameBatch = { frames: [], errors: [] };
      if (length > 0 && !dropping) {
        batch.errors.push({
          kind: 'incomplete',
          message: `The connection ended in the middle of a line (${length} bytes: ${excerpt(headOf(parts))}).`,
        });
      }
      parts = [];
      length = 0;
      dropping = false;
      return batch;
    },
    buffered: () => length,
  };
}

/**
 * A length over the maximum is reported at once and that many bytes are skipped, counted but
 * not kept: after a peer's honest oversize frame the next frame reads. A damaged length
 * cannot be told from an honest one, so the decoder then stays out of step; the relay's
 * heartbeat goes unanswered and it reconnects, which starts a fresh decoder.
 */
function lengthPrefixDecoder(maxFrameBytes: number): FrameDecoder {
  /** The prefix bytes read so far of the next frame (fewer than four). */
  let prefix: number[] = [];
  /** The payload length the current frame declared; null while reading a prefix. */
  let declared: number | null = null;
  let parts: Buffer[] = [];
  let length = 0;
  /** Bytes of an oversize frame still to skip. */
  let skipping = 0;

  const reset = () => {
    prefix = [];
    declared = null;
    parts = [];
    length = 0;
    skipping = 0;
  };

  return {
    push(chunk) {
      const batch: FrameBatch = { frames: [], errors: [] };
      let i = 0;
      while (i < chunk.length) {
        if (skipping > 0) {
          const n = Math.min(skipping, chunk.length - i);
          skipping -= n;
          i += n;
        } else if (declared === null) {
          prefix.push(chunk[i] ?? 0);
          i += 1;
          if (prefix.length < LENGTH_PREFIX_BYTES) continue;
          const bytes = Buffer.from(prefix);
          const size = bytes.readUInt32BE(0);
          prefix = [];
          if (size > maxFrameBytes) {
            batch.errors.push({
              kind: 'oversize',
              message: `Skipped a frame longer than ${maxFrameBytes} bytes: its length prefix (${[...bytes].map(hex).join(' ')}) says ${size}.`,
            });
            skipping = size;
          } else if (size === 0) {
            batch.frames.push(Buffer.alloc(0)); // for the codec to refuse, as with STX…ETX
          } else {
            declared = size;
          }
        } else {
          const n = Math.min(declared - length, chunk.length - i);
          parts.push(chunk.subarray(i, i + n));
          length += n;
          i += n;
          if (length < declared) continue;
          batch.frames.push(Buffer.concat(parts, length));
          parts = [];
          length = 0;
          declared = null;
        }
      }
      return batch;
    },
    end() {
      const batch: FrameBatch = { frames: [], errors: [] };
      if (declared !== null) {
        batch.errors.push({
          kind: 'incomplete',
          message: `The connection ended in the middle of a frame (${length} of ${declared} bytes: ${excerpt(headOf(parts))}).`,
        });
      } else if (prefix.length > 0) {
        batch.errors.push({
          kind: 'incomplete',
          message: `The connection ended in the middle of a length prefix (${prefix.length} of ${LENGTH_PREFIX_BYTES} bytes).`,
        });
      }
      reset();
      return batch;
    },
    buffered: () => prefix.length + length,
  };
}

const EXCERPT_BYTES = 32;

/** The first bytes of a partial frame, for a log line, without copying all of it. */
function headOf(parts: Buffer[]): Buffer {
  const head: Buffer[] = [];
  let length = 0;
  for (const part of parts) {
    if (length >= EXCERPT_BYTES) break;
    head.push(part.subarray(0, EXCERPT_BYTES - length));
    length += head.at(-1)?.length ?? 0;
  }
  return Buffer.concat(head);
}

function hex(byte: number): string {
  return byte.toString(16).toUpperCase().padStart(2, '0');
}

/** Bytes as they can be read in a log line: printable ASCII as is, the rest as \xNN. */
export function excerpt(bytes: Buffer, max = EXCERPT_BYTES): string {
  const shown = [...bytes.subarray(0, max)]
    .map((b) => (b >= 0x20 && b < 0x7f && b !== 0x5c ? String.fromCharCode(b) : `\\x${hex(b)}`))
    .join('');
  return bytes.length > max ? `${shown}…` : shown;
}
