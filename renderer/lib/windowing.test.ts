import { describe, expect, it } from 'vitest';
import { nearEnd, rowWindow } from './windowing.ts';

describe('the ledger grid window', () => {
  it('draws only the rows in view plus the overscan, padding the rest', () => {
    const w = rowWindow({ scrollTop: 36_000, viewHeight: 360, rowHeight: 36, count: 1_000_000 });
    expect(w.first).toBe(992);
    expect(w.last).toBe(1018);
    expect(w.padTop).toBe(992 * 36);
    expect(w.padTop + (w.last - w.first + 1) * 36 + w.padBottom).toBe(1_000_000 * 36);
  });

  it('clamps at both ends and handles an empty list', () => {
    expect(rowWindow({ scrollTop: 0, viewHeight: 360, rowHeight: 36, count: 3 })).toEqual({
      first: 0,
      last: 2,
      padTop: 0,
      padBottom: 0,
    });
    expect(rowWindow({ scrollTop: 0, viewHeight: 360, rowHeight: 36, count: 0 }).last).toBe(-1);
  });

  it('asks for the next page only near the end', () => {
    expect(nearEnd({ scrollTop: 0, viewHeight: 360, rowHeight: 36, count: 100 })).toBe(false);
    expect(nearEnd({ scrollTop: 2_700, viewHeight: 360, rowHeight: 36, count: 100 })).toBe(true);
  });
});
