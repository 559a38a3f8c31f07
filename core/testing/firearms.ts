// Firearms the book tests share, a DomainError catcher, and a small sample book (three
// firearms received together, one corrected, two disposed) the export tests read back.
import { DomainError } from '../errors.ts';
import type { DispositionInput, FirearmInput } from '../firearms/model.ts';
import { servicesForTest } from './fixtures.ts';

export const GLOCK: FirearmInput = {
  manufacturer: 'Glock',
  model: '19',
  serial: 'ABC123',
  type: 'pistol',
  caliber: '9mm',
};
export const SIG: FirearmInput = {
  manufacturer: 'Sig Sauer',
  model: 'P365',
  serial: '66A-0042',
  type: 'pistol',
  caliber: '9mm',
};
export const RUGER: FirearmInput = {
  manufacturer: 'Ruger',
  model: '10/22',
  serial: '0001-2345',
  type: 'rifle',
  caliber: '.22 LR',
};
export const PMF: FirearmInput = {
  manufacturer: 'Privately made',
  model: 'AR-15 type',
  serial: 'NSN',
  type: 'receiver',
  caliber: '5.56 NATO',
  privatelyMade: true,
};
export const LIPSEYS = { name: 'Lipsey’s LLC', ffl: '9-86-123-01-7K-12345' };
export const TO_SHOP: DispositionInput = {
  kind: 'licensee',
  transfereeName: 'Gun Shop B',
  transfereeFfl: '5-74-015-07-8C-04321',
};

/** What a call threw, for asserting its reason and fields. */
export function thrown(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('Expected a DomainError, but nothing was thrown.');
}

/**
 * Glock, Ruger and Colt received from Lipsey's on 2026-01-05; the Ruger's model corrected;
 * the Glock to a licensee and the Colt stolen. Values chosen to need quoting and escaping.
 */
export async function sampleBook() {
  const s = await servicesForTest();
  const f = s.firearms;
  const [glock, ruger, colt] = f.acquire('carlos', {
    receivedOn: '2026-01-05',
    source: LIPSEYS,
    firearms: [
      GLOCK,
      RUGER,
      {
        manufacturer: 'Colt',
        model: 'Python',
        serial: 'PY|77',
        type: 'revolver',
        caliber: '.357 Mag',
      },
    ],
  });
  f.correctAcquisition('maria', ruger?.entryNo ?? 0, {
    firearm: { ...RUGER, model: '10/22 Carbine' },
    receivedOn: '2026-01-05',
    source: LIPSEYS,
    reason: 'Model as engraved',
  });
  const toShop = f.startDisposition('carlos', glock?.itemId ?? 0, {
    kind: 'licensee',
    transfereeName: 'Gun Shop "B"',
    transfereeFfl: '5-74-015-07-8C-04321',
  });
  f.commitDisposition('carlos', toShop.id);
  const stolen = f.startDisposition('carlos', colt?.itemId ?? 0, {
    kind: 'theft_loss',
    atfIncident: 'ATF-2026-0042',
  });
  f.commitDisposition('carlos', stolen.id);
  return { s, toShop };
}
