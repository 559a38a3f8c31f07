// What the acquisition form holds, and the API input it makes: typed text in, the book's
// fields out, with empty optional fields left out; and the warnings a line shows as typed.

export interface FirearmDraft {
  manufacturer: string;
  importer: string;
  model: string;
  serial: string;
  type: string;
  caliber: string;
  /** Privately made (no maker's serial): to be marked within 7 days. */
  privatelyMade: boolean;
  /** A semi-automatic rifle taking a detachable magazine (Form 3310.12 states). */
  semiAutoDetachable: boolean;
}
export const blank: FirearmDraft = {
  manufacturer: '',
  importer: '',
  model: '',
  serial: '',
  type: '',
  caliber: '',
  privatelyMade: false,
  semiAutoDetachable: false,
};

/** The acquisition input from what was typed (empty optional fields left out). */
export function acquisitionOf(d: {
  receivedOn: string;
  sourceName: string;
  sourceKind: 'ffl' | 'address';
  sourceDetail: string;
  firearms: FirearmDraft[];
}) {
  return {
    receivedOn: d.receivedOn,
    source:
      d.sourceKind === 'ffl'
        ? { name: d.sourceName, ffl: d.sourceDetail }
        : { name: d.sourceName, address: d.sourceDetail },
    firearms: d.firearms.map((f) => ({
      manufacturer: f.manufacturer,
      ...(f.importer.trim() ? { importer: f.importer } : {}),
      model: f.model,
      serial: f.serial,
      type: f.type,
      caliber: f.caliber,
      ...(f.privatelyMade ? { privatelyMade: true } : {}),
      // Only a rifle's magazine matters (Form 3310.12); a stale tick on another type is dropped.
      ...(f.semiAutoDetachable && f.type === 'rifle' ? { semiAutoDetachable: true } : {}),
    })),
  };
}

/** A warning a line shows as it is typed; the store server accepts the line anyway. */
export type LineWarning = 'nsn_not_pmf';

/**
 * A firearm with no serial ("NSN") that is not marked privately made: most often a PMF, which
 * must be marked within 7 days of receipt (27 CFR 478.92). It may also be an old firearm made
 * before serials were required, so it warns, and the firearm goes on the review list.
 */
export function lineWarnings(f: FirearmDraft): LineWarning[] {
  return f.serial.replace(/\s+/g, '').toUpperCase() === 'NSN' && !f.privatelyMade
    ? ['nsn_not_pmf']
    : [];
}
