// The hook's DOM side without React or a browser: key events dispatched on an event target
// that stands for the focused field (the e2e walks the real screens in Chromium).
import { describe, expect, it } from 'vitest';
import { defaultScannerSettings } from '../lib/scanner.ts';
import { isTextField, keyOf, listenForScans, type Scan } from './useScanner.ts';

/** A text input as far as the listener cares: a tag, a type, a value and a caret. */
class FakeInput extends EventTarget {
  readonly tagName = 'INPUT';
  type = 'text';
  value = '';
  selectionStart: number | null = 0;
  selectionEnd: number | null = 0;
  inputs = 0;
  constructor() {
    super();
    this.addEventListener('input', () => this.inputs++);
  }
  setSelectionRange(start: number, end: number) {
    this.selectionStart = start;
    this.selectionEnd = end;
  }
  /** A key as the browser delivers it: keydown first, then (unless prevented) the character. */
  press(key: string, time: number, init: Partial<KeyboardEventInit> = {}): Event {
    const event = new Event('keydown', { bubbles: true, cancelable: true });
    Object.defineProperties(event, {
      key: { value: key },
      timeStamp: { value: time },
      repeat: { value: init.repeat ?? false },
      isComposing: { value: false },
      ctrlKey: { value: init.ctrlKey ?? false },
      metaKey: { value: false },
      altKey: { value: init.altKey ?? false },
      getModifierState: { value: () => false },
    });
    this.dispatchEvent(event);
    if (!event.defaultPrevented && [...key].length === 1) {
      this.value += key;
      this.selectionStart = this.selectionEnd = this.value.length;
    }
    return event;
  }
  type_(text: string, gap: number, start: number): number {
    let time = start;
    for (const ch of text) this.press(ch, (time += gap));
    return time;
  }
}

function listen(input: FakeInput, accepts?: (element: Element | null) => boolean) {
  const got: Scan[] = [];
  const stop = listenForScans(input, defaultScannerSettings, {
    onScan: (scan) => got.push(scan),
    ...(accepts ? { accepts } : {}),
  });
  return { got, stop };
}

describe('listening for scans on a field', () => {
  it('hands over a scan and holds back its Enter, so no form is submitted by it', () => {
    const input = new FakeInput();
    const { got } = listen(input);
    const last = input.type_('BKRM101', 6, 1_000);
    const enter = input.press('Enter', last + 6);
    expect(got.map((s) => s.code)).toEqual(['BKRM101']);
    expect(got[0]?.element).toBe(input);
    expect(enter.defaultPrevented).toBe(true);
    expect(enter.cancelBubble).toBe(true);
  });

  it('lets a person’s Enter through untouched', () => {
    const input = new FakeInput();
    const { got } = listen(input);
    const last = input.type_('BKRM101', 150, 1_000);
    const enter = input.press('Enter', last + 200);
    expect(got).toEqual([]);
    expect(enter.defaultPrevented).toBe(false);
    expect(enter.cancelBubble).toBe(false);
  });

  it('leaves a refused scan alone: its Enter goes on as a normal key press', () => {
    const input = new FakeInput();
    const { got } = listen(input, () => false);
    const enter = input.press('Enter', input.type_('BKRM101', 6, 1_000) + 6);
    expect(got).toEqual([]);
    expect(enter.defaultPrevented).toBe(false);
  });

  it('puts the field back as it was before the scan when asked', () => {
    const input = new FakeInput();
    const { got } = listen(input);
    // The clerk had typed "Glo" by hand, then the scanner typed into the same field.
    const typed = input.type_('Glo', 200, 1_000);
    input.press('Enter', input.type_('BKRM101', 5, typed + 500) + 5);
    expect(input.value).toBe('GloBKRM101');
    const inputsBefore = input.inputs;
    got[0]?.undoTyping();
    expect(input.value).toBe('Glo');
    expect([input.selectionStart, input.selectionEnd]).toEqual([3, 3]);
    // The change is announced like typing, so a controlled React input's state follows.
    expect(input.inputs).toBe(inputsBefore + 1);
  });

  it('never reads a held-down key or a shortcut as part of a scan', () => {
    const input = new FakeInput();
    const { got } = listen(input);
    let time = 1_000;
    for (const ch of 'BKRM101') input.press(ch, (time += 5), ch === 'M' ? { repeat: true } : {});
    input.press('Enter', time + 5);
    input.press('v', (time += 500), { ctrlKey: true });
    input.press('Enter', input.type_('ABCDEF', 5, time) + 5);
    // Only the second burst, after the shortcut, counts.
    expect(got.map((s) => s.code)).toEqual(['ABCDEF']);
  });

  it('stops listening when told to', () => {
    const input = new FakeInput();
    const { got, stop } = listen(input);
    stop();
    input.press('Enter', input.type_('BKRM101', 5, 1_000) + 5);
    expect(got).toEqual([]);
  });
});

describe('what the hook treats as typing', () => {
  it('names chords and repeats so they break a burst, and keeps AltGr characters', () => {
    const key = (k: string, o: Partial<KeyboardEvent> = {}) =>
      keyOf({
        key: k,
        repeat: false,
        isComposing: false,
        ctrlKey: false,
        metaKey: false,
        altKey: false,
        getModifierState: () => false,
        ...o,
      });
    expect(key('a')).toBe('a');
    expect(key('A', { repeat: true })).toBe('Repeat');
    expect(key('v', { ctrlKey: true })).toBe('Shortcut');
    expect(key('Enter', { altKey: true })).toBe('Shortcut+Enter');
    expect(key('Control', { ctrlKey: true })).toBe('Control');
    // AltGr reports Ctrl+Alt on Windows; its '@' is a character a scanner types.
    expect(
      key('@', { ctrlKey: true, altKey: true, getModifierState: (m) => m === 'AltGraph' }),
    ).toBe('@');
  });

  it('tells text fields from other controls', () => {
    const el = (tagName: string, extra: object = {}) => ({ tagName, ...extra }) as Element;
    expect(isTextField(el('INPUT', { type: 'text' }))).toBe(true);
    expect(isTextField(el('INPUT', { type: 'search' }))).toBe(true);
    expect(isTextField(el('TEXTAREA'))).toBe(true);
    expect(isTextField(el('INPUT', { type: 'checkbox' }))).toBe(false);
    expect(isTextField(el('BUTTON'))).toBe(false);
    expect(isTextField(el('DIV', { isContentEditable: true }))).toBe(true);
    expect(isTextField(null)).toBe(false);
  });

  it('takes a serial scanner’s code as a scan, once, however many screens listen', () => {
    const window = new EventTarget();
    const first: string[] = [];
    const second: string[] = [];
    const stops = [first, second].map((got) =>
      listenForScans(
        new FakeInput(),
        defaultScannerSettings,
        { onScan: (s) => got.push(s.code) },
        window,
      ),
    );
    window.dispatchEvent(
      new CustomEvent('backroom:scan', { detail: { code: 'BKRM101' }, cancelable: true }),
    );
    expect([...first, ...second]).toEqual(['BKRM101']);
    for (const stop of stops) stop();
    window.dispatchEvent(
      new CustomEvent('backroom:scan', { detail: { code: 'LATE' }, cancelable: true }),
    );
    expect([...first, ...second]).toEqual(['BKRM101']);
  });
});
