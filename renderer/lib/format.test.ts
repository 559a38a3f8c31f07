import { describe, expect, it } from 'vitest';
import { dayBoundary, formatBytes, formatDuration, formatMoney, localToday } from './format.ts';

describe('formatting', () => {
  it('shows sizes in binary units with one decimal', () => {
    expect(formatBytes(512, 'en')).toBe('512 B');
    expect(formatBytes(4096, 'en')).toBe('4 kB');
    expect(formatBytes(1.5 * 1024 * 1024, 'en')).toBe('1.5 MB');
    expect(formatBytes(1.5 * 1024 * 1024, 'es')).toBe('1,5 MB');
    expect(formatBytes(null, 'en')).toBe('');
  });

  it('says how long the screen waits before locking, in the reader’s language', () => {
    expect(formatDuration(600_000, 'en')).toBe('10 minutes');
    expect(formatDuration(600_000, 'es')).toBe('10 minutos');
    expect(formatDuration(3000, 'en')).toBe('3 seconds');
    expect(formatDuration(3_600_000, 'en')).toBe('1 hour');
  });

  it('turns a local day into the first and last instant of that day', () => {
    const start = new Date(dayBoundary('2026-03-02', 'start') ?? NaN);
    const end = new Date(dayBoundary('2026-03-02', 'end') ?? NaN);
    expect([start.getFullYear(), start.getMonth(), start.getDate(), start.getHours()]).toEqual([
      2026, 2, 2, 0,
    ]);
    expect([end.getDate(), end.getHours(), end.getMinutes()]).toEqual([2, 23, 59]);
    expect(dayBoundary('', 'start')).toBeUndefined();
    expect(dayBoundary('02/03/2026', 'end')).toBeUndefined();
  });
  it('gives this PC’s date as YYYY-MM-DD, zero-padded', () => {
    expect(localToday(new Date(2026, 0, 5, 23, 59))).toBe('2026-01-05');
    expect(localToday(new Date(2026, 10, 21, 0, 1))).toBe('2026-11-21');
  });

  it('shows cents as dollars and cents', () => {
    expect(formatMoney(1250)).toBe('$12.50');
    expect(formatMoney(5)).toBe('$0.05');
    expect(formatMoney(0)).toBe('$0.00');
  });
});
