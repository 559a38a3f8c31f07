// The store's device drivers, as core asks for them (core/devices/ports.ts). The composition
// roots (scripts/server.ts, electron/index.ts) hand this to the store server.
import type { DeviceDrivers } from '../core/devices/ports.ts';
import { createLabelPrinter } from './label/printer.ts';
import { createPoleDisplay } from './pole-display/pole-display.ts';
import { createReceiptPrinter } from './receipt/printer.ts';
import { createScale } from './scale/scale.ts';
import { createSerialScanner } from './serial-scanner/serial-scanner.ts';

export const storeDrivers: DeviceDrivers = {
  receiptPrinter: (config) => createReceiptPrinter(config),
  labelPrinter: (config) => createLabelPrinter(config),
  scale: (config) => createScale(config),
  poleDisplay: (config) => createPoleDisplay(config),
  serialScanner: (config) => createSerialScanner(config),
};
