/**
 * Light or dark. By default the app follows the system (`prefers-color-scheme`, in CSS); the header toggle
 * stores a choice only when it differs from the system's, so switching back follows the system again.
 * The choice is `data-theme` on <html>, which the colour variables in styles.css key on.
 */
import { useCallback, useEffect, useState } from 'react';
import { readJson, writeJson } from './local-store';

export type Theme = 'light' | 'dark';

const THEME_KEY = 'trellis.theme';
const DARK_QUERY = '(prefers-color-scheme: dark)';

const parseTheme = (value: unknown): Theme | null => (value === 'light' || value === 'dark' ? value : null);

export function loadThemeChoice(): Theme | null {
  return readJson(THEME_KEY, parseTheme);
}

function systemTheme(): Theme {
  return typeof window.matchMedia === 'function' && window.matchMedia(DARK_QUERY).matches ? 'dark' : 'light';
}

function applyChoice(choice: Theme | null): void {
  if (choice === null) document.documentElement.removeAttribute('data-theme');
  else document.documentElement.setAttribute('data-theme', choice);
}

/** Call before the first render, so a stored choice shows without a flash of the other theme. */
export function applyStoredTheme(): void {
  applyChoice(loadThemeChoice());
}

/** The theme in effect and a toggle between light and dark. */
export function useTheme(): { theme: Theme; toggle: () => void } {
  const [system, setSystem] = useState(systemTheme);
  const [choice, setChoice] = useState(loadThemeChoice);
  useEffect(() => {
    if (typeof window.matchMedia !== 'function') return;
    const query = window.matchMedia(DARK_QUERY);
    const update = () => setSystem(query.matches ? 'dark' : 'light');
    query.addEventListener('change', update);
    return () => query.removeEventListener('change', update);
  }, []);
  const theme = choice ?? system;
  const toggle = useCallback(() => {
    const next: Theme = theme === 'dark' ? 'light' : 'dark';
    const stored = next === system ? null : next;
    if (stored === null) {
      try {
        window.localStorage.removeItem(THEME_KEY);
      } catch {
        // Privacy mode: the choice lasts for this page.
      }
    } else writeJson(THEME_KEY, stored);
    applyChoice(stored);
    setChoice(stored);
  }, [theme, system]);
  return { theme, toggle };
}
