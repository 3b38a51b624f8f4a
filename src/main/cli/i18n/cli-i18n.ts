import i18next, { type TFunction } from 'i18next';
import { chooseLanguage } from '../../../shared/i18n/message-shape.ts';
import { en } from './locales/en.ts';
import { ru } from './locales/ru.ts';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    // The reference file types every key and its {{names}}: a missing one fails the type check.
    resources: { translation: typeof en };
  }
}

/** The CLI's languages, each one file of messages typed against en.ts: adding one is its file and its line here. */
export const CLI_LANGUAGES = { en, ru } as const;

export type CliLanguage = keyof typeof CLI_LANGUAGES;

const CODES = Object.keys(CLI_LANGUAGES) as CliLanguage[];

const cliI18n = i18next.createInstance();
void cliI18n.init({
  resources: Object.fromEntries(CODES.map((code) => [code, { translation: CLI_LANGUAGES[code] }])),
  lng: 'en',
  fallbackLng: 'en',
  supportedLngs: CODES,
  initAsync: false,
  interpolation: { escapeValue: false },
});

/** As POSIX programs choose: LC_ALL, else LC_MESSAGES, else LANG (ru_RU.UTF-8 is Russian); C, POSIX and the rest are English. */
export function cliLanguage(env: Readonly<Record<string, string | undefined>>): CliLanguage {
  const locale = [env.LC_ALL, env.LC_MESSAGES, env.LANG].find((value) => value !== undefined && value !== '');
  return chooseLanguage(null, locale ? [locale] : [], CODES, 'en');
}

export type CliWords = TFunction;

/** The CLI's words in the language of `env`; one command line, one language. */
export function cliWords(env: Readonly<Record<string, string | undefined>>): CliWords {
  return cliI18n.getFixedT(cliLanguage(env));
}
