import { chooseLanguage } from '../../../shared/i18n/message-shape.ts';
import { i18n, useSystemLocales } from './i18n.ts';
import { LANGUAGE_CODES, REFERENCE_LANGUAGE, type Language } from './languages.ts';

const STORAGE_KEY = 'keyport.language';

function savedLanguage(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    // Storage can be switched off; the system's language is then chosen each time.
    return null;
  }
}

/** `<html lang>` follows the language, so screen readers, hyphenation and fonts do too. */
function followInDocument(language: string): void {
  document.documentElement.lang = language;
}

/** At start: the language chosen before, else the system's (navigator.languages), else English. */
export function applyStartLanguage(): void {
  useSystemLocales(navigator.languages);
  i18n.on('languageChanged', followInDocument);
  const language = chooseLanguage(savedLanguage(), navigator.languages, LANGUAGE_CODES, REFERENCE_LANGUAGE);
  void i18n.changeLanguage(language);
  followInDocument(language);
}

/** The admin's choice in the window, kept for the next start. */
export function chooseWindowLanguage(language: Language): void {
  try {
    localStorage.setItem(STORAGE_KEY, language);
  } catch {
    // Not kept: the choice holds until the window closes.
  }
  void i18n.changeLanguage(language);
}
