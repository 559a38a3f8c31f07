// The keyboard-wedge scanner on a screen: every key pressed goes through the burst detector
// (lib/scanner.ts) before anything else sees it, and a completed scan is handed to the screen
// with its Enter (or Tab) held back, so a scanner's Enter never submits the form that happened
// to have the focus. A person's typing and their own Enter go on exactly as before.
import { useEffect, useRef, type RefObject } from 'react';
import {
  isPrintable,
  modifierKeys,
  noBurst,
  scanStep,
  scannerSettings,
  type ScannerSettings,
} from '../lib/scanner.ts';
import {
  SERIAL_SCAN_EVENT,
  useStoreScannerSettings,
  type SerialScanEvent,
} from '../state/scanner.ts';

/** A completed scan, as the screen receives it. */
export interface Scan {
  code: string;
  /** What had the keyboard focus: the scan's characters were typed into it if it is a text field. */
  element: Element | null;
  /** Puts that text field back as it was before the scan's first character (for a scan it should not have taken). */
  undoTyping: () => void;
}

export interface ScannerOptions {
  /** The store's scanner settings (from the device manager); the device schema's defaults otherwise. */
  settings?: Partial<ScannerSettings> | undefined;
  /** Off while the screen or dialog is not showing (a closed dialog's component stays mounted). */
  enabled?: boolean | undefined;
  /** Listen on this element (an input, or a part of the screen) instead of the whole window. */
  target?: RefObject<HTMLElement | null> | undefined;
  /**
   * Whether this screen takes a scan typed with `element` focused. A refused scan is left
   * alone: its Enter reaches the focused field as a normal key press.
   */
  accepts?: ((element: Element | null) => boolean) | undefined;
}

/**
 * Calls `onScan` for each scan while enabled. Listens in the capture phase, so the scan's
 * suffix key is taken (default prevented, propagation stopped) before the focused field's own
 * key handler runs: that handler then only ever sees a person's Enter.
 */
export function useScanner(
  onScan: (code: string, scan: Scan) => void,
  options: ScannerOptions = {},
): void {
  const { enabled = true, target } = options;
  const stored = useStoreScannerSettings();
  const { maxGapMs, minLength, prefix, suffix } = scannerSettings(options.settings ?? stored);
  // The latest callbacks, without re-attaching the listener (and losing a burst) every render.
  const latest = useRef({ onScan, accepts: options.accepts });
  useEffect(() => {
    latest.current = { onScan, accepts: options.accepts };
  });
  useEffect(() => {
    if (!enabled) return;
    const node = target ? target.current : window;
    if (!node) return;
    return listenForScans(
      node,
      { maxGapMs, minLength, prefix, suffix },
      {
        accepts: (element) => latest.current.accepts?.(element) ?? true,
        onScan: (scan) => latest.current.onScan(scan.code, scan),
      },
    );
  }, [enabled, target, maxGapMs, minLength, prefix, suffix]);
}

/** The detector on a DOM node's keydown events (the hook's body, without React). */
export function listenForScans(
  node: EventTarget,
  settings: ScannerSettings,
  handlers: { onScan: (scan: Scan) => void; accepts?: (element: Element | null) => boolean },
  /** Where serial scanners' codes arrive (ScannerBridge dispatches them on the window). */
  serial: EventTarget | undefined = typeof window === 'undefined' ? undefined : window,
): () => void {
  let state = noBurst;
  let before: FieldSnapshot | null = null;
  const onKeyDown = (event: Event) => {
    const e = event as KeyboardEvent;
    const element = elementOf(e.target);
    const step = scanStep(settings, state, { key: keyOf(e), time: e.timeStamp });
    state = step.state;
    if (step.began) before = snapshot(element);
    if (step.code === null) return;
    const field = before;
    before = null;
    // Another screen's listener took this scan already.
    if (e.defaultPrevented) return;
    if (handlers.accepts && !handlers.accepts(element)) return;
    e.preventDefault();
    e.stopPropagation();
    handlers.onScan({ code: step.code, element, undoTyping: () => restore(field, element) });
  };
  // A serial scanner's code (ScannerBridge): no keys were typed, so there is nothing to undo.
  const onSerialScan = (event: Event) => {
    if (event.defaultPrevented) return;
    const element = typeof document === 'undefined' ? null : document.activeElement;
    if (handlers.accepts && !handlers.accepts(element)) return;
    event.preventDefault();
    handlers.onScan({
      code: (event as SerialScanEvent).detail.code,
      element,
      undoTyping: () => {},
    });
  };
  node.addEventListener('keydown', onKeyDown, { capture: true });
  serial?.addEventListener(SERIAL_SCAN_EVENT, onSerialScan);
  return () => {
    node.removeEventListener('keydown', onKeyDown, { capture: true });
    serial?.removeEventListener(SERIAL_SCAN_EVENT, onSerialScan);
  };
}

/**
 * The key as the detector should see it. A held-down key's repeats, a shortcut (Ctrl, Alt or
 * Cmd with a key; AltGr characters are plain characters) and an input method's composing keys
 * are never part of a scan: they get names that break the burst.
 */
export function keyOf(
  e: Pick<
    KeyboardEvent,
    'key' | 'repeat' | 'isComposing' | 'ctrlKey' | 'metaKey' | 'altKey' | 'getModifierState'
  >,
): string {
  if (modifierKeys.has(e.key)) return e.key;
  if (e.repeat) return 'Repeat';
  if (e.isComposing) return 'Process';
  const altGraph = typeof e.getModifierState === 'function' && e.getModifierState('AltGraph');
  if ((e.ctrlKey || e.metaKey || e.altKey) && !altGraph)
    return isPrintable(e.key) ? 'Shortcut' : `Shortcut+${e.key}`;
  return e.key;
}

const nonTextInputs = new Set([
  'button',
  'checkbox',
  'color',
  'file',
  'hidden',
  'image',
  'radio',
  'range',
  'reset',
  'submit',
]);

/** A field that takes typed characters (so a scan typed with it focused landed in it). */
export function isTextField(element: Element | null): boolean {
  if (!element) return false;
  if (element.tagName === 'TEXTAREA' || element.tagName === 'SELECT') return true;
  if (element.tagName === 'INPUT') return !nonTextInputs.has((element as HTMLInputElement).type);
  return (element as HTMLElement).isContentEditable === true;
}

/**
 * `accepts` for a part of a screen that takes scans (a card, a form): a scan typed inside it,
 * or typed where no text field has the focus (its characters went nowhere) while the part is
 * on screen and no dialog covers it. A scan into another form's field is that form's.
 */
export function scansInto(scope: RefObject<HTMLElement | null>) {
  return (element: Element | null): boolean => {
    const root = scope.current;
    if (!root) return false;
    if (element && root.contains(element)) return true;
    if (isTextField(element)) return false;
    if (element?.closest('[role="dialog"], [aria-modal="true"]')) return false;
    const modal = root.ownerDocument.querySelector('[aria-modal="true"]');
    if (modal && !modal.contains(root)) return false;
    return typeof root.checkVisibility !== 'function' || root.checkVisibility();
  };
}

function elementOf(target: EventTarget | null): Element | null {
  return target && 'tagName' in target ? (target as Element) : null;
}

interface FieldSnapshot {
  element: HTMLInputElement | HTMLTextAreaElement;
  value: string;
  selectionStart: number | null;
  selectionEnd: number | null;
}

function snapshot(element: Element | null): FieldSnapshot | null {
  if (!isTextField(element) || !element || !('value' in element)) return null;
  const field = element as HTMLInputElement | HTMLTextAreaElement;
  return {
    element: field,
    value: field.value,
    selectionStart: field.selectionStart,
    selectionEnd: field.selectionEnd,
  };
}

/**
 * Puts a field's value back the way a person's edit would: through the element's own value
 * setter and an `input` event, so React's onChange (and the screen's state) follows.
 */
function restore(field: FieldSnapshot | null, element: Element | null): void {
  if (!field || field.element !== element) return;
  const el = field.element;
  const setter = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(el), 'value')?.set;
  if (setter) setter.call(el, field.value);
  else el.value = field.value;
  el.dispatchEvent(new Event('input', { bubbles: true }));
  try {
    if (field.selectionStart !== null && field.selectionEnd !== null)
      el.setSelectionRange(field.selectionStart, field.selectionEnd);
  } catch {
    // Date and number inputs have no caret to put back.
  }
}
