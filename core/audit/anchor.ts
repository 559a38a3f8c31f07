// The chain head (sequence and hash) kept outside the database file: in the keychain (or the
// secrets file) after each batch of commits, beside every backup, and on every bound-book
// export. Someone who deletes the newest entries, or puts an older copy of the file back, leaves
// a chain that is whole but shorter than, or different from, what was anchored.
import fs from 'node:fs';
import { z } from 'zod';
import type { Clock } from '../clock.ts';
import { fingerprintOf, type Db } from '../db/open.ts';
import type { Logger } from '../log/logger.ts';
import type { SecretStore } from '../secrets/port.ts';
import { GENESIS_HASH, type TamperFinding } from './model.ts';

export const chainAnchorShape = z.object({
  seq: z.number().int().nonnegative(),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  at: z.string(),
});
export type ChainAnchor = z.infer<typeof chainAnchorShape>;

/** The keychain entry of a store's anchor: one per database key, so stores never share one. */
export const anchorRefOf = (hexKey: string) => `audit-anchor/${fingerprintOf(hexKey)}`;

const headOf = (db: Db): { seq: number; hash: string } => {
  const row = db
    .prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1')
    .raw()
    .get() as [number, string] | undefined;
  return { seq: row?.[0] ?? 0, hash: row?.[1] ?? GENESIS_HASH };
};

/** The chain against an anchor: null when the chain still holds the anchored entry. */
export function checkAgainstAnchor(db: Db, anchor: ChainAnchor): TamperFinding | null {
  if (anchor.seq === 0) return null;
  const head = headOf(db);
  if (head.seq < anchor.seq)
    return {
      kind: 'log_truncated',
      anchoredSeq: anchor.seq,
      anchoredAt: anchor.at,
      headSeq: head.seq,
    };
  const stored = db.prepare('SELECT hash FROM audit_log WHERE seq = ?').pluck().get(anchor.seq);
  return stored === anchor.hash
    ? null
    : { kind: 'log_replaced', anchoredSeq: anchor.seq, anchoredAt: anchor.at };
}

/**
 * One line a bound-book export prints, read on the export's own connection (the same snapshot
 * as its rows): an inspector holding a printed book can later ask whether the store's chain
 * still holds that entry with that hash.
 */
export function chainAnchorLine(db: Db, nowMs: number): string {
  const head = headOf(db);
  return `Audit chain head at export: entry ${head.seq}, SHA-256 ${head.hash}, ${new Date(nowMs).toISOString()}`;
}

/** Beside a backup copy: the newest entry the copy holds. */
export const backupAnchorFileOf = (backupFile: string) => `${backupFile}.anchor.json`;

/** Writes the anchor of a backup: `head` read before the copy began (the copy holds it). */
export function writeBackupAnchor(
  backupFile: string,
  head: { seq: number; hash: string },
  nowMs: number,
): void {
  const anchor: ChainAnchor = { ...head, at: new Date(nowMs).toISOString() };
  fs.writeFileSync(backupAnchorFileOf(backupFile), `${JSON.stringify(anchor, null, 2)}\n`, {
    mode: 0o600,
  });
}

/** A backup's anchor, or null when it has none (made before this version) or it is unreadable. */
export function readBackupAnchor(backupFile: string): ChainAnchor | null {
  try {
    const parsed = chainAnchorShape.safeParse(
      JSON.parse(fs.readFileSync(backupAnchorFileOf(backupFile), 'utf8')),
    );
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * Keeps the store's anchor in the secret store. Written a moment after a batch of commits
 * (never on the write path itself: the keychain is slow), only ever forward, and frozen once
 * a check found the chain behind it (the evidence stays until a restore re-anchors).
 */
export class AnchorKeeper {
  private readonly db: Db;
  private readonly secrets: SecretStore;
  private readonly ref: string;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly delayMs: number;
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();
  /** The newest anchor written or read this run. */
  private held: ChainAnchor | null = null;
  private frozen = false;
  /** What the first check found: kept as found until a restore re-anchors. */
  private finding: TamperFinding | null = null;

  constructor(o: {
    db: Db;
    secrets: SecretStore;
    hexKey: string;
    clock: Clock;
    log: Logger;
    delayMs?: number;
  }) {
    this.db = o.db;
    this.secrets = o.secrets;
    this.ref = anchorRefOf(o.hexKey);
    this.clock = o.clock;
    this.log = o.log;
    this.delayMs = o.delayMs ?? 500;
  }

  /** Called after each audit entry: the anchor follows shortly after, once per batch. */
  noteAppend(): void {
    if (this.timer || this.frozen) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, this.delayMs);
    this.timer.unref();
  }

  /** Writes the head now if it moved past the anchor. Never rejects (a failure is logged). */
  flush(): Promise<void> {
    this.writing = this.writing.then(async () => {
      if (this.frozen || !this.db.open) return;
      const head = headOf(this.db);
      if (this.held && head.seq <= this.held.seq) return;
      await this.write(head);
    });
    return this.writing;
  }

  /** After a deliberate restore: the restored chain becomes the anchor. */
  reanchor(): Promise<void> {
    this.frozen = false;
    this.finding = null;
    this.held = null;
    return this.flush();
  }

  /** Reads the anchor and checks the chain against it (at start and in verify). */
  async check(): Promise<TamperFinding | null> {
    if (this.finding) return this.finding;
    const raw = await this.secrets.get(this.ref);
    if (raw === null) return null;
    let parsed;
    try {
      parsed = chainAnchorShape.safeParse(JSON.parse(raw));
    } catch {
      return null;
    }
    if (!parsed.success) return null;
    if (!this.held || parsed.data.seq > this.held.seq) this.held = parsed.data;
    const finding = checkAgainstAnchor(this.db, parsed.data);
    if (finding) {
      this.frozen = true;
      this.finding = finding;
    }
    return finding;
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private async write(head: { seq: number; hash: string }): Promise<void> {
    const anchor: ChainAnchor = { ...head, at: new Date(this.clock.now()).toISOString() };
    try {
      await this.secrets.set(this.ref, JSON.stringify(anchor));
      this.held = anchor;
    } catch (error) {
      this.log.warn(
        'The audit chain head could not be anchored in the keychain; trying again later',
        {
          error: String(error),
        },
      );
    }
  }
}
