import { afterEach, describe, expect, it, vi } from 'vitest';
import { IPC_FRAME_CHANNEL } from '../../src-main/core/protocol/bridge.js';
import type { ResponseFrame } from '../../src-main/core/protocol/frames.js';
import { RENDERER_CSP } from '../../src-main/core/security/csp.js';
import { isAppPage } from '../../src-main/desktop/app-page.js';
import { isTrustedSender } from '../../src-main/desktop/trusted-sender.js';
import {
  BrowserWindow,
  createdWindows,
  globalShortcut,
  invokeEventFrom,
  ipcMain,
  session,
  shell,
  type WebContents,
} from '../mocks/electron.js';
import { bootApp, builtPageUrl, cleanUp, eventsSentTo, preloadPath } from './desktop-app.js';

vi.mock('electron', () => import('../mocks/electron.js'));
vi.mock('../../src-main/core/app.js', async (importOriginal) =>
  (await import('./desktop-app.js')).recordCore(await importOriginal()),
);

afterEach(cleanUp);

/** Boots the app and opens the quick prompt, so the registry has made both kinds of window. */
async function bootWithBothWindows(): Promise<Awaited<ReturnType<typeof bootApp>>> {
  const booted = await bootApp();
  globalShortcut.press('CommandOrControl+Shift+Space');
  await vi.waitFor(() => expect(createdWindows()).toHaveLength(2));
  await vi.waitFor(() => expect(createdWindows()[1]!.isVisible()).toBe(true));
  return booted;
}

async function call(contents: WebContents, method: string, params?: unknown): Promise<ResponseFrame> {
  const frame = JSON.stringify({ type: 'req', id: `r-${Math.random()}`, method, params });
  return JSON.parse((await ipcMain.invoke(IPC_FRAME_CHANNEL, invokeEventFrom(contents), frame)) as string);
}

describe('the window registry: every window it made passes the checklist', () => {
  it('hardened web preferences, hidden until painted, only the app page, with our preload', async () => {
    await bootWithBothWindows();
    const windows = createdWindows();
    expect(windows.map((window) => window.webContents.getURL())).toEqual([
      builtPageUrl,
      `${builtPageUrl}#quick`,
    ]);
    for (const window of windows) {
      const label = window.webContents.getURL();
      expect(window.options.show, label).toBe(false);
      expect(window.options.webPreferences, label).toEqual({
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
      });
      expect(isAppPage(label, builtPageUrl), label).toBe(true);
    }
  });

  it('navigation, window-open and <webview> guards on each window', async () => {
    await bootWithBothWindows();
    for (const window of createdWindows()) {
      const contents = window.webContents;
      const start = contents.getURL();
      expect(contents.attemptNavigation('https://evil.example/'), start).toBe(false);
      expect(contents.attemptRedirect('https://evil.example/landing'), start).toBe(false);
      expect(contents.attemptNavigation('file:///etc/passwd'), start).toBe(false);
      expect(contents.getURL()).toBe(start);

      shell.openExternal.mockClear();
      expect(contents.attemptWindowOpen('https://example.com/docs')).toEqual({ action: 'deny' });
      expect(shell.openExternal).toHaveBeenCalledWith('https://example.com/docs');
      shell.openExternal.mockClear();
      expect(contents.attemptWindowOpen('file:///etc/passwd')).toEqual({ action: 'deny' });
      expect(contents.attemptWindowOpen('https://user:pw@example.com/')).toEqual({ action: 'deny' });
      expect(shell.openExternal).not.toHaveBeenCalled();

      expect(contents.attemptAttachWebview('https://example.com/')).toBe(false);
    }
  });

  it('the session refuses permissions, devices and screen capture, and adds the CSP header', async () => {
    await bootWithBothWindows();
    const ses = session.defaultSession;
    for (const window of createdWindows()) {
      const contents = window.webContents;
      for (const permission of ['media', 'notifications', 'geolocation', 'clipboard-read', 'hid', 'usb']) {
        await expect(ses.requestPermission(contents, permission), permission).resolves.toBe(false);
        expect(ses.checkPermission(contents, permission, 'file://'), permission).toBe(false);
      }
      await expect(ses.requestPermission(contents, 'clipboard-sanitized-write')).resolves.toBe(true);
      await expect(ses.requestDisplayMedia(contents)).resolves.toBeNull();
    }
    expect(ses.displayMediaRequestHandler).not.toBeNull();
    for (const deviceType of ['hid', 'serial', 'usb'] as const) {
      expect(ses.checkDevicePermission({ deviceType, origin: 'file://', device: {} })).toBe(false);
    }
    await expect(
      ses.receiveResponse({ url: builtPageUrl, resourceType: 'mainFrame', responseHeaders: {} }),
    ).resolves.toEqual({ 'Content-Security-Policy': [RENDERER_CSP] });
  });
});

describe('IPC reaches and comes from registered windows only', () => {
  it('core events go to the main window and the quick prompt, not to a stray window on the app page', async () => {
    const { core } = await bootWithBothWindows();
    const [main, quick] = createdWindows();
    // Made outside the registry: even showing the app's page, it is not one of ours.
    const stray = new BrowserWindow();
    await stray.loadURL(builtPageUrl);

    core.bus.emit('conversation.deleted', { id: 'c1' });

    for (const window of [main!, quick!]) {
      expect(eventsSentTo(window.webContents).map((frame) => frame.event)).toContain('conversation.deleted');
    }
    expect(stray.webContents.sent).toEqual([]);
  });

  it('calls from the quick prompt are answered; calls from a stray window are refused', async () => {
    await bootWithBothWindows();
    const quick = createdWindows()[1]!;
    const stray = new BrowserWindow();
    await stray.loadURL(builtPageUrl);

    await expect(call(quick.webContents, 'app.info')).resolves.toMatchObject({ ok: true });
    await expect(call(stray.webContents, 'conversations.create', {})).resolves.toMatchObject({
      ok: false,
      error: { code: 'UNAUTHENTICATED' },
    });
  });
});

describe('the quick prompt page counts as the app page', () => {
  it('with its hash, for the built page and for the dev server; other pages do not', () => {
    expect(isTrustedSender({ url: `${builtPageUrl}#quick`, isMainFrame: true }, builtPageUrl)).toBe(true);
    expect(
      isTrustedSender({ url: 'http://localhost:5173/#quick', isMainFrame: true }, 'http://localhost:5173/'),
    ).toBe(true);
    expect(isTrustedSender({ url: `${builtPageUrl}#quick`, isMainFrame: false }, builtPageUrl)).toBe(false);
    expect(isTrustedSender({ url: 'https://evil.example/#quick', isMainFrame: true }, builtPageUrl)).toBe(
      false,
    );
  });
});
