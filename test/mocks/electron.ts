/**
 * A faithful stand-in for the parts of Electron the desktop edge uses, for tests that cannot
 * launch Electron. It follows Electron's documented semantics where the edge depends on them:
 * events carry preventDefault and the emitter honours it (will-navigate, before-quit, close),
 * app.quit() runs before-quit -> close windows -> will-quit -> quit, closing the last window
 * emits window-all-closed (quits when nobody listens), ipcMain allows one handler per channel
 * and IPC payloads are structured-cloned, screen refuses use before ready, a menu template item
 * needs a label, a role or a type, a global shortcut another app holds cannot be registered.
 *
 * Use: vi.mock('electron', () => import('../mocks/electron.js')) and import this module for the
 * helpers; it is the same instance the code under test gets. Do not vi.resetModules(): the code
 * under test would then get a fresh copy of this module while the test holds the old one. To
 * run an entry again, call resetElectronMock() and import the entry with a fresh query
 * (`${path}?boot=2`), which re-runs it against this same instance.
 * Test-only helpers are the members whose names say what a test does (emitReady, attemptNavigation).
 */
import { EventEmitter } from 'node:events';
import { fileURLToPath, pathToFileURL } from 'node:url';
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

export interface LoadFileOptions {
  query?: Record<string, string>;
  search?: string;
  hash?: string;
}

/** What Electron's loadFile builds with url.format: the file URL with its search and hash. */
function fileUrlWith(filePath: string, { query, search, hash }: LoadFileOptions): string {
  const url = pathToFileURL(filePath);
  if (search !== undefined) url.search = search;
  else if (query) url.search = new URLSearchParams(query).toString();
  if (hash !== undefined) url.hash = hash;
  return url.href;
}

let nextWebContentsId = 1;

export class WebContents extends EventEmitter {
  readonly id = nextWebContentsId++;
  readonly mainFrame = new WebFrameMain('');
  readonly session: Session;
  /** Everything sent with send(), in order. */
  readonly sent: { channel: string; args: unknown[] }[] = [];
  windowOpenHandler: WindowOpenHandler | null = null;
  private destroyed = false;
  private loading = false;

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
    this.loading = true;
    await Promise.resolve();
    this.loading = false;
    this.emit('did-finish-load', electronEvent());
  }

  async loadFile(filePath: string, options: LoadFileOptions = {}): Promise<void> {
    await this.loadURL(fileUrlWith(filePath, options));
  }

  isLoading(): boolean {
    return this.loading;
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

export interface Rectangle {
  x: number;
  y: number;
  width: number;
  height: number;
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
  private maximized = false;
  private focused = false;
  private destroyed = false;
  private shownOnce = false;
  private alwaysOnTop: boolean;
  private bounds: Rectangle;
  /** The bounds before maximize, which Electron reports as the normal bounds. */
  private normalBounds: Rectangle;

  constructor(readonly options: BrowserWindowConstructorOptions = {}) {
    super();
    this.webContents = new WebContents(session.defaultSession);
    this.visible = options.show !== false;
    this.alwaysOnTop = options.alwaysOnTop === true;
    const width = typeof options.width === 'number' ? options.width : 800;
    const height = typeof options.height === 'number' ? options.height : 600;
    // Without x and y Electron centres the window on the primary display.
    const area = screen.primary().workArea;
    this.bounds = {
      x: typeof options.x === 'number' ? options.x : Math.round(area.x + (area.width - width) / 2),
      y: typeof options.y === 'number' ? options.y : Math.round(area.y + (area.height - height) / 2),
      width,
      height,
    };
    this.normalBounds = { ...this.bounds };
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

  loadFile(filePath: string, options: LoadFileOptions = {}): Promise<void> {
    return this.afterLoad(this.webContents.loadFile(filePath, options));
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
    const wasFocused = this.focused;
    this.visible = false;
    this.focused = false;
    this.emit('hide');
    if (wasFocused) this.emit('blur');
  }

  blur(): void {
    if (!this.focused) return;
    this.focused = false;
    this.emit('blur');
  }

  getBounds(): Rectangle {
    return { ...this.bounds };
  }

  getNormalBounds(): Rectangle {
    return { ...(this.maximized ? this.normalBounds : this.bounds) };
  }

  setBounds(bounds: Partial<Rectangle>): void {
    this.bounds = { ...this.bounds, ...bounds };
    if (!this.maximized) this.normalBounds = { ...this.bounds };
  }

  maximize(): void {
    if (this.maximized) return;
    this.normalBounds = { ...this.bounds };
    this.maximized = true;
    this.bounds = { ...screen.getDisplayMatching(this.bounds).workArea };
    this.emit('maximize');
    this.emit('resize');
  }

  unmaximize(): void {
    if (!this.maximized) return;
    this.maximized = false;
    this.bounds = { ...this.normalBounds };
    this.emit('unmaximize');
    this.emit('resize');
  }

  isMaximized(): boolean {
    return this.maximized;
  }

  setAlwaysOnTop(flag: boolean, _level?: string): void {
    this.alwaysOnTop = flag;
  }

  isAlwaysOnTop(): boolean {
    return this.alwaysOnTop;
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

  // Test helpers --------------------------------------------------------------------------

  /** The user drags or resizes the window: Electron emits 'move' and/or 'resize'. */
  moveByUser(bounds: Partial<Rectangle>): void {
    const before = this.bounds;
    this.setBounds(bounds);
    if (before.x !== this.bounds.x || before.y !== this.bounds.y) this.emit('move');
    if (before.width !== this.bounds.width || before.height !== this.bounds.height) this.emit('resize');
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
  /** What setLoginItemSettings was last given (the OS's login items, as the app set them). */
  loginItemSettings: { openAtLogin: boolean; openAsHidden?: boolean; args?: string[] } = {
    openAtLogin: false,
  };
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
    this.loginItemSettings = { openAtLogin: false };
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

  /** The app's folder (where its package.json is): the repository, for the sources under test. */
  getAppPath(): string {
    return fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');
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

  setLoginItemSettings(settings: { openAtLogin?: boolean; openAsHidden?: boolean; args?: string[] }): void {
    this.loginItemSettings = { ...settings, openAtLogin: settings.openAtLogin ?? false };
  }

  getLoginItemSettings(): { openAtLogin: boolean } {
    return { openAtLogin: this.loginItemSettings.openAtLogin };
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

  /** macOS: the user clicks the dock icon (hasVisibleWindows as Electron reports it). */
  activate(hasVisibleWindows = BrowserWindow.getAllWindows().some((window) => window.isVisible())): void {
    this.emit('activate', electronEvent(), hasVisibleWindows);
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

export interface DevicePermissionDetails {
  deviceType: 'hid' | 'serial' | 'usb';
  origin: string;
  device: Record<string, unknown>;
}
type DevicePermissionHandler = (details: DevicePermissionDetails) => boolean;
export interface DisplayMediaRequest {
  frame: WebFrameMain | null;
  securityOrigin: string;
  videoRequested: boolean;
  audioRequested: boolean;
  userGesture: boolean;
}
export type DisplayMediaStreams = { video?: unknown; audio?: unknown } | null;
type DisplayMediaRequestHandler = (
  request: DisplayMediaRequest,
  callback: (streams: DisplayMediaStreams) => void,
) => void;

export class Session {
  permissionRequestHandler: PermissionRequestHandler | null = null;
  permissionCheckHandler: PermissionCheckHandler | null = null;
  headersReceivedListener: HeadersReceivedListener | null = null;
  devicePermissionHandler: DevicePermissionHandler | null = null;
  displayMediaRequestHandler: DisplayMediaRequestHandler | null = null;

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
    this.devicePermissionHandler = null;
    this.displayMediaRequestHandler = null;
  }

  setDevicePermissionHandler(handler: DevicePermissionHandler | null): void {
    this.devicePermissionHandler = handler;
  }

  setDisplayMediaRequestHandler(handler: DisplayMediaRequestHandler | null): void {
    this.displayMediaRequestHandler = handler;
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

  /**
   * A page asks for a HID, serial or USB device it was granted before. Without a handler the
   * grants made through device selection stand, which this mock models as "granted".
   */
  checkDevicePermission(details: DevicePermissionDetails): boolean {
    return this.devicePermissionHandler ? this.devicePermissionHandler(details) : true;
  }

  /**
   * getDisplayMedia: resolves to what the handler granted. Without a handler Electron rejects the
   * request (there is no picker), which this mock reports as null.
   */
  requestDisplayMedia(contents: WebContents): Promise<DisplayMediaStreams> {
    const handler = this.displayMediaRequestHandler;
    if (!handler) return Promise.resolve(null);
    const request: DisplayMediaRequest = {
      frame: contents.mainFrame,
      securityOrigin: contents.mainFrame.origin,
      videoRequested: true,
      audioRequested: false,
      userGesture: true,
    };
    return new Promise((resolve) => handler(request, resolve));
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
// Menus and the tray

export interface MenuItemConstructorOptions {
  label?: string;
  type?: 'normal' | 'separator' | 'submenu' | 'checkbox' | 'radio' | 'header' | 'palette';
  role?: string;
  id?: string;
  enabled?: boolean;
  visible?: boolean;
  checked?: boolean;
  toolTip?: string;
  sublabel?: string;
  accelerator?: string;
  click?: (menuItem: MenuItem, window: BrowserWindow | undefined, event: Record<string, unknown>) => void;
  submenu?: MenuItemConstructorOptions[] | Menu;
}

export class MenuItem {
  readonly label: string;
  readonly type: NonNullable<MenuItemConstructorOptions['type']>;
  readonly role: string | undefined;
  readonly id: string | undefined;
  readonly submenu: Menu | null;
  readonly toolTip: string;
  enabled: boolean;
  visible: boolean;
  checked: boolean;
  private readonly onClick: MenuItemConstructorOptions['click'];

  constructor(options: MenuItemConstructorOptions) {
    if (options.label === undefined && options.role === undefined && options.type === undefined) {
      throw new TypeError('Invalid template for MenuItem: must have at least one of label, role or type');
    }
    this.submenu =
      options.submenu === undefined
        ? null
        : options.submenu instanceof Menu
          ? options.submenu
          : Menu.buildFromTemplate(options.submenu);
    this.type = options.type ?? (this.submenu ? 'submenu' : 'normal');
    this.label = options.label ?? '';
    this.role = options.role;
    this.id = options.id;
    this.toolTip = options.toolTip ?? '';
    this.enabled = options.enabled ?? true;
    this.visible = options.visible ?? true;
    this.checked = options.checked ?? false;
    this.onClick = options.click;
  }

  /** What a click on the item does; Electron offers no click on a disabled or hidden item. */
  click(): void {
    if (!this.enabled || !this.visible) throw new Error(`menu item "${this.label}" cannot be clicked`);
    this.onClick?.(this, undefined, { triggeredByAccelerator: false });
  }
}

export class Menu {
  static applicationMenu: Menu | null = null;

  static buildFromTemplate(template: (MenuItemConstructorOptions | MenuItem)[]): Menu {
    const menu = new Menu();
    for (const item of template) menu.append(item instanceof MenuItem ? item : new MenuItem(item));
    return menu;
  }

  static setApplicationMenu(menu: Menu | null): void {
    Menu.applicationMenu = menu;
  }

  readonly items: MenuItem[] = [];

  append(item: MenuItem): void {
    this.items.push(item);
  }

  getMenuItemById(id: string): MenuItem | null {
    for (const item of this.items) {
      if (item.id === id) return item;
      const inner = item.submenu?.getMenuItemById(id);
      if (inner) return inner;
    }
    return null;
  }

  // Test helpers --------------------------------------------------------------------------

  /** The item reached by following labels through submenus, or null. */
  find(...labels: string[]): MenuItem | null {
    const [first, ...rest] = labels;
    const item = this.items.find((candidate) => candidate.label === first) ?? null;
    if (!item || rest.length === 0) return item;
    return item.submenu?.find(...rest) ?? null;
  }
}

/** An image given as a path (Electron also takes a NativeImage; the edge passes paths). */
export type TrayImage = string;

const allTrays: Tray[] = [];

export class Tray extends EventEmitter {
  image: TrayImage;
  toolTip = '';
  contextMenu: Menu | null = null;
  private destroyed = false;

  constructor(image: TrayImage) {
    super();
    if (!app.isReady()) throw new Error('Cannot create Tray before app is ready');
    this.image = image;
    allTrays.push(this);
  }

  setImage(image: TrayImage): void {
    this.assertAlive();
    this.image = image;
  }

  setToolTip(toolTip: string): void {
    this.assertAlive();
    this.toolTip = toolTip;
  }

  setContextMenu(menu: Menu | null): void {
    this.assertAlive();
    this.contextMenu = menu;
  }

  destroy(): void {
    this.destroyed = true;
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  private assertAlive(): void {
    if (this.destroyed) throw new TypeError('Object has been destroyed');
  }

  // Test helpers --------------------------------------------------------------------------

  /** A left click on the icon (Windows, and Linux desktops that report it). */
  clickByUser(): void {
    this.emit('click', electronEvent(), { x: 0, y: 0, width: 16, height: 16 }, { x: 8, y: 8 });
  }
}

/** Every tray created since the last reset, destroyed ones included. */
export function createdTrays(): readonly Tray[] {
  return allTrays;
}

// ---------------------------------------------------------------------------------------------
// Notifications

export interface NotificationConstructorOptions {
  title?: string;
  body?: string;
  subtitle?: string;
  silent?: boolean;
  icon?: string;
  urgency?: 'normal' | 'critical' | 'low';
  timeoutType?: 'default' | 'never';
}

const allNotifications: Notification[] = [];

export class Notification extends EventEmitter {
  /** What isSupported answers; a test sets false to play a desktop without a notification server. */
  static supported = true;

  static isSupported(): boolean {
    return Notification.supported;
  }

  title: string;
  body: string;
  shown = false;
  closed = false;

  constructor(readonly options: NotificationConstructorOptions = {}) {
    super();
    this.title = options.title ?? '';
    this.body = options.body ?? '';
  }

  show(): void {
    this.shown = true;
    allNotifications.push(this);
    this.emit('show', electronEvent());
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.emit('close', electronEvent());
  }

  // Test helpers --------------------------------------------------------------------------

  clickByUser(): void {
    if (!this.shown) throw new Error('a notification that was never shown cannot be clicked');
    this.emit('click', electronEvent());
  }
}

/** Every notification shown since the last reset, in order. */
export function shownNotifications(): readonly Notification[] {
  return allNotifications;
}

// ---------------------------------------------------------------------------------------------
// Global shortcuts

const MODIFIERS: ReadonlySet<string> = new Set([
  'command',
  'cmd',
  'control',
  'ctrl',
  'commandorcontrol',
  'cmdorctrl',
  'alt',
  'option',
  'altgr',
  'shift',
  'super',
  'meta',
]);

/** Electron refuses an accelerator it cannot parse: empty parts, or no key after the modifiers. */
function parseAccelerator(accelerator: string): boolean {
  const parts = accelerator.split('+');
  if (parts.some((part) => part.trim() === '')) return false;
  const key = parts.at(-1)!.toLowerCase();
  return !MODIFIERS.has(key) && parts.slice(0, -1).every((part) => MODIFIERS.has(part.toLowerCase()));
}

class GlobalShortcut {
  readonly registered = new Map<string, () => void>();
  /** Accelerators another application holds: registering them fails, as on a real desktop. */
  readonly takenByOtherApps = new Set<string>();

  /** @internal */
  reset(): void {
    this.registered.clear();
    this.takenByOtherApps.clear();
  }

  register(accelerator: string, callback: () => void): boolean {
    if (!app.isReady()) throw new Error('globalShortcut cannot be used before the app is ready');
    if (!parseAccelerator(accelerator)) throw new TypeError(`conversion failure: ${accelerator}`);
    if (this.takenByOtherApps.has(accelerator) || this.registered.has(accelerator)) return false;
    this.registered.set(accelerator, callback);
    return true;
  }

  isRegistered(accelerator: string): boolean {
    return this.registered.has(accelerator);
  }

  unregister(accelerator: string): void {
    this.registered.delete(accelerator);
  }

  unregisterAll(): void {
    this.registered.clear();
  }

  // Test helpers --------------------------------------------------------------------------

  /** The user presses the accelerator anywhere on the desktop. */
  press(accelerator: string): void {
    this.registered.get(accelerator)?.();
  }
}

// ---------------------------------------------------------------------------------------------
// Screen and theme

export interface Point {
  x: number;
  y: number;
}

export interface Display {
  id: number;
  bounds: Rectangle;
  workArea: Rectangle;
  scaleFactor: number;
}

/** One 1920x1080 display with a 40 px taskbar at the bottom. */
function defaultDisplays(): Display[] {
  return [
    {
      id: 1,
      bounds: { x: 0, y: 0, width: 1920, height: 1080 },
      workArea: { x: 0, y: 0, width: 1920, height: 1040 },
      scaleFactor: 1,
    },
  ];
}

function distanceToRect(point: Point, rect: Rectangle): number {
  const dx = Math.max(rect.x - point.x, 0, point.x - (rect.x + rect.width));
  const dy = Math.max(rect.y - point.y, 0, point.y - (rect.y + rect.height));
  return Math.hypot(dx, dy);
}

function overlap(a: Rectangle, b: Rectangle): number {
  const width = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const height = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return width > 0 && height > 0 ? width * height : 0;
}

class Screen extends EventEmitter {
  /** The displays attached, primary first; a test replaces them to play a monitor change. */
  displays: Display[] = defaultDisplays();
  cursor: Point = { x: 960, y: 540 };

  /** @internal */
  reset(): void {
    this.removeAllListeners();
    this.displays = defaultDisplays();
    this.cursor = { x: 960, y: 540 };
  }

  /** @internal the primary display, without the ready check (window construction uses it). */
  primary(): Display {
    return this.displays[0]!;
  }

  private assertReady(): void {
    if (!app.isReady()) throw new Error("The 'screen' module can't be used before the app 'ready' event");
  }

  getAllDisplays(): Display[] {
    this.assertReady();
    return structuredClone(this.displays);
  }

  getPrimaryDisplay(): Display {
    this.assertReady();
    return structuredClone(this.primary());
  }

  getCursorScreenPoint(): Point {
    this.assertReady();
    return { ...this.cursor };
  }

  getDisplayNearestPoint(point: Point): Display {
    this.assertReady();
    const nearest = [...this.displays].sort(
      (a, b) => distanceToRect(point, a.bounds) - distanceToRect(point, b.bounds),
    )[0]!;
    return structuredClone(nearest);
  }

  /** The display the rectangle overlaps most (the primary when it overlaps none). */
  getDisplayMatching(rect: Rectangle): Display {
    const best = [...this.displays].sort((a, b) => overlap(rect, b.bounds) - overlap(rect, a.bounds))[0]!;
    return structuredClone(overlap(rect, best.bounds) > 0 ? best : this.primary());
  }
}

class NativeTheme extends EventEmitter {
  themeSource: 'system' | 'light' | 'dark' = 'system';
  /** What the OS prefers; with themeSource 'system' the app follows it. */
  osPrefersDark = false;

  get shouldUseDarkColors(): boolean {
    return this.themeSource === 'system' ? this.osPrefersDark : this.themeSource === 'dark';
  }

  /** @internal */
  reset(): void {
    this.removeAllListeners();
    this.themeSource = 'system';
    this.osPrefersDark = false;
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
export const globalShortcut = new GlobalShortcut();
export const screen = new Screen();
export const nativeTheme = new NativeTheme();
/** macOS's Touch ID, as Electron exposes it: whether it can prompt, and the prompt (rejects when refused). */
export const systemPreferences = {
  canPromptTouchID: vi.fn((): boolean => false),
  promptTouchID: vi.fn(async (_reason: string): Promise<void> => undefined),
};

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
  for (const tray of allTrays) tray.removeAllListeners();
  allTrays.length = 0;
  for (const notification of allNotifications) notification.removeAllListeners();
  allNotifications.length = 0;
  Notification.supported = true;
  Menu.applicationMenu = null;
  globalShortcut.reset();
  screen.reset();
  nativeTheme.reset();
  systemPreferences.canPromptTouchID.mockReset().mockReturnValue(false);
  systemPreferences.promptTouchID.mockReset().mockResolvedValue(undefined);
}

/** All windows ever created, including closed ones, in creation order. */
export function createdWindows(): readonly BrowserWindow[] {
  return allWindows;
}

export default {
  app,
  BrowserWindow,
  session,
  ipcMain,
  ipcRenderer,
  contextBridge,
  shell,
  dialog,
  Tray,
  Menu,
  MenuItem,
  Notification,
  globalShortcut,
  screen,
  nativeTheme,
  systemPreferences,
};
