import i18next from 'i18next';
import { LANGUAGE_CODES, LANGUAGES, REFERENCE_LANGUAGE, type Language } from './languages.ts';
import type { en } from './locales/en.ts';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    // The reference file types every key and its {{names}}: a missing one fails the type check.
    resources: { translation: typeof en };
  }
}

/**
 * The window's one i18next instance, ready at import and in English until the start language is
 * applied (main.tsx): unit tests of the renderer's words read English whatever the machine's locale.
 */
export const i18n = i18next.createInstance();
void i18n.init({
  resources: Object.fromEntries(LANGUAGE_CODES.map((code) => [code, { translation: LANGUAGES[code] }])),
  lng: REFERENCE_LANGUAGE,
  fallbackLng: REFERENCE_LANGUAGE,
  supportedLngs: LANGUAGE_CODES,
  initAsync: false,
  // React escapes what it renders; messages are never put in as HTML.
  interpolation: { escapeValue: false },
});

/** A message in the current language, for code outside components (words, stores). */
export const t = i18n.t.bind(i18n);

export function currentLanguage(): Language {
  const language = i18n.resolvedLanguage;
  return LANGUAGE_CODES.find((code) => code === language) ?? REFERENCE_LANGUAGE;
}

/** The system's preferred locales (navigator.languages), set once at start; none in unit tests. */
let systemLocales: readonly string[] = [];

export function useSystemLocales(locales: readonly string[]): void {
  systemLocales = locales;
}

/**
 * The locale dates and numbers are written in: the system's own variant of the chosen language
 * when it has one (en-GB writes 1 Dec 2026, 17:00), else the language itself.
 */
export function formattingLocale(): string {
  const language = currentLanguage();
  const regional = systemLocales.find((locale) => locale.toLowerCase().split(/[-_]/)[0] === language);
  return regional && Intl.DateTimeFormat.supportedLocalesOf(regional).length > 0 ? regional : language;
}
