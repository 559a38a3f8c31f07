// How a receipt sits on the paper: pure functions from a Receipt and the paper width (in
// characters at the normal font) to styled lines plus barcode / QR blocks. All alignment is
// done here with spaces, so what the printer prints is exactly what these lines say, and the
// ESC/POS encoder (escpos.ts) only adds styles.
import type { Receipt, ReceiptPrinterConfig } from '../../core/devices/model.ts';
import { inCp437 } from './cp437.ts';

export type ReceiptBlock =
  /** One printed line: leading spaces included, no trailing spaces, no control characters. */
  | { kind: 'text'; text: string; bold: boolean; double: boolean }
  /** A Code 128 barcode, centred, with its text printed under it. */
  | { kind: 'barcode'; data: string }
  /** A QR code, centred. */
  | { kind: 'qr'; data: string };

const text = (line: string, style: { bold?: boolean; double?: boolean } = {}): ReceiptBlock => ({
  kind: 'text',
  text: line,
  bold: style.bold ?? false,
  double: style.double ?? false,
});

/** `$1,234.56`, `-$1.00`: amounts are whole cents. */
export function formatMoney(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const dollars = Math.floor(abs / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}$${dollars}.${String(abs % 100).padStart(2, '0')}`;
}

/** `2`, `1.5`, `0.375`: a quantity as a clerk writes it (at most three decimals). */
export function formatQuantity(quantity: number): string {
  return String(Number(quantity.toFixed(3)));
}

// Printers have no curly quotes or dashes; these read the same in plain ASCII.
const plainEquivalents: Record<string, string> = {
  '\u2018': "'",
  '\u2019': "'",
  '\u201a': "'",
  '\u201c': '"',
  '\u201d': '"',
  '\u201e': '"',
  '\u2013': '-',
  '\u2014': '-',
  '\u2026': '...',
  '\u2022': '*',
  '\u00d7': 'x',
  '\u20ac': 'EUR',
  '\u2122': 'TM',
  '\u00ae': '(R)',
  '\u00a9': '(C)',
};

/**
 * Text as the printer can print it: control characters (which would be read as commands)
 * become spaces, typographic marks become ASCII, accents the code page lacks are dropped
 * (`ő` → `o`), and anything else becomes `?`. One character per column.
 */
export function printableText(value: string): string {
  let out = '';
  for (const char of value.normalize('NFC')) {
    if (inCp437(char)) out += char;
    else if (char in plainEquivalents) out += plainEquivalents[char];
    else if (/[\p{Cc}\p{Zs}\p{Zl}\p{Zp}]/u.test(char)) out += ' ';
    else {
      const bare = char.normalize('NFKD').replace(/\p{M}/gu, '');
      out += bare !== '' && [...bare].every(inCp437) ? bare : '?';
    }
  }
  return out;
}

/**
 * Splits text into lines of at most `first` characters (then `rest`), breaking at spaces;
 * a word longer than a line is cut. Always at least one line.
 */
export function wrapWords(value: string, first: number, rest = first): string[] {
  // Text that fits keeps its own spacing ("14:31  Register 1").
  if (value.trimEnd().length <= first) return [value.trimEnd()];
  const lines: string[] = [];
  let line = '';
  const limit = () => Math.max(1, lines.length === 0 ? first : rest);
  for (let word of value.split(' ').filter((w) => w !== '')) {
    if (line !== '' && line.length + 1 + word.length <= limit()) {
      line += ` ${word}`;
      continue;
    }
    if (line !== '') lines.push(line);
    while (word.length > limit()) {
      const cut = limit();
      lines.push(word.slice(0, cut));
      word = word.slice(cut);
    }
    line = word;
  }
  lines.push(line);
  return lines;
}

export const centered = (value: string, width: number): string =>
  value === '' ? '' : ' '.repeat(Math.max(0, Math.floor((width - value.length) / 2))) + value;

/** `left` and `right` on one line of `width`, with at least one space between them. */
export const leftRight = (left: string, right: string, width: number): string =>
  left + ' '.repeat(Math.max(1, width - left.length - right.length)) + right;

/** The first header line prints double width and height: half as many columns. */
const doubleColumns = (width: number) => Math.floor(width / 2);

function headerLines(header: string[], width: number): ReceiptBlock[] {
  const [title = '', ...others] = header.map(printableText);
  return [
    ...wrapWords(title, doubleColumns(width)).map((l) =>
      text(centered(l, doubleColumns(width)), { bold: true, double: true }),
    ),
    ...others.flatMap((h) => wrapWords(h, width).map((l) => text(centered(l, width)))),
  ];
}

/** Labels right-aligned against a column of amounts, also right-aligned. */
function amountLines(
  rows: { label: string; amount: number }[],
  width: number,
  amountWidth: number,
  boldLast: boolean,
): ReceiptBlock[] {
  const labelWidth = width - amountWidth - 1;
  return rows.flatMap((row, i) => {
    const bold = boldLast && i === rows.length - 1;
    const label = wrapWords(printableText(row.label), labelWidth);
    const last = label.pop() ?? '';
    return [
      ...label.map((l) => text(l.padStart(labelWidth), { bold })),
      text(`${last.padStart(labelWidth)} ${formatMoney(row.amount).padStart(amountWidth)}`, {
        bold,
      }),
    ];
  });
}

/** Lays a receipt out for paper `width` characters wide (42 on 80 mm, 32 on 58 mm). */
export function layoutReceipt(receipt: Receipt, width: number): ReceiptBlock[] {
  const rule = text('-'.repeat(width));
  const blank = text('');
  const blocks: ReceiptBlock[] = [...headerLines(receipt.header, width)];

  const meta = receipt.meta.flatMap((m) => wrapWords(printableText(m), width).map((l) => text(l)));
  if (meta.length > 0) blocks.push(blank, ...meta);
  blocks.push(rule);

  for (const line of receipt.lines) {
    const amount = formatMoney(line.amount);
    const quantity = line.quantity === 1 ? '' : `${formatQuantity(line.quantity)} x `;
    // The amount sits on the first line; the rest of a long description is indented under it.
    const column = width - amount.length - 1;
    const [first = '', ...more] = wrapWords(
      quantity + printableText(line.description),
      column,
      column - 2,
    );
    blocks.push(text(leftRight(first, amount, width)), ...more.map((l) => text(`  ${l}`)));
  }
  blocks.push(rule);

  const amountWidth = Math.max(
    ...[...receipt.totals, ...receipt.tenders].map((r) => formatMoney(r.amount).length),
  );
  blocks.push(...amountLines(receipt.totals, width, amountWidth, true));
  if (receipt.tenders.length > 0) {
    blocks.push(blank, ...amountLines(receipt.tenders, width, amountWidth, false));
  }

  const codes: ReceiptBlock[] = [];
  if (receipt.barcode) codes.push({ kind: 'barcode', data: receipt.barcode });
  if (receipt.qr) codes.push({ kind: 'qr', data: receipt.qr });
  const footer = receipt.footer.flatMap((f) =>
    wrapWords(printableText(f), width).map((l) => text(centered(l, width))),
  );
  if (codes.length > 0 || footer.length > 0) blocks.push(blank, ...codes, ...footer);
  return blocks;
}

const modelNames: Record<ReceiptPrinterConfig['model'], string> = {
  epson: 'Epson (ESC/POS)',
  star: 'Star (Star Line Mode)',
};

/** Where the printer is, as the settings screen shows it. */
export function describeConnection(connection: ReceiptPrinterConfig['connection']): string {
  return connection.type === 'tcp'
    ? `${connection.host}:${connection.port}`
    : `${connection.path} at ${connection.baudRate} baud`;
}

/** The page "Print a test page" prints: settings, a ruler for the width, every character. */
export function layoutTestPage(title: string, config: ReceiptPrinterConfig): ReceiptBlock[] {
  const width = config.width;
  const ruler = Array.from({ length: width }, (_, i) =>
    (i + 1) % 10 === 0 ? String(((i + 1) / 10) % 10) : (i + 1) % 5 === 0 ? '+' : '-',
  ).join('');
  const ascii = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i)).join(
    '',
  );
  const chunks = (value: string) =>
    Array.from({ length: Math.ceil(value.length / width) }, (_, i) =>
      text(value.slice(i * width, (i + 1) * width).trimEnd()),
    );
  const field = (label: string, value: string) =>
    wrapWords(printableText(`${label}: ${value}`), width).map((l) => text(l));
  return [
    ...headerLines([title], width),
    text(''),
    ...field('Printer', config.name),
    ...field('Model', modelNames[config.model]),
    ...field('Connection', describeConnection(config.connection)),
    ...field('Width', `${config.width} characters`),
    ...field('Cash drawer', `pin ${config.drawerPin}`),
    text(''),
    text(ruler),
    text('Bold text', { bold: true }),
    text(centered('Double', doubleColumns(width)), { double: true }),
    text(''),
    text('Characters:'),
    ...chunks(ascii),
    ...chunks('ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥áíóúñÑ¿½¼¡«»°±²µ'),
    text(''),
    { kind: 'barcode', data: 'BACKROOM-TEST' },
    { kind: 'qr', data: 'Backroom test page' },
    text(''),
    text(centered('End of test page', width)),
  ];
}
