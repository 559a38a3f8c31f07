// Labels as ZPL for Zebra printers at 203 dpi (8 dots per mm): a shelf label (description,
// price, UPC-A, EAN-13 or Code 128) and a firearm tag (maker, model, caliber, the serial as
// Code 128), laid out for the configured label size. Pure: the same label always makes the
// same bytes, so tests pin the exact ZPL and the golden PNGs.
// Reference: ZPL II Programming Guide (Zebra), the command pages named below.
import type { Label, LabelPrinterConfig } from '../../core/devices/model.ts';

export interface LabelSize {
  widthDots: number;
  heightDots: number;
}
export type ShelfLabel = Extract<Label, { template: 'shelf' }>;
export type FirearmTag = Extract<Label, { template: 'firearm' }>;

export const sizeOf = (c: Pick<LabelPrinterConfig, 'widthDots' | 'heightDots'>): LabelSize => ({
  widthDots: c.widthDots,
  heightDots: c.heightDots,
});

/** ^PQ takes 1 to 99,999,999 (ZPL II, ^PQ). */
export const MAX_COPIES = 99_999_999;

/**
 * Text field data, sent after ^FH: `^` and `~` would start a command inside the data and `_`
 * starts a hex escape, so those three go as `_5E`, `_7E`, `_5F` (ZPL II, ^FH). Control
 * characters become spaces. Everything else passes as UTF-8 (the label selects ^CI28).
 */
export function fieldData(text: string): string {
  return text
    .replace(/\p{Cc}+/gu, ' ')
    .replace(/[_^~]/g, (c) => `_${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * Code 128 field data for ^BC in mode N, where `>` starts an invocation code: `>` itself is
 * `>0`, `^` is `><` and `~` is `>=` (ZPL II, ^BC, "Code 128 Invocation Characters"). Nothing
 * else needs escaping in subset B, and characters it cannot carry are dropped (the label
 * schema already allows printable ASCII only).
 */
export function code128Data(data: string): string {
  return data
    .replace(/[^\x20-\x7e]/g, '')
    .replace(/[>^~]/g, (c) => (c === '>' ? '>0' : c === '^' ? '><' : '>='));
}

/** `$12.99`, `$1,234.56`. */
export function formatPrice(cents: number): string {
  const dollars = Math.floor(cents / 100)
    .toString()
    .replace(/\B(?=(\d{3})+$)/g, ',');
  return `$${dollars}.${String(cents % 100).padStart(2, '0')}`;
}

/** Whether the last digit of a UPC-A / EAN-13 is its Mod 10 check digit. */
function checkDigitHolds(code: string): boolean {
  const digits = [...code].map(Number);
  const body = digits.slice(0, -1).reverse();
  const sum = body.reduce((s, d, i) => s + d * (i % 2 === 0 ? 3 : 1), 0);
  return (10 - (sum % 10)) % 10 === digits.at(-1);
}

/**
 * A retail barcode, when the value is one: 12 digits → UPC-A, 13 → EAN-13, each only with a
 * correct check digit. The printer computes the check digit itself from the data digits
 * (^BU takes 11, ^BE 12), so a mistyped one would silently print a different product's code;
 * such a value goes out as Code 128 of exactly what was typed instead.
 */
export function retailBarcode(
  code: string,
): { symbology: 'upc-a'; data: string } | { symbology: 'ean-13'; data: string } | null {
  if (/^\d{12}$/.test(code) && checkDigitHolds(code))
    return { symbology: 'upc-a', data: code.slice(0, 11) };
  if (/^\d{13}$/.test(code) && checkDigitHolds(code))
    return { symbology: 'ean-13', data: code.slice(0, 12) };
  return null;
}

/**
 * Width in dots of `text` in font 0 at height `h`, erring wide: font 0 is proportional
 * (measured on the preview's font: capitals average 0.57 h, lower case 0.45 h, W 0.83 h).
 */
export function textWidth(text: string, h: number): number {
  let em = 0;
  for (const c of text) {
    if (/[ il.,:;!|'`Ijft]/.test(c)) em += 0.32;
    else if (/[MWmw@%]/.test(c)) em += 0.88;
    else if (/[a-z]/.test(c)) em += 0.52;
    else em += 0.62;
  }
  return Math.ceil(em * h);
}

/**
 * Text broken at spaces into at most `maxLines` lines that fit `width` dots; a word wider
 * than a line is cut, and what does not fit ends the last line with "...". Done here rather
 * than with ^FB because a printer overprints the last line of a block with the overflow
 * (ZPL II, ^FB), and ^FB reads `\` as an escape.
 */
export function fitLines(text: string, h: number, width: number, maxLines: number): string[] {
  const fits = (s: string) => textWidth(s, h) <= width;
  const lines: string[] = [];
  let line = '';
  const words = text.split(/\s+/).filter(Boolean);
  for (let word of words) {
    if (fits(line === '' ? word : `${line} ${word}`)) {
      line = line === '' ? word : `${line} ${word}`;
      continue;
    }
    if (line !== '') lines.push(line);
    // Cut by code point, so a character outside the BMP is never split in two.
    let chars = [...word];
    while (chars.length > 1 && !fits(chars.join(''))) {
      let cut = chars.length - 1;
      while (cut > 1 && !fits(chars.slice(0, cut).join(''))) cut--;
      lines.push(chars.slice(0, cut).join(''));
      chars = chars.slice(cut);
    }
    word = chars.join('');
    line = word;
  }
  if (line !== '') lines.push(line);
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, maxLines);
  const last = [...(kept[maxLines - 1] ?? '')];
  while (last.length > 0 && !fits(`${last.join('')}...`)) last.pop();
  kept[maxLines - 1] = `${last.join('').trimEnd()}...`;
  return kept;
}

/** The widest bars (^BY 1 to 3 dots) at which a symbol of `modules` fits `available` dots. */
export function moduleWidth(modules: number, available: number): 1 | 2 | 3 {
  return modules * 3 <= available ? 3 : modules * 2 <= available ? 2 : 1;
}

/** Code 128 subset B: start, each character and the check are 11 modules, stop 13, plus quiet zones of 10. */
export const code128Modules = (escaped: string) =>
  11 * (escaped.replace(/>./g, '#').length + 2) + 13 + 20;

/** Positions and font heights are drawn for a 1.25" (254-dot) label and scale with its height. */
const DESIGN_HEIGHT = 254;

function layout(size: LabelSize) {
  const k = size.heightDots / DESIGN_HEIGHT;
  const v = (dots: number) => Math.max(1, Math.round(dots * k));
  const margin = v(20);
  return { v, margin, inner: size.widthDots - 2 * margin };
}

const text = (x: number, y: number, h: number, value: string) =>
  `^FO${x},${y}^A0N,${h},${h}^FH^FD${fieldData(value)}^FS`;

function frame(size: LabelSize, body: string[], copies: number): string {
  if (!Number.isInteger(copies) || copies < 1 || copies > MAX_COPIES) {
    throw new RangeError(`Print 1 to ${MAX_COPIES} copies of a label, not ${copies}.`);
  }
  return [
    '^XA',
    '^CI28',
    `^PW${size.widthDots}`,
    `^LL${size.heightDots}`,
    ...body,
    ...(copies > 1 ? [`^PQ${copies}`] : []),
    '^XZ',
    '',
  ].join('\n');
}

/** A shelf label: up to two lines of description, the price large, and the barcode. */
export function shelfLabelZpl(label: ShelfLabel, size: LabelSize, copies = 1): string {
  const { v, margin, inner } = layout(size);
  const descH = v(28);
  const lines = fitLines(label.description, descH, inner, 2);
  const retail = retailBarcode(label.barcode);
  const barY = v(148);
  const barH = v(60);
  let barcode: string;
  if (retail) {
    // 95 modules; ^BY2 is the 8 dot/mm printer's standard (77%) UPC/EAN size (ZPL II, ^BU).
    // Room on the left for the number system digit printed outside the bars.
    const by = Math.min(3, Math.max(1, Math.round(2 * (size.heightDots / DESIGN_HEIGHT))));
    const command = retail.symbology === 'upc-a' ? `^BUN,${barH},Y,N,Y` : `^BEN,${barH},Y,N`;
    barcode = `^FO${margin + v(12)},${barY}^BY${by}${command}^FD${retail.data}^FS`;
  } else {
    const data = code128Data(label.barcode);
    barcode = `^FO${margin},${barY}^BY${moduleWidth(code128Modules(data), inner)}^BCN,${barH},Y,N,N^FD${data}^FS`;
  }
  return frame(
    size,
    [
      ...lines.map((line, i) => text(margin, v(14) + i * (descH + v(2)), descH, line)),
      text(margin, v(78), v(60), formatPrice(label.price)),
      barcode,
    ],
    copies,
  );
}

/** A firearm tag: manufacturer, model and caliber on a line each, the serial as Code 128. */
export function firearmTagZpl(label: FirearmTag, size: LabelSize, copies = 1): string {
  const { v, margin, inner } = layout(size);
  const line = (y: number, h: number, value: string) =>
    text(margin, v(y), v(h), fitLines(value, v(h), inner, 1)[0] ?? '');
  const serial = code128Data(label.serial);
  return frame(
    size,
    [
      line(14, 30, label.manufacturer),
      line(50, 26, label.model),
      line(82, 26, `Cal. ${label.caliber}`),
      `^FO${margin},${v(118)}^BY${moduleWidth(code128Modules(serial), inner)}^BCN,${v(70)},Y,N,N^FD${serial}^FS`,
    ],
    copies,
  );
}

export function labelZpl(label: Label, size: LabelSize, copies = 1): string {
  return label.template === 'shelf'
    ? shelfLabelZpl(label, size, copies)
    : firearmTagZpl(label, size, copies);
}
