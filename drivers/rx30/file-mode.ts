// Rx30 file mode: the drop file read with createDropFileReader, each line decoded with the
// codec (one message per line, the newline framing), and handed to the store's sink with the
// position read up to; the sink applies them and saves the position in one transaction.
import type { DecodedRecord } from '../../core/pharmacy/file-import.ts';
import { defaultCodec, type Codec } from './codec.ts';
import {
  createDropFileReader,
  dropPositionSchema,
  type DropFileError,
  type DropPosition,
} from './file-drop.ts';

export interface FileModeSink {
  position(): unknown;
  take(records: readonly DecodedRecord[], position: DropPosition): unknown;
}

export function createFileModeImport(o: {
  folder: string;
  fileName: string;
  sink: FileModeSink;
  codec?: Codec;
  pollMs?: number;
  watch?: boolean;
  onError?: (error: DropFileError) => void;
}) {
  const codec = o.codec ?? defaultCodec;
  const reader = createDropFileReader({
    folder: o.folder,
    fileName: o.fileName,
    ...(o.pollMs ? { pollMs: o.pollMs } : {}),
    ...(o.watch === undefined ? {} : { watch: o.watch }),
    ...(o.onError ? { onError: o.onError } : {}),
    onRecords: async (records, position) => {
      o.sink.take(
        records.map((r): DecodedRecord => {
          const d = codec.decode(Buffer.from(r.text, 'utf8'));
          return d.ok ? d : { ok: false, error: `${r.file} at byte ${r.offset}: ${d.error}` };
        }),
        position,
      );
    },
  });
  return {
    /** Resumes from the saved position (a position that is not one starts over at 0). */
    start: () => {
      const saved = dropPositionSchema.safeParse(o.sink.position());
      return reader.start(saved.success ? saved.data : null);
    },
    checkNow: () => reader.checkNow(),
    stop: () => reader.stop(),
  };
}
