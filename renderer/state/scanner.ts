// The store's scanner settings (device manager → keyboard scanner), kept for the scan hook;
// and codes read by serial scanners, handed to the screens as scans. Loaded by ScannerBridge.
import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';
import type { ScannerSettings } from '../lib/scanner.ts';

interface ScannerState {
  settings: Partial<ScannerSettings> | undefined;
  setSettings(settings: Partial<ScannerSettings>): void;
}

export const scannerStore = createStore<ScannerState>()((set) => ({
  settings: undefined,
  setSettings: (settings) => set({ settings }),
}));

export const useStoreScannerSettings = () => useStore(scannerStore, (s) => s.settings);

/** The window event a serial scanner's code arrives as (see listenForScans). */
export const SERIAL_SCAN_EVENT = 'backroom:scan';
export type SerialScanEvent = CustomEvent<{ code: string }>;
