// The four framings: exact bytes out, whole frames back from any chunking, and every
// kind of damage reported as data with the decoder ready for the next frame.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rx30Framings } from '../../core/pharmacy/control.ts';
import {
  checksum,
  framers,
  lengthPrefix,
  MAX_FRAME_BYTES,
  mllp,
  newline,
  stxEtx,
  type FrameBatch,
  type FrameDecoder,
  type Framer,
} from './framing.ts';
import { split } from './testing.ts';

const ascii = (s: string) => Buffer.from(s, 'latin1');
const hex = (bytes: Buffer) => bytes.toString('hex').toUpperCase().match(/../g)?.join(' ');
/** A length prefix: four big-endian bytes. */
const u32 = (n: number) => {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(n);
  return bytes;
};

/** Pushes each chunk in turn, then ends the stream; all frames and errors found, in order. */
function feed(decoder: FrameDecoder, ...chunks: Buffer[]): FrameBatch {
  const all: FrameBatch = { frames: [], errors: [] };
  for (const batch of [...chunks.map((c) => decoder.push(c)), decoder.end()]) {
    all.frames.push(...batch.frames);
    all.errors.push(...batch.errors);
  }
  return all;
}
const texts = (batch: FrameBatch) => batch.frames.map((f) => f.toString('utf8'));
const kinds = (batch: FrameBatch) => batch.errors.map((e) => e.kind);

describe('the STX…ETX checksum', () => {
  it('is the sum of the payload bytes modulo 256 in two uppercase hex digits', () => {
    expect(checksum(ascii('HEARTBEAT|id=Q-22'))).toBe('F8');
    expect(checksum(ascii(''))).toBe('00');
    expect(checksum(Buffer.of(0xff, 0x02))).toBe('01');
    expect(checksum(ascii('A'))).toBe('41');
  });

  it('catches a pair of equal bytes inserted, which an XOR would miss', () => {
    expect(checksum(ascii('HEARTBEAT|id=Q-22'))).not.toBe(checksum(ascii('HEARTBEAT|id=Q-AA22')));
  });
});

describe('STX…ETX framing', () => {
  const framer = stxEtx();

  it('frames a payload as STX payload ETX checksum', () => {
    expect(hex(framer.encode(ascii('HEARTBEAT|id=Q-22')))).toBe(
      '02 48 45 41 52 54 42 45 41 54 7C 69 64 3D 51 2D 32 32 03 46 38',
    );
  });

  it('finds whole frames however the stream is cut', () => {
    const stream = Buffer.concat([
      framer.encode(ascii('ACK|id=Q-21|of=R-1001')),
      framer.encode(ascii('HEARTBEAT|id=Q-22')),
    ]);
    fc.assert(
      fc.property(fc.array(fc.nat(stream.length), { maxLength: 12 }), (cuts) => {
        const batch = feed(framer.createDecoder(), ...split(stream, cuts));
        expect(texts(batch)).toEqual(['ACK|id=Q-21|of=R-1001', 'HEARTBEAT|id=Q-22']);
        expect(batch.errors).toEqual([]);
      }),
      { seed: 6101, numRuns: 200 },
    );
  });

  it('reports bytes between frames as garbage and skips them', () => {
    const batch = feed(
      framer.createDecoder(),
      ascii('noise\r\n'),
      framer.encode(ascii('HEARTBEAT|id=Q-22')),
    );
    expect(texts(batch)).toEqual(['HEARTBEAT|id=Q-22']);
    expect(batch.errors).toEqual([
      { kind: 'garbage', message: 'Skipped 7 bytes outside a frame: noise\\x0D\\x0A' },
    ]);
  });

  it('drops a frame whose checksum does not match and hands back its payload', () => {
    const good = framer.encode(ascii('HEARTBEAT|id=Q-22'));
    const bad = Buffer.from(good);
    bad[bad.length - 1] = 0x39; // "F9"
    const batch = feed(framer.createDecoder(), bad, good);
    expect(texts(batch)).toEqual(['HEARTBEAT|id=Q-22']);
    expect(kinds(batch)).toEqual(['bad_checksum']);
    expect(batch.errors[0]?.payload?.toString()).toBe('HEARTBEAT|id=Q-22');
    expect(batch.errors[0]?.message).toContain('"F9", expected F8');
  });

  it('refuses lowercase checksum digits', () => {
    const batch = feed(framer.createDecoder(), ascii('\x02HEARTBEAT|id=Q-22\x03f8'));
    expect(kinds(batch)).toEqual(['bad_checksum']);
  });

  it('restarts on an STX inside a frame and reports the partial one it dropped', () => {
    const batch = feed(
      framer.createDecoder(),
      ascii('\x02READY|id=R-1'),
      framer.encode(ascii('HEARTBEAT|id=Q-22')),
    );
    expect(texts(batch)).toEqual(['HEARTBEAT|id=Q-22']);
    expect(kinds(batch)).toEqual(['incomplete']);
    expect(batch.errors[0]?.message).toBe(
      'Dropped a partial frame of 12 bytes when another frame started: READY|id=R-1',
    );
  });

  it('restarts on an STX where the checksum should be', () => {
    const batch = feed(
      framer.createDecoder(),
      ascii('\x02ACK|id=Q-21|of=R-1001\x030'),
      framer.encode(ascii('HEARTBEAT|id=Q-22')),
    );
    expect(texts(batch)).toEqual(['HEARTBEAT|id=Q-22']);
    expect(kinds(batch)).toEqual(['incomplete']);
  });

  it('reports a frame the connection ended in the middle of, then starts afresh', () => {
    const decoder = framer.createDecoder();
    expect(decoder.push(ascii('\x02HEARTBEAT|id='))).toEqual({ frames: [], errors: [] });
    expect(decoder.buffered()).toBe(13);
    expect(kinds(decoder.end())).toEqual(['incomplete']);
    expect(decoder.buffered()).toBe(0);
    expect(texts(feed(decoder, framer.encode(ascii('HEARTBEAT|id=Q-22'))))).toEqual([
      'HEARTBEAT|id=Q-22',
    ]);
  });

  it('passes an empty frame on for the codec to refuse', () => {
    expect(texts(feed(framer.createDecoder(), ascii('\x02\x0300')))).toEqual(['']);
  });

  it('refuses to frame a payload holding STX or ETX', () => {
    expect(() => framer.encode(ascii('a\x03b'))).toThrow(/0x03 at 1/);
    expect(() => framer.encode(ascii('\x02'))).toThrow(/0x02 at 0/);
  });
});

describe('MLLP framing', () => {
  const framer = mllp();

  it('frames a payload as VT payload FS CR', () => {
    expect(hex(framer.encode(ascii('ACK|id=Q-21|of=R-1001')))).toBe(
      '0B 41 43 4B 7C 69 64 3D 51 2D 32 31 7C 6F 66 3D 52 2D 31 30 30 31 1C 0D',
    );
  });

  it('finds frames across chunks and reports garbage, restarts and bad endings', () => {
    const good = framer.encode(ascii('HEARTBEAT|id=Q-22'));
    const batch = feed(
      framer.createDecoder(),
      ascii('\r\n'),
      good.subarray(0, 5),
      good.subarray(5),
      ascii('\x0bREADY|id=R-1'),
      ascii('\x0bHEARTBEAT|id=Q-23\x1c\n'),
      good,
    );
    expect(texts(batch)).toEqual(['HEARTBEAT|id=Q-22', 'HEARTBEAT|id=Q-22']);
    expect(kinds(batch)).toEqual(['garbage', 'incomplete', 'bad_trailer']);
    expect(batch.errors[2]?.payload?.toString()).toBe('HEARTBEAT|id=Q-23');
  });

  it('refuses to frame a payload holding VT or FS', () => {
    expect(() => framer.encode(ascii('a\x1cb'))).toThrow(/0x1C/);
  });
});

describe('newline framing', () => {
  const framer = newline();

  it('frames a payload as one line ending in LF', () => {
    expect(framer.encode(ascii('HEARTBEAT|id=Q-22')).toString('latin1')).toBe(
      'HEARTBEAT|id=Q-22\n',
    );
  });

  it('reads LF and CRLF lines across chunks and ignores blank lines', () => {
    const batch = feed(
      framer.createDecoder(),
      ascii('HEARTBEAT|id=Q-22\r'),
      ascii('\n\n\r\nACK|id=Q-21'),
      ascii('|of=R-1001\nHEARTBEAT|id=Q-'),
    );
    expect(texts(batch)).toEqual(['HEARTBEAT|id=Q-22', 'ACK|id=Q-21|of=R-1001']);
    expect(kinds(batch)).toEqual(['incomplete']);
  });

  it('refuses to frame a payload holding CR or LF', () => {
    expect(() => framer.encode(ascii('a\rb'))).toThrow(/0x0D/);
    expect(() => framer.encode(ascii('a\nb'))).toThrow(/0x0A/);
  });
});

describe('length-prefix framing', () => {
  const framer = lengthPrefix();
  const heartbeat = framer.encode(ascii('HEARTBEAT|id=Q-22'));
  const ack = framer.encode(ascii('ACK|id=Q-21|of=R-1001'));

  it('frames a payload as its length in four big-endian bytes, then the payload', () => {
    expect(hex(heartbeat)).toBe('00 00 00 11 48 45 41 52 54 42 45 41 54 7C 69 64 3D 51 2D 32 32');
    expect(hex(framer.encode(Buffer.alloc(300, 0x61)).subarray(0, 5))).toBe('00 00 01 2C 61');
  });

  it('finds whole frames fed one byte at a time', () => {
    const stream = Buffer.concat([ack, heartbeat]);
    const decoder = framer.createDecoder();
    const bytes = [...stream].map((b) => Buffer.of(b));
    const batch = feed(decoder, ...bytes);
    expect(texts(batch)).toEqual(['ACK|id=Q-21|of=R-1001', 'HEARTBEAT|id=Q-22']);
    expect(batch.errors).toEqual([]);
  });

  it('finds whole frames however the stream is cut', () => {
    const stream = Buffer.concat([ack, heartbeat, ack]);
    fc.assert(
      fc.property(fc.array(fc.nat(stream.length), { maxLength: 12 }), (cuts) => {
        const batch = feed(framer.createDecoder(), ...split(stream, cuts));
        expect(texts(batch)).toEqual([
          'ACK|id=Q-21|of=R-1001',
          'HEARTBEAT|id=Q-22',
          'ACK|id=Q-21|of=R-1001',
        ]);
        expect(batch.errors).toEqual([]);
      }),
      { seed: 6103, numRuns: 200 },
    );
  });

  it('reads several frames from one chunk, an empty one and control bytes included', () => {
    const binary = Buffer.of(0x02, 0x03, 0x0b, 0x1c, 0x0d, 0x0a, 0x00, 0xff);
    const decoder = framer.createDecoder();
    const batch = decoder.push(
      Buffer.concat([heartbeat, framer.encode(Buffer.alloc(0)), framer.encode(binary), ack]),
    );
    expect(batch.frames.map((f) => f.toString('latin1'))).toEqual([
      'HEARTBEAT|id=Q-22',
      '', // passed on for the codec to refuse
      binary.toString('latin1'),
      'ACK|id=Q-21|of=R-1001',
    ]);
    expect(batch.errors).toEqual([]);
    expect(decoder.buffered()).toBe(0);
  });

  it('reports a frame the connection ended in the middle of, then starts afresh', () => {
    const decoder = framer.createDecoder();
    expect(decoder.push(heartbeat.subarray(0, 10))).toEqual({ frames: [], errors: [] });
    expect(decoder.buffered()).toBe(6);
    expect(decoder.end().errors).toEqual([
      {
        kind: 'incomplete',
        message: 'The connection ended in the middle of a frame (6 of 17 bytes: HEARTB).',
      },
    ]);
    expect(decoder.buffered()).toBe(0);
    expect(texts(feed(decoder, heartbeat))).toEqual(['HEARTBEAT|id=Q-22']);
  });

  it('reports a length prefix the connection ended in the middle of', () => {
    const batch = feed(framer.createDecoder(), heartbeat, Buffer.of(0, 0));
    expect(texts(batch)).toEqual(['HEARTBEAT|id=Q-22']);
    expect(batch.errors).toEqual([
      {
        kind: 'incomplete',
        message: 'The connection ended in the middle of a length prefix (2 of 4 bytes).',
      },
    ]);
  });

  it('skips a declared length over the limit without keeping its bytes, then reads on', () => {
    const decoder = framer.createDecoder();
    const declared = MAX_FRAME_BYTES * 20;
    const errors = decoder.push(u32(declared)).errors;
    for (let sent = 0; sent < declared; sent += 1000) {
      errors.push(...decoder.push(Buffer.alloc(Math.min(1000, declared - sent), 0x7a)).errors);
      expect(decoder.buffered()).toBe(0);
    }
    expect(errors).toEqual([
      {
        kind: 'oversize',
        message: `Skipped a frame longer than ${MAX_FRAME_BYTES} bytes: its length prefix (00 14 00 00) says ${declared}.`,
      },
    ]);
    const batch = feed(decoder, heartbeat);
    expect(texts(batch)).toEqual(['HEARTBEAT|id=Q-22']);
    expect(batch.errors).toEqual([]);
  });

  it('stays out of step after a damaged length until the connection ends, then reads again', () => {
    const damaged = Buffer.from(heartbeat);
    damaged[3] = 0x12; // one byte more than the payload: the next frame's prefix is eaten
    const decoder = framer.createDecoder();
    const batch = feed(decoder, damaged, heartbeat, heartbeat);
    expect(texts(batch)).not.toContain('HEARTBEAT|id=Q-22');
    expect(kinds(batch).length).toBeGreaterThan(0);
    expect(texts(feed(decoder, heartbeat))).toEqual(['HEARTBEAT|id=Q-22']);
  });
});

describe('the framings a connection can name', () => {
  it('are the ones core offers in the connection settings', () => {
    expect(Object.keys(framers).sort()).toEqual([...rx30Framings].sort());
    for (const [name, framer] of Object.entries(framers)) expect(framer.name).toBe(name);
  });
});

describe('the frame size limit', () => {
  const small = { maxFrameBytes: 16 };
  const delimited: [string, Framer, Buffer][] = [
    ['stx-etx', stxEtx(small), ascii('\x02' + 'x'.repeat(17) + '\x03' + checksumOf(17))],
    ['mllp', mllp(small), ascii('\x0b' + 'x'.repeat(17) + '\x1c\r')],
    ['newline', newline(small), ascii('x'.repeat(17) + '\n')],
  ];
  const cases: [string, Framer, Buffer][] = [
    ...delimited,
    ['length-prefix', lengthPrefix(small), Buffer.concat([u32(17), ascii('x'.repeat(17))])],
  ];

  it.each(cases)(
    '%s: skips a frame one byte over the limit and reads the next',
    (_, framer, big) => {
      const atLimit = framer.encode(ascii('y'.repeat(16)));
      const batch = feed(framer.createDecoder(), big, atLimit);
      expect(texts(batch)).toEqual(['y'.repeat(16)]);
      expect(kinds(batch)).toEqual(['oversize']);
      expect(batch.errors[0]?.message).toMatch(
        framer.name === 'length-prefix'
          ? /^Skipped a frame longer than 16 bytes: its length prefix \(00 00 00 11\) says 17\.$/
          : /^Skipped a (frame|line) longer than 16 bytes: x+…$/,
      );
      expect(() => framer.encode(ascii('y'.repeat(17)))).toThrow(RangeError);
    },
  );

  // A length-prefixed frame always ends where its prefix says: see 'length-prefix framing'.
  it.each(delimited)(
    '%s: holds no more than the limit while a peer never ends its frame',
    (_, framer) => {
      const decoder = framer.createDecoder();
      const start = framer.name === 'newline' ? [] : [framer.encode(Buffer.alloc(0))[0] ?? 0];
      const errors = decoder.push(Buffer.of(...start)).errors;
      for (let i = 0; i < 1000; i += 1) {
        errors.push(...decoder.push(ascii('z'.repeat(1000))).errors);
        expect(decoder.buffered()).toBeLessThanOrEqual(16);
      }
      expect(errors.map((e) => e.kind)).toEqual(['oversize']);
      // The end of the endless frame is skipped with it; the next frame is read.
      const rest = Buffer.concat([
        framer.encode(Buffer.alloc(0)).subarray(1),
        framer.encode(ascii('ok')),
      ]);
      const batch = feed(decoder, framer.name === 'newline' ? ascii('\nok\n') : rest);
      expect(texts(batch)).toEqual(['ok']);
      expect(batch.errors).toEqual([]);
    },
  );

  it.each(Object.values(framers))('$name: accepts 64 KiB by default and no more', (framer) => {
    expect(framer.maxFrameBytes).toBe(MAX_FRAME_BYTES);
    const full = Buffer.alloc(MAX_FRAME_BYTES, 0x61);
    const over = Buffer.alloc(MAX_FRAME_BYTES + 1, 0x62);
    const batch = feed(
      framer.createDecoder(),
      framer.encode(full),
      unchecked(framer, over),
      framer.encode(ascii('ok')),
    );
    expect(batch.frames.map((f) => f.length)).toEqual([MAX_FRAME_BYTES, 2]);
    expect(kinds(batch)).toEqual(['oversize']);
  });
});

/** A payload framed as `framer` would if it had no size limit (a delimited one's checksum aside). */
function unchecked(framer: Framer, payload: Buffer): Buffer {
  if (framer.name === 'newline') return Buffer.concat([payload, ascii('\n')]);
  if (framer.name === 'length-prefix') return Buffer.concat([u32(payload.length), payload]);
  const empty = framer.encode(Buffer.alloc(0));
  return Buffer.concat([empty.subarray(0, 1), payload, empty.subarray(1)]);
}

function checksumOf(n: number): string {
  return checksum(Buffer.alloc(n, 'x'));
}
