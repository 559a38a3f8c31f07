// Walking the hash chain. SQLite hands over each entry as its canonical line (built in SQL),
// a chunk of thousands per call, so the cost is the hashing, not decoding column by column.
import type { Db } from '../db/open.ts';
import { canonicalLineSql, sha256 } from './chain.ts';
import { GENESIS_HASH, type VerifyResult } from './model.ts';

const HASH_LENGTH = 64;
const GROUP_SEP = '\x1d';

export type RangeVerdict =
  | { ok: true; from: number; to: number; lastHash: string }
  | { ok: false; brokenAt: number; reason: string };

/** Verifies entries from..to (inclusive, by seq) a chunk at a time. */
export class RangeWalker {
  private expected: number;
  private prevHash: string;
  private readonly to: number;
  private readonly from: number;
  private readonly chunk;
  private verdict: RangeVerdict | null = null;

  constructor(db: Db, from: number, to: number) {
    this.from = from;
    this.to = to;
    this.expected = from;
    const withRecords =
      db
        .prepare("SELECT 1 FROM pragma_table_info('audit_log') WHERE name = 'records_hash'")
        .get() !== undefined;
    this.chunk = db
      .prepare(
        `SELECT group_concat(${canonicalLineSql(withRecords)} || char(29) || hash, char(10))
         FROM (SELECT * FROM audit_log WHERE seq >= ? AND seq <= ? ORDER BY seq LIMIT ?)`,
      )
      .pluck();
    // The range starts from the stored hash of the entry before it; the range before this
    // one checks that entry's own contents.
    const before =
      from === 1
        ? GENESIS_HASH
        : (db
            .prepare('SELECT hash FROM audit_log WHERE seq = ?')
            .pluck()
            .get(from - 1) as string | undefined);
    this.prevHash = before ?? '';
    if (before === undefined)
      this.verdict = { ok: false, brokenAt: from - 1, reason: `entry ${from - 1} is missing` };
  }

  /** Checks up to `limit` more entries; the verdict once the range ends or a link breaks. */
  step(limit: number): RangeVerdict | null {
    if (this.verdict) return this.verdict;
    if (this.expected > this.to) return (this.verdict = this.done());
    const text = this.chunk.get(this.expected, this.to, limit) as string | null;
    const lines = text === null ? [] : text.split('\n');
    for (const line of lines) {
      const broken = this.check(line);
      if (broken) return (this.verdict = broken);
    }
    if (lines.length < limit) {
      return (this.verdict =
        this.expected <= this.to
          ? { ok: false, brokenAt: this.expected, reason: `entry ${this.expected} is missing` }
          : this.done());
    }
    return null;
  }

  private done(): RangeVerdict {
    return { ok: true, from: this.from, to: this.to, lastHash: this.prevHash };
  }

  private check(line: string): RangeVerdict | null {
    const seq = this.expected;
    const cut = line.length - HASH_LENGTH - 1;
    const canonical = line.slice(0, cut);
    const stored = line.slice(cut + 1);
    const found = Number.parseInt(canonical, 10);
    if (found !== seq) {
      return found > seq
        ? { ok: false, brokenAt: seq, reason: `entry ${seq} is missing` }
        : { ok: false, brokenAt: seq, reason: 'its sequence number was changed' };
    }
    if (line[cut] !== GROUP_SEP || canonical.slice(-HASH_LENGTH) !== this.prevHash) {
      return line[cut] === GROUP_SEP
        ? {
            ok: false,
            brokenAt: seq,
            reason: 'its previous-hash does not match the entry before it',
          }
        : { ok: false, brokenAt: seq, reason: 'its contents do not match its hash' };
    }
    if (sha256(canonical) !== stored) {
      return { ok: false, brokenAt: seq, reason: 'its contents do not match its hash' };
    }
    this.prevHash = stored;
    this.expected = seq + 1;
    return null;
  }
}

/** Combines the verdicts of consecutive ranges that together cover entries 1..length. */
export function combineVerdicts(length: number, verdicts: RangeVerdict[]): VerifyResult {
  for (const v of verdicts) {
    if (!v.ok) return { ok: false, length: v.brokenAt - 1, brokenAt: v.brokenAt, reason: v.reason };
  }
  const last = verdicts.at(-1);
  return { ok: true, length, headHash: last?.ok ? last.lastHash : GENESIS_HASH };
}

/** Splits 1..length into `parts` consecutive ranges. */
export function splitRanges(length: number, parts: number): [number, number][] {
  const size = Math.ceil(length / parts);
  const out: [number, number][] = [];
  for (let from = 1; from <= length; from += size)
    out.push([from, Math.min(length, from + size - 1)]);
  return out;
}
