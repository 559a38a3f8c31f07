// What core asks of the store's devices. drivers/ implements these (ESC/POS and ZPL over
// TCP, MT-SICS / 8213 scales and pole displays over serial); the composition roots
// (scripts/server.ts, electron/) hand core a DeviceDrivers that opens them.
import type {
  DeviceConfig,
  Label,
  LabelPrinterConfig,
  PoleDisplayConfig,
  PoleText,
  Receipt,
  ReceiptPrinterConfig,
  ScaleConfig,
  ScaleReading,
  ScannerConfig,
} from './model.ts';

/**
 * Why a device could not do what was asked, in words a clerk can act on. `offline` and
 * `paper_out` are worth retrying (a print job waits); the others are answers.
 */
export type DeviceErrorCode =
  | 'offline'
  | 'paper_out'
  | 'cover_open'
  | 'timeout'
  | 'unstable'
  | 'over_range'
  | 'under_zero'
  | 'garbled'
  | 'unsupported';

export class DeviceError extends Error {
  readonly code: DeviceErrorCode;
  constructor(code: DeviceErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DeviceError';
    this.code = code;
  }
}

/** A device's answer to "are you there?". */
export interface Probe {
  connected: boolean;
  /** What is wrong when not ready (paper out, cover open, not answering). */
  problem?: { code: DeviceErrorCode; message: string };
}

export interface ReceiptPrinter {
  /** Prints a receipt; resolves once the printer has taken every byte. */
  printReceipt(receipt: Receipt): Promise<void>;
  /** A page showing the printer's settings and a character test. */
  printTestPage(title: string): Promise<void>;
  /** The full drawer kick (ESC p m t1 t2) on the configured pin. */
  openDrawer(): Promise<void>;
  probe(): Promise<Probe>;
}

export interface LabelPrinter {
  /** The label as ZPL (what is sent to the printer). */
  zpl(label: Label): string;
  /** The label rendered to PNG, for a preview before printing. */
  preview(label: Label): Promise<Buffer>;
  print(label: Label, copies: number): Promise<void>;
  probe(): Promise<Probe>;
}

export interface Scale {
  /** A settled weight, waiting up to the configured time for the scale to stop moving. */
  readStable(): Promise<ScaleReading>;
  zero(): Promise<void>;
  probe(): Promise<Probe>;
  close(): Promise<void>;
}

export interface PoleDisplay {
  show(text: PoleText): Promise<void>;
  showIdle(): Promise<void>;
  probe(): Promise<Probe>;
  close(): Promise<void>;
}

export interface SerialScanner {
  /** Calls `onScan` with each code read; returns a stop function. */
  listen(onScan: (code: string) => void, onError: (e: DeviceError) => void): () => void;
  probe(): Promise<Probe>;
  close(): Promise<void>;
}

/** Opens a driver for a configured device. */
export interface DeviceDrivers {
  receiptPrinter(config: ReceiptPrinterConfig): ReceiptPrinter;
  labelPrinter(config: LabelPrinterConfig): LabelPrinter;
  scale(config: ScaleConfig): Scale;
  poleDisplay(config: PoleDisplayConfig): PoleDisplay;
  serialScanner(config: ScannerConfig): SerialScanner;
}

export type { DeviceConfig };
