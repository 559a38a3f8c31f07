// What a scale can answer, whatever its protocol: the MT-SICS and Toledo 8213 codecs turn
// bytes into these replies (pure functions), and the driver turns replies into readings or
// DeviceErrors.
import type { ScaleReading, WeightUnit } from '../../core/devices/model.ts';

export type WeighReply =
  | { kind: 'weight'; reading: ScaleReading }
  /** In motion: the weight has not settled yet. */
  | { kind: 'moving' }
  /** The scale cannot answer just now (taring, or busy with its own menu). */
  | { kind: 'busy' }
  | { kind: 'over_range' }
  | { kind: 'under_zero' }
  /** MT-SICS general errors: ES syntax, ET transmission, EL logical. */
  | { kind: 'refused'; code: 'ES' | 'ET' | 'EL' }
  | { kind: 'unsupported_unit'; unit: string }
  | { kind: 'garbled'; bytes: Buffer };

export type ZeroReply =
  | { kind: 'zeroed' }
  | { kind: 'moving' }
  /** Too much on the platter to call it zero. */
  | { kind: 'over_range' }
  | { kind: 'under_zero' }
  | { kind: 'refused'; code: 'ES' | 'ET' | 'EL' }
  | { kind: 'garbled'; bytes: Buffer };

export interface ScaleProtocol {
  /** As the scale's own setup menu names it. */
  name: string;
  weighRequest: Buffer;
  zeroRequest: Buffer;
  /** True once `packet` holds a whole reply (so it is handled without waiting for silence). */
  isComplete(packet: Buffer): boolean;
  parseWeigh(packet: Buffer): WeighReply;
  parseZero(packet: Buffer): ZeroReply;
}

/** The store's units; a scale's milligrams become grams, and "lbs" is "lb". */
export function normalizeWeight(value: number, unitText: string): ScaleReading | undefined {
  const units: Record<string, [WeightUnit, number]> = {
    kg: ['kg', 1],
    g: ['g', 1],
    mg: ['g', 0.001],
    lb: ['lb', 1],
    lbs: ['lb', 1],
    oz: ['oz', 1],
  };
  const known = units[unitText.toLowerCase()];
  if (!known) return undefined;
  const [unit, factor] = known;
  // Round away the float noise of the conversion (0.001 * 1234 is 1.2340000000000002).
  return { weight: Math.round(value * factor * 1e6) / 1e6 || 0, unit };
}

/** Bytes as a clerk can read them in an error message: text as is, the rest as \xNN. */
export function excerpt(bytes: Buffer, max = 24): string {
  const shown = [...bytes.subarray(0, max)]
    .map((b) =>
      b >= 0x20 && b < 0x7f
        ? String.fromCharCode(b)
        : b === 0x0d
          ? '\\r'
          : b === 0x0a
            ? '\\n'
            : `\\x${b.toString(16).padStart(2, '0')}`,
    )
    .join('');
  return bytes.length > max ? `${shown}…` : shown;
}
