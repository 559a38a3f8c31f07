// The default codec: the golden frame of every message type (as PROTOCOL.md shows it), the
// escapes and typed fields, refusals that name the message, and any valid message through
// any framing and any chunking back to itself.
import fs from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { messageTypes, rx30MessageSchema, type MessageType } from '../../core/pharmacy/messages.ts';
import { defaultCodec, escapeText, layouts, readBatch, schemas } from './codec.ts';
import { framers, stxEtx, type FrameBatch } from './framing.ts';
import { arbitraryMessage, canonical, sampleMessages, split } from './testing.ts';

const { encode, decode } = defaultCodec;
const text = (s: string) => Buffer.from(s, 'utf8');
/** A frame as PROTOCOL.md writes it: STX and ETX by name, the rest as text. */
const shown = (frame: Buffer) =>
  frame.toString('utf8').replace('\x02', '<STX>').replace('\x03', '<ETX>');

/** Exactly these frames are documented in PROTOCOL.md; a change to either must change both. */
const golden: Record<MessageType, string> = {
  READY: String.raw`<STX>READY|id=R-1001|storeId=S1|rxNumber=600123|fillNumber=2|patientId=P-4471|lastName=Nguyen|firstName=Anne-Marie|dateOfBirth=1958-04-09|drug=Amoxicillin 500 mg \| 21 caps|amountDue=1250|taxable=N|fsaHsaEligible=1250|hipaaNoticeRequired=Y|counselingRequired=Y|safetyCapWaiver=N|controlledSchedule=|willCallBin=B-14|fillDate=2026-03-02|partialFill=N<ETX>01`,
  STATUS: String.raw`<STX>STATUS|id=R-1002|storeId=S1|rxNumber=600123|fillNumber=2|status=returned_to_stock<ETX>81`,
  PATIENT_QUERY: String.raw`<STX>PATIENT_QUERY|id=Q-17|storeId=S1|patientId=P-4471<ETX>35`,
  PATIENT: String.raw`<STX>PATIENT|id=R-1003|storeId=S1|patientId=P-4471|address=12 Oak St\nApt 3\\B|phone=555-0142<ETX>63`,
  SOLD: String.raw`<STX>SOLD|id=Q-18|storeId=S1|invoice=INV-20260302-0042|date=2026-03-02|lines.0.rxNumber=600123|lines.0.fillNumber=2|lines.0.amount=1250|lines.1.rxNumber=600987|lines.1.fillNumber=0|lines.1.amount=0|payments.0.type=cash|payments.0.amount=1000|payments.0.reference=|payments.1.type=card|payments.1.amount=250|payments.1.reference=T\=8841|counseling=declined|signatureRef=SIG-88|idCaptured=N<ETX>2D`,
  VOID: String.raw`<STX>VOID|id=Q-19|storeId=S1|invoice=INV-20260302-0042|reason=Rung up twice<ETX>17`,
  RETURN: String.raw`<STX>RETURN|id=Q-20|storeId=S1|invoice=INV-20260302-0042|rxNumber=600987|fillNumber=0|reason=Patient brought it back unopened<ETX>3F`,
  ACK: String.raw`<STX>ACK|id=Q-21|of=R-1001<ETX>05`,
  NAK: String.raw`<STX>NAK|id=R-1004|of=Q-19|reason=Unknown invoice INV-20260302-0042<ETX>14`,
  HEARTBEAT: String.raw`<STX>HEARTBEAT|id=Q-22<ETX>F8`,
};

describe('golden frames', () => {
  const protocol = fs.readFileSync(new URL('./PROTOCOL.md', import.meta.url), 'utf8');

  it.each(messageTypes)('%s encodes to its documented frame and decodes back equal', (type) => {
    const message = sampleMessages[type];
    const frame = framers['stx-etx'].encode(encode(message));
    expect(shown(frame)).toBe(golden[type]);
    expect(protocol).toContain(golden[type]);

    const batch = framers['stx-etx'].createDecoder().push(frame);
    expect(readBatch(batch)).toEqual([{ ok: true, message }]);
  });

  it('documents the example frame of HEARTBEAT byte by byte', () => {
    expect(protocol).toContain('02 48 45 41 52 54 42 45 41 54 7C 69 64 3D 51 2D 32 32 03 46 38');
  });
});

describe('the layouts', () => {
  it('write every field of every schema, and only those', () => {
    for (const type of messageTypes) {
      const schema: unknown = schemas[type];
      const shape = (schema as { shape: Record<string, unknown> }).shape;
      expect(['type', ...layouts[type].map((f) => f.key)].sort()).toEqual(
        Object.keys(shape).sort(),
      );
    }
  });
});

describe('escapes', () => {
  it('write \\ | = CR LF and other control characters so no framing byte is ever raw', () => {
    expect(escapeText('a\\b|c=d\re\nf\tg\x02h\x03i\x1cj\x7fk\x85l')).toBe(
      String.raw`a\\b\|c\=d\re\nf\x09g\x02h\x03i\x1Cj\x7Fk\x85l`,
    );
    expect(escapeText('Crème brûlée 😀')).toBe('Crème brûlée 😀');
  });

  it('read back what they wrote, inside any text field', () => {
    const reason = 'a\\b|c=d\re\nf\tg\x02h\x03i\x1cj\x7fk\x85l';
    const nak = { type: 'NAK', id: 'R-9', of: 'Q-1', reason } as const;
    const payload = encode(nak);
    expect([...payload].some((b) => b < 0x20 || b === 0x7f)).toBe(false);
    expect(decode(payload)).toEqual({ ok: true, message: nak });
  });

  it('refuse an unknown escape, a bare "=" and a hex escape of a printable character', () => {
    for (const [reason, why] of [
      [String.raw`bad \q`, 'unknown escape "\\q"'],
      ['bad \\', 'unknown escape "\\"'],
      ['a=b', 'not escaped'],
      [String.raw`\x41`, '\\x41'],
      [String.raw`\x0D`, '\\x0D'],
      [String.raw`\x0a`, '\\x0a'],
    ]) {
      const result = decode(text(`NAK|id=R-9|of=Q-1|reason=${reason}`));
      expect(result).toMatchObject({ ok: false, id: 'R-9', type: 'NAK' });
      expect(!result.ok && result.error).toContain(why);
    }
  });
});

describe('typed fields', () => {
  const ready = encode(sampleMessages.READY).toString('utf8');
  // The sample's fields hold no "\\|", so an unescaped "|" is one not after a backslash.
  const fields = ready.split(/(?<!\\)\|/);
  const withField = (key: string, value: string) =>
    text(fields.map((f) => (f.startsWith(`${key}=`) ? `${key}=${value}` : f)).join('|'));

  it('read whole numbers, Y/N, empty optionals as absent and an empty schedule as null', () => {
    const result = decode(withField('drug', ''));
    expect(result.ok && result.message).toEqual({ ...sampleMessages.READY, drug: undefined });
    expect(result.ok && 'drug' in result.message).toBe(false);
    const scheduled = decode(withField('controlledSchedule', 'II'));
    expect(scheduled.ok && scheduled.message).toMatchObject({ controlledSchedule: 'II' });
  });

  it('take an optional field left out as absent, and fields in any order', () => {
    const kept = fields.filter((f) => !f.startsWith('willCallBin='));
    const shuffled = [kept[0], ...kept.slice(1).reverse()].join('|');
    const result = decode(text(shuffled));
    expect(result).toEqual({
      ok: true,
      message: { ...sampleMessages.READY, willCallBin: undefined },
    });
  });

  it.each([
    ['amountDue', '12.50', 'must be a whole number'],
    ['amountDue', '-5', 'must be a whole number'],
    ['amountDue', '0100', 'must be a whole number'],
    ['amountDue', '', 'must be a whole number'],
    ['fillNumber', '100', 'fillNumber: Too big'],
    ['taxable', 'y', 'must be Y or N'],
    ['taxable', 'true', 'must be Y or N'],
    ['controlledSchedule', 'I', 'controlledSchedule'],
    ['dateOfBirth', '04/09/1958', 'A date is YYYY-MM-DD.'],
    ['lastName', ' ', 'lastName'],
    ['fsaHsaEligible', '9999', 'The FSA/HSA amount cannot exceed the amount due.'],
  ])('refuse %s=%j, naming the message so it can be NAKed', (key, value, why) => {
    const result = decode(withField(key, value));
    expect(result).toMatchObject({ ok: false, id: 'R-1001', type: 'READY' });
    expect(!result.ok && result.error).toContain(why);
    expect(!result.ok && result.error).toMatch(/^READY R-1001: /);
  });

  it('read SOLD lines and payments as numbered items and refuse a gap', () => {
    const sold = encode(sampleMessages.SOLD).toString('utf8');
    const gap = sold.replaceAll('lines.1.', 'lines.2.');
    expect(decode(text(gap))).toMatchObject({
      ok: false,
      id: 'Q-18',
      error: 'SOLD Q-18: "lines" has no item 1 (items count from 0).',
    });
    const noPayments = sold.split('|').filter((f) => !f.startsWith('payments.'));
    expect(decode(text(noPayments.join('|')))).toEqual({
      ok: true,
      message: { ...sampleMessages.SOLD, payments: [] },
    });
    const noLines = sold.split('|').filter((f) => !f.startsWith('lines.'));
    expect(decode(text(noLines.join('|')))).toMatchObject({ ok: false, id: 'Q-18' });
    const partLine = sold.replace('|lines.1.amount=0', '');
    expect(decode(text(partLine))).toMatchObject({ ok: false, id: 'Q-18' });
  });
});

describe('refusals', () => {
  it.each([
    ['', 'Message: the message is empty.', undefined, undefined],
    ['FILL|id=R-7|rx=1', 'Message R-7: unknown message type "FILL".', 'R-7', undefined],
    ['ready|id=R-7', 'Message R-7: unknown message type "ready".', 'R-7', undefined],
    [
      'HEARTBEAT|id=R-7|color=red',
      'HEARTBEAT R-7: HEARTBEAT has no field "color".',
      'R-7',
      'HEARTBEAT',
    ],
    [
      'HEARTBEAT|id=R-7|type=ACK',
      'HEARTBEAT R-7: HEARTBEAT has no field "type".',
      'R-7',
      'HEARTBEAT',
    ],
    ['HEARTBEAT|id=R-7|id=R-8', 'HEARTBEAT: the field "id" appears twice.', undefined, 'HEARTBEAT'],
    ['HEARTBEAT|id=R-7|', 'HEARTBEAT R-7: the field "" has no "=".', 'R-7', 'HEARTBEAT'],
    [
      'HEARTBEAT',
      'HEARTBEAT: id: Invalid input: expected string, received undefined',
      undefined,
      'HEARTBEAT',
    ],
    ['HEARTBEAT|id=', 'HEARTBEAT: id: A message id is 1 to 40 letters', undefined, 'HEARTBEAT'],
    ['HEARTBEAT|id=a b', 'HEARTBEAT: id: A message id', undefined, 'HEARTBEAT'],
    [
      'ACK|id=Q-1|of=R-1|lines.0.amount=1',
      'ACK Q-1: ACK has no field "lines.0.amount".',
      'Q-1',
      'ACK',
    ],
    ['SOLD|id=Q-1|lines.0.color=1', 'SOLD Q-1: SOLD has no field "lines.0.color".', 'Q-1', 'SOLD'],
    [
      'SOLD|id=Q-1|lines.01.amount=1',
      'SOLD Q-1: SOLD has no field "lines.01.amount".',
      'Q-1',
      'SOLD',
    ],
    [
      'HEARTBEAT|id=R-7\tx',
      'HEARTBEAT: holds a raw control character 0x09.',
      undefined,
      'HEARTBEAT',
    ],
    [
      'HEARTBEAT|id=R-7|x=\u0085',
      'HEARTBEAT R-7: holds a raw control character 0x85.',
      'R-7',
      'HEARTBEAT',
    ],
  ])('refuse %j', (payload, error, id, type) => {
    expect(decode(text(payload))).toEqual({
      ok: false,
      error: expect.stringContaining(error),
      ...(id && { id }),
      ...(type && { type }),
    });
  });

  it('refuse bytes that are not UTF-8, still naming the message', () => {
    const payload = Buffer.concat([
      text('VOID|id=Q-4|storeId=S1|invoice=I-1|reason='),
      Buffer.of(0xc3, 0x28),
    ]);
    expect(decode(payload)).toEqual({
      ok: false,
      error: 'The message is not valid UTF-8 text.',
      id: 'Q-4',
      type: 'VOID',
    });
  });

  it('refuse to encode a message its schema refuses', () => {
    const bad = { ...sampleMessages.ACK, of: 'not an id' };
    expect(() => encode(bad)).toThrow('Cannot send ACK Q-21: of: A message id is');
  });

  it('name a frame with a bad checksum when its id can be read', () => {
    const frame = framers['stx-etx'].encode(encode(sampleMessages.VOID));
    frame[frame.length - 1] = 0x30;
    expect(readBatch(framers['stx-etx'].createDecoder().push(frame))).toEqual([
      {
        ok: false,
        error: expect.stringMatching(/^Dropped a frame whose checksum is "10", expected 17/),
        id: 'Q-19',
        type: 'VOID',
      },
    ]);
  });

  it('leave the id out when the frame never completed', () => {
    const decoder = stxEtx().createDecoder();
    decoder.push(Buffer.from('\x02HEARTBEAT|id=Q-22|'));
    expect(readBatch(decoder.end())).toEqual([
      { ok: false, error: expect.stringContaining('ended in the middle') },
    ]);
  });
});

function collect(batches: FrameBatch[]): FrameBatch {
  return {
    frames: batches.flatMap((b) => b.frames),
    errors: batches.flatMap((b) => b.errors),
  };
}

describe('round trip', () => {
  it.each(Object.values(framers))(
    'any valid message, framed with $name and cut anywhere, decodes back equal',
    (framer) => {
      fc.assert(
        fc.property(
          fc.array(arbitraryMessage(), { minLength: 1, maxLength: 4 }),
          fc.array(fc.nat(), { maxLength: 20 }),
          (messages, cuts) => {
            const stream = Buffer.concat(messages.map((m) => framer.encode(encode(m))));
            const decoder = framer.createDecoder();
            const pieces = split(
              stream,
              cuts.map((c) => c % (stream.length + 1)),
            );
            const batch = collect([...pieces.map((p) => decoder.push(p)), decoder.end()]);
            expect(batch.errors).toEqual([]);
            expect(readBatch(batch)).toEqual(
              messages.map((m) => ({ ok: true, message: canonical(m) })),
            );
          },
        ),
        { seed: 6201, numRuns: 150 },
      );
    },
  );

  it('decodes every valid message of every type to one that core’s schema accepts', () => {
    fc.assert(
      fc.property(arbitraryMessage(), (message) => {
        const result = decode(encode(message));
        expect(result.ok && rx30MessageSchema.parse(result.message)).toEqual(canonical(message));
      }),
      { seed: 6202, numRuns: 300 },
    );
  });
});
