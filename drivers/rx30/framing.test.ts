// The four framings: exact bytes out, whole frames back from any chunking, and every
// kind of damage reported as data with the decoder ready for the next frame.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rx30Framings } from '../../core/pharmacy/control.ts';
import {
  checksum,
  excerpt,
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
    // PROTOCOL.md: "Every framing carries payloads of at most 64 KiB".
    expect(MAX_FRAME_BYTES).toBe(65_536);
    expect(framer.maxFrameBytes).toBe(65_536);
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

describe('an oversize frame split across TCP chunks (issue 15)', () => {
  // A socket hands over bytes in whatever pieces the network made: the decoder must find the
  // same frames, and the one oversize frame between them, wherever the pieces are cut.
  const small = { maxFrameBytes: 16 };
  const cases: [string, Framer][] = [
    ['stx-etx', stxEtx(small)],
    ['mllp', mllp(small)],
    ['newline', newline(small)],
    ['length-prefix', lengthPrefix(small)],
  ];
  const expected = ['first', 'y'.repeat(16), 'last'];

  /** Two good frames, an oversize one (40 bytes, over the 16-byte limit), a full-size one, one more. */
  const streamOf = (framer: Framer) =>
    Buffer.concat([
      framer.encode(ascii('first')),
      unchecked(framer, ascii('x'.repeat(40))),
      framer.encode(ascii('y'.repeat(16))),
      framer.encode(ascii('last')),
    ]);
  /** The stream in pieces of `size` bytes (the last one shorter). */
  const piecesOf = (stream: Buffer, size: number) =>
    Array.from({ length: Math.ceil(stream.length / size) }, (_, k) =>
      stream.subarray(k * size, (k + 1) * size),
    );
  const check = (framer: Framer, chunks: Buffer[]) => {
    const decoder = framer.createDecoder();
    const batch = feed(decoder, ...chunks);
    expect(texts(batch)).toEqual(expected);
    expect(kinds(batch)).toEqual(['oversize']);
    expect(decoder.buffered()).toBe(0);
  };

  it.each(cases)('%s: cut once at every byte boundary', (_, framer) => {
    const stream = streamOf(framer);
    for (let cut = 0; cut <= stream.length; cut++) check(framer, split(stream, [cut]));
  });

  it.each(cases)('%s: in pieces of every size, from 1 byte to the whole stream', (_, framer) => {
    const stream = streamOf(framer);
    for (let size = 1; size <= stream.length; size++) check(framer, piecesOf(stream, size));
  });

  it.each(cases)('%s: fed one byte at a time', (_, framer) => {
    check(
      framer,
      [...streamOf(framer)].map((b) => Buffer.of(b)),
    );
  });

  it.each(cases)('%s: cut at random (fixed seed)', (_, framer) => {
    const stream = streamOf(framer);
    fc.assert(
      fc.property(fc.array(fc.nat(stream.length), { maxLength: 24 }), (cuts) => {
        check(framer, split(stream, cuts));
      }),
      { seed: 1515, numRuns: 300 },
    );
  });

  it('length-prefix: skips a declared length far over the limit that arrives with other frames, in any pieces', () => {
    // 100 bytes declared: the prefix comes in the same chunk as the frame before it, and the
    // skipped bytes end in the same chunk as the frame after it.
    const framer = lengthPrefix(small);
    const stream = Buffer.concat([
      framer.encode(ascii('first')),
      u32(100),
      Buffer.alloc(100, 0x7a),
      framer.encode(ascii('y'.repeat(16))),
      framer.encode(ascii('last')),
    ]);
    for (let cut = 0; cut <= stream.length; cut++) check(framer, split(stream, [cut]));
    for (let size = 1; size <= stream.length; size++) check(framer, piecesOf(stream, size));
  });
});

describe('newline framing at the size limit', () => {
  it('reads a line of exactly the maximum payload ending in CRLF', () => {
    const framer = newline({ maxFrameBytes: 16 });
    const line = ascii('y'.repeat(16) + '\r\n');
    for (let cut = 0; cut <= line.length; cut++) {
      const batch = feed(framer.createDecoder(), ...split(line, [cut]), ascii('ok\r\n'));
      expect(texts(batch)).toEqual(['y'.repeat(16), 'ok']);
      expect(batch.errors).toEqual([]);
    }
  });

  it('reads a 64 KiB line ending in CRLF by default', () => {
    const line = Buffer.concat([Buffer.alloc(MAX_FRAME_BYTES, 0x61), ascii('\r\n')]);
    const batch = feed(newline().createDecoder(), line, ascii('ok\r\n'));
    expect(batch.frames.map((f) => f.length)).toEqual([MAX_FRAME_BYTES, 2]);
    expect(batch.frames[0]?.every((b) => b === 0x61)).toBe(true);
    expect(batch.errors).toEqual([]);
  });

  it('skips a line one byte over the maximum, with CRLF or with a CR of its own', () => {
    const framer = newline({ maxFrameBytes: 16 });
    for (const big of ['z'.repeat(17) + '\r\n', 'z'.repeat(16) + '\r\r\n', 'z'.repeat(17) + '\n']) {
      const batch = feed(framer.createDecoder(), ascii(big), ascii('ok\n'));
      expect(texts(batch)).toEqual(['ok']);
      expect(kinds(batch)).toEqual(['oversize']);
      expect(batch.errors[0]?.message).toMatch(/^Skipped a line longer than 16 bytes: z{16}/);
    }
  });
});

describe('a frame after the connection ended', () => {
  it.each(Object.values(framers))(
    '$name: reads the next frame alone after end() dropped a partial one',
    (framer) => {
      const decoder = framer.createDecoder();
      const partial = framer.encode(ascii('HEARTBEAT|id=Q-22'));
      expect(decoder.push(partial.subarray(0, 10))).toEqual({ frames: [], errors: [] });
      expect(decoder.buffered()).toBeGreaterThan(0);
      expect(kinds(decoder.end())).toEqual(['incomplete']);
      expect(decoder.buffered()).toBe(0);
      expect(decoder.end()).toEqual({ frames: [], errors: [] });
      const batch = feed(decoder, framer.encode(ascii('ACK|id=Q-21|of=R-1001')));
      expect(texts(batch)).toEqual(['ACK|id=Q-21|of=R-1001']);
      expect(batch.errors).toEqual([]);
    },
  );

  it.each(Object.values(framers))(
    '$name: reads the next frame after end() cut an oversize one it was skipping',
    (framer) => {
      const limited = withOptions[framer.name]({ maxFrameBytes: 16 });
      const decoder = limited.createDecoder();
      const big = unchecked(limited, ascii('x'.repeat(40)));
      // The oversize frame is reported once; its end never comes.
      expect(kinds(decoder.push(big.subarray(0, 30)))).toEqual(['oversize']);
      expect(decoder.end()).toEqual({ frames: [], errors: [] });
      const batch = feed(decoder, limited.encode(ascii('ok')));
      expect(texts(batch)).toEqual(['ok']);
      expect(batch.errors).toEqual([]);
    },
  );

  it('newline: a line after end() does not carry the dropped partial line', () => {
    const decoder = newline().createDecoder();
    decoder.push(ascii('READY|id=R-1'));
    expect(decoder.buffered()).toBe(12);
    expect(decoder.end().errors).toEqual([
      {
        kind: 'incomplete',
        message: 'The connection ended in the middle of a line (12 bytes: READY|id=R-1).',
      },
    ]);
    expect(decoder.push(ascii('HEARTBEAT|id=Q-22\n'))).toEqual({
      frames: [ascii('HEARTBEAT|id=Q-22')],
      errors: [],
    });
  });
});

describe('what a log line says about damage', () => {
  it('shows printable ASCII as is and every other byte, the backslash included, as \\xNN', () => {
    // The backslash is escaped too, so "\x41" in the data cannot be read as an escape.
    expect(
      excerpt(Buffer.of(0x00, 0x1f, 0x20, 0x41, 0x5b, 0x5c, 0x5d, 0x7e, 0x7f, 0x80, 0xff)),
    ).toBe('\\x00\\x1F A[\\x5C]~\\x7F\\x80\\xFF');
  });

  it('shows at most the first 32 bytes, and marks the cut', () => {
    expect(excerpt(ascii('a'.repeat(32)))).toBe('a'.repeat(32));
    expect(excerpt(ascii('a'.repeat(33)))).toBe('a'.repeat(32) + '…');
    expect(excerpt(ascii('abcdef'), 3)).toBe('abc…');
    expect(excerpt(Buffer.alloc(0))).toBe('');
  });

  it('counts garbage in bytes, one byte singular, and shows at most its first 32', () => {
    const framer = stxEtx();
    const frame = framer.encode(ascii('HEARTBEAT|id=Q-22'));
    const messages = (garbage: string) =>
      feed(framer.createDecoder(), ascii(garbage), frame).errors.map((e) => e.message);
    expect(messages('x')).toEqual(['Skipped 1 byte outside a frame: x']);
    expect(messages('n'.repeat(32))).toEqual([
      `Skipped 32 bytes outside a frame: ${'n'.repeat(32)}`,
    ]);
    expect(messages('n'.repeat(33))).toEqual([
      `Skipped 33 bytes outside a frame: ${'n'.repeat(32)}…`,
    ]);
    // No garbage, no message: a frame right after another.
    expect(feed(framer.createDecoder(), frame, frame).errors).toEqual([]);
  });

  it('names the checksum found and the one expected, and the payload', () => {
    const bad = ascii('\x02HEARTBEAT|id=Q-22\x03F9');
    expect(feed(stxEtx().createDecoder(), bad).errors).toEqual([
      {
        kind: 'bad_checksum',
        message:
          'Dropped a frame whose checksum is "F9", expected F8 (17 bytes: HEARTBEAT|id=Q-22).',
        payload: ascii('HEARTBEAT|id=Q-22'),
      },
    ]);
  });

  it('names the byte an MLLP block ended with instead of CR', () => {
    const bad = ascii('\x0bHEARTBEAT|id=Q-23\x1c\n');
    expect(feed(mllp().createDecoder(), bad).errors).toEqual([
      {
        kind: 'bad_trailer',
        message:
          'Dropped an MLLP block ending FS "\\x0A" instead of FS CR (17 bytes: HEARTBEAT|id=Q-23).',
        payload: ascii('HEARTBEAT|id=Q-23'),
      },
    ]);
  });

  it('says when a frame’s checksum was cut short by the next frame', () => {
    const framer = stxEtx();
    const batch = feed(
      framer.createDecoder(),
      ascii('\x02ACK|id=Q-21|of=R-1001\x030'),
      framer.encode(ascii('HEARTBEAT|id=Q-22')),
    );
    expect(batch.errors).toEqual([
      {
        kind: 'incomplete',
        message:
          'Dropped a frame whose end was cut short by the start of another (21 bytes: ACK|id=Q-21|of=R-1001).',
      },
    ]);
  });

  it.each([stxEtx(), mllp()])(
    '$name: says how much of a frame the connection ended in',
    (framer) => {
      const start = framer.encode(Buffer.alloc(0)).subarray(0, 1);
      const batch = feed(framer.createDecoder(), Buffer.concat([start, ascii('HEARTBEAT|id=')]));
      expect(batch.errors).toEqual([
        {
          kind: 'incomplete',
          message: 'The connection ended in the middle of a frame (13 bytes: HEARTBEAT|id=).',
        },
      ]);
    },
  );

  it('reports an oversize frame once, even when the next frame cuts it short', () => {
    const framer = stxEtx({ maxFrameBytes: 16 });
    const batch = feed(
      framer.createDecoder(),
      ascii('\x02' + 'x'.repeat(40)),
      framer.encode(ascii('ok')),
    );
    expect(texts(batch)).toEqual(['ok']);
    expect(kinds(batch)).toEqual(['oversize']);
  });
});

describe('what a framer refuses to send', () => {
  it.each([
    [stxEtx(), 'a\x03b', 'The payload holds byte 0x03 at 1, which STX…ETX framing reserves.'],
    [stxEtx(), '\x02', 'The payload holds byte 0x02 at 0, which STX…ETX framing reserves.'],
    [mllp(), 'a\x1cb', 'The payload holds byte 0x1C at 1, which MLLP framing reserves.'],
    [mllp(), '\x0bab', 'The payload holds byte 0x0B at 0, which MLLP framing reserves.'],
    [newline(), 'ab\r', 'The payload holds byte 0x0D at 2, which newline framing reserves.'],
    [newline(), '\n', 'The payload holds byte 0x0A at 0, which newline framing reserves.'],
  ] as const)('%#: %s', (framer, payload, message) => {
    expect(() => framer.encode(ascii(payload))).toThrow(new RangeError(message));
  });

  it.each(Object.values(framers).map((f) => f.name))(
    '%s: a payload over the limit, by its size and the limit',
    (name) => {
      const framer = withOptions[name]({ maxFrameBytes: 16 });
      expect(() => framer.encode(ascii('y'.repeat(17)))).toThrow(
        new RangeError('A 17-byte payload is over the 16-byte frame limit.'),
      );
      expect(framer.encode(ascii('y'.repeat(16))).includes(ascii('y'.repeat(16)))).toBe(true);
    },
  );
});

describe('bytes held for a frame not yet complete', () => {
  it.each(Object.values(framers))(
    '$name: none in a new decoder, nor after garbage only',
    (framer) => {
      const decoder = framer.createDecoder();
      expect(decoder.buffered()).toBe(0);
      if (framer.name !== 'length-prefix' && framer.name !== 'newline') {
        expect(kinds(decoder.push(ascii('noise')))).toEqual(['garbage']);
        expect(decoder.buffered()).toBe(0);
      }
      expect(decoder.end()).toEqual({ frames: [], errors: [] });
    },
  );

  it('counts the checksum digits and MLLP’s CR still awaited', () => {
    const stx = stxEtx().createDecoder();
    expect(stx.push(ascii('\x02AB\x03'))).toEqual({ frames: [], errors: [] });
    expect(stx.buffered()).toBe(2);
    expect(stx.push(ascii('8'))).toEqual({ frames: [], errors: [] });
    expect(stx.buffered()).toBe(3);
    // "AB" sums to 0x83.
    expect(stx.push(ascii('3'))).toEqual({ frames: [ascii('AB')], errors: [] });
    expect(stx.buffered()).toBe(0);

    const block = mllp().createDecoder();
    expect(block.push(ascii('\x0bAB\x1c'))).toEqual({ frames: [], errors: [] });
    expect(block.buffered()).toBe(2);
    expect(block.push(ascii('\r'))).toEqual({ frames: [ascii('AB')], errors: [] });
    expect(block.buffered()).toBe(0);
  });

  it('counts the length prefix bytes read so far', () => {
    const decoder = lengthPrefix().createDecoder();
    decoder.push(Buffer.of(0, 0, 0));
    expect(decoder.buffered()).toBe(3);
    decoder.push(Buffer.of(2, 0x61));
    expect(decoder.buffered()).toBe(1);
    expect(decoder.push(Buffer.of(0x62))).toEqual({ frames: [ascii('ab')], errors: [] });
    expect(decoder.buffered()).toBe(0);
  });
});

describe('each push reports what it found', () => {
  it('reports garbage in the push it arrived in, each stretch between frames on its own', () => {
    const framer = stxEtx();
    const frame = framer.encode(ascii('HEARTBEAT|id=Q-22'));
    const decoder = framer.createDecoder();
    expect(decoder.push(ascii('noise'))).toEqual({
      frames: [],
      errors: [{ kind: 'garbage', message: 'Skipped 5 bytes outside a frame: noise' }],
    });
    const bad = ascii('\x02HEARTBEAT|id=Q-22\x03F9');
    const batch = decoder.push(Buffer.concat([ascii('ab'), frame, ascii('cde'), bad, frame]));
    expect(texts(batch)).toEqual(['HEARTBEAT|id=Q-22', 'HEARTBEAT|id=Q-22']);
    // In stream order: the garbage before the damaged frame comes before its error.
    expect(batch.errors.map((e) => e.message.split(' (')[0])).toEqual([
      'Skipped 2 bytes outside a frame: ab',
      'Skipped 3 bytes outside a frame: cde',
      'Dropped a frame whose checksum is "F9", expected F8',
    ]);
  });

  it('length-prefix: hands over an empty frame in the push that completes it', () => {
    const decoder = lengthPrefix().createDecoder();
    expect(decoder.push(u32(0))).toEqual({ frames: [Buffer.alloc(0)], errors: [] });
    expect(decoder.end()).toEqual({ frames: [], errors: [] });
  });

  it.each([stxEtx(), mllp()])(
    '$name: restarts on a start byte inside a frame, wherever the stream is cut',
    (framer) => {
      const start = framer.encode(Buffer.alloc(0)).subarray(0, 1);
      const stream = Buffer.concat([
        start,
        ascii('READY|id=R-1'),
        framer.encode(ascii('HEARTBEAT|id=Q-22')),
        framer.encode(ascii('ACK|id=Q-21|of=R-1001')).subarray(0, -1),
        framer.encode(ascii('HEARTBEAT|id=Q-23')),
      ]);
      for (let cut = 0; cut <= stream.length; cut++) {
        const batch = feed(framer.createDecoder(), ...split(stream, [cut]));
        expect(texts(batch)).toEqual(['HEARTBEAT|id=Q-22', 'HEARTBEAT|id=Q-23']);
        expect(kinds(batch)).toEqual(['incomplete', 'incomplete']);
      }
    },
  );

  it.each(Object.values(framers))(
    '$name: says the same about a partial frame however it arrived',
    (framer) => {
      // 40 bytes of a frame, then the connection ends: the log line shows its first 32 bytes
      // whether they came in one piece, two, or one byte at a time.
      const partial = framer.encode(ascii('0123456789'.repeat(4) + 'tail')).subarray(0, -10);
      const messageOf = (chunks: Buffer[]) =>
        feed(framer.createDecoder(), ...chunks).errors.map((e) => e.message);
      const whole = messageOf([partial]);
      expect(whole).toHaveLength(1);
      expect(whole[0]).toContain('0123456789'.repeat(3) + '01');
      expect(whole[0]).not.toContain('0123456789'.repeat(3) + '012');
      expect(messageOf(split(partial, [12]))).toEqual(whole);
      expect(messageOf(split(partial, [12, 20, 30]))).toEqual(whole);
      expect(messageOf([...partial].map((b) => Buffer.of(b)))).toEqual(whole);
    },
  );
});

/** Each framing by its name, to build one with other options. */
const withOptions = { 'stx-etx': stxEtx, mllp, newline, 'length-prefix': lengthPrefix } as const;

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
