// A signature kept with its record: checked again on the server, stored as its picture and
// strokes, read back whole, audited, and never changed or removed.
import { describe, expect, it } from 'vitest';
import { servicesForTest } from '../testing/fixtures.ts';
import { penStroke, SAMPLE_PNG, scribble } from './testing.ts';

const signed = { png: SAMPLE_PNG, strokes: [penStroke(scribble(50))], width: 600, height: 160 };
const pickup = { type: 'rx_pickup', id: 'P-1001' } as const;

describe('signatures kept with their record', () => {
  it('stores the picture and strokes and reads them back whole, audited', async () => {
    const s = await servicesForTest();
    const kept = s.signatures.record('lena', {
      record: pickup,
      signer: 'Pat Patient',
      signature: signed,
    });
    expect(s.signatures.forRecord(pickup)).toEqual([
      {
        ...signed,
        id: kept.id,
        record: pickup,
        signer: 'Pat Patient',
        capturedBy: 'lena',
        capturedAt: s.clock.now(),
      },
    ]);
    expect(s.signatures.forRecord({ type: 'rx_pickup', id: 'P-9' })).toEqual([]);
    expect(s.audit.query({ action: 'signature.capture' }).entries[0]).toMatchObject({
      actor: 'lena',
      entityId: 'P-1001',
    });
  });

  it('refuses a dot, a picture that is not a PNG, and an unnamed signer', async () => {
    const s = await servicesForTest();
    expect(() =>
      s.signatures.record('lena', {
        record: pickup,
        signer: 'Pat',
        signature: {
          ...signed,
          strokes: [
            penStroke([
              [5, 5],
              [6, 5],
            ]),
          ],
        },
      }),
    ).toThrow('That is a dot or a tick, not a signature.');
    expect(() =>
      s.signatures.record('lena', {
        record: pickup,
        signer: 'Pat',
        signature: { ...signed, png: 'data:image/png;base64,SGVsbG8gd29ybGQ=' },
      }),
    ).toThrow(/not a PNG/);
    expect(() =>
      s.signatures.record('lena', { record: pickup, signer: ' ', signature: signed }),
    ).toThrow(/who signed/);
    expect(s.signatures.forRecord(pickup)).toEqual([]);
  });

  it('is never changed or removed', async () => {
    const s = await servicesForTest();
    s.signatures.record('lena', { record: pickup, signer: 'Pat', signature: signed });
    expect(() => s.store.db.prepare("UPDATE signatures SET signer = 'X'").run()).toThrow(
      /never changed/,
    );
    expect(() => s.store.db.prepare('DELETE FROM signatures').run()).toThrow(/never removed/);
  });
});
