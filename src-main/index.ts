import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, dialog, session, shell, type BrowserWindow } from 'electron';
import { createCore, type Core } from './core/app.js';
import { createLogger } from './core/logger.js';
import { defaultDataDir } from './core/paths.js';
import { RENDERER_CSP } from './core/security/csp.js';
import { resolveAppPage } from './desktop/app-page.js';
import { hardenSession, hardenWebContents } from './desktop/hardening.js';
import { registerIpcTransport } from './desktop/ipc.js';
import { holdQuitUntilStopped } from './desktop/quit-guard.js';
import { createMainWindow, revealWindow } from './desktop/windows.js';

// Built to out/main/index.js; the preload and the page sit beside it in out/.
const mainDir = fileURLToPath(new URL('.', import.meta.url));

// Before the single-instance lock, which lives in userData: the desktop app and `cell0 serve`
// share one data directory, and Chromium's own files are kept in a folder of their own there.
const dataDir = defaultDataDir();
app.setPath('userData', dataDir);
app.setPath('sessionData', join(dataDir, 'electron'));

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  const log = createLogger();
  const appPage = resolveAppPage({
    mainDir,
    devServerUrl: process.env.ELECTRON_RENDERER_URL,
    isPackaged: app.isPackaged,
  });
  let core: Core | null = null;
  let mainWindow: BrowserWindow | null = null;
  let disposeIpc = (): void => undefined;

  app.on('web-contents-created', (_event, contents) =>
    hardenWebContents(contents, {
      appPageUrl: appPage.url,
      openExternal: (url) => shell.openExternal(url),
      onError: (message, err) => log.warn(message, err),
    }),
  );
  app.on('second-instance', () => {
    if (mainWindow) revealWindow(mainWindow);
  });
  app.on('window-all-closed', () => app.quit());

  const booted = app.whenReady().then(async () => {
    hardenSession(session.defaultSession, appPage.kind === 'file' ? RENDERER_CSP : null, appPage.url);
    // Built here, not at load: an unusable data directory fails construction, and that failure
    // belongs in the error dialog below like any other start-up failure.
    core = createCore({ dataDir, mode: 'desktop', logger: log });
    await core.start();
    disposeIpc = registerIpcTransport({ router: core.router, bus: core.bus, appPageUrl: appPage.url });
    mainWindow = createMainWindow({
      appPage,
      preloadPath: join(mainDir, '../preload/index.cjs'),
      onLoadError: (err) => log.error('the window could not load the app', err),
    });
    mainWindow.on('closed', () => {
      mainWindow = null;
    });
  });

  booted.catch(async (err: unknown) => {
    log.error('Cell 0 could not start', err);
    dialog.showErrorBox(
      'Cell 0 could not start',
      `${err instanceof Error ? err.message : String(err)}\n\nData directory: ${dataDir}`,
    );
    await core?.stop().catch(() => undefined);
    app.exit(1);
  });

  holdQuitUntilStopped(
    app,
    async () => {
      // A quit during start-up waits for it, so the core is never stopped half-started.
      await booted.catch(() => undefined);
      disposeIpc();
      await core?.stop();
    },
    (err) => log.error('Cell 0 did not stop cleanly', err),
  );
}
