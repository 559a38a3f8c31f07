// A label rendered to PNG in Node, offline (zpl-renderer-js: a WASM build of zebrash), so the
// device manager shows what will print before a label is wasted.
import type * as ZplRenderer from 'zpl-renderer-js';
import type { LabelSize } from './zpl.ts';

/** 203 dpi printers: 8 dots per millimetre. */
const DOTS_PER_MM = 8;

type Renderer = typeof ZplRenderer;
let renderer: Promise<Renderer> | undefined;

/**
 * Loaded on the first preview, not with the driver: the module is 9 MB of inlined WASM that
 * starts a Go runtime (and sets globals) as it is imported, which every process loading
 * drivers/ would otherwise pay for at start-up.
 */
function loadRenderer(): Promise<Renderer> {
  renderer ??= import('zpl-renderer-js').then(async (m) => {
    await m.ready;
    return m;
  });
  return renderer;
}

/**
 * zebrash draws no UPC-A (^BU). A UPC-A is an EAN-13 whose first digit is 0, with the same
 * bars, so the preview draws it with ^BE; only the human-readable digits are grouped
 * differently from the printed label.
 */
export function forPreview(zpl: string): string {
  return zpl.replace(
    /\^BU([NRIB]),(\d+),([YN]),([YN]),[YN]\^FD(\d{11})\^FS/g,
    (_, o: string, h: string, f: string, g: string, data: string) =>
      `^BE${o},${h},${f},${g}^FD0${data}^FS`,
  );
}

export async function renderZpl(zpl: string, size: LabelSize): Promise<Buffer> {
  const { zplToBase64Async } = await loadRenderer();
  const base64 = await zplToBase64Async(
    forPreview(zpl),
    size.widthDots / DOTS_PER_MM,
    size.heightDots / DOTS_PER_MM,
    DOTS_PER_MM,
  );
  return Buffer.from(base64, 'base64');
}
