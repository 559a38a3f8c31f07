// A 2-line VFD's screen, driven by the bytes a pole display receives: the Epson (ESC/POS
// customer display) and CD5220 command sets that drivers/pole-display/commands.ts documents.
// Commands may arrive split across reads; an unfinished one waits for its remaining bytes.
// Bytes the display would not understand are kept, so a test can insist there were none.

export type PoleDisplayModel = 'epson' | 'cd5220';

const ESC = 0x1b;
const US = 0x1f;
const CR = 0x0d;

export class PoleDisplayScreen {
  readonly model: PoleDisplayModel;
  readonly width: number;
  #rows: string[][];
  #x = 0;
  #y = 0;
  #pending: number[] = [];
  #unknown: number[] = [];
  brightness = 4;

  constructor(model: PoleDisplayModel, width = 20) {
    this.model = model;
    this.width = width;
    this.#rows = this.#blank();
  }

  /** The two lines as shown, each exactly `width` characters. */
  screen(): [string, string] {
    return [this.#rows[0]?.join('') ?? '', this.#rows[1]?.join('') ?? ''];
  }

  /** Bytes that were not a command this display knows. */
  unknown(): number[] {
    return [...this.#unknown];
  }

  feed(bytes: Uint8Array): void {
    this.#pending.push(...bytes);
    let used: number;
    while (this.#pending.length > 0 && (used = this.#step(this.#pending)) > 0) {
      this.#pending.splice(0, used);
    }
  }

  #blank(): string[][] {
    return [0, 1].map(() => Array.from({ length: this.width }, () => ' '));
  }

  #clear(): void {
    this.#rows = this.#blank();
    this.#x = 0;
    this.#y = 0;
  }

  #put(byte: number): void {
    const row = this.#rows[this.#y];
    if (row) row[this.#x] = String.fromCharCode(byte);
    // Overwrite mode: past the end of a line the cursor goes to the start of the other.
    this.#x += 1;
    if (this.#x >= this.width) {
      this.#x = 0;
      this.#y = (this.#y + 1) % 2;
    }
  }

  /** Decodes one command or character at the start of `b`: bytes used, 0 if incomplete. */
  #step(b: number[]): number {
    const [first, second] = b;
    if (first === undefined) return 0;
    if (first >= 0x20 && first < 0x7f) {
      this.#put(first);
      return 1;
    }
    if (first === ESC) {
      if (second === undefined) return 0;
      if (second === 0x40) {
        this.#clear();
        this.brightness = 4;
        return 2;
      }
      if (this.model === 'cd5220' && second === 0x51) return this.#cd5220Line(b);
    }
    if (first === 0x0c) {
      this.#clear();
      return 1;
    }
    if (first === 0x0b) {
      this.#x = 0;
      this.#y = 0;
      return 1;
    }
    if (first === CR) {
      this.#x = 0;
      return 1;
    }
    if (first === 0x0a) {
      this.#y = Math.min(this.#y + 1, 1);
      return 1;
    }
    if (this.model === 'epson' && first === US) {
      if (second === undefined) return 0;
      if (second === 0x24) {
        const [, , x, y] = b;
        if (x === undefined || y === undefined) return 0;
        this.#x = Math.min(Math.max(x, 1), this.width) - 1;
        this.#y = Math.min(Math.max(y, 1), 2) - 1;
        return 4;
      }
      if (second === 0x58) {
        const n = b[2];
        if (n === undefined) return 0;
        this.brightness = n;
        return 3;
      }
    }
    this.#unknown.push(first);
    return 1;
  }

  /** CD5220 `ESC Q A text CR` (upper line) / `ESC Q B text CR` (lower line). */
  #cd5220Line(b: number[]): number {
    const which = b[2];
    if (which === undefined) return 0;
    if (which !== 0x41 && which !== 0x42) {
      this.#unknown.push(ESC);
      return 1;
    }
    const end = b.indexOf(CR, 3);
    if (end === -1) return 0;
    const text = String.fromCharCode(...b.slice(3, end));
    const row = which === 0x41 ? 0 : 1;
    this.#rows[row] = [...text.slice(0, this.width).padEnd(this.width)];
    return end + 1;
  }
}
