import { useTranslation } from 'react-i18next';
import { currentLanguage } from '../i18n/i18n.ts';
import { chooseWindowLanguage } from '../i18n/language-choice.ts';
import { LANGUAGE_CODES, LANGUAGES, type Language } from '../i18n/languages.ts';

/** The window's language, each named in itself; the choice is kept for the next start. */
export function LanguageSwitch() {
  const { t } = useTranslation();
  return (
    <label className="language-switch">
      <span className="sidebar-heading">{t('language.label')}</span>
      <select value={currentLanguage()} onChange={(event) => chooseWindowLanguage(event.target.value as Language)} data-testid="language-switch">
        {LANGUAGE_CODES.map((code) => (
          <option key={code} value={code} lang={code}>
            {LANGUAGES[code].language.selfName}
          </option>
        ))}
      </select>
    </label>
  );
}
