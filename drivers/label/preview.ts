// A label rendered to PNG in Node, offline (zpl-renderer-js: Zebra's format drawn by a WASM
// build of zebrash), so the device manager shows what will print before a label is wasted.
import { zplToBase64Async } from 'zpl-renderer-js';
import type { LabelSize } from './zpl.ts';

/** 203 dpi printers: 8 dots per millimetre. */
const DOTS_PER_MM = 8;

export async function renderZpl(zpl: string, size: LabelSize): Promise<Buffer> {
  const base64 = await zplToBase64Async(
    zpl,
    size.widthDots / DOTS_PER_MM,
    size.heightDots / DOTS_PER_MM,
    DOTS_PER_MM,
  );
  return Buffer.from(base64, 'base64');
}
