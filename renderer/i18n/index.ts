// Every string on screen goes through i18next: English and Spanish, chosen in the shell or on
// the sign-in screen and remembered on this computer.
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { Permission, Role } from '../../core/auth/model.ts';
import { en } from './en.ts';
import { es } from './es.ts';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof en };
    // Catalogue keys never contain ':'; text may.
    nsSeparator: false;
  }
}

export const languages = ['en', 'es'] as const;
export type Language = (typeof languages)[number];

const STORAGE_KEY = 'backroom.language';

export const isLanguage = (v: unknown): v is Language => languages.includes(v as Language);

/** The remembered choice, else the computer's language if we have it, else English. */
export function initialLanguage(stored: string | null, preferred: readonly string[]): Language {
  if (isLanguage(stored)) return stored;
  for (const tag of preferred) {
    const base = tag.toLowerCase().split('-')[0];
    if (isLanguage(base)) return base;
  }
  return 'en';
}

function storedLanguage(): string | null {
  try {
    return globalThis.localStorage?.getItem(STORAGE_KEY) ?? null;
  } catch {
    return null;
  }
}

export function setLanguage(language: Language): void {
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, language);
  } catch {
    // Private mode or storage disabled: the choice lasts for this page only.
  }
  void i18n.changeLanguage(language);
}

export function currentLanguage(): Language {
  return isLanguage(i18n.language) ? i18n.language : 'en';
}

export async function initI18n(): Promise<typeof i18n> {
  const language = initialLanguage(storedLanguage(), globalThis.navigator?.languages ?? []);
  await i18n.use(initReactI18next).init({
    resources: { en: { translation: en }, es: { translation: es } },
    lng: language,
    fallbackLng: 'en',
    supportedLngs: [...languages],
    nsSeparator: false,
    interpolation: { escapeValue: false }, // React escapes.
    react: { useSuspense: false },
    returnNull: false,
  });
  const syncDocument = (lng: string) => {
    if (globalThis.document) globalThis.document.documentElement.lang = lng;
  };
  syncDocument(language);
  i18n.on('languageChanged', syncDocument);
  return i18n;
}

/** Catalogue key for a permission or an audit action code (`user.create` → `user_create`). */
export const catalogueKey = (code: string) => code.replace(/[.:]/g, '_');

type ActionKey = keyof typeof en.actions;
type PermissionKey = keyof typeof en.permissions;

export function actionLabelKey(code: string): `actions.${ActionKey}` | null {
  const key = catalogueKey(code);
  return key in en.actions ? `actions.${key as ActionKey}` : null;
}

export const permissionLabelKey = (p: Permission) =>
  `permissions.${catalogueKey(p) as PermissionKey}` as const;

export const roleLabelKey = (r: Role) => `roles.${r}` as const;

export default i18n;
