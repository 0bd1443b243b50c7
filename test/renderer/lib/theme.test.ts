import { describe, expect, it } from 'vitest';
import { isThemeChoice, parseStoredTheme, themeAttribute } from '../../../src-renderer/lib/theme.js';

describe('theme choice', () => {
  it('leaves "system" to the OS and forces light or dark', () => {
    expect(themeAttribute('system')).toBeNull();
    expect(themeAttribute('light')).toBe('light');
    expect(themeAttribute('dark')).toBe('dark');
  });

  it('reads a remembered choice, falling back to system for anything unexpected', () => {
    expect(parseStoredTheme('dark')).toBe('dark');
    expect(parseStoredTheme(null)).toBe('system');
    expect(parseStoredTheme('sepia')).toBe('system');
    expect(isThemeChoice('light')).toBe(true);
    expect(isThemeChoice(1)).toBe(false);
  });
});
