// What the acquisition form holds, and the API input it makes: typed text in, the book's
// fields out, with empty optional fields left out.

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
