// The bound book's pure rules: calibers in inches, what counts for Form 3310.12 (its caliber
// rule's boundaries), the store's serial format rules, and the privately made firearm's serial.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  caliberInches,
  caliberRuleOf,
  pmfSerial,
  pmfUniqueIdSchema,
  reportableRifle,
  rifleCaliber,
  rifleCaliberRuleSchema,
  serialFormatProblems,
  serialFormatRuleSchema,
  type SerialFormatRule,
} from './rules.ts';
import rifleCalibers from '../../resources/firearms/rifle-calibers.json' with { type: 'json' };

const STORE_FFL = '9-86-123-01-7K-12345';

describe('a caliber in inches', () => {
  it.each([
    ['.223', 0.223],
    ['22 LR', 0.22],
    ['.22 LR', 0.22],
    ['5.56x45mm', 5.56 / 25.4],
    ['5.56 NATO', 5.56 / 25.4],
    ['7.62x39', 7.62 / 25.4],
    ['308 Win', 0.308],
    ['9mm', 9 / 25.4],
    ['.45 ACP', 0.45],
    ['6.5 Creedmoor', 6.5 / 25.4],
    // Hundredths and thousandths of an inch, with or without the dot or a space.
    ['.17 HMR', 0.17],
    ['17 HMR', 0.17],
    ['.204 Ruger', 0.204],
    ['22LR', 0.22],
    ['  .308 Win ', 0.308],
    // Millimetres: "mm" in any case, a case length after "x", two digits before the point.
    ['9MM', 9 / 25.4],
    ['9x19', 9 / 25.4],
    ['8x57 Mauser', 8 / 25.4],
    ['12.7x99mm', 12.7 / 25.4],
  ])('reads %s', (caliber, inches) => {
    expect(caliberInches(caliber)).toBeCloseTo(inches, 6);
  });

  it('reads ".30-06" written "30.06" as the .30 it is, not as 30 millimetres', () => {
    expect(caliberInches('30.06')).toBeCloseTo(0.3, 2);
  });

  // A gauge is no caliber; a bare number under 17 could be a gauge ("12", "16") or millimetres.
  it.each(['12 ga', '20 gauge', '.410 bore', 'unknown', '12 GA', '20 GAUGE', '12', '16'])(
    'has none for %s',
    (caliber) => {
      expect(caliberInches(caliber)).toBeNull();
    },
  );
});

describe('a rifle for Form 3310.12', () => {
  // ATF's 3310.12 demand letter and Q&A: semiautomatic rifles capable of accepting a
  // detachable magazine "with a caliber greater than .22 (including .223/5.56 caliber)".
  it('is a semi-automatic rifle over .22 that takes a detachable magazine, .223 and 5.56 included', () => {
    expect(reportableRifle('rifle', '.223', true)).toBe(true);
    expect(reportableRifle('rifle', '223 Rem', true)).toBe(true);
    expect(reportableRifle('rifle', '5.56x45mm', true)).toBe(true);
    expect(reportableRifle('rifle', '5.56 NATO', true)).toBe(true);
    expect(reportableRifle('rifle', '7.62x39', true)).toBe(true);
    expect(reportableRifle('rifle', '308 Win', true)).toBe(true);
  });

  it('leaves out the .22 rimfire family, rifles without a detachable magazine, other types and gauges', () => {
    expect(reportableRifle('rifle', '22 LR', true)).toBe(false);
    expect(reportableRifle('rifle', '.22 LR', true)).toBe(false);
    expect(reportableRifle('rifle', '.22 Long Rifle', true)).toBe(false);
    expect(reportableRifle('rifle', '.22', true)).toBe(false);
    expect(reportableRifle('rifle', '5.56x45mm', false)).toBe(false);
    expect(reportableRifle('pistol', '5.56x45mm', true)).toBe(false);
    // ATF Q&A: the requirement does not apply to receivers.
    expect(reportableRifle('receiver', '5.56x45mm', true)).toBe(false);
    expect(reportableRifle('shotgun', '12 ga', true)).toBe(false);
    expect(reportableRifle('rifle', '12 ga', true)).toBe(false);
  });

  // The rule's boundary: ".22 caliber" is the .22 rimfire's .223 in bullet; .223/5.56, which
  // ATF names as greater, fire .224 in bullets, so every .224-bore cartridge is greater.
  it.each([
    ['.17 HMR', false, 0.172],
    ['17 HMR', false, 0.172],
    ['.204 Ruger', false, 0.204],
    ['5.45x39', false, 0.221],
    ['.22 LR', false, 0.223],
    ['22LR', false, 0.223],
    ['.223 Rem', true, 0.224],
    ['5.56 NATO', true, 0.224],
    ['.22-250 Rem', true, 0.224],
    ['22 Nosler', true, 0.224],
    ['.22 ARC', true, 0.224],
    ['224 Valkyrie', true, 0.224],
    ['.22 WMR', true, 0.224],
    ['.22 Hornet', true, 0.224],
    ['6.5 Creedmoor', true, 6.5 / 25.4],
    ['7.62x39', true, 7.62 / 25.4],
    ['9mm', true, 9 / 25.4],
    // Written with a leading zero, or with stray spaces, as typed into the book.
    ['0.223 Rem', true, 0.224],
    ['0.22', false, 0.223],
    [' .22', false, 0.223],
    // A .20 caliber the table does not name is read from its number, and is not over .22.
    ['.20 Tactical', false, 0.2],
  ])('reads %s as greater than .22: %s (bullet %f in)', (caliber, greater, inches) => {
    const r = rifleCaliber(caliber);
    expect(r.greaterThan22).toBe(greater);
    expect(r.inches).toBeCloseTo(inches, 6);
    expect(reportableRifle('rifle', caliber, true)).toBe(greater);
  });

  it('never reports a shotgun gauge, and reports a rifle whose caliber has no number (when in doubt, report)', () => {
    expect(rifleCaliber('12 gauge')).toMatchObject({ basis: 'gauge', greaterThan22: false });
    expect(rifleCaliber('12 GAUGE')).toMatchObject({ basis: 'gauge', greaterThan22: false });
    expect(reportableRifle('rifle', '12 gauge', true)).toBe(false);
    expect(rifleCaliber('Multi')).toMatchObject({ basis: 'unreadable', greaterThan22: true });
  });

  it('reads a caliber the table does not name from its number, and says so', () => {
    expect(rifleCaliber('308 Win')).toEqual({
      inches: 0.308,
      basis: 'number',
      cartridge: null,
      greaterThan22: true,
    });
    const springfield = rifleCaliber('30.06');
    expect(springfield).toMatchObject({ basis: 'number', greaterThan22: true });
    expect(springfield.inches).toBeCloseTo(0.3, 2);
  });

  it('reads "17 HMR" without its dot as .17, by the table and by its number alike', () => {
    expect(caliberInches('17 HMR')).toBeCloseTo(0.17, 6);
    expect(rifleCaliber('17 HMR')).toMatchObject({ basis: 'table', inches: 0.172 });
  });

  it('keeps the rule’s source in its data, citing ATF and the .223/5.56 inclusion', () => {
    expect(rifleCalibers.source).toMatch(/3310\.12/);
    expect(rifleCalibers.source).toMatch(/including \.223\/5\.56 caliber/);
    expect(rifleCalibers.versions[0]?.greaterThanInches).toBe(0.223);
  });
});

describe('the 3310.12 caliber rule as data', () => {
  const shipped = rifleCalibers.versions[0];
  if (!shipped) throw new Error('The shipped rule has no version.');
  const version = (
    effective: string,
    greaterThanInches: number,
    cartridges: { name: string; pattern: string; bulletInches: number }[] = [],
  ) => ({ effective, greaterThanInches, cartridges });
  const data = (...versions: ReturnType<typeof version>[]) => ({ source: 'test', versions });

  it('is the shipped rule: over .223 in, .224-bore cartridges reported', () => {
    const rule = caliberRuleOf(rifleCalibers);
    expect(rule.greaterThan).toBe(0.223);
    expect(rule.cartridges).toHaveLength(shipped.cartridges.length);
    expect(rifleCaliber('.223 Rem', rule).greaterThan22).toBe(true);
  });

  it('uses the newest version, whatever order the versions are listed in', () => {
    const older = version('2011-08-14', 0.223);
    const newer = version('2030-01-01', 0.3);
    expect(caliberRuleOf(data(older, newer)).greaterThan).toBe(0.3);
    expect(caliberRuleOf(data(newer, older)).greaterThan).toBe(0.3);
  });

  it('reads its cartridge patterns regardless of case', () => {
    const rule = caliberRuleOf(
      data(version('2011-08-14', 0.223, [{ name: 'WMR', pattern: '22 WMR', bulletInches: 0.224 }])),
    );
    expect(rifleCaliber('.22 wmr', rule)).toMatchObject({ basis: 'table', cartridge: 'WMR' });
  });

  it('refuses a rule with no version', () => {
    expect(() => caliberRuleOf(data())).toThrow(
      new RangeError('No 3310.12 caliber rule is configured.'),
    );
  });

  it('refuses a cartridge pattern that is not a regular expression', () => {
    const bad = data(
      version('2011-08-14', 0.223, [{ name: 'x', pattern: '22(', bulletInches: 0.224 }]),
    );
    const r = rifleCaliberRuleSchema.safeParse(bad);
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toBe('not a regular expression');
    expect(() => caliberRuleOf(bad)).toThrow();
  });

  it.each(['2011-8-14', 'x2011-08-14', '2011-08-14x', ''])(
    'refuses an effective date written %j',
    (effective) => {
      expect(rifleCaliberRuleSchema.safeParse(data(version(effective, 0.223))).success).toBe(false);
    },
  );
});

describe('the store’s serial format rules', () => {
  const glockLength: SerialFormatRule = {
    manufacturer: 'Glock',
    minLength: 6,
    maxLength: 8,
    action: 'block',
  };
  const sigPistolPattern: SerialFormatRule = {
    manufacturer: 'Sig  Sauer',
    type: 'pistol',
    pattern: '[0-9]{2}[A-Z]\\d{6}',
    action: 'warn',
    note: '2 digits, a letter, 6 digits',
  };

  it('applies a rule to its maker whatever the case and spacing, and to no other maker', () => {
    const f = { manufacturer: '  sig sauer ', type: 'pistol', serial: 'nope' };
    expect(serialFormatProblems([sigPistolPattern], f)).toEqual([
      {
        action: 'warn',
        message:
          'Sig  Sauer pistol serials look like 2 digits, a letter, 6 digits: check what is engraved.',
      },
    ]);
    expect(serialFormatProblems([sigPistolPattern], { ...f, manufacturer: 'Sig' })).toEqual([]);
  });

  it('applies a typed rule only to that type', () => {
    const rifle = { manufacturer: 'Sig Sauer', type: 'rifle', serial: 'nope' };
    expect(serialFormatProblems([sigPistolPattern], rifle)).toEqual([]);
    // An untyped rule applies to every type of the maker.
    const untyped = { ...sigPistolPattern, type: undefined };
    expect(serialFormatProblems([untyped], rifle)).toHaveLength(1);
  });

  it('checks the shortest and the longest length, on the serial as trimmed', () => {
    const glock = (serial: string) =>
      serialFormatProblems([glockLength], { manufacturer: 'GLOCK', type: 'pistol', serial });
    expect(glock('ABC12')).toEqual([
      { action: 'block', message: 'Glock serials have at least 6 characters.' },
    ]);
    expect(glock('ABC123456')).toEqual([
      { action: 'block', message: 'Glock serials have at most 8 characters.' },
    ]);
    expect(glock('  ABC123  ')).toEqual([]);
    expect(glock('ABC12345')).toEqual([]);
  });

  it('matches a pattern against the whole serial, alternatives included', () => {
    const rule: SerialFormatRule = {
      manufacturer: 'Ruger',
      pattern: '\\d{4}|\\d{4}-\\d{5}',
      action: 'block',
    };
    const problems = (serial: string) =>
      serialFormatProblems([rule], { manufacturer: 'Ruger', type: 'rifle', serial });
    expect(problems('0001-2345')).toHaveLength(1); // four digits after the hyphen, not five
    expect(problems('0001-23456')).toEqual([]);
    expect(problems('1234')).toEqual([]);
    expect(problems('X1234')).toHaveLength(1); // "1234" inside is not the whole serial
    expect(problems('12345')).toHaveLength(1);
    // Without a note, the message shows the pattern.
    expect(problems('X1234')[0]?.message).toBe(
      'Ruger serials look like \\d{4}|\\d{4}-\\d{5}: check what is engraved.',
    );
  });

  it('never checks NSN (a firearm with no serial), whatever the case', () => {
    const strict: SerialFormatRule = { manufacturer: 'Acme', pattern: '\\d+', action: 'block' };
    for (const serial of ['NSN', 'nsn', ' NSN '])
      expect(
        serialFormatProblems([strict], { manufacturer: 'Acme', type: 'rifle', serial }),
      ).toEqual([]);
    expect(
      serialFormatProblems([strict], { manufacturer: 'Acme', type: 'rifle', serial: 'NSN1' }),
    ).toHaveLength(1);
  });

  it('says whether each problem warns or blocks, one per broken part of each rule', () => {
    const warnLong: SerialFormatRule = { manufacturer: 'Glock', maxLength: 4, action: 'warn' };
    const problems = serialFormatProblems([glockLength, warnLong, sigPistolPattern], {
      manufacturer: 'Glock',
      type: 'pistol',
      serial: 'ABCDEFGHIJ',
    });
    expect(problems.map((p) => p.action)).toEqual(['block', 'warn']);
  });
});

describe('a serial format rule as entered', () => {
  const ok = { manufacturer: 'Glock', pattern: '[A-Z]{3}\\d{3}', action: 'block' as const };

  it('is accepted with a pattern, or with a length alone', () => {
    expect(serialFormatRuleSchema.parse({ ...ok, manufacturer: ' Glock ' })).toEqual(ok);
    expect(
      serialFormatRuleSchema.safeParse({ manufacturer: 'Glock', minLength: 6, action: 'warn' })
        .success,
    ).toBe(true);
    expect(
      serialFormatRuleSchema.safeParse({
        manufacturer: 'Glock',
        minLength: 6,
        maxLength: 6,
        action: 'warn',
      }).success,
    ).toBe(true);
  });

  it('refuses a pattern that is not a regular expression', () => {
    const r = serialFormatRuleSchema.safeParse({ ...ok, pattern: '([A-Z]' });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toBe('That pattern is not a valid regular expression.');
  });

  it('refuses a rule with neither a pattern nor a length', () => {
    const r = serialFormatRuleSchema.safeParse({ manufacturer: 'Glock', action: 'warn' });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toBe('Give a pattern or a length.');
    expect(
      serialFormatRuleSchema.safeParse({ manufacturer: 'Glock', pattern: '  ', action: 'warn' })
        .success,
    ).toBe(false);
  });

  it('refuses a shortest length above the longest', () => {
    const r = serialFormatRuleSchema.safeParse({
      manufacturer: 'Glock',
      minLength: 9,
      maxLength: 8,
      action: 'block',
    });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toBe('The shortest length cannot be above the longest.');
  });

  it('keeps a note of up to 300 characters, trimmed', () => {
    expect(serialFormatRuleSchema.parse({ ...ok, note: ' 3 letters, 3 digits ' }).note).toBe(
      '3 letters, 3 digits',
    );
    expect(serialFormatRuleSchema.safeParse({ ...ok, note: 'n'.repeat(300) }).success).toBe(true);
    expect(serialFormatRuleSchema.safeParse({ ...ok, note: 'n'.repeat(301) }).success).toBe(false);
  });

  it('asks for the manufacturer when it is missing', () => {
    const r = serialFormatRuleSchema.safeParse({ ...ok, manufacturer: '  ' });
    expect(r.error?.issues[0]?.message).toBe('Enter the manufacturer.');
  });

  it('refuses an unknown action, type or field, and a missing manufacturer', () => {
    expect(serialFormatRuleSchema.safeParse({ ...ok, action: 'ignore' }).success).toBe(false);
    expect(serialFormatRuleSchema.safeParse({ ...ok, type: 'cannon' }).success).toBe(false);
    expect(serialFormatRuleSchema.safeParse({ ...ok, extra: 1 }).success).toBe(false);
    expect(serialFormatRuleSchema.safeParse({ ...ok, manufacturer: ' ' }).success).toBe(false);
  });
});

describe('a privately made firearm’s serial', () => {
  it('is the abbreviated FFL (first 3 and last 5 digits), a hyphen and the id in capitals', () => {
    expect(pmfSerial(STORE_FFL, 'ab12')).toBe('98612345-AB12');
    expect(pmfSerial('5-74-015-07-8C-04321', 'X1')).toBe('57404321-X1');
  });

  it('takes an id of letters and digits only, up to 20, trimmed and upper-cased', () => {
    expect(pmfUniqueIdSchema.parse(' pmf0001 ')).toBe('PMF0001');
    expect(pmfUniqueIdSchema.parse('A'.repeat(20))).toBe('A'.repeat(20));
    for (const bad of ['', '   ', 'AB-12', 'AB 12', 'ÄB12', 'A'.repeat(21), 'AB_12'])
      expect(pmfUniqueIdSchema.safeParse(bad).success, bad).toBe(false);
    expect(pmfUniqueIdSchema.safeParse('AB-12').error?.issues[0]?.message).toBe(
      'Use letters and digits only (up to 20).',
    );
  });

  it('is always the 8 digits, a hyphen and the parsed id, for any accepted id', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9]{1,20}$/), (raw) => {
        const id = pmfUniqueIdSchema.parse(raw);
        expect(id).toBe(raw.toUpperCase());
        expect(pmfSerial(STORE_FFL, id)).toBe(`98612345-${raw.toUpperCase()}`);
      }),
    );
  });
});
