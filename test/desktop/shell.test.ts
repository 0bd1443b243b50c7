import { existsSync, readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Message } from '../../src-main/core/protocol/entities.js';
import type { PermissionRequest } from '../../src-main/core/protocol/kernel-entities.js';
import {
  app,
  createdWindows,
  globalShortcut,
  nativeTheme,
  screen,
  shownNotifications,
} from '../mocks/electron.js';
import {
  bootApp,
  builtPageUrl,
  capturingStderr,
  cleanUp,
  navigationsOf,
  quitAndWait,
} from './desktop-app.js';

vi.mock('electron', () => import('../mocks/electron.js'));
vi.mock('../../src-main/core/app.js', async (importOriginal) =>
  (await import('./desktop-app.js')).recordCore(await importOriginal()),
);

const DEFAULT_SHORTCUT = 'CommandOrControl+Shift+Space';

afterEach(cleanUp);

function request(overrides: Partial<PermissionRequest> = {}): PermissionRequest {
  return {
    id: 'req-1',
    conversationId: 'conv-1',
    messageId: 'msg-1',
    toolCallId: 'call-1',
    tool: 'shell',
    args: { command: 'rm -rf build' },
    display: 'rm -rf build',
    preview: null,
    workspace: '/tmp/ws',
    network: false,
    hosts: [],
    reason: null,
    risks: [],
    proposedPattern: 'shell: rm -rf build',
    why: 'no rule covers it',
    unsandboxed: false,
    createdAt: Date.now(),
    ...overrides,
  };
}

function assistantMessage(overrides: Partial<Message> = {}): Message {
  return {
    id: 'msg-7',
    conversationId: 'conv-7',
    index: 1,
    role: 'assistant',
    content: 'The report is done.',
    status: 'complete',
    error: null,
    providerId: 'fake',
    model: 'fake-small',
    usage: null,
    createdAt: Date.now() - 31_000,
    ...overrides,
  };
}

describe('notifications', () => {
  it('a permission request notifies the owner away from the window; a click opens its card', async () => {
    const { main, core } = await bootApp();
    main.blur();
    core.bus.emit('permission.requested', { request: request() });

    expect(shownNotifications()).toHaveLength(1);
    const notification = shownNotifications()[0]!;
    expect(notification.title).toBe('Cell 0 needs your permission');
    expect(notification.body).toBe('shell: rm -rf build');

    main.hide();
    notification.clickByUser();
    expect(main.isVisible()).toBe(true);
    expect(main.isFocused()).toBe(true);
    expect(navigationsOf(main.webContents)).toEqual([
      { conversationId: 'conv-1', messageId: 'msg-1', permissionRequestId: 'req-1' },
    ]);
  });

  it("an agent's swarm proposal notifies the owner away from the window; a click opens its card", async () => {
    const { main, core } = await bootApp();
    main.blur();
    const proposal = {
      id: 'prop-1',
      conversationId: 'conv-3',
      messageId: 'msg-3',
      task: 'Survey the three libraries and compare them',
      reason: null,
      createdAt: Date.now(),
    };
    core.bus.emit('swarm.proposed', { proposal });
    core.bus.emit('swarm.proposed', { proposal });
    expect(shownNotifications().map((n) => [n.title, n.body])).toEqual([
      ['An agent proposes a swarm', 'Survey the three libraries and compare them'],
    ]);
    shownNotifications()[0]!.clickByUser();
    expect(navigationsOf(main.webContents)).toEqual([
      { conversationId: 'conv-3', messageId: 'msg-3', permissionRequestId: null },
    ]);
  });

  it('stays quiet while the owner is looking at the window', async () => {
    const { main, core } = await bootApp();
    expect(main.isFocused()).toBe(true);
    core.bus.emit('permission.requested', { request: request() });
    core.bus.emit('message.updated', { message: assistantMessage() });
    expect(shownNotifications()).toEqual([]);
  });

  it('a long reply that finished while away says so, and a click shows that message', async () => {
    const { main, core } = await bootApp();
    main.blur();
    core.bus.emit('message.updated', { message: assistantMessage({ createdAt: Date.now() - 5_000 }) });
    expect(shownNotifications()).toEqual([]);

    core.bus.emit('message.updated', { message: assistantMessage() });
    core.bus.emit('message.updated', {
      message: assistantMessage({
        id: 'msg-8',
        status: 'error',
        error: { code: 'PROVIDER_ERROR', message: 'The provider is overloaded.' },
      }),
    });
    expect(shownNotifications().map((n) => [n.title, n.body])).toEqual([
      ['Reply ready', 'The report is done.'],
      ['Reply stopped with an error', 'The provider is overloaded.'],
    ]);
    shownNotifications()[0]!.clickByUser();
    expect(main.isFocused()).toBe(true);
    expect(navigationsOf(main.webContents)).toEqual([
      { conversationId: 'conv-7', messageId: 'msg-7', permissionRequestId: null },
    ]);
  });
});

describe('the quick prompt shortcut', () => {
  it('is registered on start, follows the setting (releasing the old one) and is released on quit', async () => {
    const { client } = await bootApp();
    expect([...globalShortcut.registered.keys()]).toEqual([DEFAULT_SHORTCUT]);

    await client.call('settings.setDesktop', { quickPromptShortcut: 'Alt+Space' });
    expect([...globalShortcut.registered.keys()]).toEqual(['Alt+Space']);

    await quitAndWait();
    expect(globalShortcut.registered.size).toBe(0);
  });

  it('a shortcut another app holds, or one that does not parse, is logged and the app goes on', async () => {
    let main!: Awaited<ReturnType<typeof bootApp>>['main'];
    let client!: Awaited<ReturnType<typeof bootApp>>['client'];
    const logged = await capturingStderr(async () => {
      ({ main, client } = await bootApp({
        before: () => globalShortcut.takenByOtherApps.add(DEFAULT_SHORTCUT),
      }));
      await client.call('settings.setDesktop', { quickPromptShortcut: 'Ctrl+Shift+' });
    });
    expect(logged).toContain(`the shortcut "${DEFAULT_SHORTCUT}" could not be registered`);
    expect(logged).toContain('the shortcut "Ctrl+Shift+" is not a valid accelerator');
    expect(globalShortcut.registered.size).toBe(0);
    expect(main.isVisible()).toBe(true);
    expect((await client.call('settings.get')).desktop.quickPromptShortcut).toBe('Ctrl+Shift+');
  });

  it('opens the quick prompt on the display under the pointer, and puts it away on blur or Esc', async () => {
    await bootApp();
    screen.displays = [
      screen.displays[0]!,
      {
        id: 2,
        bounds: { x: 1920, y: 0, width: 2560, height: 1440 },
        workArea: { x: 1920, y: 0, width: 2560, height: 1400 },
        scaleFactor: 2,
      },
    ];
    screen.cursor = { x: 2500, y: 700 };
    globalShortcut.press(DEFAULT_SHORTCUT);

    await vi.waitFor(() => expect(createdWindows()).toHaveLength(2));
    const quick = createdWindows()[1]!;
    await vi.waitFor(() => expect(quick.isVisible()).toBe(true));
    expect(quick.webContents.getURL()).toBe(`${builtPageUrl}#quick`);
    expect(quick.options).toMatchObject({ frame: false, alwaysOnTop: true, skipTaskbar: true, show: false });
    expect(quick.isAlwaysOnTop()).toBe(true);
    expect(quick.getBounds()).toEqual({ x: 1920 + 960, y: 610, width: 640, height: 180 });

    quick.blur();
    expect(quick.isVisible()).toBe(false);
    globalShortcut.press(DEFAULT_SHORTCUT);
    expect(quick.isVisible()).toBe(true);
    globalShortcut.press(DEFAULT_SHORTCUT);
    expect(quick.isVisible()).toBe(false);

    // The page's window.close() on Esc: hidden, kept for the next press.
    globalShortcut.press(DEFAULT_SHORTCUT);
    expect(quick.close()).toBe(false);
    expect(quick.isVisible()).toBe(false);
    expect(quick.isDestroyed()).toBe(false);
    expect(createdWindows()).toHaveLength(2);

    await quitAndWait();
    expect(quick.isDestroyed()).toBe(true);
  });
});

describe('closing, quitting and launching again', () => {
  it('closing the window keeps Cell 0 in the tray while close-to-tray is on', async () => {
    const { main } = await bootApp();
    expect(main.close()).toBe(false);
    expect(main.isVisible()).toBe(false);
    expect(main.isDestroyed()).toBe(false);
    expect(app.hasQuit()).toBe(false);
    // Even with no window left on screen (the quick prompt closed too), the tray keeps it running.
    app.emit('window-all-closed');
    expect(app.hasQuit()).toBe(false);
  });

  it('closing the window quits when close-to-tray is off', async () => {
    const { main, client } = await bootApp();
    await client.call('settings.setDesktop', { closeToTray: false });
    expect(main.close()).toBe(true);
    await vi.waitFor(() => expect(app.hasQuit()).toBe(true));
  });

  it('a second launch brings back a window hidden in the tray; a dock click does too', async () => {
    const { main } = await bootApp();
    main.close();
    expect(main.isVisible()).toBe(false);
    app.launchSecondInstance(['cell0']);
    expect(main.isVisible()).toBe(true);
    expect(main.isFocused()).toBe(true);

    main.close();
    app.activate(false);
    expect(main.isVisible()).toBe(true);
    expect(createdWindows()).toHaveLength(1);
  });
});

describe('desktop settings', () => {
  it('launch at login and the theme follow the setting, at start and on change', async () => {
    const { client, home } = await bootApp();
    // Electron's login items on macOS and Windows; an XDG autostart entry on Linux.
    const autostart = join(home, 'xdg-config', 'autostart', 'cell0.desktop');
    const launchesAtLogin = () =>
      process.platform === 'linux' ? existsSync(autostart) : app.loginItemSettings.openAtLogin;
    expect(launchesAtLogin()).toBe(false);
    expect(nativeTheme.themeSource).toBe('system');

    await client.call('settings.setDesktop', { launchAtLogin: true, theme: 'dark' });
    expect(launchesAtLogin()).toBe(true);
    if (process.platform === 'linux') expect(readFileSync(autostart, 'utf8')).toMatch(/^Exec=".+"$/m);
    expect(nativeTheme.themeSource).toBe('dark');
    await quitAndWait();

    // The next start applies what was saved.
    await bootApp({ dataDir: home });
    expect(launchesAtLogin()).toBe(true);
    expect(nativeTheme.themeSource).toBe('dark');

    await client.call('settings.setDesktop', { launchAtLogin: false }).catch(() => undefined);
  });
});

describe('the main window’s size and position', () => {
  it('are saved on move and close, and restored on the next start', async () => {
    const { main, home } = await bootApp();
    main.moveByUser({ x: 200, y: 150, width: 1000, height: 700 });
    main.maximize();
    await quitAndWait();
    const saved = JSON.parse(await readFile(join(home, 'window-state.json'), 'utf8')) as unknown;
    expect(saved).toEqual({ main: { x: 200, y: 150, width: 1000, height: 700, maximized: true } });

    const again = await bootApp({ dataDir: home });
    expect(again.main.options).toMatchObject({ x: 200, y: 150, width: 1000, height: 700 });
    expect(again.main.isMaximized()).toBe(true);
    again.main.unmaximize();
    expect(again.main.getBounds()).toEqual({ x: 200, y: 150, width: 1000, height: 700 });
  });

  it('are ignored when the saved place is on no display any more', async () => {
    const { home } = await bootApp();
    await quitAndWait();
    await writeFile(
      join(home, 'window-state.json'),
      JSON.stringify({ main: { x: 4000, y: 100, width: 1000, height: 700, maximized: false } }),
    );
    const { main } = await bootApp({ dataDir: home });
    expect(main.options.x).toBeUndefined();
    expect(main.options.y).toBeUndefined();
    expect(main.options).toMatchObject({ width: 1200, height: 800 });
  });
});
