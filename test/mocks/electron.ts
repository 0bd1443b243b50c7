/**
 * A faithful stand-in for the parts of Electron the desktop edge uses, for tests that cannot
 * launch Electron. It follows Electron's documented semantics where the edge depends on them:
 * events carry preventDefault and the emitter honours it (will-navigate, before-quit, close),
 * app.quit() runs before-quit -> close windows -> will-quit -> quit, closing the last window
 * emits window-all-closed (quits when nobody listens), ipcMain allows one handler per channel
 * and IPC payloads are structured-cloned.
 *
 * Use: vi.mock('electron', () => import('../mocks/electron.js')) and import this module for the
 * helpers; it is the same instance the code under test gets. Do not vi.resetModules(): the code
 * under test would then get a fresh copy of this module while the test holds the old one. To
 * run an entry again, call resetElectronMock() and import the entry with a fresh query
 * (`${path}?boot=2`), which re-runs it against this same instance.
 * Test-only helpers are the members whose names say what a test does (emitReady, attemptNavigation).
 */
import { EventEmitter } from 'node:events';
import { pathToFileURL } from 'node:url';
import { vi } from 'vitest';

export interface ElectronEvent {
  readonly defaultPrevented: boolean;
  preventDefault(): void;
}

/** Electron's Event: the listener may prevent the default action; extra fields ride along. */
export function electronEvent<T extends object>(fields: T = {} as T): T & ElectronEvent {
  let prevented = false;
  const event = { ...fields } as T & ElectronEvent;
  Object.defineProperties(event, {
    defaultPrevented: { get: () => prevented, enumerable: true },
    preventDefault: {
      value: () => {
        prevented = true;
      },
    },
  });
  return event;
}

// ---------------------------------------------------------------------------------------------
// Frames and web contents

export class WebFrameMain {
  readonly frames: WebFrameMain[] = [];

  constructor(
    public url: string,
    readonly parent: WebFrameMain | null = null,
  ) {
    parent?.frames.push(this);
  }

  get top(): WebFrameMain {
    return this.parent ? this.parent.top : this;
  }

  get origin(): string {
    try {
      return new URL(this.url).origin;
    } catch {
      return 'null';
    }
  }
}

export interface WindowOpenDetails {
  url: string;
  frameName: string;
  features: string;
  disposition: 'default' | 'foreground-tab' | 'background-tab' | 'new-window' | 'other';
}

export type WindowOpenHandler = (details: WindowOpenDetails) => { action: 'allow' | 'deny' };

let nextWebContentsId = 1;

export class WebContents extends EventEmitter {
  readonly id = nextWebContentsId++;
  readonly mainFrame = new WebFrameMain('');
  readonly session: Session;
  /** Everything sent with send(), in order. */
  readonly sent: { channel: string; args: unknown[] }[] = [];
  windowOpenHandler: WindowOpenHandler | null = null;
  private destroyed = false;

  constructor(ses: Session) {
    super();
    this.session = ses;
  }

  getURL(): string {
    return this.mainFrame.url;
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.emit('destroyed');
  }

  setWindowOpenHandler(handler: WindowOpenHandler): void {
    this.windowOpenHandler = handler;
  }

  send(channel: string, ...args: unknown[]): void {
    if (this.destroyed) throw new TypeError('Object has been destroyed');
    const cloned = args.map((arg) => structuredClone(arg));
    this.sent.push({ channel, args: cloned });
    // The page the preload runs in receives what main sends it.
    if (this === preloadHost) ipcRenderer.emit(channel, ipcRendererEvent(), ...cloned);
  }

  async loadURL(url: string): Promise<void> {
    if (this.destroyed) throw new TypeError('Object has been destroyed');
    this.mainFrame.url = new URL(url).href;
    await Promise.resolve();
    this.emit('did-finish-load', electronEvent());
  }

  async loadFile(filePath: string): Promise<void> {
    await this.loadURL(pathToFileURL(filePath).href);
  }

  // Test helpers --------------------------------------------------------------------------

  /** A navigation the page starts (a link, location.href): will-navigate may prevent it. */
  attemptNavigation(url: string): boolean {
    const event = electronEvent({ url, isSameDocument: false, isMainFrame: true, frame: this.mainFrame });
    this.emit('will-navigate', event, url, false, true, 1, 1);
    if (event.defaultPrevented) return false;
    this.mainFrame.url = new URL(url).href;
    return true;
  }

  /** A server redirect during a navigation: will-redirect may prevent it. */
  attemptRedirect(url: string): boolean {
    const event = electronEvent({ url, isSameDocument: false, isMainFrame: true, frame: this.mainFrame });
    this.emit('will-redirect', event, url, false, true, 1, 1);
    if (event.defaultPrevented) return false;
    this.mainFrame.url = new URL(url).href;
    return true;
  }

  /** window.open or a target=_blank link; Electron allows it when no handler is set. */
  attemptWindowOpen(url: string): { action: 'allow' | 'deny' } {
    const details: WindowOpenDetails = { url, frameName: '', features: '', disposition: 'foreground-tab' };
    return this.windowOpenHandler ? this.windowOpenHandler(details) : { action: 'allow' };
  }

  /** A <webview> about to attach: returns whether it was allowed. */
  attemptAttachWebview(src: string): boolean {
    const event = electronEvent();
    this.emit('will-attach-webview', event, {}, { src });
    return !event.defaultPrevented;
  }

  /** Adds an iframe to the page. */
  addSubframe(url: string, parent: WebFrameMain = this.mainFrame): WebFrameMain {
    return new WebFrameMain(new URL(url).href, parent);
  }
}

// ---------------------------------------------------------------------------------------------
// Windows

export interface BrowserWindowConstructorOptions {
  show?: boolean;
  webPreferences?: Record<string, unknown>;
  [option: string]: unknown;
}

const allWindows: BrowserWindow[] = [];

export class BrowserWindow extends EventEmitter {
  static getAllWindows(): BrowserWindow[] {
    return allWindows.filter((window) => !window.isDestroyed());
  }

  static fromWebContents(contents: WebContents): BrowserWindow | null {
    return allWindows.find((window) => window.webContents === contents) ?? null;
  }

  readonly webContents: WebContents;
  private visible: boolean;
  private minimized = false;
  private focused = false;
  private destroyed = false;
  private shownOnce = false;

  constructor(readonly options: BrowserWindowConstructorOptions = {}) {
    super();
    this.webContents = new WebContents(session.defaultSession);
    this.visible = options.show !== false;
    allWindows.push(this);
    app.emit('web-contents-created', electronEvent(), this.webContents);
    app.emit('browser-window-created', electronEvent(), this);
  }

  private async afterLoad(loading: Promise<void>): Promise<void> {
    await loading;
    // Electron emits ready-to-show once, after the first paint of the first page.
    if (!this.shownOnce && !this.destroyed) {
      this.shownOnce = true;
      this.emit('ready-to-show', electronEvent());
    }
  }

  loadFile(filePath: string): Promise<void> {
    return this.afterLoad(this.webContents.loadFile(filePath));
  }

  loadURL(url: string): Promise<void> {
    return this.afterLoad(this.webContents.loadURL(url));
  }

  show(): void {
    this.visible = true;
    this.minimized = false;
    this.focused = true;
    this.emit('show');
  }

  hide(): void {
    this.visible = false;
    this.focused = false;
  }

  isVisible(): boolean {
    return this.visible;
  }

  focus(): void {
    this.focused = true;
    this.emit('focus');
  }

  isFocused(): boolean {
    return this.focused;
  }

  minimize(): void {
    this.minimized = true;
    this.focused = false;
  }

  restore(): void {
    this.minimized = false;
    this.visible = true;
  }

  isMinimized(): boolean {
    return this.minimized;
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  /** Like a click on the close button: 'close' may prevent it. Returns whether it closed. */
  close(): boolean {
    if (this.destroyed) return true;
    const event = electronEvent();
    this.emit('close', event);
    if (event.defaultPrevented) return false;
    this.destroy();
    return true;
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.visible = false;
    this.webContents.destroy();
    this.emit('closed');
    if (BrowserWindow.getAllWindows().length === 0) app.lastWindowClosed();
  }
}

// ---------------------------------------------------------------------------------------------
// app

const DEFAULT_PATHS: readonly [string, string][] = [
  ['home', '/home/test'],
  ['appData', '/home/test/.config'],
  ['userData', '/home/test/.config/Electron'],
  ['sessionData', '/home/test/.config/Electron'],
  ['temp', '/tmp'],
  ['logs', '/home/test/.config/Electron/logs'],
];

class App extends EventEmitter {
  isPackaged = false;
  /** What requestSingleInstanceLock answers; a test sets false to play the second instance. */
  singleInstanceLockGranted = true;
  /** The order of calls whose order matters (setPath before the lock and before ready). */
  readonly calls: string[] = [];
  /** Set once the app has quit (quit completed or exit called); null while running. */
  exitCode: number | null = null;
  private readonly paths = new Map<string, string>(DEFAULT_PATHS);
  private ready = false;
  private sessionDataSet = false;
  private quitting = false;
  private resolveReady: () => void = () => undefined;
  private readyPromise = this.newReadyPromise();

  private newReadyPromise(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.resolveReady = resolve;
    });
  }

  /** @internal back to a fresh, not-yet-ready app. */
  reset(): void {
    this.removeAllListeners();
    this.isPackaged = false;
    this.singleInstanceLockGranted = true;
    this.calls.length = 0;
    this.exitCode = null;
    this.ready = false;
    this.sessionDataSet = false;
    this.quitting = false;
    this.readyPromise = this.newReadyPromise();
    this.paths.clear();
    for (const [name, path] of DEFAULT_PATHS) this.paths.set(name, path);
  }

  getName(): string {
    return 'Cell 0';
  }

  getVersion(): string {
    return '0.1.0';
  }

  getPath(name: string): string {
    const path = this.paths.get(name);
    if (path === undefined) throw new Error(`Failed to get '${name}' path`);
    return path;
  }

  setPath(name: string, path: string): void {
    this.calls.push(`setPath:${name}`);
    this.paths.set(name, path);
    // sessionData follows userData until it is set on its own.
    if (name === 'userData' && !this.sessionDataSet) this.paths.set('sessionData', path);
    if (name === 'sessionData') this.sessionDataSet = true;
  }

  requestSingleInstanceLock(): boolean {
    this.calls.push('requestSingleInstanceLock');
    return this.singleInstanceLockGranted;
  }

  isReady(): boolean {
    return this.ready;
  }

  whenReady(): Promise<void> {
    return this.readyPromise;
  }

  hasQuit(): boolean {
    return this.exitCode !== null;
  }

  quit(): void {
    if (this.hasQuit()) return;
    const beforeQuit = electronEvent();
    this.emit('before-quit', beforeQuit);
    if (beforeQuit.defaultPrevented) return;
    this.quitting = true;
    for (const window of BrowserWindow.getAllWindows()) {
      // A window that refuses to close cancels the quit, as in Electron.
      if (!window.close()) {
        this.quitting = false;
        return;
      }
    }
    const willQuit = electronEvent();
    this.emit('will-quit', willQuit);
    if (willQuit.defaultPrevented) {
      this.quitting = false;
      return;
    }
    this.exitCode = 0;
    this.emit('quit', electronEvent(), 0);
  }

  /** Exits at once: no before-quit, no will-quit, windows destroyed without 'close'. */
  exit(code = 0): void {
    if (this.hasQuit()) return;
    this.quitting = true;
    this.exitCode = code;
    for (const window of BrowserWindow.getAllWindows()) window.destroy();
  }

  /** @internal called by BrowserWindow when its last sibling is gone. */
  lastWindowClosed(): void {
    // Not emitted while quitting; with no listener Electron quits by default.
    if (this.quitting) return;
    if (this.listenerCount('window-all-closed') > 0) this.emit('window-all-closed');
    else this.quit();
  }

  // Test helpers --------------------------------------------------------------------------

  emitReady(): void {
    if (this.ready) return;
    this.ready = true;
    this.calls.push('ready');
    this.emit('ready', electronEvent(), {});
    this.resolveReady();
  }

  /** What the first instance sees when the user launches the app again. */
  launchSecondInstance(argv: string[] = ['cell0'], workingDirectory = '/'): void {
    this.emit('second-instance', electronEvent(), argv, workingDirectory, {});
  }
}

// ---------------------------------------------------------------------------------------------
// session

type PermissionRequestHandler = (
  contents: WebContents,
  permission: string,
  callback: (granted: boolean) => void,
  details: Record<string, unknown>,
) => void;
type PermissionCheckHandler = (
  contents: WebContents | null,
  permission: string,
  requestingOrigin: string,
  details: Record<string, unknown>,
) => boolean;

export interface HeadersReceivedDetails {
  url: string;
  resourceType: string;
  responseHeaders?: Record<string, string[]>;
  [detail: string]: unknown;
}
export interface HeadersReceivedResponse {
  cancel?: boolean;
  responseHeaders?: Record<string, string | string[]>;
  statusLine?: string;
}
type HeadersReceivedListener = (
  details: HeadersReceivedDetails,
  callback: (response: HeadersReceivedResponse) => void,
) => void;

export class Session {
  permissionRequestHandler: PermissionRequestHandler | null = null;
  permissionCheckHandler: PermissionCheckHandler | null = null;
  headersReceivedListener: HeadersReceivedListener | null = null;

  readonly webRequest = {
    onHeadersReceived: (
      filterOrListener: HeadersReceivedListener | null | { urls: string[] },
      maybeListener?: HeadersReceivedListener | null,
    ): void => {
      const listener =
        typeof filterOrListener === 'function' || filterOrListener === null
          ? filterOrListener
          : maybeListener;
      this.headersReceivedListener = listener ?? null;
    },
  };

  /** @internal */
  reset(): void {
    this.permissionRequestHandler = null;
    this.permissionCheckHandler = null;
    this.headersReceivedListener = null;
  }

  setPermissionRequestHandler(handler: PermissionRequestHandler | null): void {
    this.permissionRequestHandler = handler;
  }

  setPermissionCheckHandler(handler: PermissionCheckHandler | null): void {
    this.permissionCheckHandler = handler;
  }

  // Test helpers --------------------------------------------------------------------------

  /** A page asks for a permission (getUserMedia, Notification.requestPermission...). */
  requestPermission(
    contents: WebContents,
    permission: string,
    requestingUrl = contents.getURL(),
  ): Promise<boolean> {
    // Without a handler Electron grants permission requests.
    if (!this.permissionRequestHandler) return Promise.resolve(true);
    const handler = this.permissionRequestHandler;
    return new Promise((resolve) =>
      handler(contents, permission, resolve, { requestingUrl, isMainFrame: true }),
    );
  }

  /** Chromium checks a permission synchronously (navigator.permissions.query, clipboard...). */
  checkPermission(
    contents: WebContents | null,
    permission: string,
    requestingOrigin: string,
    requestingUrl = contents?.getURL(),
  ): boolean {
    if (!this.permissionCheckHandler) return true;
    return this.permissionCheckHandler(contents, permission, requestingOrigin, {
      isMainFrame: true,
      ...(requestingUrl !== undefined ? { requestingUrl } : {}),
    });
  }

  /** A response arrives; resolves to the headers the page will see. */
  receiveResponse(details: HeadersReceivedDetails): Promise<Record<string, string | string[]> | undefined> {
    const listener = this.headersReceivedListener;
    if (!listener) return Promise.resolve(details.responseHeaders);
    return new Promise((resolve) =>
      listener(details, (response) => resolve(response.responseHeaders ?? details.responseHeaders)),
    );
  }
}

// ---------------------------------------------------------------------------------------------
// IPC

export interface IpcMainInvokeEvent {
  type: 'frame';
  sender: WebContents;
  senderFrame: WebFrameMain | null;
  processId: number;
  frameId: number;
}

type InvokeHandler = (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown;

class IpcMain extends EventEmitter {
  readonly handlers = new Map<string, InvokeHandler>();

  /** @internal */
  reset(): void {
    this.removeAllListeners();
    this.handlers.clear();
  }

  handle(channel: string, handler: InvokeHandler): void {
    if (this.handlers.has(channel))
      throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, handler);
  }

  handleOnce(channel: string, handler: InvokeHandler): void {
    this.handle(channel, (event, ...args) => {
      this.removeHandler(channel);
      return handler(event, ...args);
    });
  }

  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }

  // Test helpers --------------------------------------------------------------------------

  /** What ipcRenderer.invoke does on the main side: clone in, run the handler, clone out. */
  async invoke(channel: string, event: IpcMainInvokeEvent, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler)
      throw new Error(
        `Error invoking remote method '${channel}': Error: No handler registered for '${channel}'`,
      );
    const cloned = args.map((arg) => structuredClone(arg));
    try {
      return structuredClone(await handler(event, ...cloned));
    } catch (err) {
      throw new Error(`Error invoking remote method '${channel}': ${String(err)}`, { cause: err });
    }
  }
}

/** The event ipcMain sees for a message from `frame` (the page's main frame by default). */
export function invokeEventFrom(
  sender: WebContents,
  frame: WebFrameMain | null = sender.mainFrame,
): IpcMainInvokeEvent {
  return { type: 'frame', sender, senderFrame: frame, processId: 1, frameId: 1 };
}

function ipcRendererEvent(): { sender: IpcRenderer; senderId: number; ports: unknown[] } {
  return { sender: ipcRenderer, senderId: 0, ports: [] };
}

class IpcRenderer extends EventEmitter {
  invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    return ipcMain.invoke(channel, invokeEventFrom(preloadHost), ...args);
  }

  send(channel: string, ...args: unknown[]): void {
    ipcMain.emit(channel, invokeEventFrom(preloadHost), ...args.map((arg) => structuredClone(arg)));
  }
}

// ---------------------------------------------------------------------------------------------
// contextBridge, shell, dialog

class ContextBridge {
  /** What the preload put on `window`, by key. */
  readonly exposed = new Map<string, unknown>();

  exposeInMainWorld(key: string, api: unknown): void {
    if (this.exposed.has(key))
      throw new Error(`Cannot bind an API on top of an existing property on the window object`);
    this.exposed.set(key, api);
  }
}

export const app = new App();
export const session = { defaultSession: new Session() };
export const ipcMain = new IpcMain();
export const ipcRenderer = new IpcRenderer();
export const contextBridge = new ContextBridge();
export const shell = { openExternal: vi.fn(async (_url: string): Promise<void> => undefined) };
export const dialog = { showErrorBox: vi.fn((_title: string, _content: string): void => undefined) };

/** The web contents whose page the preload runs in (for preload tests). */
export const preloadHost = new WebContents(session.defaultSession);

/**
 * Back to a freshly started Electron, for a test that boots the app again.
 */
export function resetElectronMock(): void {
  for (const window of allWindows) window.removeAllListeners();
  allWindows.length = 0;
  app.reset();
  session.defaultSession.reset();
  ipcMain.reset();
  ipcRenderer.removeAllListeners();
  contextBridge.exposed.clear();
  preloadHost.removeAllListeners();
  preloadHost.sent.length = 0;
  preloadHost.mainFrame.url = '';
  shell.openExternal.mockClear();
  dialog.showErrorBox.mockClear();
}

/** All windows ever created, including closed ones, in creation order. */
export function createdWindows(): readonly BrowserWindow[] {
  return allWindows;
}

export default { app, BrowserWindow, session, ipcMain, ipcRenderer, contextBridge, shell, dialog };
