// The acquisition form's lines become the API's input: optional fields only when filled, the
// PMF mark as ticked, the 3310.12 rifle mark only on a rifle.
import { describe, expect, it } from 'vitest';
import { acquisitionSchema } from '../../lib/rules.ts';
import { acquisitionOf, blank, lineWarnings } from './acquisition.ts';

const line = { ...blank, manufacturer: 'Ruger', model: 'SFAR', serial: 'SF-1', caliber: '.308' };

describe('an acquisition from the form', () => {
  it('carries the PMF mark and, on a rifle, the semi-auto detachable-magazine mark', () => {
    const input = acquisitionOf({
      receivedOn: '2026-01-05',
      sourceName: 'Jane Seller',
      sourceKind: 'address',
      sourceDetail: '9 Elm St, Austin TX',
      firearms: [
        { ...line, type: 'rifle', semiAutoDetachable: true },
        { ...line, serial: 'NSN', type: 'receiver', privatelyMade: true },
        // Ticked while it was a rifle, then changed to a shotgun: the mark does not follow.
        { ...line, serial: 'SG-9', type: 'shotgun', semiAutoDetachable: true },
      ],
    });
    expect(input.firearms).toEqual([
      { ...withoutMarks(line), type: 'rifle', semiAutoDetachable: true },
      { ...withoutMarks(line), serial: 'NSN', type: 'receiver', privatelyMade: true },
      { ...withoutMarks(line), serial: 'SG-9', type: 'shotgun' },
    ]);
    expect(input.source).toEqual({ name: 'Jane Seller', address: '9 Elm St, Austin TX' });
    expect(acquisitionSchema.safeParse(input).success).toBe(true);
  });
});

describe('a line’s warnings as typed', () => {
  // 27 CFR 478.92: a privately made firearm (which has no maker's serial) is marked within
  // 7 days; a line entered as NSN without the PMF mark is most likely one.
  it('warns of a firearm with no serial (NSN, any case or spacing) not marked privately made', () => {
    expect(lineWarnings({ ...line, serial: 'NSN' })).toEqual(['nsn_not_pmf']);
    expect(lineWarnings({ ...line, serial: ' n s n ' })).toEqual(['nsn_not_pmf']);
    expect(lineWarnings({ ...line, serial: 'NSN', privatelyMade: true })).toEqual([]);
    expect(lineWarnings({ ...line, serial: 'NSN-1' })).toEqual([]);
    expect(lineWarnings(line)).toEqual([]);
  });

  it('does not stop the line: the book accepts an NSN firearm that is not privately made', () => {
    const input = acquisitionOf({
      receivedOn: '2026-01-05',
      sourceName: 'Jane Seller',
      sourceKind: 'address',
      sourceDetail: '9 Elm St, Austin TX',
      firearms: [{ ...line, serial: 'NSN', type: 'rifle' }],
    });
    expect(acquisitionSchema.safeParse(input).success).toBe(true);
  });
});

function withoutMarks(d: typeof line) {
  return { manufacturer: d.manufacturer, model: d.model, serial: d.serial, caliber: d.caliber };
}
