import { app, nativeTheme } from 'electron';
import type { DesktopSettings } from '../core/protocol/entities.js';

/**
 * Hands the OS-level desktop settings to the OS: launch at login and the theme. Only what
 * changed since `previous` is applied (null applies everything, at start). The login item is a
 * no-op on Linux, where Electron does not manage autostart.
 */
export function applyOsSettings(desktop: DesktopSettings, previous: DesktopSettings | null): void {
  if (previous?.launchAtLogin !== desktop.launchAtLogin) {
    app.setLoginItemSettings({ openAtLogin: desktop.launchAtLogin });
  }
  // 'system' follows the OS; the override also drives prefers-color-scheme in the page.
  if (previous?.theme !== desktop.theme) nativeTheme.themeSource = desktop.theme;
}
