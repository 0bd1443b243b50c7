import type { DesktopSettings } from '../../src-main/core/protocol/index.js';

export type ThemeChoice = DesktopSettings['theme'];

const CHOICES: readonly ThemeChoice[] = ['system', 'light', 'dark'];

export function isThemeChoice(value: unknown): value is ThemeChoice {
  return typeof value === 'string' && (CHOICES as readonly string[]).includes(value);
}

/**
 * The `data-theme` value for <html>: none for "system", so theme.css keeps `color-scheme: light dark`
 * and the OS decides; "light"/"dark" force the scheme whatever the OS says.
 */
export function themeAttribute(choice: ThemeChoice): 'light' | 'dark' | null {
  return choice === 'system' ? null : choice;
}

/** A remembered choice from storage; anything unexpected (an old or edited value) means "system". */
export function parseStoredTheme(value: string | null | undefined): ThemeChoice {
  return isThemeChoice(value) ? value : 'system';
}
