import { THEME_PREFERENCES, type ThemePreference } from '../state/theme-choice.ts';
import { useThemeStore } from '../state/theme-store.ts';

const PREFERENCE_LABELS: Record<ThemePreference, string> = { system: 'System', light: 'Light', dark: 'Dark' };

/** Light, dark, or whatever the system shows. */
export function ThemeSwitch() {
  const preference = useThemeStore((state) => state.preference);
  const setPreference = useThemeStore((state) => state.setPreference);
  return (
    <label className="theme-switch">
      Theme
      <select value={preference} onChange={(event) => setPreference(event.target.value as ThemePreference)} data-testid="theme-switch">
        {THEME_PREFERENCES.map((choice) => (
          <option key={choice} value={choice}>
            {PREFERENCE_LABELS[choice]}
          </option>
        ))}
      </select>
    </label>
  );
}
