import i18n from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  backupSettingsSchema,
  displayNameSchema,
  passwordSchema,
  pinSchema,
  usernameSchema,
} from './rules.ts';
import { en } from '../i18n/en.ts';
import { es } from '../i18n/es.ts';
import { checkField, checkWholeNumber } from './validation.ts';

beforeAll(async () => {
  await i18n.init({
    resources: { en: { translation: en }, es: { translation: es } },
    lng: 'en',
    nsSeparator: false,
    interpolation: { escapeValue: false },
  });
});

describe('form checks with the server’s schemas', () => {
  it('accepts what the server accepts', () => {
    expect(checkField(usernameSchema, 'clerk.one', i18n.t)).toBeNull();
    expect(checkField(passwordSchema, 'long enough pw', i18n.t)).toBeNull();
    expect(checkField(pinSchema, '2468', i18n.t)).toBeNull();
    expect(checkField(displayNameSchema, 'Ana Ruiz', i18n.t)).toBeNull();
  });

  it('explains length limits with the schema’s own numbers', () => {
    expect(checkField(usernameSchema, 'ab', i18n.t)).toBe('Use at least 3 characters.');
    expect(checkField(passwordSchema, 'short', i18n.t)).toBe('Use at least 10 characters.');
    expect(checkField(usernameSchema, 'a'.repeat(40), i18n.t)).toBe('Use at most 32 characters.');
  });

  it('uses the field’s own words for a pattern or an empty value', () => {
    expect(
      checkField(usernameSchema, 'ana ruiz', i18n.t, { format: 'validation.usernameChars' }),
    ).toBe('Use only letters, digits, dots, dashes and underscores.');
    expect(checkField(pinSchema, '12ab', i18n.t, { format: 'validation.pinFormat' })).toBe(
      'A PIN is 4 to 8 digits.',
    );
    expect(
      checkField(displayNameSchema, '   ', i18n.t, { required: 'validation.nameRequired' }),
    ).toBe('Enter the person’s name.');
  });

  it('speaks Spanish when the screen does', async () => {
    await i18n.changeLanguage('es');
    expect(checkField(passwordSchema, 'short', i18n.t)).toBe('Use al menos 10 caracteres.');
    expect(checkWholeNumber(backupSettingsSchema.shape.keep, '0', i18n.t)).toBe(
      'Escriba un número entero de 1 a 365.',
    );
    await i18n.changeLanguage('en');
  });

  it('checks whole numbers against the schema’s bounds', () => {
    const keep = backupSettingsSchema.shape.keep;
    expect(checkWholeNumber(keep, '14', i18n.t)).toBeNull();
    expect(checkWholeNumber(keep, '', i18n.t)).toBe('Enter a whole number from 1 to 365.');
    expect(checkWholeNumber(keep, '2.5', i18n.t)).toBe('Enter a whole number from 1 to 365.');
    expect(checkWholeNumber(keep, '400', i18n.t)).toBe('Enter a whole number from 1 to 365.');
  });
});
