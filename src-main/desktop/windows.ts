import { BrowserWindow, type WebPreferences } from 'electron';
import type { AppPage } from './app-page.js';

/**
 * The page gets no Node, no Electron and no relaxed web rules: all it can reach is what the
 * sandboxed preload exposes (window.cell0.call/on).
 */
export function mainWindowWebPreferences(preloadPath: string): WebPreferences {
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
    spellcheck: false,
  };
}

export interface MainWindowOptions {
  appPage: AppPage;
  preloadPath: string;
  onLoadError: (err: unknown) => void;
}

export function createMainWindow({ appPage, preloadPath, onLoadError }: MainWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    title: 'Cell 0',
    width: 1200,
    height: 800,
    minWidth: 720,
    minHeight: 480,
    // Shown once the first paint is ready, on the UI's own background, so it never flashes white.
    show: false,
    backgroundColor: '#0d1117',
    webPreferences: mainWindowWebPreferences(preloadPath),
  });
  window.once('ready-to-show', () => window.show());
  const loading = appPage.kind === 'file' ? window.loadFile(appPage.file) : window.loadURL(appPage.url);
  loading.catch(onLoadError);
  return window;
}

/** Brings a window to the front, whatever state the user left it in. */
export function revealWindow(window: BrowserWindow): void {
  if (window.isDestroyed()) return;
  if (window.isMinimized()) window.restore();
  if (!window.isVisible()) window.show();
  window.focus();
}
