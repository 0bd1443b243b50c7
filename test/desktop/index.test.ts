import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type * as CoreApp from '../../src-main/core/app.js';
import type { Core, CoreOptions } from '../../src-main/core/app.js';
import { silentLogger } from '../../src-main/core/base/logger.js';
import { IPC_EVENT_CHANNEL, IPC_FRAME_CHANNEL } from '../../src-main/core/protocol/bridge.js';
import type { ResponseFrame } from '../../src-main/core/protocol/frames.js';
import { RENDERER_CSP } from '../../src-main/core/security/csp.js';
import {
  app,
  BrowserWindow,
  createdWindows,
  dialog,
  invokeEventFrom,
  ipcMain,
  resetElectronMock,
  session,
  shell,
  WebFrameMain,
  type WebContents,
} from '../mocks/electron.js';

// The real core boots behind the mocked Electron; the wrapper only records it, so the test can
// see that the app started and stopped it, and keeps its logs quiet.
const booted = vi.hoisted(() => ({
  cores: [] as { options: CoreOptions; core: Core }[],
  keychain: `Cell 0 test ${Math.random().toString(36).slice(2)}`,
}));

vi.mock('electron', () => import('../mocks/electron.js'));
vi.mock('../../src-main/core/app.js', async (importOriginal) => {
  const actual = await importOriginal<typeof CoreApp>();
  return {
    ...actual,
    createCore(options: CoreOptions): Core {
      // A keychain service of the test's own: the test never touches the owner's secrets.
      const core = actual.createCore({ ...options, logger: silentLogger, keychainService: booted.keychain });
      vi.spyOn(core, 'start');
      vi.spyOn(core, 'stop');
      booted.cores.push({ options, core });
      return core;
    },
  };
});

const srcMainDir = fileURLToPath(new URL('../../src-main/', import.meta.url));
const builtPageUrl = pathToFileURL(join(srcMainDir, '../renderer/index.html')).href;

let home: string | null = null;
let boots = 0;
const entryPath = join(srcMainDir, 'index.ts');

interface BootOptions {
  lockGranted?: boolean;
  devServerUrl?: string;
  /** Use this as CELL0_HOME instead of a fresh empty directory. */
  dataDir?: string;
}

/** Starts src-main/index.ts as Electron would: the module runs, then the app becomes ready. */
async function boot({ lockGranted = true, devServerUrl, dataDir }: BootOptions = {}): Promise<void> {
  resetElectronMock();
  booted.cores.length = 0;
  home = await mkdtemp(join(tmpdir(), 'cell0-desktop-'));
  vi.stubEnv('CELL0_HOME', dataDir ?? home);
  vi.stubEnv('ELECTRON_RENDERER_URL', devServerUrl);
  app.singleInstanceLockGranted = lockGranted;
  // A query makes a fresh module, so the entry runs again; its imports, the Electron mock
  // included, stay the ones this file sees.
  await import(/* @vite-ignore */ `${entryPath}?boot=${++boots}`);
  app.emitReady();
}

async function bootToWindow(options: BootOptions = {}): Promise<BrowserWindow> {
  await boot(options);
  await vi.waitFor(() => expect(BrowserWindow.getAllWindows()).toHaveLength(1));
  const window = BrowserWindow.getAllWindows()[0]!;
  await vi.waitFor(() => expect(window.isVisible()).toBe(true));
  return window;
}

function theCore(): Core {
  expect(booted.cores).toHaveLength(1);
  return booted.cores[0]!.core;
}

let nextId = 0;
function request(method: string, params?: unknown): string {
  return JSON.stringify({ type: 'req', id: `t-${++nextId}`, method, params });
}

/** Sends a payload the way the preload does and returns the parsed response frame. */
async function invoke(
  contents: WebContents,
  payload: unknown,
  frame?: WebFrameMain | null,
): Promise<ResponseFrame> {
  const event = frame === undefined ? invokeEventFrom(contents) : invokeEventFrom(contents, frame);
  const reply = await ipcMain.invoke(IPC_FRAME_CHANNEL, event, payload);
  expect(typeof reply).toBe('string');
  return JSON.parse(reply as string) as ResponseFrame;
}

async function quitAndWait(): Promise<void> {
  app.quit();
  await vi.waitFor(() => expect(app.hasQuit()).toBe(true));
}

afterEach(async () => {
  if (!app.hasQuit()) await quitAndWait();
  vi.unstubAllEnvs();
  if (home) await rm(home, { recursive: true, force: true });
  home = null;
});

describe('desktop entry: start-up', () => {
  it('points userData at the shared data directory before taking the single-instance lock', async () => {
    await bootToWindow();
    expect(app.calls.slice(0, 4)).toEqual([
      'setPath:userData',
      'setPath:sessionData',
      'requestSingleInstanceLock',
      'ready',
    ]);
    expect(app.getPath('userData')).toBe(home);
    expect(app.getPath('sessionData')).toBe(join(home!, 'electron'));
    expect(booted.cores[0]!.options).toMatchObject({ dataDir: home, mode: 'desktop' });
    expect(booted.cores[0]!.options.keychainService).toBeUndefined();
    expect(theCore().start).toHaveBeenCalledTimes(1);
  });

  it('quits without a core or a window when another instance holds the lock', async () => {
    await boot({ lockGranted: false });
    expect(app.calls).toContain('requestSingleInstanceLock');
    expect(app.hasQuit()).toBe(true);
    // Nothing was set up to run later: no app listener, so no core or window can come after.
    for (const event of [
      'ready',
      'before-quit',
      'second-instance',
      'window-all-closed',
      'web-contents-created',
    ]) {
      expect(app.listenerCount(event), event).toBe(0);
    }
    expect(booted.cores).toHaveLength(0);
    expect(createdWindows()).toHaveLength(0);
  });

  it('restores and focuses the existing window when the app is launched again', async () => {
    const window = await bootToWindow();
    window.minimize();
    expect(window.isFocused()).toBe(false);

    app.launchSecondInstance(['cell0', '--flag']);

    expect(window.isMinimized()).toBe(false);
    expect(window.isVisible()).toBe(true);
    expect(window.isFocused()).toBe(true);
    expect(createdWindows()).toHaveLength(1);
  });

  it('tells the user and exits when the core cannot start', async () => {
    const notADirectory = join(tmpdir(), `cell0-not-a-dir-${process.pid}-${Date.now()}`);
    await writeFile(notADirectory, 'a file where the data directory should be');
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await boot({ dataDir: notADirectory });
      await vi.waitFor(() => expect(app.exitCode).toBe(1));
      expect(stderr.mock.calls.map(([line]) => String(line)).join('')).toContain(
        'error Cell 0 could not start',
      );
      expect(dialog.showErrorBox).toHaveBeenCalledTimes(1);
      expect(dialog.showErrorBox.mock.calls[0]![0]).toBe('Cell 0 could not start');
      expect(dialog.showErrorBox.mock.calls[0]![1]).toContain(notADirectory);
      expect(createdWindows()).toHaveLength(0);
    } finally {
      stderr.mockRestore();
      await rm(notADirectory, { force: true });
    }
  });
});

describe('desktop entry: the main window', () => {
  it('is hardened: isolated, sandboxed, no Node, no relaxed web rules', async () => {
    const window = await bootToWindow();
    const prefs = window.options.webPreferences!;
    expect(prefs).toMatchObject({
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
    });
    expect(prefs.preload).toBe(join(srcMainDir, '../preload/index.cjs'));
  });

  it('loads the built page and shows itself only once the page is ready', async () => {
    const window = await bootToWindow();
    expect(window.options.show).toBe(false);
    expect(window.webContents.getURL()).toBe(builtPageUrl);
  });

  it('stays on the app page: other navigations and redirects are prevented', async () => {
    const contents = (await bootToWindow()).webContents;
    expect(contents.attemptNavigation('https://evil.example/')).toBe(false);
    expect(contents.attemptNavigation('file:///etc/passwd')).toBe(false);
    expect(contents.attemptRedirect('https://evil.example/landing')).toBe(false);
    expect(contents.getURL()).toBe(builtPageUrl);
    expect(contents.attemptNavigation(`${builtPageUrl}#/settings`)).toBe(true);
  });

  it('opens no windows; web links go to the browser, other schemes nowhere', async () => {
    const contents = (await bootToWindow()).webContents;
    expect(contents.attemptWindowOpen('https://example.com/docs')).toEqual({ action: 'deny' });
    expect(shell.openExternal).toHaveBeenCalledWith('https://example.com/docs');

    shell.openExternal.mockClear();
    expect(contents.attemptWindowOpen('file:///etc/passwd')).toEqual({ action: 'deny' });
    expect(contents.attemptWindowOpen('javascript:alert(1)')).toEqual({ action: 'deny' });
    expect(contents.attemptWindowOpen(builtPageUrl)).toEqual({ action: 'deny' });
    expect(shell.openExternal).not.toHaveBeenCalled();
  });

  it('refuses to attach a <webview>', async () => {
    const contents = (await bootToWindow()).webContents;
    expect(contents.attemptAttachWebview('https://example.com/')).toBe(false);
  });

  it('denies every permission request and check but clipboard writes from the app page', async () => {
    const contents = (await bootToWindow()).webContents;
    const ses = session.defaultSession;
    for (const permission of ['media', 'notifications', 'geolocation', 'clipboard-read', 'openExternal']) {
      await expect(ses.requestPermission(contents, permission), permission).resolves.toBe(false);
      expect(ses.checkPermission(contents, permission, 'file://'), permission).toBe(false);
    }
    await expect(ses.requestPermission(contents, 'clipboard-sanitized-write')).resolves.toBe(true);
    expect(ses.checkPermission(contents, 'clipboard-sanitized-write', 'file://')).toBe(true);
    await expect(
      ses.requestPermission(contents, 'clipboard-sanitized-write', 'https://evil.example/'),
    ).resolves.toBe(false);
    expect(
      ses.checkPermission(
        contents,
        'clipboard-sanitized-write',
        'https://evil.example',
        'https://evil.example/',
      ),
    ).toBe(false);
  });

  it('adds the CSP header to responses of the built page', async () => {
    await bootToWindow();
    const headers = await session.defaultSession.receiveResponse({
      url: builtPageUrl,
      resourceType: 'mainFrame',
      responseHeaders: { 'Content-Type': ['text/html'] },
    });
    expect(headers).toEqual({ 'Content-Type': ['text/html'], 'Content-Security-Policy': [RENDERER_CSP] });
  });

  it('in development loads the dev server, trusts its origin and leaves its headers alone', async () => {
    const window = await bootToWindow({ devServerUrl: 'http://localhost:5173' });
    expect(window.webContents.getURL()).toBe('http://localhost:5173/');
    const headers = await session.defaultSession.receiveResponse({
      url: 'http://localhost:5173/',
      resourceType: 'mainFrame',
      responseHeaders: {},
    });
    expect(headers).toEqual({});
    const reply = await invoke(window.webContents, request('app.info'));
    expect(reply.ok).toBe(true);
    expect(window.webContents.attemptNavigation('http://localhost:5173/other')).toBe(true);
    expect(window.webContents.attemptNavigation('http://localhost:5174/')).toBe(false);
  });
});

describe('desktop entry: the IPC transport', () => {
  it("routes frames from the app's page to the core", async () => {
    const contents = (await bootToWindow()).webContents;

    const info = await invoke(contents, request('app.info'));
    expect(info).toMatchObject({ type: 'res', ok: true, result: { mode: 'desktop', dataDir: home } });

    const created = await invoke(contents, request('conversations.create', { title: 'From the window' }));
    expect(created.ok).toBe(true);
    const list = await invoke(contents, request('conversations.list'));
    expect(list.ok && list.result).toMatchObject({ conversations: [{ title: 'From the window' }] });
  });

  it('answers UNAUTHENTICATED, without routing, to a foreign page, a subframe or a vanished frame', async () => {
    const contents = (await bootToWindow()).webContents;
    const create = (): string => request('conversations.create', { title: 'smuggled' });

    const foreign = await invoke(contents, create(), new WebFrameMain('https://evil.example/'));
    const subframe = await invoke(contents, create(), contents.addSubframe(builtPageUrl));
    const vanished = await invoke(contents, create(), null);
    for (const reply of [foreign, subframe, vanished]) {
      expect(reply).toMatchObject({ type: 'res', ok: false, error: { code: 'UNAUTHENTICATED' } });
    }

    const list = await invoke(contents, request('conversations.list'));
    expect(list.ok && list.result).toEqual({ conversations: [] });
  });

  it('answers BAD_FRAME to a payload that is not a JSON request frame', async () => {
    const contents = (await bootToWindow()).webContents;
    for (const payload of [
      { type: 'req', id: '1', method: 'app.info' },
      42,
      null,
      'not json',
      '{"type":"req"}',
    ]) {
      const reply = await invoke(contents, payload);
      expect(reply, JSON.stringify(payload)).toMatchObject({ ok: false, error: { code: 'BAD_FRAME' } });
    }
  });

  it("forwards core events to windows showing the app's page, skipping others", async () => {
    const main = await bootToWindow();
    const foreign = new BrowserWindow();
    await foreign.loadURL('https://example.com/');
    const gone = new BrowserWindow();
    await gone.loadFile(join(srcMainDir, '../renderer/index.html'));
    gone.destroy();
    // The services starting in the background announce themselves; this test counts one event only.
    await theCore().whenStarted();
    main.webContents.sent.length = 0;

    theCore().bus.emit('conversation.deleted', { id: 'c1' });

    const events = main.webContents.sent.filter((message) => message.channel === IPC_EVENT_CHANNEL);
    expect(events).toHaveLength(1);
    expect(JSON.parse(events[0]!.args[0] as string)).toEqual({
      type: 'event',
      event: 'conversation.deleted',
      payload: { id: 'c1' },
      seq: expect.any(Number) as number,
    });
    expect(foreign.webContents.sent).toEqual([]);
    expect(gone.webContents.sent).toEqual([]);
  });

  it('delivers the events a routed request causes', async () => {
    const contents = (await bootToWindow()).webContents;
    const created = await invoke(contents, request('conversations.create', { title: 'Evented' }));
    expect(created.ok).toBe(true);
    const events = contents.sent.map((message) => JSON.parse(message.args[0] as string) as { event: string });
    expect(events.map((frame) => frame.event)).toContain('conversation.updated');
  });
});

describe('desktop entry: quitting', () => {
  it('stops the core once before the app quits, and takes the IPC handler down', async () => {
    await bootToWindow();
    const core = theCore();

    app.quit();
    expect(app.hasQuit()).toBe(false);
    app.quit();
    await vi.waitFor(() => expect(app.hasQuit()).toBe(true));

    expect(core.stop).toHaveBeenCalledTimes(1);
    expect(ipcMain.handlers.has(IPC_FRAME_CHANNEL)).toBe(false);
    expect(BrowserWindow.getAllWindows()).toHaveLength(0);
  });

  it('keeps running in the tray when the window is closed, as close-to-tray is on by default', async () => {
    const window = await bootToWindow();
    expect(window.close()).toBe(false);
    expect(window.isVisible()).toBe(false);
    expect(window.isDestroyed()).toBe(false);
    expect(app.hasQuit()).toBe(false);
    // Even with no window left on screen, the tray keeps it running and the core keeps working.
    app.emit('window-all-closed');
    expect(app.hasQuit()).toBe(false);
    expect(theCore().stop).not.toHaveBeenCalled();
  });

  it('quits, stopping the core, when the window is closed with close-to-tray off', async () => {
    const window = await bootToWindow();
    const off = await invoke(window.webContents, request('settings.setDesktop', { closeToTray: false }));
    expect(off.ok).toBe(true);
    window.close();
    await vi.waitFor(() => expect(app.hasQuit()).toBe(true));
    expect(theCore().stop).toHaveBeenCalledTimes(1);
  });

  it('a quit during start-up waits for the core to start, then stops it', async () => {
    await boot();
    app.quit();
    await vi.waitFor(() => expect(app.hasQuit()).toBe(true));
    const core = theCore();
    expect(core.start).toHaveBeenCalledTimes(1);
    expect(core.stop).toHaveBeenCalledTimes(1);
    expect(vi.mocked(core.stop).mock.invocationCallOrder[0]).toBeGreaterThan(
      vi.mocked(core.start).mock.invocationCallOrder[0]!,
    );
  });
});
