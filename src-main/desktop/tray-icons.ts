import { join } from 'node:path';
import type { TrayState } from './tray-state.js';

/** Where the tray icons are: beside the app in a package (extraResources), in resources/ otherwise. */
export function trayIconDir(app: { isPackaged: boolean; appPath: string; resourcesPath: string }): string {
  return app.isPackaged ? join(app.resourcesPath, 'tray') : join(app.appPath, 'resources', 'tray');
}

/**
 * The icon file for a state. macOS gets template images (black and alpha, the name ending in
 * "Template"), which it recolours for light and dark menu bars; the other desktops get colour.
 * Electron picks the @2x file beside each one on high-density displays.
 */
export function trayIconPath(dir: string, state: TrayState, platform: NodeJS.Platform): string {
  return join(dir, platform === 'darwin' ? `tray-${state}Template.png` : `tray-${state}.png`);
}
