import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../core/audit/model.ts';
import { auditQuerySchema } from './rules.ts';
import { appendOlder, mergeNewest, noFilters, queryOf } from './audit.ts';

const entry = (seq: number): AuditEntry => ({
  seq,
  time: new Date(2026, 0, 1, 0, 0, seq).toISOString(),
  actor: 'owner',
  action: 'user.create',
  entity: 'user',
  entityId: String(seq),
  payloadHash: 'p',
  externalRef: null,
  outcome: 'success',
  prevHash: 'a',
  hash: 'b',
});
const seqs = (n: number, m: number) => Array.from({ length: n - m + 1 }, (_, i) => entry(n - i));

describe('audit viewer', () => {
  it('builds a query the server’s schema accepts, days in local time', () => {
    const q = queryOf(
      {
        ...noFilters,
        actor: 'owner',
        action: 'auth.login',
        fromDay: '2026-03-01',
        toDay: '2026-03-02',
      },
      50,
    );
    expect(auditQuerySchema.safeParse(q).success).toBe(true);
    expect(q).toMatchObject({ actor: 'owner', action: 'auth.login', limit: 50 });
    expect(new Date(q.from ?? NaN).getHours()).toBe(0);
    expect(new Date(q.to ?? NaN).getHours()).toBe(23);
    expect(queryOf(noFilters, 10)).toEqual({ limit: 10 });
  });

  it('puts new entries on top and keeps the older pages loaded', () => {
    const shown = { entries: seqs(100, 51), nextBeforeSeq: 51 };
    const merged = mergeNewest(shown, { entries: seqs(102, 53), nextBeforeSeq: 53 });
    expect(merged.entries.map((e) => e.seq).slice(0, 3)).toEqual([102, 101, 100]);
    expect(merged.entries).toHaveLength(52);
    expect(merged.nextBeforeSeq).toBe(51);
  });

  it('starts over from the newest page when more arrived than a page holds', () => {
    const shown = { entries: seqs(100, 51), nextBeforeSeq: 51 };
    const newest = { entries: seqs(200, 151), nextBeforeSeq: 151 };
    expect(mergeNewest(shown, newest)).toBe(newest);
  });

  it('shows the first entries of an empty log and leaves an unchanged one alone', () => {
    const newest = { entries: seqs(3, 1), nextBeforeSeq: null };
    expect(mergeNewest({ entries: [], nextBeforeSeq: null }, newest)).toBe(newest);
    const shown = { entries: seqs(3, 1), nextBeforeSeq: null };
    expect(mergeNewest(shown, newest)).toBe(shown);
  });

  it('appends older pages without repeating an entry', () => {
    const shown = { entries: seqs(100, 51), nextBeforeSeq: 51 };
    const next = appendOlder(shown, { entries: seqs(51, 2), nextBeforeSeq: 2 });
    expect(next.entries.map((e) => e.seq)).toEqual(seqs(100, 2).map((e) => e.seq));
    expect(next.nextBeforeSeq).toBe(2);
  });
});
