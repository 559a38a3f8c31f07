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

/** One complete disposition of each kind (27 CFR 478.125(e)), as the export tests read back. */
export const EVERY_KIND: Record<
  Exclude<DispositionInput['kind'], 'non_licensee'>,
  DispositionInput
> = {
  licensee: TO_SHOP,
  theft_loss: { kind: 'theft_loss', atfIncident: 'ATF-2026-0042' },
  destroyed: {
    kind: 'destroyed',
    transfereeName: 'Main Street Guns',
    destructionMethod: 'Receiver torch-cut in three pieces',
  },
  returned_to_source: {
    kind: 'returned_to_source',
    transfereeName: 'Lipsey’s LLC',
    transfereeFfl: '9-86-123-01-7K-12345',
  },
  law_enforcement: {
    kind: 'law_enforcement',
    transfereeName: 'Austin Police Department',
    transfereeAddress: '715 E 8th St, Austin TX',
    officerName: 'Sgt. Ruiz',
    officerBadge: '4411',
  },
  loan_out: {
    kind: 'loan_out',
    transfereeName: 'Range Day Rentals',
    transfereeAddress: '5 Range Rd, Austin TX',
  },
  exempt: {
    kind: 'exempt',
    transfereeName: 'Dana Smith',
    transfereeAddress: '9 Oak St, Austin TX',
    exemptionBasis: 'Return of a repaired firearm to its owner',
  },
};

/**
 * A book with one firearm disposed of by each kind, received 2026-01-05 and handed over the
 * same day, plus two sales to non-licensees on checks that proceeded: one with name and
 * address, one recorded by its Form 4473 number only (the store files 4473s numerically).
 * Entries are numbered in the order of `kinds` (licensee … exempt), then the two sales.
 */
export async function everyKindBook() {
  const s = await servicesForTest();
  const f = s.firearms;
  s.profile.update('owner', {
    name: 'Main Street Guns',
    state: 'TX',
    form4473FiledNumerically: true,
  });
  const kinds = Object.keys(EVERY_KIND) as (keyof typeof EVERY_KIND)[];
  const entries = f.acquire('carlos', {
    receivedOn: '2026-01-05',
    source: LIPSEYS,
    firearms: [...kinds, 'sale-named', 'sale-numbered'].map((k, i) => ({
      manufacturer: 'Ruger',
      model: 'American',
      serial: `K-${i + 1}`,
      type: 'rifle' as const,
      caliber: '.308 Win',
    })),
  });
  kinds.forEach((k, i) => {
    const d = f.startDisposition('carlos', entries[i]?.itemId ?? 0, EVERY_KIND[k]);
    f.commitDisposition('carlos', d.id);
  });
  const sell = (itemId: number, form4473: string, who: { name?: string; address?: string }) => {
    const check = s.checks.start('carlos', {
      form4473,
      buyerKey: `buyer-${form4473}`,
      itemIds: [itemId],
      itemTypes: ['rifle'],
      state: 'TX',
      buyerUnder21: false,
    });
    s.checks.record('carlos', check.id, { kind: 'submit', on: '2026-01-05' });
    s.checks.record('carlos', check.id, { kind: 'proceed', on: '2026-01-05', ntn: 'NTN1' });
    const d = f.startDisposition('carlos', itemId, {
      kind: 'non_licensee',
      form4473,
      buyerKey: `buyer-${form4473}`,
      checkId: check.id,
      ...(who.name ? { transfereeName: who.name } : {}),
      ...(who.address ? { transfereeAddress: who.address } : {}),
    });
    return f.commitDisposition('carlos', d.id);
  };
  sell(entries[kinds.length]?.itemId ?? 0, 'T-1001', {
    name: 'Pat Buyer',
    address: '1 Main St, Austin TX',
  });
  sell(entries[kinds.length + 1]?.itemId ?? 0, 'T-1002', {});
  return { s, kinds, entries };
}

/** An RFC 4180 file of quoted fields (as export.ts writes it), parsed into rows of values. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] !== '"') throw new Error(`Unquoted field at ${i}`);
    let value = '';
    for (i++; ; i++) {
      if (text[i] === '"' && text[i + 1] === '"') {
        value += '"';
        i++;
      } else if (text[i] === '"') break;
      else value += text[i];
    }
    row.push(value);
    i++;
    if (text[i] === ',') i++;
    else if (text.startsWith('\r\n', i)) {
      rows.push(row);
      row = [];
      i += 2;
    } else throw new Error(`Expected , or CR LF at ${i}`);
  }
  return rows;
}

/**
 * What each kind of disposition must show (27 CFR 478.125(e): the date; the name and address
 * of the transferee, or a licensee's name and FFL number, or the Form 4473 number where 4473s
 * are filed numerically; 27 CFR 478.39a: a theft or loss with its ATF incident number), and
 * the kind in words: the four disposition columns of each entry of everyKindBook.
 */
export const EVERY_KIND_COLUMNS = [
  ['2026-01-05', 'Transfer to a licensee', 'Gun Shop B', '5-74-015-07-8C-04321'],
  ['2026-01-05', 'Theft or loss', 'Theft or loss', 'ATF incident ATF-2026-0042'],
  [
    '2026-01-05',
    'Destroyed',
    'Destroyed by Main Street Guns',
    'Method: Receiver torch-cut in three pieces',
  ],
  ['2026-01-05', 'Returned to source', 'Lipsey’s LLC', 'FFL 9-86-123-01-7K-12345'],
  [
    '2026-01-05',
    'To law enforcement',
    'Austin Police Department; officer Sgt. Ruiz; badge 4411',
    '715 E 8th St, Austin TX',
  ],
  ['2026-01-05', 'Loaned out', 'Range Day Rentals', '5 Range Rd, Austin TX'],
  [
    '2026-01-05',
    'Exempt transfer',
    'Dana Smith',
    '9 Oak St, Austin TX; Exemption: Return of a repaired firearm to its owner',
  ],
  [
    '2026-01-05',
    'Sale to a non-licensee',
    'Pat Buyer',
    '1 Main St, Austin TX; Form 4473 no. T-1001',
  ],
  // The store files its 4473s numerically: the number stands for name and address.
  ['2026-01-05', 'Sale to a non-licensee', '', 'Form 4473 no. T-1002'],
];
