// Labels as ZPL for Zebra printers at 203 dpi (8 dots per mm): a shelf label (description,
// price, UPC-A or Code 128) and a firearm tag (maker, model, caliber, the serial as Code 128).
// Field data goes through ^FH so a "^" or "~" in a product name cannot become a command.
import type { Label, LabelPrinterConfig } from '../../core/devices/model.ts';

export interface LabelSize {
  widthDots: number;
  heightDots: number;
}

export const sizeOf = (c: Pick<LabelPrinterConfig, 'widthDots' | 'heightDots'>): LabelSize => ({
  widthDots: c.widthDots,
  heightDots: c.heightDots,
});

const MARGIN = 20;

/** Field data for ^FH: "_" introduces a hex escape, so it and the command characters are escaped. */
export function fieldData(text: string): string {
  return text
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/[_^~]/g, (c) => `_${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

const money = (cents: number) =>
  `$${(cents / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/**
 * The narrowest bar's width (^BY) so a Code 128 of `data` fits the label: 11 modules a
 * character plus start, check and stop (35) and the quiet zones.
 */
export function moduleWidth(data: string, available: number): 1 | 2 | 3 {
  const modules = (data.length + 3) * 11 + 2 + 20;
  return modules * 3 <= available ? 3 : modules * 2 <= available ? 2 : 1;
}

/**
 * A UPC-A (12 digits) or EAN-13 (13) is printed as EAN-13 (^BE): a UPC-A is an EAN-13 with a
 * leading 0, same bars. ^BE takes 12 digits and the printer adds the check digit, so the
 * given check digit is dropped rather than trusted.
 */
function retailCode(code: string): string | null {
  if (/^\d{12}$/.test(code)) return `0${code.slice(0, 11)}`;
  if (/^\d{13}$/.test(code)) return code.slice(0, 12);
  return null;
}

function frame(size: LabelSize, body: string[], copies: number): string {
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

export function shelfLabelZpl(
  label: Extract<Label, { template: 'shelf' }>,
  size: LabelSize,
  copies = 1,
): string {
  const inner = size.widthDots - 2 * MARGIN;
  const retail = retailCode(label.barcode);
  const barcode = retail
    ? [`^FO${MARGIN + 12},150^BY2^BEN,60,Y,N^FD${retail}^FS`]
    : [
        `^FO${MARGIN},150^BY${moduleWidth(label.barcode, inner)}^BCN,60,Y,N,N^FH^FD${fieldData(label.barcode)}^FS`,
      ];
  return frame(
    size,
    [
      // Two lines of description at most, cut with the printer's own field block.
      `^FO${MARGIN},15^A0N,28,28^FB${inner},2,0,L,0^FH^FD${fieldData(label.description)}^FS`,
      `^FO${MARGIN},78^A0N,60,60^FD${money(label.price)}^FS`,
      ...barcode,
    ],
    copies,
  );
}

export function firearmTagZpl(
  label: Extract<Label, { template: 'firearm' }>,
  size: LabelSize,
  copies = 1,
): string {
  const inner = size.widthDots - 2 * MARGIN;
  return frame(
    size,
    [
      `^FO${MARGIN},15^A0N,30,30^FB${inner},1,0,L,0^FH^FD${fieldData(label.manufacturer)}^FS`,
      `^FO${MARGIN},50^A0N,26,26^FB${inner},1,0,L,0^FH^FD${fieldData(label.model)}^FS`,
      `^FO${MARGIN},82^A0N,26,26^FB${inner},1,0,L,0^FH^FDCal. ${fieldData(label.caliber)}^FS`,
      `^FO${MARGIN},118^BY${moduleWidth(label.serial, inner)}^BCN,70,Y,N,N^FH^FD${fieldData(label.serial)}^FS`,
    ],
    copies,
  );
}

export function labelZpl(label: Label, size: LabelSize, copies = 1): string {
  return label.template === 'shelf'
    ? shelfLabelZpl(label, size, copies)
    : firearmTagZpl(label, size, copies);
}
