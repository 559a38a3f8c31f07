// The simulator's screen decodes both command sets, even when commands arrive in pieces.
import { describe, expect, it } from 'vitest';
import { PoleDisplayScreen } from './screen.ts';

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(
    parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))),
  );

describe('the pole display screen', () => {
  it('follows Epson init, clear, home and cursor moves', () => {
    const screen = new PoleDisplayScreen('epson', 8);
    screen.feed(bytes([0x1b, 0x40], 'Hello', [0x1f, 0x24, 3, 2], 'World', [0x0b], 'J'));
    expect(screen.screen()).toEqual(['Jello   ', '  World ']);
    screen.feed(bytes([0x0c]));
    expect(screen.screen()).toEqual(['        ', '        ']);
    screen.feed(bytes([0x1f, 0x58, 2]));
    expect(screen.brightness).toBe(2);
    expect(screen.unknown()).toEqual([]);
  });

  it('wraps past the end of a line to the start of the other (overwrite mode)', () => {
    const screen = new PoleDisplayScreen('epson', 4);
    screen.feed(bytes('ABCDEF'));
    expect(screen.screen()).toEqual(['ABCD', 'EF  ']);
  });

  it('sets CD5220 lines with ESC Q A / ESC Q B', () => {
    const screen = new PoleDisplayScreen('cd5220', 8);
    screen.feed(
      bytes([0x1b, 0x51, 0x41], 'Upper line too long', [0x0d], [0x1b, 0x51, 0x42], 'Low', [0x0d]),
    );
    expect(screen.screen()).toEqual(['Upper li', 'Low     ']);
    expect(screen.unknown()).toEqual([]);
  });

  it('waits for the rest of a command split across reads', () => {
    const screen = new PoleDisplayScreen('cd5220', 8);
    const all = bytes([0x1b, 0x51, 0x42], 'Split', [0x0d]);
    for (const b of all) screen.feed(Buffer.from([b]));
    expect(screen.screen()).toEqual(['        ', 'Split   ']);
    const epson = new PoleDisplayScreen('epson', 8);
    for (const b of bytes([0x1f, 0x24, 2, 2], 'x')) epson.feed(Buffer.from([b]));
    expect(epson.screen()).toEqual(['        ', ' x      ']);
  });

  it('keeps the bytes it does not understand', () => {
    const screen = new PoleDisplayScreen('epson', 8);
    // ESC Q is CD5220; an Epson display drops the ESC and prints the rest.
    screen.feed(bytes([0x1b, 0x51, 0x41], 'x'));
    expect(screen.unknown()).toEqual([0x1b]);
    expect(screen.screen()).toEqual(['QAx     ', '        ']);
  });
});
