/**
 * What the checkpoints learn from the desktop app: each open window's web preferences as Electron
 * applied them, whether the registry's guards are on it, and the packaged binary's fuses.
 */
import { readFile } from 'node:fs/promises';
import type { BrowserWindow, WebPreferences } from 'electron';
import type { DesktopProbe } from '../core/checkpoints/checkpoint.js';
import { isHardened } from './hardening.js';

/** Electron's fuse wire: this sentinel, a version byte, a length byte, then one byte per fuse. */
const SENTINEL = Buffer.from('dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX');
/** The V1 fuses in wire order (@electron/fuses' FuseV1Options). */
const FUSE_NAMES = [
  'RunAsNode',
  'EnableCookieEncryption',
  'EnableNodeOptionsEnvironmentVariable',
  'EnableNodeCliInspectArguments',
  'EnableEmbeddedAsarIntegrityValidation',
  'OnlyLoadAppFromAsar',
  'LoadBrowserProcessSpecificV8Snapshot',
  'GrantFileProtocolExtraPrivileges',
];

/** The fuses of an Electron binary by name; '1' is on, anything else ('0', 'r' removed) off. */
export function parseFuseWire(binary: Buffer): Record<string, boolean> | null {
  const at = binary.indexOf(SENTINEL);
  if (at < 0) return null;
  const length = binary[at + SENTINEL.length + 1] ?? 0;
  const wire = binary.subarray(at + SENTINEL.length + 2, at + SENTINEL.length + 2 + length);
  return Object.fromEntries(FUSE_NAMES.slice(0, wire.length).map((name, i) => [name, wire[i] === 0x31]));
}

export function desktopProbe(options: {
  /** Each open window with the web preferences the registry made it with. */
  windows: () => { role: string; window: BrowserWindow; prefs: WebPreferences }[];
  isPackaged: boolean;
  execPath: string;
}): DesktopProbe {
  return {
    windows: () =>
      options.windows().map(({ role, window, prefs }) => {
        return {
          role,
          contextIsolation: prefs.contextIsolation === true,
          sandbox: prefs.sandbox === true,
          nodeIntegration: prefs.nodeIntegration === true || prefs.nodeIntegrationInSubFrames === true,
          webSecurity: prefs.webSecurity !== false,
          navigationGuarded: isHardened(window.webContents),
        };
      }),
    fuses: async () => (options.isPackaged ? parseFuseWire(await readFile(options.execPath)) : null),
  };
}
