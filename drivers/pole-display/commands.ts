// The bytes for the two command sets pole displays speak (chosen on the display's DIP
// switches). Lines reach these functions already folded to ASCII and fitted to the width.
//   Epson (ESC/POS customer display, e.g. DM-D110): ESC @ `1B 40` initialize, CLR `0C`
//     clear, HOM `0B` cursor home, US $ x y `1F 24 x y` cursor to column x, row y (from 1),
//     US X n `1F 58 n` brightness 1–4.
//   CD5220: ESC @ `1B 40` initialize, CLR `0C` clear, ESC Q A … CR `1B 51 41 … 0D` the upper
//     line, ESC Q B … CR `1B 51 42 … 0D` the lower line.
import type { PoleDisplayConfig } from '../../core/devices/model.ts';

export interface PoleCommands {
  /** Reset, clear and home: sent once each time the port opens. */
  init(): Buffer;
  /** Both lines, overwriting what was there. */
  lines(line1: string, line2: string): Buffer;
  /** One line (row 1 or 2), for the frames of a scrolling line. */
  line(row: 1 | 2, text: string): Buffer;
}

const ESC = 0x1b;
const US = 0x1f;
const ascii = (text: string) => Buffer.from(text, 'latin1');

export const epsonCommands: PoleCommands = {
  init: () => Buffer.from([ESC, 0x40, 0x0c]),
  line: (row, text) => Buffer.concat([Buffer.from([US, 0x24, 1, row]), ascii(text)]),
  lines: (line1, line2) =>
    Buffer.concat([Buffer.from([0x0b]), ascii(line1), Buffer.from([US, 0x24, 1, 2]), ascii(line2)]),
};

export const cd5220Commands: PoleCommands = {
  init: () => Buffer.from([ESC, 0x40, 0x0c]),
  line: (row, text) =>
    Buffer.concat([
      Buffer.from([ESC, 0x51, row === 1 ? 0x41 : 0x42]),
      ascii(text),
      Buffer.from([0x0d]),
    ]),
  lines: (line1, line2) =>
    Buffer.concat([cd5220Commands.line(1, line1), cd5220Commands.line(2, line2)]),
};

export const poleCommands: Record<PoleDisplayConfig['model'], PoleCommands> = {
  epson: epsonCommands,
  cd5220: cd5220Commands,
};
