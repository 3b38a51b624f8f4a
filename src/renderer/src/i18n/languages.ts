import { en } from './locales/en.ts';
import { ru } from './locales/ru.ts';

/**
 * The window's languages, each one file of messages (`locales/<code>.ts`, typed against en.ts):
 * adding a language is its file and its line here.
 */
export const LANGUAGES = { en, ru } as const;

export type Language = keyof typeof LANGUAGES;

/** The language the messages are written in first, and the one a missing choice falls back to. */
export const REFERENCE_LANGUAGE: Language = 'en';

export const LANGUAGE_CODES = Object.keys(LANGUAGES) as Language[];
