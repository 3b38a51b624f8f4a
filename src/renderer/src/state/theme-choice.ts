/** What the admin picked: follow the system, or one look whatever the system says. */
export type ThemePreference = 'system' | 'light' | 'dark';
/** The look the window shows now. */
export type Theme = 'light' | 'dark';

export const THEME_PREFERENCES: readonly ThemePreference[] = ['system', 'light', 'dark'];

/** Where the window keeps the choice (per origin: the Electron window keeps it; web mode per address). */
export const THEME_STORAGE_KEY = 'keyport.theme';

/** A stored value read back; anything unknown (none yet, an older or edited value) follows the system. */
export function parseThemePreference(stored: string | null): ThemePreference {
  return THEME_PREFERENCES.find((preference) => preference === stored) ?? 'system';
}

export function resolveTheme(preference: ThemePreference, systemPrefersDark: boolean): Theme {
  if (preference === 'system') return systemPrefersDark ? 'dark' : 'light';
  return preference;
}
