// The store's devices: what kinds there are, how each is reached (TCP host:port or a serial
// path and baud rate), and the data a driver turns into bytes (a receipt, a label, two lines
// of text). Pure zod: the device manager's forms check with the same rules.
import { z } from 'zod';

export const deviceKinds = [
  'receipt_printer',
  'label_printer',
  'scale',
  'pole_display',
  'scanner',
] as const;
export type DeviceKind = (typeof deviceKinds)[number];

const host = z
  .string()
  .trim()
  .min(1, 'Enter the printer’s address (for example 192.168.1.50).')
  .max(253)
  .regex(/^[A-Za-z0-9.-]+$/, 'An address is a host name or an IP address, like 192.168.1.50.');
const port = z
  .number({ error: 'Enter a port number (printers use 9100).' })
  .int()
  .min(1, 'A port is 1 to 65535.')
  .max(65_535, 'A port is 1 to 65535.');
export const baudRates = [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200] as const;

export const tcpConnectionSchema = z.object({ type: z.literal('tcp'), host, port }).strict();
export const serialConnectionSchema = z
  .object({
    type: z.literal('serial'),
    path: z
      .string()
      .trim()
      .min(1, 'Enter the serial port (COM3 on Windows, /dev/ttyUSB0 on Linux).')
      .max(200),
    baudRate: z.union(
      baudRates.map((b) => z.literal(b)),
      {
        error: `Choose a speed: ${baudRates.join(', ')}.`,
      },
    ),
  })
  .strict();
export const connectionSchema = z.discriminatedUnion('type', [
  tcpConnectionSchema,
  serialConnectionSchema,
]);
export type DeviceConnection = z.infer<typeof connectionSchema>;

const name = z.string().trim().min(1, 'Give the device a name the staff know it by.').max(80);

/** A receipt printer (ESC/POS); the cash drawer hangs off it. */
export const receiptPrinterSchema = z
  .object({
    kind: z.literal('receipt_printer'),
    name,
    model: z.enum(['epson', 'star']),
    connection: connectionSchema,
    /** Characters per line at the normal font (42 on 80 mm paper, 32 on 58 mm). */
    width: z.number().int().min(24).max(64).default(42),
    /** The drawer's connector pin: 2 (`1B 70 00 …`) or 5 (`1B 70 01 …`). */
    drawerPin: z.union([z.literal(2), z.literal(5)]).default(2),
  })
  .strict();
export const labelPrinterSchema = z
  .object({
    kind: z.literal('label_printer'),
    name,
    model: z.literal('zpl'),
    connection: tcpConnectionSchema,
    /** Label size in dots at 203 dpi (2.25" x 1.25" = 457 x 254). */
    widthDots: z.number().int().min(100).max(2000).default(457),
    heightDots: z.number().int().min(100).max(3000).default(254),
  })
  .strict();
export const scaleSchema = z
  .object({
    kind: z.literal('scale'),
    name,
    model: z.enum(['mt-sics', 'toledo-8213']),
    connection: serialConnectionSchema,
    /** How long a read waits for the weight to settle before it gives up. */
    stableWaitMs: z.number().int().min(200).max(30_000).default(3_000),
  })
  .strict();
export const poleDisplaySchema = z
  .object({
    kind: z.literal('pole_display'),
    name,
    model: z.enum(['epson', 'cd5220']),
    connection: serialConnectionSchema,
    /** Characters per line (most pole displays show 2 x 20). */
    width: z.number().int().min(8).max(40).default(20),
    idleMessage: z.string().trim().max(80).default('Welcome'),
  })
  .strict();
/** A scanner: a keyboard wedge (the screens detect its bursts) or one in serial mode. */
export const scannerSchema = z
  .object({
    kind: z.literal('scanner'),
    name,
    model: z.enum(['keyboard', 'serial']),
    connection: serialConnectionSchema.optional(),
    /** Keyboard wedge: a character faster than this after the last is part of a scan. */
    maxGapMs: z.number().int().min(5).max(200).default(30),
    minLength: z.number().int().min(1).max(40).default(6),
    prefix: z.string().max(10).default(''),
    suffix: z.enum(['enter', 'tab']).default('enter'),
  })
  .strict()
  .refine((s) => s.model === 'keyboard' || s.connection, {
    message: 'A scanner in serial mode needs its serial port.',
    path: ['connection'],
  });

export const deviceConfigSchema = z.discriminatedUnion('kind', [
  receiptPrinterSchema,
  labelPrinterSchema,
  scaleSchema,
  poleDisplaySchema,
  scannerSchema,
]);
export type DeviceConfig = z.infer<typeof deviceConfigSchema>;
export type DeviceConfigInput = z.input<typeof deviceConfigSchema>;
export type ReceiptPrinterConfig = z.infer<typeof receiptPrinterSchema>;
export type LabelPrinterConfig = z.infer<typeof labelPrinterSchema>;
export type ScaleConfig = z.infer<typeof scaleSchema>;
export type PoleDisplayConfig = z.infer<typeof poleDisplaySchema>;
export type ScannerConfig = z.infer<typeof scannerSchema>;

const cents = z.number().int();
const text = (max: number) => z.string().max(max);

/** A receipt as data; the driver lays it out for the paper width. Amounts in cents. */
export const receiptSchema = z
  .object({
    header: z.array(text(64)).min(1).max(8),
    /** Shown under the header: date and time, register, clerk, sale number. */
    meta: z.array(text(64)).max(6).default([]),
    lines: z
      .array(
        z
          .object({
            description: text(120).min(1),
            quantity: z.number().positive().max(100_000).default(1),
            amount: cents,
          })
          .strict(),
      )
      .max(500),
    totals: z
      .array(z.object({ label: text(40).min(1), amount: cents }).strict())
      .min(1)
      .max(10),
    tenders: z.array(z.object({ label: text(40).min(1), amount: cents }).strict()).max(10),
    /** Printed as a Code 128 barcode (the sale number, for returns). */
    barcode: z
      .string()
      .regex(/^[\x20-\x7e]{1,40}$/)
      .optional(),
    /** Printed as a QR code (a survey or e-receipt link). */
    qr: z.string().max(300).optional(),
    footer: z.array(text(64)).max(6).default([]),
  })
  .strict();
export type Receipt = z.infer<typeof receiptSchema>;
export type ReceiptInput = z.input<typeof receiptSchema>;

/** A shelf label: description, price, and the UPC (12 digits) or any Code 128 value. */
export const shelfLabelSchema = z
  .object({
    template: z.literal('shelf'),
    description: text(60).min(1),
    price: cents.min(0),
    barcode: z.string().regex(/^[\x20-\x7e]{1,30}$/, 'A barcode is up to 30 plain characters.'),
  })
  .strict();
/** A firearm tag: maker, model, caliber, and the serial as Code 128. */
export const firearmTagSchema = z
  .object({
    template: z.literal('firearm'),
    manufacturer: text(60).min(1),
    model: text(60).min(1),
    serial: z.string().regex(/^[\x20-\x7e]{1,40}$/, 'A serial is up to 40 plain characters.'),
    caliber: text(40).min(1),
  })
  .strict();
export const labelSchema = z.discriminatedUnion('template', [shelfLabelSchema, firearmTagSchema]);
export type Label = z.infer<typeof labelSchema>;

/** Two lines for the pole display (the driver truncates or scrolls to its width). */
export const poleTextSchema = z.object({ line1: text(200), line2: text(200).default('') }).strict();
export type PoleText = z.infer<typeof poleTextSchema>;

export const weightUnits = ['kg', 'g', 'lb', 'oz'] as const;
export type WeightUnit = (typeof weightUnits)[number];
/** A settled weight off the scale. */
export interface ScaleReading {
  weight: number;
  unit: WeightUnit;
}
