import type { DesktopSettings } from '../../../src-main/core/protocol/index.js';

/** Electron's accelerator modifiers (https://www.electronjs.org/docs/latest/api/accelerator). */
const MODIFIERS = new Set([
  'command',
  'cmd',
  'control',
  'ctrl',
  'commandorcontrol',
  'cmdorctrl',
  'alt',
  'option',
  'altgr',
  'shift',
  'super',
  'meta',
]);

/** Same limit as the protocol's schema, so the check here never lets through what the core refuses. */
const MAX_LENGTH = 100;

/** F1–F24 alone is a sensible global shortcut; any other key alone would swallow ordinary typing. */
const FUNCTION_KEY = /^f([1-9]|1\d|2[0-4])$/i;

/**
 * Checks the shape of a quick prompt shortcut before it is saved; returns what to fix, or null.
 * Whether the key exists and is free is the desktop shell's to say when it registers it.
 */
export function validateShortcut(raw: string): string | null {
  const value = raw.trim();
  if (value === '') return 'Enter a shortcut, for example CommandOrControl+Shift+Space.';
  if (value.length > MAX_LENGTH) return `A shortcut is at most ${MAX_LENGTH} characters.`;
  const parts = value.split('+').map((p) => p.trim());
  if (parts.some((p) => p === '')) return 'Join keys with a single “+”; write the plus key itself as “Plus”.';
  const key = parts[parts.length - 1] ?? '';
  const modifiers = parts.slice(0, -1);
  if (MODIFIERS.has(key.toLowerCase())) return 'End the shortcut with a key, not a modifier (e.g. …+Space).';
  const unknown = modifiers.find((m) => !MODIFIERS.has(m.toLowerCase()));
  if (unknown) return `“${unknown}” is not a modifier; use CommandOrControl, Alt, Shift or Super.`;
  if (modifiers.length === 0 && !FUNCTION_KEY.test(key)) {
    return 'Add a modifier (CommandOrControl, Alt, Shift or Super) so the shortcut does not catch typing.';
  }
  return null;
}

/** Which desktop setting a save was for, so its error shows next to that control. */
export type DesktopField = keyof DesktopSettings;

export const THEME_LABELS: Record<DesktopSettings['theme'], string> = {
  system: 'System',
  light: 'Light',
  dark: 'Dark',
};
