import { BrowserWindow, session, type BrowserWindowConstructorOptions, type WebContents } from 'electron';
import type { AppPage } from './app-page.js';
import { hardenSession, hardenWebContents, type WebContentsPolicy } from './hardening.js';
import { appWindowWebPreferences } from './windows.js';

export type AppWindowRole = 'main' | 'quick-prompt';

/** What a caller may choose for a window: geometry and chrome, never its web preferences. */
export type AppWindowChrome = Pick<
  BrowserWindowConstructorOptions,
  | 'title'
  | 'x'
  | 'y'
  | 'width'
  | 'height'
  | 'minWidth'
  | 'minHeight'
  | 'frame'
  | 'resizable'
  | 'movable'
  | 'minimizable'
  | 'maximizable'
  | 'fullscreenable'
  | 'alwaysOnTop'
  | 'skipTaskbar'
  | 'backgroundColor'
>;

export interface AppWindowSpec {
  role: AppWindowRole;
  chrome: AppWindowChrome;
  /** Marks the view the page renders (e.g. 'quick'); the page is the same app page. */
  hash?: string;
  /** Maximise before the first show (a restored window state). */
  maximize?: boolean;
}

export interface WindowRegistryOptions {
  appPage: AppPage;
  preloadPath: string;
  /** The Content-Security-Policy header for the built page; null for the dev server. */
  csp: string | null;
  policy: WebContentsPolicy;
  onLoadError: (err: unknown) => void;
}

/**
 * The one place BrowserWindows are made, so the security checklist is applied in one audited
 * spot: the hardened web preferences, hidden until the first paint, the navigation, window-open
 * and <webview> guards, and only ever the app's own page. The registry also answers which
 * windows are ours, so core events and IPC calls reach and come from those windows alone.
 */
export class WindowRegistry {
  private readonly windows = new Map<BrowserWindow, AppWindowRole>();

  constructor(private readonly options: WindowRegistryOptions) {
    // The app's windows share the default session; its rules hold before any page loads.
    hardenSession(session.defaultSession, options.csp, options.appPage.url);
  }

  open(spec: AppWindowSpec): BrowserWindow {
    const window = new BrowserWindow({
      ...spec.chrome,
      // Shown once the first paint is ready, on the UI's own background, so it never flashes white.
      show: false,
      webPreferences: appWindowWebPreferences(this.options.preloadPath),
    });
    hardenWebContents(window.webContents, this.options.policy);
    this.windows.set(window, spec.role);
    window.once('closed', () => this.windows.delete(window));
    window.once('ready-to-show', () => {
      // Electron shows a window it maximises; doing it first avoids a normal-size flash.
      if (spec.maximize) window.maximize();
      window.show();
    });

    const { appPage } = this.options;
    const hash = spec.hash ?? '';
    const loading =
      appPage.kind === 'file'
        ? window.loadFile(appPage.file, hash ? { hash } : {})
        : window.loadURL(hash ? `${appPage.url.split('#')[0]}#${hash}` : appPage.url);
    loading.catch(this.options.onLoadError);
    return window;
  }

  /** The windows this registry made that are still open, in creation order. */
  allWindows(): BrowserWindow[] {
    return [...this.windows.keys()].filter((window) => !window.isDestroyed());
  }

  /** Whether `contents` belongs to one of the registry's open windows. */
  owns(contents: WebContents): boolean {
    return this.allWindows().some((window) => window.webContents === contents);
  }

  roleOf(window: BrowserWindow): AppWindowRole | null {
    return this.windows.get(window) ?? null;
  }
}
