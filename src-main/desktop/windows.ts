import type { BrowserWindow, WebPreferences } from 'electron';

/**
 * What every app window gets: no Node, no Electron and no relaxed web rules. All the page can
 * reach is what the sandboxed preload exposes (window.cell0.call/on). A file dropped on the
 * window must not replace the app's page, and spellcheck would fetch dictionaries from the web.
 */
export function appWindowWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  };
}

/** Brings a window to the front, whatever state the user left it in (minimised, hidden to the tray). */
export function revealWindow(window: BrowserWindow): void {
  if (window.isDestroyed()) return;
  if (window.isMinimized()) window.restore();
  if (!window.isVisible()) window.show();
  window.focus();
}
