import { parseStoredTheme, themeAttribute, type ThemeChoice } from '../lib/theme.js';
import { useSettings } from '../stores/settings.js';

/** Shared by every window of this origin (the quick prompt too), so each starts in the right theme. */
const THEME_KEY = 'cell0.theme';

function readStored(): ThemeChoice {
  try {
    return parseStoredTheme(localStorage.getItem(THEME_KEY));
  } catch {
    return 'system';
  }
}

function applyTheme(choice: ThemeChoice): void {
  const attribute = themeAttribute(choice);
  const root = document.documentElement;
  if (attribute) root.dataset.theme = attribute;
  else delete root.dataset.theme;
  try {
    localStorage.setItem(THEME_KEY, choice);
  } catch {
    // Storage can be disabled; the settings snapshot still applies once it loads.
  }
}

/**
 * Applies the remembered theme before the first paint (settings load asynchronously, and a light
 * flash in a dark-forced window is what this avoids), then follows settings.desktop.theme.
 */
export function startThemeSync(): () => void {
  let current = readStored();
  applyTheme(current);
  return useSettings.subscribe((s) => {
    const next = s.snapshot?.desktop.theme;
    if (!next || next === current) return;
    current = next;
    applyTheme(next);
  });
}
