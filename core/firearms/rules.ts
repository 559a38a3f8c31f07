// The bound book's pure rules, shared by the store server and the forms: the store's serial
// format rules, the privately-made-firearm serial, and what makes a rifle count for 3310.12.
import { z } from 'zod';
import { abbreviatedFfl, firearmTypes, makerKey } from './model.ts';

/** A caliber in inches from how it is written: ".223", "22 LR", "5.56x45mm", "308 Win", "12 ga". */
export function caliberInches(caliber: string): number | null {
  const c = caliber.trim().toLowerCase();
  if (/\b(ga|gauge|bore)\b/.test(c)) return null;
  const m = /(\d*\.\d+|\d+)/.exec(c);
  if (!m?.[1]) return null;
  const n = Number(m[1]);
  // Metric: "5.56x45", "7.62 mm", "9mm".
  if (/mm|x\d/.test(c) || (n >= 4 && n < 20 && m[1].includes('.'))) return n / 25.4;
  if (n >= 100) return n / 1000; // "308", "223"
  if (n >= 17 && n < 100) return n / 100; // "22", "45"
  return n < 1 ? n : null;
}

/** ".22", "22 LR", "22 WMR": the .22 family, which 3310.12 leaves out (".223" is not in it). */
const TWENTY_TWO = /(^|[^\d.])\.?22(?![\d.])/;

/**
 * ATF Form 3310.12: a semi-automatic rifle greater than .22 caliber (.223/5.56 included)
 * that takes a detachable magazine.
 */
export function reportableRifle(type: string, caliber: string, semiAutoDetachable: boolean) {
  const inches = caliberInches(caliber);
  return (
    type === 'rifle' &&
    semiAutoDetachable &&
    inches !== null &&
    inches >= 0.2185 &&
    !TWENTY_TWO.test(caliber.trim().toLowerCase())
  );
}

export const serialFormatRuleSchema = z
  .object({
    manufacturer: z.string().trim().min(1, 'Enter the manufacturer.').max(120),
    type: z.enum(firearmTypes).optional(),
    pattern: z
      .string()
      .trim()
      .max(200)
      .refine((p) => {
        try {
          new RegExp(p);
          return true;
        } catch {
          return false;
        }
      }, 'That pattern is not a valid regular expression.')
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
