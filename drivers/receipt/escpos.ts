// Laid-out receipts to printer bytes. node-thermal-printer writes the commands (Epson ESC/POS
// or Star Line Mode per the configured model) into a buffer we read with getBuffer(); it is
// given an interface object that refuses to send, so it never opens a socket itself: the
// bytes go out through drivers/net/tcp.ts or the serial port (printer.ts), with our time
// limits and errors. Three things we write ourselves, each explained where it is done: the
// drawer kick, Star QR codes, and '{' in Epson Code 128 data.
import { BreakLine, CharacterSet, PrinterTypes, ThermalPrinter } from 'node-thermal-printer';
import type { Receipt, ReceiptPrinterConfig } from '../../core/devices/model.ts';
import { layoutReceipt, layoutTestPage, type ReceiptBlock } from './layout.ts';

export type PrinterModel = ReceiptPrinterConfig['model'];
export type DrawerPin = ReceiptPrinterConfig['drawerPin'];

const ESC = 0x1b;
const GS = 0x1d;

/**
 * The cash drawer kick. Epson: ESC p m t1 t2 with the pulse spelled out (m 0 = pin 2, 1 = pin
 * 5; on 25 x 2 ms, off 250 x 2 ms): node-thermal-printer's openCashDrawer() sends ESC p m
 * without t1 t2, and the printer then eats the next two bytes of the job as pulse times.
 * Star Line Mode has no ESC p: drawer 1 (pin 2) is ESC BEL n1 n2 (pulse 110 ms on, 550 ms
 * delay, in 10 ms units) then BEL to fire it — the library's star CD_KICK, 1B 07 0B 37 07;
 * drawer 2 (pin 5) is SUB (1A), whose pulse Star fixes at 200 ms. (The library's star
 * CD_KICK_2 / CD_KICK_5 repeat Epson's ESC p, which is not how Star Line Mode drives a drawer.)
 */
export function encodeDrawerKick(model: PrinterModel, pin: DrawerPin): Buffer {
  if (model === 'star') return Buffer.from(pin === 2 ? [ESC, 0x07, 0x0b, 0x37, 0x07] : [0x1a]);
  return Buffer.from([ESC, 0x70, pin === 2 ? 0x00 : 0x01, 0x19, 0xfa]);
}

/** DLE EOT 4 (roll paper sensor) then DLE EOT 2 (why offline: cover, paper end). */
export const statusRequest = Buffer.from([0x10, 0x04, 0x04, 0x10, 0x04, 0x02]);

export interface PrinterStatus {
  paperOut: boolean;
  paperLow: boolean;
  coverOpen: boolean;
}

// Every real-time status byte has bits 1 and 4 set and bits 0 and 7 clear.
const isStatusByte = (b: number | undefined): b is number => b !== undefined && (b & 0x93) === 0x12;

/**
 * Reads the answers to `statusRequest`; undefined when the printer did not answer (many
 * answer nothing over the network, or nothing in Star mode) or answered something else.
 */
export function readStatus(reply: Uint8Array): PrinterStatus | undefined {
  const [paper, offline] = reply;
  if (!isStatusByte(paper)) return undefined;
  const cause = isStatusByte(offline) ? offline : 0;
  return {
    // DLE EOT 4: bits 5-6 paper end, bits 2-3 near end; DLE EOT 2: bit 5 stopped at paper end.
    paperOut: (paper & 0x60) !== 0 || (cause & 0x20) !== 0,
    paperLow: (paper & 0x0c) !== 0,
    coverOpen: (cause & 0x04) !== 0,
  };
}

// node-thermal-printer's types say `interface` is a URI string; lib/interfaces/index.js also
// takes an object with execute/isPrinterConnected, which is how we keep it off the network.
const bufferOnly = {
  execute: () => Promise.reject(new Error('Backroom sends receipt bytes itself.')),
  isPrinterConnected: () => Promise.resolve(false),
  getPrinterName: () => 'buffer',
};

function newBuffer(model: PrinterModel, width: number): ThermalPrinter {
  const printer = new ThermalPrinter({
    type: model === 'star' ? PrinterTypes.STAR : PrinterTypes.EPSON,
    interface: bufferOnly as unknown as string,
    width,
    // The layout has already wrapped every line; the library must not fold them again.
    breakLine: BreakLine.NONE,
    characterSet: CharacterSet.PC437_USA,
  });
  // Reset first, then the code page (the constructor put the code page in the buffer).
  printer.setBuffer(Buffer.from([ESC, 0x40]));
  printer.setCharacterSet(CharacterSet.PC437_USA);
  return printer;
}

/**
 * QR data as bytes the length prefix can count: the library counts characters, not UTF-8
 * bytes, so anything outside ASCII is percent-encoded (what a URL carries it as anyway).
 */
export const qrPayload = (data: string): string =>
  data.replace(/[^\p{ASCII}]/gu, (c) =>
    // A lone surrogate has no UTF-8 form; it goes as U+FFFD, the replacement character.
    /^[\ud800-\udfff]$/u.test(c) ? '%EF%BF%BD' : encodeURIComponent(c),
  );

/**
 * Star Line Mode QR (ESC GS y S 0/1/2, ESC GS y D 1, ESC GS y P). node-thermal-printer
 * 4.6.1's star printQR leaves out the "ESC GS y D 1 m" before the data (so the printer would
 * print the data as text) and adds a stray LF, so we write it ourselves.
 */
function starQr(data: string, cellSize: number): Buffer {
  const bytes = Buffer.from(qrPayload(data), 'latin1');
  const y = (...rest: number[]) => Buffer.from([ESC, GS, 0x79, ...rest]);
  return Buffer.concat([
    y(0x53, 0x30, 0x02), // model 2
    y(0x53, 0x31, 0x01), // error correction M (15 %)
    y(0x53, 0x32, cellSize),
    y(0x44, 0x31, 0x00, bytes.length & 0xff, bytes.length >> 8),
    bytes,
    y(0x50), // print
  ]);
}

/** The bytes for laid-out blocks on paper `width` characters wide, then feed and cut. */
export function encodeLayout(blocks: ReceiptBlock[], model: PrinterModel, width: number): Buffer {
  const printer = newBuffer(model, width);
  const style = { bold: false, double: false };
  const setStyle = (bold: boolean, double: boolean) => {
    if (double !== style.double) {
      if (double) printer.setTextQuadArea();
      else printer.setTextNormal();
      style.double = double;
      // Epson's ESC ! sets every print mode at once, bold (emphasis) off included.
      if (model === 'epson') style.bold = false;
    }
    if (bold !== style.bold) {
      printer.bold(bold);
      style.bold = bold;
    }
  };
  const cellSize = width >= 42 ? 6 : 4;

  for (const block of blocks) {
    if (block.kind === 'text') {
      setStyle(block.bold, block.double);
      printer.println(block.text);
      continue;
    }
    setStyle(false, false);
    printer.alignCenter();
    if (block.kind === 'barcode') {
      if (model === 'star') {
        printer.code128(block.data, { text: 2, width: 'MEDIUM', height: 80 });
      } else {
        // Code set B ('{B'): a '{' in the data is written '{{' so it is not read as a
        // code set change. Width 2 dots per module, 80 dots high, its text printed below.
        printer.printBarcode(block.data.replaceAll('{', '{{'), 73, {
          hriPos: 2,
          hriFont: 0,
          width: 2,
          height: 80,
        });
      }
    } else if (model === 'star') {
      printer.add(starQr(block.data, cellSize));
    } else {
      printer.printQR(qrPayload(block.data), { cellSize, correction: 'M', model: 2 });
    }
    printer.alignLeft();
  }
  setStyle(false, false);
  // Feed past the cutter (Epson ESC d 4, Star VT), cut, and reset for the next job.
  printer.cut({ verticalTabAmount: 1 });
  return printer.getBuffer();
}

export function encodeReceipt(
  receipt: Receipt,
  config: Pick<ReceiptPrinterConfig, 'model' | 'width'>,
): Buffer {
  return encodeLayout(layoutReceipt(receipt, config.width), config.model, config.width);
}

export function encodeTestPage(title: string, config: ReceiptPrinterConfig): Buffer {
  return encodeLayout(layoutTestPage(title, config), config.model, config.width);
}
