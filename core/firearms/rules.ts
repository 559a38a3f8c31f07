// The bound book's pure rules, shared by the store server and the forms: the store's serial
// format rules, the privately-made-firearm serial, and what makes a rifle count for 3310.12
// (its caliber rule is data: resources/firearms/rifle-calibers.json).
import { z } from 'zod';
import rifleCalibersData from '../../resources/firearms/rifle-calibers.json' with { type: 'json' };
import { abbreviatedFfl, firearmTypes, makerKey } from './model.ts';

/** A caliber in inches from how it is written: ".223", "22 LR", "5.56x45mm", "308 Win", "12 ga". */
export function caliberInches(caliber: string): number | null {
  // The patterns below are not anchored: spaces around the caliber change nothing.
  const c = caliber.toLowerCase();
  if (/\b(ga|gauge|bore)\b/.test(c)) return null;
  const m = /(\d*\.\d+|\d+)/.exec(c);
  if (!m?.[1]) return null;
  const n = Number(m[1]);
  // Metric: "5.56x45", "7.62 mm", "9mm", "8x57", "6.5 Creedmoor".
  if (/mm|x\d/.test(c) || (n >= 4 && n < 20 && m[1].includes('.'))) return n / 25.4;
  if (n >= 100) return n / 1000; // "308", "223"
  if (n >= 17) return n / 100; // "22", "45", "17"
  // ".308", "0.45"; a bare number under 17 ("9", "12", "16") could be millimetres or a gauge.
  return n < 1 ? n : null;
}

/** Whether a pattern compiles as a regular expression (flags such as `i` change nothing here). */
function isRegExp(pattern: string): boolean {
  try {
    new RegExp(pattern);
  } catch {
    return false;
  }
  return true;
}

/** The 3310.12 caliber rule's data (resources/firearms/rifle-calibers.json). */
export const rifleCaliberRuleSchema = z
  .object({
    source: z.string().min(1),
    versions: z.array(
      z
        .object({
          effective: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
          /** A caliber is "greater than .22" when its bullet is wider than this, in inches. */
          greaterThanInches: z.number().positive(),
          /** Cartridges read by name (first match wins), with their bullet diameter. */
          cartridges: z.array(
            z
              .object({
                name: z.string().min(1),
                pattern: z.string().refine(isRegExp, 'not a regular expression'),
                bulletInches: z.number().positive(),
              })
              .strict(),
          ),
        })
        .strict(),
    ),
  })
  .strict();

/** The 3310.12 caliber rule in force, compiled: its cut-off and its cartridges by name. */
export interface CaliberRule {
  greaterThan: number;
  cartridges: { name: string; re: RegExp; bulletInches: number }[];
}

/**
 * The caliber rule from its data: checked against the schema, the newest version (the version
 * in force today: the rule has one version so far), its cartridge patterns read regardless of
 * case. Throws when the data is not a rule or has no version.
 */
export function caliberRuleOf(data: unknown): CaliberRule {
  const rule = rifleCaliberRuleSchema.parse(data);
  const v = rule.versions.toSorted((a, b) => b.effective.localeCompare(a.effective))[0];
  if (!v) throw new RangeError('No 3310.12 caliber rule is configured.');
  return {
    greaterThan: v.greaterThanInches,
    cartridges: v.cartridges.map((c) => ({
      name: c.name,
      re: new RegExp(c.pattern, 'i'),
      bulletInches: c.bulletInches,
    })),
  };
}

const shippedCaliberRule = caliberRuleOf(rifleCalibersData);

/** How the 3310.12 caliber rule reads a caliber as written, and what it decides. */
export interface RifleCaliber {
  /** The bullet's width in inches, or null for a gauge or a caliber with no number. */
  inches: number | null;
  /** Named in the rule's table, read from its number, a shotgun gauge, or unreadable. */
  basis: 'table' | 'number' | 'gauge' | 'unreadable';
  /** The table's entry, when it was read by name. */
  cartridge: string | null;
  /** "Greater than .22 caliber" (an unreadable caliber is reported: when in doubt, report). */
  greaterThan22: boolean;
}

/**
 * Whether a caliber is "greater than .22 (including .223/5.56)" for ATF Form 3310.12. ATF
 * names no cut-off in inches; the rule's data reads ".22" as the .22 rimfire's .223 in
 * bullet, so every .224-bore cartridge (.223 Rem, 5.56, .22-250, 22 Nosler, .22 ARC, 224
 * Valkyrie) counts the same way as .223/5.56, which ATF names.
 */
export function rifleCaliber(
  caliber: string,
  rule: CaliberRule = shippedCaliberRule,
): RifleCaliber {
  // "0.223" is ".223" as the table reads it (its patterns take ".223" or "223").
  const c = caliber
    .trim()
    .toLowerCase()
    .replace(/^0(?=\.)/, '');
  if (/\b(ga|gauge|bore)\b/.test(c))
    return { inches: null, basis: 'gauge', cartridge: null, greaterThan22: false };
  const named = rule.cartridges.find((x) => x.re.test(c));
  if (named)
    return {
      inches: named.bulletInches,
      basis: 'table',
      cartridge: named.name,
      greaterThan22: named.bulletInches > rule.greaterThan,
    };
  const inches = caliberInches(c);
  return inches === null
    ? { inches: null, basis: 'unreadable', cartridge: null, greaterThan22: true }
    : { inches, basis: 'number', cartridge: null, greaterThan22: inches > rule.greaterThan };
}

/**
 * ATF Form 3310.12: a semi-automatic rifle greater than .22 caliber (.223/5.56 included)
 * that takes a detachable magazine. Receivers are not reportable (ATF Q&A), nor other types.
 */
export function reportableRifle(type: string, caliber: string, semiAutoDetachable: boolean) {
  return type === 'rifle' && semiAutoDetachable && rifleCaliber(caliber).greaterThan22;
}

export const serialFormatRuleSchema = z
  .object({
    manufacturer: z.string().trim().min(1, 'Enter the manufacturer.').max(120),
    type: z.enum(firearmTypes).optional(),
    pattern: z
      .string()
      .trim()
      .max(200)
      .refine(isRegExp, 'That pattern is not a valid regular expression.')
      .optional(),
    minLength: z.number().int().min(1).max(60).optional(),
    maxLength: z.number().int().min(1).max(60).optional(),
    action: z.enum(['warn', 'block']),
    note: z.string().trim().max(300).optional(),
  })
  .strict()
  .refine((r) => r.pattern || r.minLength || r.maxLength, 'Give a pattern or a length.')
  .refine(
    (r) => !r.minLength || !r.maxLength || r.minLength <= r.maxLength,
    'The shortest length cannot be above the longest.',
  );
export type SerialFormatRule = z.infer<typeof serialFormatRuleSchema>;

export interface SerialProblem {
  action: 'warn' | 'block';
  message: string;
}

/** What the store's rules say of a serial for this maker and type (NSN is never checked). */
export function serialFormatProblems(
  rules: readonly SerialFormatRule[],
  f: { manufacturer: string; type: string; serial: string },
): SerialProblem[] {
  const serial = f.serial.trim();
  if (serial.toUpperCase() === 'NSN') return [];
  const out: SerialProblem[] = [];
  for (const r of rules) {
    if (makerKey(r.manufacturer) !== makerKey(f.manufacturer)) continue;
    if (r.type && r.type !== f.type) continue;
    const what = `${r.manufacturer}${r.type ? ` ${r.type}` : ''} serials`;
    if (r.minLength && serial.length < r.minLength)
      out.push({ action: r.action, message: `${what} have at least ${r.minLength} characters.` });
    if (r.maxLength && serial.length > r.maxLength)
      out.push({ action: r.action, message: `${what} have at most ${r.maxLength} characters.` });
    if (r.pattern && !new RegExp(`^(?:${r.pattern})$`).test(serial))
      out.push({
        action: r.action,
        message: `${what} look like ${r.note ?? r.pattern}: check what is engraved.`,
      });
  }
  return out;
}

/** A privately made firearm's serial: the store's abbreviated FFL number, "-", a unique id. */
export const pmfUniqueIdSchema = z
  .string()
  .trim()
  .regex(/^[A-Z0-9]{1,20}$/i, 'Use letters and digits only (up to 20).')
  .transform((v) => v.toUpperCase());
export const pmfSerial = (storeFfl: string, uniqueId: string) =>
  `${abbreviatedFfl(storeFfl)}-${uniqueId.toUpperCase()}`;
