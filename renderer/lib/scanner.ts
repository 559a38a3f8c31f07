// A keyboard-wedge barcode scanner types like a keyboard, only faster: a burst of characters
// a few milliseconds apart, ending in Enter or Tab (optionally starting with a prefix the
// store configured on the scanner). A person never keeps every gap that short, so the burst
// tells a scan from typing. Pure: fed keys and their times, no DOM, no clock.
import type { ScannerConfig } from '../../core/devices/model.ts';

/** How the store's scanner types (the keyboard-wedge fields of the device manager's scanner). */
export type ScannerSettings = Pick<ScannerConfig, 'maxGapMs' | 'minLength' | 'prefix' | 'suffix'>;

/** The device schema's defaults (`scannerSchema` in core/devices/model.ts; a test keeps them equal). */
export const defaultScannerSettings = {
  maxGapMs: 30,
  minLength: 6,
  prefix: '',
  suffix: 'enter',
} as const satisfies ScannerSettings;

/** The store's settings over the defaults; a field left undefined keeps its default. */
export function scannerSettings(given: Partial<ScannerSettings> = {}): ScannerSettings {
  return {
    maxGapMs: given.maxGapMs ?? defaultScannerSettings.maxGapMs,
    minLength: given.minLength ?? defaultScannerSettings.minLength,
    prefix: given.prefix ?? defaultScannerSettings.prefix,
    suffix: given.suffix ?? defaultScannerSettings.suffix,
  };
}

/** A key press as the detector sees it: `KeyboardEvent.key` and a time in milliseconds. */
export interface KeyStroke {
  key: string;
  time: number;
}

/** The burst typed so far: its characters (prefix included) and when the last one came. */
export interface BurstState {
  readonly chars: string;
  readonly last: number | null;
}

export const noBurst: BurstState = { chars: '', last: null };

export interface ScanStep {
  state: BurstState;
  /** The scanned code (prefix stripped) when this key ended a scan, else null. */
  code: string | null;
  /** This key's character started a new burst (what was typed before it is not part of it). */
  began: boolean;
}

/** Keys a scanner may press around its characters (Shift for capitals): they neither add nor break. */
export const modifierKeys: ReadonlySet<string> = new Set([
  'Shift',
  'Control',
  'Alt',
  'AltGraph',
  'Meta',
  'OS',
  'CapsLock',
  'NumLock',
  'ScrollLock',
  'Fn',
  'FnLock',
  'Hyper',
  'Super',
  'Symbol',
  'SymbolLock',
]);

const suffixKey = { enter: 'Enter', tab: 'Tab' } as const;

/** One character (`KeyboardEvent.key` names every other key with a word: 'Backspace', 'F1'). */
export const isPrintable = (key: string) => [...key].length === 1;

/**
 * One key into the burst. A printable character within `maxGapMs` of the last one extends the
 * burst, a slower one starts a new burst; the suffix key within `maxGapMs` ends it, and it is a
 * scan when it began with the prefix and holds at least `minLength` characters after it. Any
 * other key (Backspace, arrows, Escape, a shortcut) ends the burst without a scan.
 */
export function scanStep(
  settings: ScannerSettings,
  state: BurstState,
  stroke: KeyStroke,
): ScanStep {
  if (modifierKeys.has(stroke.key)) return { state, code: null, began: false };
  const gap = state.last === null ? null : stroke.time - state.last;
  // A negative gap is not a scanner's timing: start again rather than guess.
  const fast = gap !== null && gap >= 0 && gap <= settings.maxGapMs && state.chars !== '';
  if (stroke.key === suffixKey[settings.suffix]) {
    const { prefix, minLength } = settings;
    const scanned =
      fast && state.chars.startsWith(prefix) && state.chars.length - prefix.length >= minLength;
    return {
      state: noBurst,
      code: scanned ? state.chars.slice(prefix.length) : null,
      began: false,
    };
  }
  if (!isPrintable(stroke.key)) return { state: noBurst, code: null, began: false };
  return fast
    ? { state: { chars: state.chars + stroke.key, last: stroke.time }, code: null, began: false }
    : { state: { chars: stroke.key, last: stroke.time }, code: null, began: true };
}

export interface ScanDetector {
  /** Feeds one key; returns the scanned code when this key completed a scan, else null. */
  feed(stroke: KeyStroke): string | null;
  /** Forgets the burst under way (focus moved, the screen changed). */
  reset(): void;
}

/** A detector holding its own burst, for callers that only want the codes. */
export function createScanDetector(settings: Partial<ScannerSettings> = {}): ScanDetector {
  const resolved = scannerSettings(settings);
  let state = noBurst;
  return {
    feed(stroke) {
      const step = scanStep(resolved, state, stroke);
      state = step.state;
      return step.code;
    },
    reset() {
      state = noBurst;
    },
  };
}
