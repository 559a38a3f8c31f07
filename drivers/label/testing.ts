// The labels the golden images were drawn from (drivers/label/golden/update.ts makes them).
import type { Label, LabelPrinterConfig } from '../../core/devices/model.ts';

export const SIZE = { widthDots: 457, heightDots: 254 } as const;

export const goldenLabels: Record<string, Label> = {
  shelf: {
    template: 'shelf',
    description: 'Tito’s Handmade Vodka 750 ml',
    price: 2299,
    barcode: '619947000020',
  },
  firearm: {
    template: 'firearm',
    manufacturer: 'Glock',
    model: '19 Gen5',
    serial: 'BKRM101',
    caliber: '9mm',
  },
};

export const labelPrinter = (port: number): LabelPrinterConfig => ({
  kind: 'label_printer',
  name: 'Back room labels',
  model: 'zpl',
  connection: { type: 'tcp', host: '127.0.0.1', port },
  widthDots: SIZE.widthDots,
  heightDots: SIZE.heightDots,
});
