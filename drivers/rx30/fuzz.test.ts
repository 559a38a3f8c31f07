// ACCEPTANCE "codec fuzzing": random bytes and damaged frames, pushed through each framing's
// decoder and the default codec, never throw; what cannot be read comes out as a refusal
// (naming the message when its id survived), and a good frame after the damage still
// decodes (for length-prefix, which has no marker to find it by, on the next connection).
// Seeds are fixed so a failure reproduces.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  messageIdSchema,
  messageTypes,
  rx30MessageSchema,
  type Rx30Message,
} from '../../core/pharmacy/messages.ts';
import { defaultCodec, layouts, readBatch, type DecodeResult } from './codec.ts';
import { framers, type Framer } from './framing.ts';
import { arbitraryMessage, canonical, sampleMessages, samples, split } from './testing.ts';

const { encode, decode } = defaultCodec;

/** Everything a connection makes of these chunks: pushed one by one, then the stream ends. */
function receive(framer: Framer, chunks: readonly Buffer[]): DecodeResult[] {
  const decoder = framer.createDecoder();
  return [...chunks.map((chunk) => decoder.push(chunk)), decoder.end()].flatMap((batch) =>
    readBatch(batch),
  );
}

/** A message schema-valid, or a refusal with a reason and, if any, a well-formed id. */
function expectWellFormed(results: readonly DecodeResult[]): void {
  for (const result of results) {
    if (result.ok) {
      expect(rx30MessageSchema.safeParse(result.message).success).toBe(true);
    } else {
      expect(result.error).toMatch(/\S/);
      if (result.id !== undefined) expect(messageIdSchema.safeParse(result.id).success).toBe(true);
    }
  }
}

const messages = (results: readonly DecodeResult[]) =>
  results.flatMap((r) => (r.ok ? [r.message] : []));
const refusals = (results: readonly DecodeResult[]) => results.filter((r) => !r.ok);

/** What must always read cleanly after the damage: a heartbeat, after a line end for newline. */
const good = sampleMessages.HEARTBEAT;
const resync = (framer: Framer) =>
  Buffer.concat([
    framer.name === 'newline' ? Buffer.from('\n') : Buffer.alloc(0),
    framer.encode(encode(good)),
  ]);

/**
 * Damaged bytes cut at `cuts`, then a good frame. A delimited framing finds the good frame in
 * the same stream. A length prefix cannot tell a damaged length from a true one, so the good
 * frame comes on a new connection, as the relay reconnects when its heartbeat goes unanswered.
 */
function receiveAfter(framer: Framer, damaged: Buffer, cuts: readonly number[]): DecodeResult[] {
  if (framer.name === 'length-prefix') {
    const pieces = split(
      damaged,
      cuts.map((c) => c % (damaged.length + 1)),
    );
    return [...receive(framer, pieces), ...receive(framer, [resync(framer)])];
  }
  const stream = Buffer.concat([damaged, resync(framer)]);
  return receive(
    framer,
    split(
      stream,
      cuts.map((c) => c % stream.length),
    ),
  );
}

// Bytes a framing or the codec gives meaning to, weighted in among any others.
const meaningful = [0x02, 0x03, 0x0b, 0x1c, 0x0d, 0x0a, 0x7c, 0x3d, 0x5c, 0x30, 0x46, 0x00];
const anyByte = fc.oneof(fc.constantFrom(...meaningful), fc.integer({ min: 0, max: 255 }));
const randomBytes = fc.array(anyByte, { maxLength: 600 }).map((bytes) => Buffer.from(bytes));

/** Junk that looks like the format: types, keys, escapes and separators in random order. */
const keys = [...new Set(messageTypes.flatMap((t) => layouts[t].map((f) => f.key)))].filter(
  (key) => key !== 'id',
);
const token = fc.oneof(
  fc.constantFrom(...messageTypes, ...keys, 'lines.0.amount', 'payments.1.type', 'x'),
  fc.constantFrom('|', '=', '\\', '\\|', '\\=', '\\n', '\\x02', '\\x41', 'Y', 'N', '0', '-1', ''),
  fc.string({ maxLength: 8 }),
  fc.string({ unit: 'binary', maxLength: 3 }),
);
const lookalike = fc.array(token, { maxLength: 30 }).map((tokens) => tokens.join(''));

type Damage =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'delete'; at: number }
  | { kind: 'insert'; at: number; byte: number }
  | { kind: 'keepHead'; length: number }
  | { kind: 'dropHead'; length: number }
  | { kind: 'duplicate'; at: number; length: number };

const singleDamage: fc.Arbitrary<Damage> = fc.oneof(
  fc.record({ kind: fc.constant('flip'), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('delete'), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert'), at: fc.nat(), byte: anyByte }),
  fc.record({ kind: fc.constant('keepHead'), length: fc.nat() }),
  fc.record({ kind: fc.constant('dropHead'), length: fc.nat() }),
);
const anyDamage: fc.Arbitrary<Damage> = fc.oneof(
  singleDamage,
  fc.record({ kind: fc.constant('duplicate'), at: fc.nat(), length: fc.nat(64) }),
);

function damage(bytes: Buffer, d: Damage): Buffer {
  const n = bytes.length;
  const at = 'at' in d ? d.at % (n + 1) : 0;
  switch (d.kind) {
    case 'flip': {
      const copy = Buffer.from(bytes);
      const i = d.at % n;
      copy[i] = (copy[i] ?? 0) ^ (1 << d.bit);
      return copy;
    }
    case 'delete':
      return Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1)]);
    case 'insert':
      return Buffer.concat([bytes.subarray(0, at), Buffer.of(d.byte), bytes.subarray(at)]);
    case 'keepHead':
      return bytes.subarray(0, d.length % n);
    case 'dropHead':
      return bytes.subarray((d.length % n) + 1);
    case 'duplicate':
      return Buffer.concat([bytes.subarray(0, at + d.length), bytes.subarray(at)]);
  }
}

/** A valid message, encoded and framed. */
const frameOf = (framer: Framer, message: Rx30Message) => framer.encode(encode(message));

describe('codec fuzzing', () => {
  describe.each(Object.values(framers))('$name', (framer) => {
    it('random bytes never throw, come out as refusals, and a good frame after them decodes', () => {
      fc.assert(
        fc.property(randomBytes, fc.array(fc.nat(), { maxLength: 8 }), (junk, cuts) => {
          const results = receiveAfter(framer, junk, cuts);
          expectWellFormed(results);
          expect(messages(results).at(-1)).toEqual(good);
        }),
        { seed: 6301, numRuns: 300 },
      );
    });

    it('well-framed lookalike payloads never throw and are refused or read as valid', () => {
      fc.assert(
        fc.property(lookalike, (text) => {
          const payload = Buffer.from(text, 'utf8').filter(
            (b) => b !== 0x02 && b !== 0x03 && b !== 0x0b && b !== 0x1c && b !== 0x0d && b !== 0x0a,
          );
          const results = receive(framer, [framer.encode(Buffer.from(payload)), resync(framer)]);
          expectWellFormed(results);
          expect(messages(results).at(-1)).toEqual(good);
        }),
        { seed: 6302, numRuns: 300 },
      );
    });

    it('damaged frames never throw, and the frame after them still decodes', () => {
      fc.assert(
        fc.property(
          arbitraryMessage(),
          fc.array(anyDamage, { minLength: 1, maxLength: 4 }),
          fc.array(fc.nat(), { maxLength: 8 }),
          (message, damages, cuts) => {
            const damaged = damages.reduce(
              (bytes, d) => (bytes.length > 0 ? damage(bytes, d) : bytes),
              frameOf(framer, message),
            );
            const results = receiveAfter(framer, damaged, cuts);
            expectWellFormed(results);
            expect(messages(results).at(-1)).toEqual(good);
          },
        ),
        { seed: 6303, numRuns: 300 },
      );
    });
  });

  describe('stx-etx, whose checksum makes damage visible', () => {
    const framer = framers['stx-etx'];

    it('a frame with one damage comes out intact or is refused: never lost silently, never another message', () => {
      fc.assert(
        fc.property(
          arbitraryMessage(),
          singleDamage,
          fc.array(fc.nat(), { maxLength: 8 }),
          (message, d, cuts) => {
            const original = frameOf(framer, message);
            const damaged = damage(original, d);
            fc.pre(damaged.length > 0);
            const stream = Buffer.concat([damaged, resync(framer)]);
            const results = receive(
              framer,
              split(
                stream,
                cuts.map((c) => c % stream.length),
              ),
            );
            expectWellFormed(results);
            expect(messages(results).at(-1)).toEqual(good);
            // Never another message (the checksum, then the codec, catch it) …
            const read = messages(results).slice(0, -1);
            for (const m of read) expect(m).toEqual(canonical(message));
            // … and never silence: the frame comes out intact or something is refused.
            expect(read.length > 0 || refusals(results).length > 0).toBe(true);
          },
        ),
        { seed: 6304, numRuns: 500 },
      );
    });

    it('a frame whose checksum digits were hit is refused with its message id', () => {
      fc.assert(
        fc.property(
          arbitraryMessage(),
          fc.integer({ min: 1, max: 2 }),
          fc.integer({ min: 0, max: 7 }),
          (message, fromEnd, bit) => {
            const frame = frameOf(framer, message);
            const at = frame.length - fromEnd;
            frame[at] = (frame[at] ?? 0) ^ (1 << bit);
            fc.pre(frame[at] !== 0x02); // an STX there starts a frame instead
            const results = receive(framer, [frame]);
            expect(results).toEqual([
              {
                ok: false,
                error: expect.stringMatching(/checksum/),
                id: message.id,
                type: message.type,
              },
            ]);
          },
        ),
        { seed: 6305, numRuns: 300 },
      );
    });

    it('no single bit flip anywhere in a golden frame goes unnoticed or yields another message', () => {
      for (const message of samples) {
        const frame = frameOf(framer, message);
        for (let at = 0; at < frame.length; at += 1) {
          for (let bit = 0; bit < 8; bit += 1) {
            const flipped = damage(frame, { kind: 'flip', at, bit });
            const results = receive(framer, [flipped, resync(framer)]);
            expect(messages(results)).toEqual([good]);
            expect(refusals(results).length).toBeGreaterThan(0);
          }
        }
      }
    });
  });

  it('a payload naming its id is refused with that id, however the rest is wrong', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...messageTypes, 'FILL', ''),
        fc.stringMatching(/^[A-Za-z0-9._-]{1,40}$/),
        lookalike,
        fc.oneof(fc.constant(Buffer.alloc(0)), randomBytes),
        (type, id, rest, raw) => {
          fc.pre(!/(^|\|)id=/.test(rest + raw.toString('latin1')));
          const payload = Buffer.concat([Buffer.from(`${type}|id=${id}|${rest}`, 'utf8'), raw]);
          const result = decode(payload);
          expectWellFormed([result]);
          expect(result.ok ? result.message.id : result.id).toBe(id);
        },
      ),
      { seed: 6306, numRuns: 500 },
    );
  });
});
