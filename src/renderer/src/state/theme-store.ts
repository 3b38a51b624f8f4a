import { create } from 'zustand';
import { parseThemePreference, resolveTheme, THEME_STORAGE_KEY, type Theme, type ThemePreference } from './theme-choice.ts';

interface ThemeState {
  preference: ThemePreference;
  /** What the window shows now; `data-theme` on <html> says the same to the CSS. */
  theme: Theme;
  setPreference(preference: ThemePreference): void;
}

const systemDark = () => window.matchMedia('(prefers-color-scheme: dark)');

function storedPreference(): ThemePreference {
  try {
    return parseThemePreference(localStorage.getItem(THEME_STORAGE_KEY));
  } catch {
    // Storage refused (a locked-down profile): the system decides.
    return 'system';
  }
}

function show(theme: Theme): void {
  document.documentElement.dataset.theme = theme;
}

/** The window's light or dark look: the admin's choice, kept in localStorage, and the system's while they chose "system". */
export const useThemeStore = create<ThemeState>()((set) => {
  const preference = storedPreference();
  return {
    preference,
    theme: resolveTheme(preference, systemDark().matches),
    setPreference: (next) => {
      try {
        localStorage.setItem(THEME_STORAGE_KEY, next);
      } catch {
        // Not kept past this window, but still shown.
      }
      set({ preference: next, theme: resolveTheme(next, systemDark().matches) });
    },
  };
});

/** Shows the chosen look before the first render and follows the system's changes from then on. */
export function applyTheme(): void {
  show(useThemeStore.getState().theme);
  useThemeStore.subscribe((state) => show(state.theme));
  systemDark().addEventListener('change', (change) => {
    const { preference } = useThemeStore.getState();
    useThemeStore.setState({ theme: resolveTheme(preference, change.matches) });
  });
}
