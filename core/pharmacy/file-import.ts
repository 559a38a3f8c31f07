// File mode's sink: what the drop file held, decoded by the driver, applied exactly once
// (PharmacyInbox) together with the position read up to, in one transaction. In file mode
// Rx30 is never told of pickups: the link is one-way.
import type { Clock } from '../clock.ts';
import type { Db } from '../db/open.ts';
import type { Logger } from '../log/logger.ts';
import type { PharmacyInbox } from './inbox.ts';
import type { Rx30Message } from './messages.ts';

/** A record of the drop file as the driver decoded it. */
export type DecodedRecord = { ok: true; message: Rx30Message } | { ok: false; error: string };

export class Rx30FileImport {
  private readonly db: Db;
  private readonly inbox: PharmacyInbox;
  private readonly clock: Clock;
  private readonly log: Logger;

  constructor(o: { db: Db; inbox: PharmacyInbox; clock: Clock; log: Logger }) {
    this.db = o.db;
    this.inbox = o.inbox;
    this.clock = o.clock;
    this.log = o.log;
  }

  /** Where reading resumes (the driver validates it), or null to start at the beginning. */
  position(): unknown {
    const raw = this.db
      .prepare('SELECT position FROM rx30_file_position WHERE singleton = 1')
      .pluck()
      .get() as string | undefined;
    return raw === undefined ? null : (JSON.parse(raw) as unknown);
  }

  /** Applies a batch and saves the position after it, all or nothing. */
  take(records: readonly DecodedRecord[], position: unknown): { applied: number; refused: number } {
    return this.db
      .transaction(() => {
        let applied = 0;
        let refused = 0;
        for (const r of records) {
          if (!r.ok) {
            // A record that cannot be read is logged and passed over: it must not stop the file.
            refused++;
            this.log.warn('A record in the Rx30 drop file could not be read; skipped', {
              error: r.error,
            });
            continue;
          }
          if (this.inbox.apply(r.message).outcome === 'applied') applied++;
        }
        this.db
          .prepare(
            `INSERT INTO rx30_file_position (singleton, position, updated_at) VALUES (1, ?, ?)
             ON CONFLICT (singleton) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at`,
          )
          .run(JSON.stringify(position), this.clock.now());
        return { applied, refused };
      })
      .immediate();
  }
}
