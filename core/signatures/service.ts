// Signatures kept with the record that needed them: re-checked here with the pad's own rules
// (signatureSchema: a PNG, real strokes, not a dot), stored as the picture and its strokes,
// append-only, and every capture audited.
import type { AuditLog } from '../audit/repo.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/open.ts';
import { z } from 'zod';
import { DomainError } from '../errors.ts';
import { signatureSchema, signatureStrokesSchema, type Signature } from './model.ts';

/** The kinds of record a signature is kept with. */
export const signedRecordTypes = ['rx_pickup', 'delivery'] as const;
export const signedRecordSchema = z
  .object({
    type: z.enum(signedRecordTypes),
    id: z.string().trim().min(1).max(80),
  })
  .strict();
export type SignedRecord = z.infer<typeof signedRecordSchema>;

export interface StoredSignature extends Signature {
  id: number;
  record: SignedRecord;
  signer: string;
  capturedBy: string;
  capturedAt: number;
}

const PREFIX = 'data:image/png;base64,';
const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export class SignatureStore {
  private readonly db: Db;
  private readonly audit: AuditLog;
  private readonly clock: Clock;

  constructor(o: { db: Db; audit: AuditLog; clock: Clock }) {
    this.db = o.db;
    this.audit = o.audit;
    this.clock = o.clock;
  }

  /** Keeps a signature with its record; returns its id. */
  record(
    actor: string,
    o: { record: SignedRecord; signer: string; signature: unknown },
  ): StoredSignature {
    const record = signedRecordSchema.parse(o.record);
    const signer = z.string().trim().min(1, 'Say who signed.').max(120).parse(o.signer);
    const s = signatureSchema.parse(o.signature);
    const png = Buffer.from(s.png.slice(PREFIX.length), 'base64');
    // The data URL's label is only a label: the bytes must be a PNG too.
    if (!png.subarray(0, 8).equals(PNG_MAGIC))
      throw new DomainError('invalid', 'not_png', 'The signature picture is not a PNG image.');
    const now = this.clock.now();
    const id = Number(
      this.db
        .prepare(
          `INSERT INTO signatures (record_type, record_id, signer, png, strokes, width, height, captured_by, captured_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          record.type,
          record.id,
          signer,
          png,
          JSON.stringify(s.strokes),
          s.width,
          s.height,
          actor,
          now,
        ).lastInsertRowid,
    );
    this.audit.record({
      actor,
      action: 'signature.capture',
      entity: record.type,
      entityId: record.id,
      payload: { signature: id, signer },
    });
    return { ...s, id, record, signer, capturedBy: actor, capturedAt: now };
  }

  /** The signatures kept with a record, oldest first. */
  forRecord(record: SignedRecord): StoredSignature[] {
    const r = signedRecordSchema.parse(record);
    return (
      this.db
        .prepare('SELECT * FROM signatures WHERE record_type = ? AND record_id = ? ORDER BY id')
        .all(r.type, r.id) as {
        id: number;
        signer: string;
        png: Buffer;
        strokes: string;
        width: number;
        height: number;
        captured_by: string;
        captured_at: number;
      }[]
    ).map((row) => ({
      id: row.id,
      record: r,
      signer: row.signer,
      png: `${PREFIX}${row.png.toString('base64')}`,
      strokes: signatureStrokesSchema.parse(JSON.parse(row.strokes)),
      width: row.width,
      height: row.height,
      capturedBy: row.captured_by,
      capturedAt: row.captured_at,
    }));
  }
}
