/**
 * Boots src-main/index.ts against the Electron mock and the real core, for the tests of the
 * desktop shell. The test file must mock 'electron' and wrap createCore with `recordCore`:
 *
 *   vi.mock('electron', () => import('../mocks/electron.js'));
 *   vi.mock('../../src-main/core/app.js', async (importOriginal) =>
 *     (await import('./desktop-app.js')).recordCore(await importOriginal()));
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect, vi } from 'vitest';
import type * as CoreApp from '../../src-main/core/app.js';
import type { Core, CoreOptions } from '../../src-main/core/app.js';
import { createLocalClient, type LocalClient } from '../../src-main/core/gateway/local-client.js';
import { silentLogger } from '../../src-main/core/base/logger.js';
import { IPC_EVENT_CHANNEL } from '../../src-main/core/protocol/bridge.js';
import type { EventFrame } from '../../src-main/core/protocol/frames.js';
import {
  app,
  BrowserWindow,
  createdWindows,
  resetElectronMock,
  type WebContents,
} from '../mocks/electron.js';

export const srcMainDir = fileURLToPath(new URL('../../src-main/', import.meta.url));
export const builtPageUrl = pathToFileURL(join(srcMainDir, '../renderer/index.html')).href;
export const preloadPath = join(srcMainDir, '../preload/index.cjs');
const entryPath = join(srcMainDir, 'index.ts');

// A keychain service of the tests' own, so a test never reads or writes the owner's secrets.
// (Not test/helpers/core.js: it imports the core module this file's recordCore wraps, a cycle.)
const booted: { cores: Core[]; keychainService: string } = {
  cores: [],
  keychainService: `Cell 0 test ${randomUUID()}`,
};

/** The createCore the app gets: the real one, quiet, on a test keychain, recorded for the test. */
export function recordCore(actual: typeof CoreApp): typeof CoreApp {
  return {
    ...actual,
    createCore(options: CoreOptions): Core {
      const core = actual.createCore({
        ...options,
        logger: silentLogger,
        keychainService: booted.keychainService,
      });
      booted.cores.push(core);
      return core;
    },
  };
}

let boots = 0;
const homes: string[] = [];

/** A fresh, empty data directory, removed by cleanUp(). */
export async function freshHome(): Promise<string> {
  const home = await mkdtemp(join(tmpdir(), 'cell0-shell-'));
  homes.push(home);
  return home;
}

/** Starts the app as Electron would (the module runs, then the app is ready) and waits for its window. */
export async function bootApp(options: { dataDir?: string; before?: () => void } = {}): Promise<{
  home: string;
  main: BrowserWindow;
  core: Core;
  client: LocalClient;
}> {
  resetElectronMock();
  booted.cores.length = 0;
  const home = options.dataDir ?? (await freshHome());
  vi.stubEnv('CELL0_HOME', home);
  // Linux launch-at-login writes an XDG autostart entry: keep it inside the test's folder.
  vi.stubEnv('XDG_CONFIG_HOME', join(home, 'xdg-config'));
  vi.stubEnv('ELECTRON_RENDERER_URL', undefined);
  options.before?.();
  await import(/* @vite-ignore */ `${entryPath}?shell=${++boots}`);
  app.emitReady();
  await vi.waitFor(() => expect(createdWindows()).toHaveLength(1));
  const main = createdWindows()[0]!;
  await vi.waitFor(() => expect(main.isVisible()).toBe(true));
  const core = booted.cores[0]!;
  return { home, main, core, client: createLocalClient(core) };
}

export async function quitAndWait(): Promise<void> {
  app.quit();
  await vi.waitFor(() => expect(app.hasQuit()).toBe(true));
}

export async function cleanUp(): Promise<void> {
  if (!app.hasQuit()) await quitAndWait();
  vi.unstubAllEnvs();
  for (const home of homes.splice(0)) await rm(home, { recursive: true, force: true });
}

/** The core events a window's page received, parsed. */
export function eventsSentTo(contents: WebContents): EventFrame[] {
  return contents.sent
    .filter((message) => message.channel === IPC_EVENT_CHANNEL)
    .map((message) => JSON.parse(message.args[0] as string) as EventFrame);
}

/** The `ui.navigate` payloads a window's page received. */
export function navigationsOf(contents: WebContents): unknown[] {
  return eventsSentTo(contents)
    .filter((frame) => frame.event === 'ui.navigate')
    .map((frame) => frame.payload);
}

/** Captures what index.ts logs (its logger writes to stderr) while `run` runs. */
export async function capturingStderr(run: () => Promise<void>): Promise<string> {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    await run();
  } finally {
    spy.mockRestore();
  }
  return lines.join('');
}

export { BrowserWindow };
