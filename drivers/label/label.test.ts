// The label printer: the ZPL we send (exact), the preview against golden images within a
// pixel tolerance, and printing over real TCP to the simulated Zebra printer.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pixelmatch from 'pixelmatch';
import { PNG } from 'pngjs';
import { describe, expect, it, onTestFinished } from 'vitest';
import { DeviceError } from '../../core/devices/ports.ts';
import { fieldsOf, startZplPrinter } from '../../simulators/zpl-printer/printer.ts';
import { createLabelPrinter } from './printer.ts';
import { goldenLabels, labelPrinter, SIZE } from './testing.ts';
import { fieldData, firearmTagZpl, labelZpl, moduleWidth, shelfLabelZpl } from './zpl.ts';
import { renderZpl } from './preview.ts';

/**
 * At most this share of pixels may differ from the golden image: room for a renderer update's
 * anti-aliasing, not for a changed digit (one digit of the price is about 0.3%).
 */
const TOLERANCE = 0.001;

/** Pixels that differ between a rendered label and its golden image; the actual kept on failure. */
async function differingPixels(
  name: string,
  png: Buffer,
): Promise<{ share: number; count: number }> {
  const golden = PNG.sync.read(
    fs.readFileSync(path.join(import.meta.dirname, 'golden', `${name}.png`)),
  );
  const actual = PNG.sync.read(png);
  expect([actual.width, actual.height]).toEqual([golden.width, golden.height]);
  const count = pixelmatch(golden.data, actual.data, undefined, golden.width, golden.height, {
    threshold: 0.1,
  });
  const share = count / (golden.width * golden.height);
  if (share > TOLERANCE) {
    const file = path.join(os.tmpdir(), `backroom-label-${name}-actual.png`);
    fs.writeFileSync(file, png);
    console.error(
      `${name}: ${count} pixels differ from the golden image; actual written to ${file}`,
    );
  }
  return { share, count };
}

describe('label ZPL', () => {
  it('lays out a shelf label: description in a 2-line block, price, UPC-A as EAN-13 bars', () => {
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
        '^FO20,15^A0N,28,28^FB417,2,0,L,0^FH^FDTito’s Vodka^FS',
        '^FO20,78^A0N,60,60^FD$1,234.56^FS',
        '^FO32,150^BY2^BEN,60,Y,N^FD061994700002^FS',
        '^XZ',
        '',
      ].join('\n'),
    );
  });

  it('prints any other barcode as Code 128, narrowing the bars so a long one fits', () => {
    const zpl = shelfLabelZpl(
      { template: 'shelf', description: 'Gift card', price: 2500, barcode: 'GC-2026-000123' },
      SIZE,
      3,
    );
    expect(zpl).toContain('^FO20,150^BY1^BCN,60,Y,N,N^FH^FDGC-2026-000123^FS');
    expect(zpl).toContain('^PQ3\n^XZ');
    expect(moduleWidth('ABC', 417)).toBe(3);
    expect(moduleWidth('A'.repeat(40), 417)).toBe(1);
  });

  it('tags a firearm with maker, model, caliber and the serial as Code 128', () => {
    const zpl = firearmTagZpl(
      goldenLabels.firearm as Extract<(typeof goldenLabels)['firearm'], { template: 'firearm' }>,
      SIZE,
    );
    expect(zpl).toContain('^FH^FDGlock^FS');
    expect(zpl).toContain('^FH^FDCal. 9mm^FS');
    expect(zpl).toContain('^BY3^BCN,70,Y,N,N^FH^FDBKRM101^FS');
  });

  it('escapes field data so a product name cannot carry a command', () => {
    expect(fieldData('50% off ^XZ~JR_x\nnext')).toBe('50% off _5EXZ_7EJR_5Fx next');
    const zpl = labelZpl(
      { template: 'firearm', manufacturer: 'A^B', model: 'M', serial: 'S~1', caliber: '.22' },
      SIZE,
    );
    expect(zpl.match(/\^XZ/g)).toHaveLength(1);
    expect(fieldsOf(zpl)).toContain('A^B');
  });
});

describe('label previews (golden images)', () => {
  it.each(Object.keys(goldenLabels))(
    'renders the %s label as its golden image, within tolerance',
    async (name) => {
      const label = goldenLabels[name];
      if (!label) throw new Error(name);
      const png = await renderZpl(labelZpl(label, SIZE), SIZE);
      const { share } = await differingPixels(name, png);
      expect(share).toBeLessThanOrEqual(TOLERANCE);
    },
  );

  it('tells a different price apart from the golden image (the comparison can fail)', async () => {
    const label = { ...goldenLabels.shelf, price: 2399 } as (typeof goldenLabels)['shelf'];
    const png = await renderZpl(labelZpl(label, SIZE), SIZE);
    const { share } = await differingPixels('shelf', png);
    expect(share).toBeGreaterThan(TOLERANCE);
  });
});

describe('printing labels over TCP', () => {
  async function zebra() {
    const sim = await startZplPrinter();
    onTestFinished(() => sim.stop());
    const printer = createLabelPrinter(labelPrinter(sim.port), {
      connectTimeoutMs: 500,
      statusTimeoutMs: 300,
    });
    return { sim, printer };
  }

  it('sends exactly the ZPL, copies included, and reads ready from the host status', async () => {
    const { sim, printer } = await zebra();
    expect(await printer.probe()).toEqual({ connected: true });
    const tag = goldenLabels.firearm;
    if (!tag) throw new Error('tag');
    await printer.print(tag, 2);
    const labels = await sim.waitForLabels(2);
    expect(sim.jobs).toEqual([labelZpl(tag, SIZE, 2)]);
    expect(labels.map(fieldsOf)).toEqual([
      ['Glock', '19 Gen5', 'Cal. 9mm', 'BKRM101'],
      ['Glock', '19 Gen5', 'Cal. 9mm', 'BKRM101'],
    ]);
  });

  it('refuses to print when out of labels or with the head open, saying so', async () => {
    const { sim, printer } = await zebra();
    const tag = goldenLabels.firearm;
    if (!tag) throw new Error('tag');
    sim.state.paperOut = true;
    expect(await printer.probe()).toMatchObject({
      connected: true,
      problem: { code: 'paper_out' },
    });
    await expect(printer.print(tag, 1)).rejects.toMatchObject({
      code: 'paper_out',
      message: 'The label printer is out of labels: load a roll.',
    });
    sim.state.paperOut = false;
    sim.state.headOpen = true;
    await expect(printer.print(tag, 1)).rejects.toMatchObject({ code: 'cover_open' });
    expect(sim.jobs).toEqual([]);
  });

  it('says the printer is offline when it is switched off, and prints once it is back', async () => {
    const { sim, printer } = await zebra();
    const tag = goldenLabels.firearm;
    if (!tag) throw new Error('tag');
    await sim.offline();
    const error = await printer.print(tag, 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeviceError);
    expect(error).toMatchObject({ code: 'offline' });
    await sim.online();
    await printer.print(tag, 1);
    expect(await sim.waitForLabels(1)).toHaveLength(1);
  });
});
