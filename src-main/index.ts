import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, dialog, shell } from 'electron';
import { createCore, type Core } from './core/app.js';
import { createLogger } from './core/base/logger.js';
import { defaultDataDir } from './core/base/paths.js';
import { RENDERER_CSP } from './core/security/csp.js';
import { resolveAppPage } from './desktop/app-page.js';
import { startDesktopShell, type DesktopShell } from './desktop/desktop-shell.js';
import { hardenWebContents, type WebContentsPolicy } from './desktop/hardening.js';
import { registerIpcTransport } from './desktop/ipc.js';
import { holdQuitUntilStopped } from './desktop/quit-guard.js';
import { ownerPresence } from './desktop/owner-presence.js';
import { trayIconDir } from './desktop/tray-icons.js';
import { WindowRegistry } from './desktop/window-registry.js';
import { desktopProbe } from './desktop/checkpoint-probe.js';
import { appWindowWebPreferences } from './desktop/windows.js';

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
  const policy: WebContentsPolicy = {
    appPageUrl: appPage.url,
    openExternal: (url) => shell.openExternal(url),
    onError: (message, err) => log.warn(message, err),
  };
  let core: Core | null = null;
  let desktopShell: DesktopShell | null = null;
  let disposeIpc = (): void => undefined;
  // Set by the first quit attempt, even one made during start-up, so that from then on windows
  // close for real instead of hiding to the tray, and the quit cannot be undone by a close.
  let quitting = false;
  app.on('before-quit', () => {
    quitting = true;
  });

  // A backstop: the window registry hardens its windows, this catches any other web contents.
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, policy));
  // A second launch (from the menu, the dock, a login item) brings the running window back,
  // from the tray too; whatever it was launched with is not acted on.
  app.on('second-instance', () => {
    desktopShell?.showMain();
  });
  app.on('window-all-closed', () => {
    // Before the shell starts there is no window to keep: an error dialog path quits on its own.
    if (!desktopShell?.keepsRunningWithoutWindows()) app.quit();
  });

  const booted = app.whenReady().then(async () => {
    const preloadPath = join(mainDir, '../preload/index.cjs');
    const registry = new WindowRegistry({
      appPage,
      preloadPath,
      csp: appPage.kind === 'file' ? RENDERER_CSP : null,
      policy,
      onLoadError: (err) => log.error('the window could not load the app', err),
    });
    // Built here, not at load: an unusable data directory fails construction, and that failure
    // belongs in the error dialog below like any other start-up failure.
    core = createCore({
      dataDir,
      mode: 'desktop',
      logger: log,
      mesh: { presence: ownerPresence() },
      desktopProbe: desktopProbe({
        windows: () =>
          registry.allWindows().map((window) => ({
            role: registry.roleOf(window) ?? 'unknown',
            window,
            prefs: appWindowWebPreferences(preloadPath),
          })),
        isPackaged: app.isPackaged,
        execPath: process.execPath,
      }),
    });
    await core.start();
    disposeIpc = registerIpcTransport({
      router: core.router,
      bus: core.bus,
      appPageUrl: appPage.url,
      windows: registry,
    });
    // A quit asked for during start-up is under way: no tray or window to put up and take down.
    if (quitting) return;
    desktopShell = await startDesktopShell({
      core,
      registry,
      dataDir,
      trayIconDir: trayIconDir({
        isPackaged: app.isPackaged,
        appPath: app.getAppPath(),
        resourcesPath: process.resourcesPath,
      }),
      platform: process.platform,
      isQuitting: () => quitting,
      log,
    });
  });

  booted.catch(async (err: unknown) => {
    log.error('Cell 0 could not start', err);
    dialog.showErrorBox(
      'Cell 0 could not start',
      `${err instanceof Error ? err.message : String(err)}\n\nData directory: ${dataDir}`,
    );
    desktopShell?.dispose();
    await core?.stop().catch(() => undefined);
    app.exit(1);
  });

  holdQuitUntilStopped(
    app,
    async () => {
      // A quit during start-up waits for it, so the core is never stopped half-started.
      await booted.catch(() => undefined);
      // The shell first: it releases the global shortcut and the tray, and saves the window state.
      desktopShell?.dispose();
      disposeIpc();
      await core?.stop();
    },
    (err) => log.error('Cell 0 did not stop cleanly', err),
  );
}
