// The label printer: the ZPL we send (exact), the preview against golden images within a
// pixel tolerance, and printing over real TCP to the simulated Zebra printer.
import fc from 'fast-check';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pixelmatch from 'pixelmatch';
import { PNG } from 'pngjs';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { Label } from '../../core/devices/model.ts';
import { DeviceError } from '../../core/devices/ports.ts';
import {
  fieldsOf,
  hostStatus,
  labelsOf,
  startZplPrinter,
} from '../../simulators/zpl-printer/printer.ts';
import { forPreview, renderZpl } from './preview.ts';
import { createLabelPrinter } from './printer.ts';
import { parseHostStatus, statusProblem } from './status.ts';
import { goldenLabels, labelPrinter, SIZE } from './testing.ts';
import {
  code128Data,
  fieldData,
  firearmTagZpl,
  fitLines,
  labelZpl,
  shelfLabelZpl,
  textWidth,
  type FirearmTag,
  type ShelfLabel,
} from './zpl.ts';

const shelf = goldenLabels.shelf as ShelfLabel;
const tag = goldenLabels.firearm as FirearmTag;

describe('label ZPL', () => {
  it('lays out a shelf label: description, price, a UPC-A as ^BU with its 11 data digits', () => {
    expect(
      shelfLabelZpl(
        { template: 'shelf', description: 'Tito’s Vodka', price: 123456, barcode: '619947000020' },
        SIZE,
      ),
    ).toBe(
      [
        '^XA',
        '^CI28',
        '^PW457',
        '^LL254',
        '^FO20,14^A0N,28,28^FH^FDTito’s Vodka^FS',
        '^FO20,78^A0N,60,60^FH^FD$1,234.56^FS',
        '^FO32,148^BY2^BUN,60,Y,N,Y^FD61994700002^FS',
        '^XZ',
        '',
      ].join('\n'),
    );
  });

  it('prints an EAN-13 as ^BE, and a UPC with a wrong check digit as Code 128 of what was typed', () => {
    const shelfWith = (barcode: string) =>
      shelfLabelZpl({ template: 'shelf', description: 'Olive oil', price: 999, barcode }, SIZE);
    expect(shelfWith('4006381333931')).toContain('^FO32,148^BY2^BEN,60,Y,N^FD400638133393^FS');
    expect(shelfWith('619947000021')).toContain('^FO20,148^BY2^BCN,60,Y,N,N^FD619947000021^FS');
  });

  it('prints any other barcode as Code 128, narrowing the bars so a long one fits, copies as ^PQ', () => {
    const zpl = shelfLabelZpl(
      { template: 'shelf', description: 'Gift card', price: 2500, barcode: 'GC-2026-000123' },
      SIZE,
      3,
    );
    expect(zpl).toContain('^FO20,148^BY1^BCN,60,Y,N,N^FDGC-2026-000123^FS');
    expect(zpl).toContain('^PQ3\n^XZ');
    const short = shelfLabelZpl({ ...shelf, barcode: 'GC-123' }, SIZE);
    expect(short).toContain('^FO20,148^BY3^BCN,60,Y,N,N^FDGC-123^FS');
  });

  it('tags a firearm with maker, model, caliber and the serial as Code 128 with its text line', () => {
    expect(firearmTagZpl(tag, SIZE, 2)).toBe(
      [
        '^XA',
        '^CI28',
        '^PW457',
        '^LL254',
        '^FO20,14^A0N,30,30^FH^FDGlock^FS',
        '^FO20,50^A0N,26,26^FH^FD19 Gen5^FS',
        '^FO20,82^A0N,26,26^FH^FDCal. 9mm^FS',
        '^FO20,118^BY3^BCN,70,Y,N,N^FDBKRM101^FS',
        '^PQ2',
        '^XZ',
        '',
      ].join('\n'),
    );
  });

  it('scales the layout with the label’s height', () => {
    const zpl = firearmTagZpl(tag, { widthDots: 812, heightDots: 508 });
    expect(zpl).toContain('^FO40,28^A0N,60,60^FH^FDGlock^FS');
    expect(zpl).toContain('^FO40,236^BY3^BCN,140,Y,N,N^FDBKRM101^FS');
  });

  it('escapes text so a product name cannot carry a command, and serials with Code 128 invocation codes', () => {
    expect(fieldData('50% off ^XZ~JR_x\nnext\x00')).toBe('50% off _5EXZ_7EJR_5Fx next ');
    expect(code128Data('A>B^C~D_')).toBe('A>0B><C>=D_');
    const zpl = labelZpl(
      { template: 'firearm', manufacturer: 'A^B', model: 'M~', serial: 'S^1>~', caliber: '.22' },
      SIZE,
    );
    expect(zpl.match(/\^XZ/g)).toHaveLength(1);
    expect(zpl).toContain('^FDS><1>0>=^FS');
    expect(fieldsOf(zpl)).toEqual(['A^B', 'M~', 'Cal. .22', 'S^1>~']);
  });

  it('cuts a long description to two lines ending in "...", never a third to overprint', () => {
    const zpl = shelfLabelZpl(
      {
        ...shelf,
        description: 'KENTUCKY STRAIGHT BOURBON WHISKEY SMALL BATCH BARREL PROOF 750ML GIFT',
      },
      SIZE,
    );
    expect(fieldsOf(zpl).slice(0, 2)).toEqual([
      'KENTUCKY STRAIGHT BOURBON',
      'WHISKEY SMALL BATCH...',
    ]);
    expect(zpl).not.toContain('^FB');
  });

  it('fits any text in the lines it is given, within the width, losing no word that fits', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme-ascii', maxLength: 80 }),
        fc.integer({ min: 20, max: 60 }),
        fc.integer({ min: 100, max: 800 }),
        fc.integer({ min: 1, max: 3 }),
        (text, h, width, maxLines) => {
          const lines = fitLines(text, h, width, maxLines);
          expect(lines.length).toBeLessThanOrEqual(maxLines);
          for (const line of lines) expect(textWidth(line, h)).toBeLessThanOrEqual(width);
          if (!lines.some((l) => l.endsWith('...')))
            expect(lines.join('').replace(/\s/g, '')).toBe(text.replace(/\s/g, ''));
        },
      ),
    );
  });

  it('makes one well-formed label of any shelf label, with no bare ^ or ~ in its data', () => {
    const printable = fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 30 });
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 60 }),
        fc.nat({ max: 10_000_000 }),
        printable,
        (description, price, barcode) => {
          const zpl = shelfLabelZpl({ template: 'shelf', description, price, barcode }, SIZE);
          expect(labelsOf(zpl)).toHaveLength(1);
          for (const m of zpl.matchAll(/\^FD([\s\S]*?)\^FS/g)) expect(m[1]).not.toMatch(/[\^~]/);
        },
      ),
    );
  });

  it('refuses a copy count the printer cannot take', () => {
    expect(() => labelZpl(tag, SIZE, 0)).toThrow(RangeError);
    expect(() => labelZpl(tag, SIZE, 1.5)).toThrow(
      'Print 1 to 99999999 copies of a label, not 1.5.',
    );
  });

  it('previews a UPC-A with the same bars drawn as an EAN-13 (the renderer has no ^BU)', () => {
    expect(forPreview('^FO32,148^BY2^BUN,60,Y,N,Y^FD61994700002^FS')).toBe(
      '^FO32,148^BY2^BEN,60,Y,N^FD061994700002^FS',
    );
  });
});

/**
 * At most this share of pixels may differ from a golden image: room for a renderer update's
 * anti-aliasing, not for a changed digit (one digit of the price is about 0.3%).
 */
const TOLERANCE = 0.001;

/** Pixels of `png` that differ from golden/<name>.png. */
function differingPixels(name: string, png: Buffer): { count: number; max: number } {
  const golden = PNG.sync.read(
    fs.readFileSync(path.join(import.meta.dirname, 'golden', `${name}.png`)),
  );
  const actual = PNG.sync.read(png);
  expect([actual.width, actual.height]).toEqual([golden.width, golden.height]);
  const count = pixelmatch(golden.data, actual.data, undefined, golden.width, golden.height, {
    threshold: 0.1,
  });
  return { count, max: Math.floor(golden.width * golden.height * TOLERANCE) };
}

describe('label previews (golden images)', () => {
  it.each(Object.keys(goldenLabels))(
    'renders the %s label as its golden image, within tolerance',
    async (name) => {
      const label = goldenLabels[name] as Label;
      const png = await renderZpl(labelZpl(label, SIZE), SIZE);
      const { count, max } = differingPixels(name, png);
      if (count > max) {
        const file = path.join(os.tmpdir(), `backroom-label-${name}-actual.png`);
        fs.writeFileSync(file, png);
        expect.fail(
          `${count} pixels differ from golden/${name}.png (at most ${max} may); the actual image is ${file}. ` +
            'If the change is meant, run `npx node drivers/label/golden/update.ts` and look at the new PNGs.',
        );
      }
    },
  );

  it('tells a different price apart from the golden image (the comparison can fail)', async () => {
    const png = await renderZpl(labelZpl({ ...shelf, price: 2399 }, SIZE), SIZE);
    const { count, max } = differingPixels('shelf', png);
    expect(count).toBeGreaterThan(max);
  });

  it('renders a label at the configured size in dots', async () => {
    const png = PNG.sync.read(await renderZpl(labelZpl(shelf, SIZE), SIZE));
    expect([png.width, png.height]).toEqual([457, 254]);
  });
});

describe('printing labels over TCP', () => {
  async function zebra(statusTimeoutMs = 300) {
    const sim = await startZplPrinter();
    onTestFinished(() => sim.stop());
    const printer = createLabelPrinter(labelPrinter(sim.port), {
      connectTimeoutMs: 500,
      statusTimeoutMs,
    });
    return { sim, printer };
  }

  it('sends exactly the ZPL, copies included, after reading ready from the host status', async () => {
    const { sim, printer } = await zebra();
    expect(await printer.probe()).toEqual({ connected: true });
    await printer.print(tag, 2);
    const labels = await sim.waitForLabels(2);
    expect(sim.jobs).toEqual([labelZpl(tag, SIZE, 2)]);
    expect(sim.jobs[0]).toBe(firearmTagZpl(tag, SIZE, 2));
    expect(labels.map(fieldsOf)).toEqual([
      ['Glock', '19 Gen5', 'Cal. 9mm', 'BKRM101'],
      ['Glock', '19 Gen5', 'Cal. 9mm', 'BKRM101'],
    ]);
    expect(sim.statusRequests).toBe(2);
  });

  it('says "out of labels" and refuses to print, then prints once a roll is loaded', async () => {
    const { sim, printer } = await zebra();
    sim.state.paperOut = true;
    expect(await printer.probe()).toEqual({
      connected: true,
      problem: { code: 'paper_out', message: 'The label printer is out of labels: load a roll.' },
    });
    await expect(printer.print(tag, 1)).rejects.toMatchObject({
      name: 'DeviceError',
      code: 'paper_out',
      message: 'The label printer is out of labels: load a roll.',
    });
    expect(sim.jobs).toEqual([]);
    sim.state.paperOut = false;
    await printer.print(tag, 1);
    expect(await sim.waitForLabels(1)).toHaveLength(1);
  });

  it('refuses to print with the head open or the printer paused, saying which', async () => {
    const { sim, printer } = await zebra();
    sim.state.headOpen = true;
    expect(await printer.probe()).toMatchObject({ problem: { code: 'cover_open' } });
    await expect(printer.print(tag, 1)).rejects.toMatchObject({ code: 'cover_open' });
    sim.state.headOpen = false;
    sim.state.paused = true;
    await expect(printer.print(tag, 1)).rejects.toThrow(/paused/);
    expect(sim.jobs).toEqual([]);
  });

  it('counts a printer that does not answer ~HS as connected, and prints to it', async () => {
    const { sim, printer } = await zebra(100);
    sim.answersStatus = false;
    expect(await printer.probe()).toEqual({ connected: true });
    await printer.print(shelf, 1);
    expect(sim.jobs).toEqual([labelZpl(shelf, SIZE)]);
  });

  it('says the printer is offline when it is switched off, and prints once it is back', async () => {
    const { sim, printer } = await zebra();
    await sim.offline();
    expect(await printer.probe()).toMatchObject({
      connected: false,
      problem: { code: 'offline' },
    });
    const error = await printer.print(tag, 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeviceError);
    expect(error).toMatchObject({ code: 'offline' });
    await sim.online();
    await printer.print(tag, 1);
    expect(await sim.waitForLabels(1)).toHaveLength(1);
  });
});

describe('host status (~HS)', () => {
  const frame = (body: string) => `\x02${body}\x03\r\n`;
  const reply = (paperOut: 0 | 1, paused: 0 | 1, headUp: 0 | 1, ribbonOut: 0 | 1) =>
    Buffer.from(
      frame(`030,${paperOut},${paused},1245,000,0,0,0,000,0,0,0`) +
        frame(`001,0,${headUp},${ribbonOut},0,2,4,0,00000000,1,000`) +
        frame('1234,0'),
      'ascii',
    );

  it('reads paper out and pause from string 1, head up and ribbon out from string 2', () => {
    expect(parseHostStatus(reply(1, 0, 0, 0))).toEqual({
      paperOut: true,
      paused: false,
      headOpen: false,
      ribbonOut: false,
    });
    expect(parseHostStatus(reply(0, 1, 1, 1))).toEqual({
      paperOut: false,
      paused: true,
      headOpen: true,
      ribbonOut: true,
    });
  });

  it('names the open head first, and knows a reply that is not a host status', () => {
    expect(statusProblem(reply(1, 0, 1, 0))).toMatchObject({ code: 'cover_open' });
    expect(statusProblem(reply(0, 0, 0, 1))).toMatchObject({
      code: 'paper_out',
      message: 'The label printer is out of ribbon: load a new one.',
    });
    expect(statusProblem(reply(0, 0, 0, 0))).toBeNull();
    expect(statusProblem(Buffer.from('HTTP/1.1 400 Bad Request\r\n'))).toBeUndefined();
  });

  it('is what the simulator answers for its state', () => {
    const state = { paperOut: false, headOpen: true, paused: false };
    expect(parseHostStatus(hostStatus(state))).toEqual({ ...state, ribbonOut: false });
  });
});
