import { useTranslation } from 'react-i18next';
import { THEME_PREFERENCES, type ThemePreference } from '../state/theme-choice.ts';
import { useThemeStore } from '../state/theme-store.ts';

/** Light, dark, or whatever the system shows. */
export function ThemeSwitch() {
  const { t } = useTranslation();
  const preference = useThemeStore((state) => state.preference);
  const setPreference = useThemeStore((state) => state.setPreference);
  return (
    <label className="theme-switch">
      {t('theme.label')}
      <select value={preference} onChange={(event) => setPreference(event.target.value as ThemePreference)} data-testid="theme-switch">
        {THEME_PREFERENCES.map((choice) => (
          <option key={choice} value={choice}>
            {t(`theme.${choice}`)}
          </option>
        ))}
      </select>
    </label>
  );
}
