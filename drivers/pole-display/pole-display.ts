// The customer-facing pole display (a 2-line VFD on a serial port), in Epson or CD5220 mode.
// Text is folded to ASCII and fitted to the width; a line too long to fit scrolls on a timer
// until the next show or close (or is cut, if so configured).
import type { PoleDisplayConfig, PoleText } from '../../core/devices/model.ts';
import type { PoleDisplay } from '../../core/devices/ports.ts';
import { deviceLabel, LazySerialPort, type SerialPortOptions } from '../serial/port.ts';
import { poleCommands } from './commands.ts';
import { fitLine, foldToAscii, marqueeFrame } from './text.ts';

export interface PoleDisplayOptions extends SerialPortOptions {
  /** A line longer than the display: scroll it (the default) or cut it. */
  overflow?: 'scroll' | 'truncate';
  /** How long each frame of a scrolling line stays up. */
  scrollMs?: number;
}

/**
 * The idle message on two lines when it is too long for one: broken between words, or left
 * on line 1 (to scroll) when no break makes both halves fit.
 */
export function idleLines(message: string, width: number): [string, string] {
  const text = foldToAscii(message).trim();
  if (text.length <= width) return [text, ''];
  const words = text.split(/ +/);
  for (let i = words.length - 1; i > 0; i -= 1) {
    const first = words.slice(0, i).join(' ');
    const second = words.slice(i).join(' ');
    if (first.length <= width && second.length <= width) return [first, second];
  }
  return [text, ''];
}

export function createPoleDisplay(
  config: PoleDisplayConfig,
  o: PoleDisplayOptions = {},
): PoleDisplay {
  const commands = poleCommands[config.model];
  const { path, baudRate } = config.connection;
  const { width } = config;
  const overflow = o.overflow ?? 'scroll';
  const scrollMs = o.scrollMs ?? 400;
  const port = new LazySerialPort(
    { path, baudRate },
    deviceLabel('pole display', config.name, path),
    o,
  );
  // A display that lost power or was unplugged forgot its mode: reset it on every open.
  let needsInit = true;
  port.onOpen(() => {
    needsInit = true;
  });

  let writes: Promise<void> = Promise.resolve();
  /** Bumped by every show and by close: a queued scroll frame of older text is dropped. */
  let generation = 0;
  let marquee: NodeJS.Timeout | undefined;

  function enqueue(gen: number, bytes: () => Buffer): Promise<void> {
    const run = writes.then(async () => {
      if (gen !== generation) return;
      await port.get();
      const init = needsInit ? commands.init() : Buffer.alloc(0);
      needsInit = false;
      await port.write(Buffer.concat([init, bytes()]));
    });
    writes = run.catch(() => undefined);
    return run;
  }

  function stopScrolling(): void {
    clearInterval(marquee);
    marquee = undefined;
  }

  async function show(text: PoleText): Promise<void> {
    stopScrolling();
    generation += 1;
    const gen = generation;
    const lines = { 1: foldToAscii(text.line1), 2: foldToAscii(text.line2) };
    await enqueue(gen, () => commands.lines(fitLine(lines[1], width), fitLine(lines[2], width)));

    const scrolling = ([1, 2] as const).filter((row) => lines[row].length > width);
    if (overflow !== 'scroll' || scrolling.length === 0) return;
    let step = 0;
    let busy = false;
    marquee = setInterval(() => {
      // A slow port: skip a frame rather than pile writes up behind it.
      if (busy) return;
      busy = true;
      step += 1;
      const frames = scrolling.map((row) =>
        commands.line(row, marqueeFrame(lines[row], width, step)),
      );
      enqueue(gen, () => Buffer.concat(frames))
        .catch(() => {
          // The port failed under the scroll: stop it; the next show reports the failure.
          if (gen === generation) stopScrolling();
        })
        .finally(() => {
          busy = false;
        });
    }, scrollMs);
    // Scrolling alone never keeps the app (or a test run) alive.
    marquee.unref();
  }

  return {
    show,
    showIdle: () => {
      const [line1, line2] = idleLines(config.idleMessage, width);
      return show({ line1, line2 });
    },
    // A pole display never answers: the port opening is all it can tell.
    probe: () => port.probe(),
    close: async () => {
      stopScrolling();
      generation += 1;
      await writes;
      await port.close();
    },
  };
}
