import { app, nativeTheme } from 'electron';
import type { DesktopSettings } from '../core/protocol/entities.js';
import { setLinuxAutostart } from './linux-autostart.js';

/**
 * Hands the OS-level desktop settings to the OS: launch at login and the theme. Only what
 * changed since `previous` is applied (null applies everything, at start). On Linux, where
 * Electron does not manage login items, an XDG autostart entry stands in.
 */
export function applyOsSettings(desktop: DesktopSettings, previous: DesktopSettings | null): void {
  if (previous?.launchAtLogin !== desktop.launchAtLogin) {
    if (process.platform === 'linux') {
      setLinuxAutostart(desktop.launchAtLogin, process.env.APPIMAGE ?? process.execPath);
    } else {
      app.setLoginItemSettings({ openAtLogin: desktop.launchAtLogin });
    }
  }
  // 'system' follows the OS; the override also drives prefers-color-scheme in the page.
  if (previous?.theme !== desktop.theme) nativeTheme.themeSource = desktop.theme;
}
