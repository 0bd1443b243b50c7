import { app, screen, type BrowserWindow } from 'electron';
import type { Core } from '../core/app.js';
import { createLocalClient } from '../core/gateway/local-client.js';
import type { DesktopSettings } from '../core/protocol/entities.js';
import type { PermissionRequest } from '../core/protocol/kernel-entities.js';
import { openNewChat } from './new-chat.js';
import type { NavigateTarget } from './notices.js';
import { startNotifications } from './notifications.js';
import { applyOsSettings } from './os-settings.js';
import { QuickPrompt } from './quick-prompt.js';
import { GlobalShortcutBinding } from './shortcuts.js';
import { TrayController } from './tray.js';
import type { WindowRegistry } from './window-registry.js';
import { restorableState, trackWindowState, WindowStateStore } from './window-state.js';
import { revealWindow } from './windows.js';

export interface DesktopShellOptions {
  core: Pick<Core, 'router' | 'bus'>;
  registry: WindowRegistry;
  dataDir: string;
  trayIconDir: string;
  platform: NodeJS.Platform;
  /** True once a quit has begun: windows then close for real instead of hiding to the tray. */
  isQuitting: () => boolean;
  log: { warn(message: string, detail?: unknown): void; error(message: string, detail?: unknown): void };
  /** Tests shorten the tray's debounce. */
  trayDebounceMs?: number;
}

export interface DesktopShell {
  /** Shows the main window (making it if needed) in front of everything. */
  showMain(): BrowserWindow;
  /** Shows the main window at a place: the conversation, and the message or permission card. */
  navigate(target: NavigateTarget): void;
  quickPrompt: QuickPrompt;
  /** Whether closing the last window keeps the app running (in the tray). */
  keepsRunningWithoutWindows(): boolean;
  /** Tears down the tray, the shortcut, notifications and listeners; saves the window state. */
  dispose(): void;
}

const MAIN_CHROME = {
  title: 'Cell 0',
  width: 1200,
  height: 800,
  minWidth: 720,
  minHeight: 480,
  backgroundColor: '#0d1117',
} as const;

/**
 * Everything around the main window that makes Cell 0 a desktop companion: the tray, the
 * notifications, the quick prompt and its global shortcut, close-to-tray, the remembered window
 * state, and the desktop settings (launch at login, theme) followed as they change. It talks to
 * the core through the protocol, like a window does.
 */
export async function startDesktopShell(options: DesktopShellOptions): Promise<DesktopShell> {
  const { core, registry, log } = options;
  const client = createLocalClient(core);
  let desktop: DesktopSettings = (await client.call('settings.get')).desktop;
  applyOsSettings(desktop, null);

  const { isQuitting } = options;
  const stateStore = new WindowStateStore(options.dataDir);
  let mainWindow: BrowserWindow | null = null;
  let flushState = (): void => undefined;

  const createMain = (): BrowserWindow => {
    const restored = restorableState(stateStore.load(), screen.getAllDisplays());
    const window = registry.open({
      role: 'main',
      chrome: restored
        ? { ...MAIN_CHROME, x: restored.x, y: restored.y, width: restored.width, height: restored.height }
        : MAIN_CHROME,
      maximize: restored?.maximized ?? false,
    });
    flushState = trackWindowState(window, (state) => {
      try {
        stateStore.save(state);
      } catch (err) {
        log.warn('the window position could not be saved', err);
      }
    });
    window.on('close', (event) => {
      if (isQuitting() || !desktop.closeToTray) return;
      // Kept alive in the tray: agents keep working and the window comes back as it was.
      event.preventDefault();
      window.hide();
    });
    window.once('closed', () => {
      if (mainWindow === window) mainWindow = null;
      // Closed for real with close-to-tray off: that is a quit, whatever else is open.
      if (!isQuitting()) app.quit();
    });
    return window;
  };

  const showMain = (): BrowserWindow => {
    if (!mainWindow || mainWindow.isDestroyed()) mainWindow = createMain();
    else revealWindow(mainWindow);
    return mainWindow;
  };

  const navigate = (target: NavigateTarget): void => {
    const window = showMain();
    const emit = (): void => core.bus.emit('ui.navigate', target);
    // A window made just now has no page listening yet.
    if (window.webContents.isLoading()) window.webContents.once('did-finish-load', emit);
    else emit();
  };

  const report = (message: string) => (err: unknown) => log.warn(message, err);
  const quickPrompt = new QuickPrompt(registry, isQuitting);

  const tray = new TrayController({
    client,
    iconDir: options.trayIconDir,
    platform: options.platform,
    onError: (message, err) => log.warn(message, err),
    ...(options.trayDebounceMs !== undefined ? { debounceMs: options.trayDebounceMs } : {}),
    actions: {
      open: () => void showMain(),
      newChat: () => {
        openNewChat(client)
          .then((conversation) =>
            navigate({ conversationId: conversation.id, messageId: null, permissionRequestId: null }),
          )
          .catch(report('could not start a new chat from the tray'));
      },
      quickPrompt: () => quickPrompt.show(),
      respond: (requestId, decision) => {
        client
          .call('permissions.respond', { requestId, decision })
          .catch(report('could not answer a permission request from the tray'));
      },
      showRequest: (request: PermissionRequest) =>
        navigate({
          conversationId: request.conversationId,
          messageId: request.messageId,
          permissionRequestId: request.id,
        }),
      respondProposal: (proposalId, accept) => {
        client
          .call('swarm.respond', { proposalId, accept })
          .catch(report('could not answer a swarm proposal from the tray'));
      },
      showProposal: (proposal) =>
        navigate({
          conversationId: proposal.conversationId,
          messageId: proposal.messageId,
          permissionRequestId: null,
        }),
      pause: () => void client.call('agents.pause').catch(report('could not pause the agents')),
      resume: () => void client.call('agents.resume').catch(report('could not resume the agents')),
      quit: () => app.quit(),
    },
  });

  const stopNotifications = startNotifications({
    client,
    isOwnerLooking: () => !!mainWindow && !mainWindow.isDestroyed() && mainWindow.isFocused(),
    open: navigate,
    onError: (message, err) => log.warn(message, err),
  });

  const shortcut = new GlobalShortcutBinding(
    () => quickPrompt.toggle(),
    (message, err) => log.warn(message, err),
  );
  shortcut.bind(desktop.quickPromptShortcut);

  const stopFollowingSettings = client.on('settings.updated', ({ settings }) => {
    const previous = desktop;
    desktop = settings.desktop;
    applyOsSettings(desktop, previous);
    if (desktop.quickPromptShortcut !== previous.quickPromptShortcut) {
      shortcut.bind(desktop.quickPromptShortcut);
    }
  });

  // macOS: a click on the dock icon brings the window back from the tray.
  const onActivate = (): void => void showMain();
  app.on('activate', onActivate);

  mainWindow = createMain();

  let disposed = false;
  return {
    showMain,
    navigate,
    quickPrompt,
    keepsRunningWithoutWindows: () => desktop.closeToTray && !isQuitting(),
    dispose() {
      if (disposed) return;
      disposed = true;
      flushState();
      stopFollowingSettings();
      stopNotifications();
      shortcut.release();
      tray.dispose();
      app.off('activate', onActivate);
    },
  };
}
