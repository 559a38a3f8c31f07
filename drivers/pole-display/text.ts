// What fits on a pole display: plain ASCII (the VFD's character set is not Unicode, and a
// control byte in a product name must never reach it as a command), a line cut or padded to
// the display's width, and the frames of a line that scrolls because it is too long.

// Letters NFKD does not take apart, and punctuation a till prints but a VFD lacks.
const spelled: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  Æ: 'AE',
  œ: 'oe',
  Œ: 'OE',
  ø: 'o',
  Ø: 'O',
  ł: 'l',
  Ł: 'L',
  đ: 'd',
  Đ: 'D',
  ð: 'd',
  Ð: 'D',
  þ: 'th',
  Þ: 'Th',
  ı: 'i',
  '‘': "'",
  '’': "'",
  '‚': "'",
  '“': '"',
  '”': '"',
  '„': '"',
  '«': '"',
  '»': '"',
  '–': '-',
  '—': '-',
  '−': '-',
  '…': '...',
  '×': 'x',
  '€': 'EUR',
  '£': 'GBP',
  '¢': 'c',
};

/** Folds text to printable ASCII: "Crème brûlée – 2×" → "Creme brulee - 2x". */
export function foldToAscii(text: string): string {
  return [...text]
    .map((c) => spelled[c] ?? c)
    .join('')
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[\t\n\r\u00a0\u2000-\u200b\u202f\u205f\u3000]/g, ' ')
    .replace(/[^\x20-\x7e]/g, (c) => (/\p{Cc}/u.test(c) ? '' : '?'));
}

/** The line as the display shows it: cut to `width`, padded with spaces to clear the rest. */
export function fitLine(text: string, width: number): string {
  return text.slice(0, width).padEnd(width);
}

/** The gap between the end of a scrolling line and its start coming round again. */
export const marqueeGap = '   ';

/**
 * The `step`th frame of a line scrolling right to left: frame 0 is the line's start, each
 * next frame moves one character on, and after the gap the start comes round again.
 */
export function marqueeFrame(text: string, width: number, step: number): string {
  if (text.length <= width) return fitLine(text, width);
  const loop = text + marqueeGap;
  const start = step % loop.length;
  return (loop + loop).slice(start, start + width);
}
