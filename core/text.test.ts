// The shared rules for regulated text and for the CSV the store writes (issue 14 §4).
import { describe, expect, it } from 'vitest';
import { csvCell, csvLine, hiddenCharacterIn, normalizeText, regulatedText } from './text.ts';

describe('regulated text (issue 14 §4: hidden characters defeated the duplicate-serial rule, 27 CFR 478.125(e))', () => {
  const serial = regulatedText({ what: 'serial', max: 60 });

  it('keeps text as NFKC: a full-width serial is the serial it looks like', () => {
    expect(serial.parse('ＺＷ１２３')).toBe('ZW123');
    expect(serial.parse('  ZW123 ')).toBe('ZW123');
    expect(normalizeText('a\r\nb\rc')).toBe('a\nb\nc');
  });

  it.each([
    ['ZW\u200B123', 'U+200B'], // zero-width space (Cf)
    ['ZW123\0', 'U+0000'], // NUL (Cc)
    ['ZW\u202E321', 'U+202E'], // right-to-left override (Cf)
    ['ZW\uFEFF123', 'U+FEFF'], // zero-width no-break space (Cf)
    ['ZW\uE000123', 'U+E000'], // private use (Co)
    ['ZW\tl23', 'U+0009'], // tab (Cc)
    ['ZW\n123', 'U+000A'], // a line break in a one-line field
    ['ZW\uD800123', 'U+D800'], // a lone surrogate
  ])('refuses %j, naming the character and what to do', (v, code) => {
    const r = serial.safeParse(v);
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toBe(
      `The serial contains a hidden or control character (${code}): type it again by hand instead of pasting it.`,
    );
  });

  it('lets a reason run over several lines, and nothing else hidden', () => {
    const reason = regulatedText({ what: 'reason', max: 500, lineBreaks: true });
    expect(reason.parse('Model as engraved\r\non the slide')).toBe(
      'Model as engraved\non the slide',
    );
    expect(reason.safeParse('Model\u200B as engraved').success).toBe(false);
    expect(hiddenCharacterIn('a\nb', { lineBreaks: true })).toBeNull();
    expect(hiddenCharacterIn('a\nb')).toBe('U+000A');
  });

  it('requires a value unless min is 0, and counts the normalized length', () => {
    expect(serial.safeParse('   ').success).toBe(false);
    expect(regulatedText({ what: 'name', max: 5, min: 0 }).parse('')).toBe('');
    expect(regulatedText({ what: 'name', max: 5 }).safeParse('ＡＢＣＤＥ').success).toBe(true);
  });
});

describe('CSV cells (OWASP "CSV Injection"; issue 14 §4)', () => {
  it.each([
    ['=HYPERLINK("http://evil","x")', `"'=HYPERLINK(""http://evil"",""x"")"`],
    ['+1+2', `"'+1+2"`],
    ['-2+3', `"'-2+3"`],
    ['@SUM(A1)', `"'@SUM(A1)"`],
    ['\t=1', `"'\t=1"`],
    ['\r=1', `"'\r=1"`],
  ])('neutralizes %j so a spreadsheet shows it as text', (v, cell) => {
    expect(csvCell(v)).toBe(cell);
  });

  it('leaves every other cell as it is, quoted (RFC 4180)', () => {
    expect(csvLine(['Glock', 'a "b"', '', '9-86-123-01-7K-12345', 'x=1'])).toBe(
      '"Glock","a ""b""","","9-86-123-01-7K-12345","x=1"\r\n',
    );
  });
});
