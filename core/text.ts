// Text that goes on a regulated record (the bound book, checks, permits, pharmacy records) and
// text the store writes to files others open. Pure (no Node, no I/O): the forms check with the
// same rules as they are typed (through the domain model.ts files), and the server again.
import { z } from 'zod';

/**
 * Characters a record never holds: control (Cc: NUL, tab, line breaks), format (Cf: zero-width
 * spaces and joiners, bidi overrides, soft hyphens), private-use (Co) and lone surrogates (Cs).
 * Each is invisible or means nothing on paper, so "ZW123" and "ZW\u200B123" would print alike
 * and still be two serials: the duplicate-serial rule (27 CFR 478.125(e)) would not see them.
 */
const HIDDEN = /[\p{Cc}\p{Cf}\p{Co}\p{Cs}]/u;
/** The same, but a line break is allowed (reasons and notes are typed in a text area). */
const HIDDEN_BUT_LINE_BREAK = /(?![\n])[\p{Cc}\p{Cf}\p{Co}\p{Cs}]/u;

/** How a character is named to a clerk: its code point ("U+200B"). */
const codePoint = (c: string) =>
  `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * Text as it is kept: Unicode NFKC (full-width "ＺＷ１２３" is "ZW123", the "ﬁ" ligature is
 * "fi"), line ends as "\n". What was typed and what is compared are then the same text.
 */
export function normalizeText(v: string): string {
  return v.normalize('NFKC').replace(/\r\n?/g, '\n');
}

/** The first hidden character in `v` as a code point ("U+200B"), or null. */
export function hiddenCharacterIn(v: string, o: { lineBreaks?: boolean } = {}): string | null {
  const m = (o.lineBreaks ? HIDDEN_BUT_LINE_BREAK : HIDDEN).exec(v);
  return m ? codePoint(m[0]) : null;
}

/** The text with every hidden character removed (for keys computed from stored text). */
export const withoutHiddenCharacters = (v: string) => v.replace(new RegExp(HIDDEN, 'gu'), '');

export interface RegulatedTextOptions {
  /** What the field is, in the clerk's words ("serial", "source name"). */
  what: string;
  max: number;
  /** 0 for a field that may be left blank (a search box, an optional detail). Default 1. */
  min?: number;
  /** Reasons and notes may run over several lines; every other field is one line. */
  lineBreaks?: boolean;
}

/**
 * A text field of a regulated record: normalized (NFKC), trimmed, and refused if it holds a
 * control, format (zero-width, bidi) or private-use character, with the character named and
 * what to do. Every regulated text field goes through this one schema.
 */
export function regulatedText(o: RegulatedTextOptions) {
  const min = o.min ?? 1;
  let s = z
    .string()
    .overwrite(normalizeText)
    .trim()
    .refine((v) => hiddenCharacterIn(v, o) === null, {
      error: (issue) => {
        const c = typeof issue.input === 'string' ? hiddenCharacterIn(issue.input, o) : null;
        return `The ${o.what} contains a hidden or control character (${c ?? 'unknown'}): type it again by hand instead of pasting it.`;
      },
    })
    .max(o.max, `The ${o.what} is at most ${o.max} characters.`);
  if (min > 0) s = s.min(min, `Enter the ${o.what}.`);
  return s;
}

// ---------------------------------------------------------------------------------------
// CSV the store writes (RFC 4180), safe to open in a spreadsheet.

/**
 * One CSV cell: quoted, quotes doubled, and a cell a spreadsheet would take for a formula
 * prefixed with a single quote (OWASP's advice), so it shows as the text it is. Only the CSV
 * changes: the record, the PDF and the ASCII file keep the text as entered.
 */
export function csvCell(value: string): string {
  // = + - @ tab CR (OWASP "CSV Injection"), by character code: the export writes 14 cells a
  // line, a million lines.
  const first = value.charCodeAt(0);
  const formula =
    first === 61 || first === 43 || first === 45 || first === 64 || first === 9 || first === 13;
  const safe = formula ? `'${value}` : value;
  return safe.includes('"') ? `"${safe.replaceAll('"', '""')}"` : `"${safe}"`;
}

/** One CSV line: every cell through csvCell, CRLF line end (RFC 4180). */
export function csvLine(values: readonly string[]): string {
  let line = '';
  for (const v of values) line += line ? `,${csvCell(v)}` : csvCell(v);
  return `${line}\r\n`;
}
